/**
 * The SQL subset of the course's PostgreSQL: a parser from text to statements. Anything outside the
 * subset is refused with SQLSTATE 0A000 "… is not supported by the course's database", never
 * answered differently from PostgreSQL (test/differential/postgres.test.ts compares the two).
 */
import { Cursor, SyntaxErr, type Tok, lex } from './lex';
import { PgError } from './pg-types';

export type Term =
  | { kind: 'bind'; index: number }
  | { kind: 'str'; value: string }
  | { kind: 'num'; value: number; raw: string; integer: boolean }
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' }
  | { kind: 'now' };

export type CmpOp = '=' | '!=' | '<' | '>' | '<=' | '>=';
export type Cond = { col: string; op: CmpOp | 'is null' | 'is not null'; term?: Term };
export type SetItem = { col: string; term: Term; add?: { col: string; sign: 1 | -1 } };
export type Cols = string[] | '*';

export type SqlStmt =
  | { type: 'select-const'; cols: Array<{ name: string; term: Term }> }
  | { type: 'select'; table: string; cols: Cols | 'count'; where: Cond[]; order?: { col: string; desc: boolean }; limit?: Term }
  | { type: 'insert'; table: string; cols: string[]; rows: Term[][]; onConflictNothing: boolean; conflictTarget?: string[]; returning?: Cols }
  | { type: 'update'; table: string; sets: SetItem[]; where: Cond[]; returning?: Cols }
  | { type: 'delete'; table: string; where: Cond[]; returning?: Cols }
  /** `tag`: the command word PostgreSQL answers with (START TRANSACTION → START, END → COMMIT) */
  | { type: 'tx'; op: 'BEGIN' | 'COMMIT' | 'ROLLBACK'; tag: string };

export interface ParsedSql {
  stmt: SqlStmt;
  maxParam: number;
  literals: unknown[];
}

export const SUPPORTED_SQL =
  'SELECT … FROM t [WHERE a = … AND …] [ORDER BY c [DESC]] [LIMIT n], SELECT count(*) FROM t [WHERE …], INSERT INTO t (…) VALUES (…)[, (…)] [ON CONFLICT DO NOTHING] [RETURNING …], UPDATE t SET c = …, c = c + n WHERE … [RETURNING …], DELETE FROM t WHERE … [RETURNING …], BEGIN/COMMIT/ROLLBACK, SELECT 1';

export function unsupported(part: string): never {
  throw new PgError('0A000', `${part} is not supported by the course's database (a subset of PostgreSQL). Supported: ${SUPPORTED_SQL}.`);
}

/** PostgreSQL's wording for a token the grammar cannot take. */
function syntaxError(c: Cursor, t: Tok = c.peek()): PgError {
  if (t.k === 'eof') return new PgError('42601', 'syntax error at end of input');
  return new PgError('42601', `syntax error at or near "${c.show(t)}"`);
}

/**
 * A token the subset's grammar does not expect. PostgreSQL's grammar is larger, so only a few
 * cases are certainly syntax errors there too (the end of input, a statement keyword it does not
 * know, a misplaced punctuation mark right after a keyword); everything else is "not supported".
 */
function unexpected(c: Cursor): never {
  const t = c.peek();
  if (t.k === 'eof') throw syntaxError(c, t);
  unsupported(`'${c.show(t)}' at this place`);
}

class P {
  maxParam = 0;
  literals: unknown[] = [];
  constructor(readonly c: Cursor) {}
  expectKw(up: string): void {
    if (!this.c.acceptKw(up)) unexpected(this.c);
  }
  expectP(v: string): void {
    if (!this.c.acceptP(v)) unexpected(this.c);
  }
  ident(): string {
    const t = this.c.peek();
    if (t.k !== 'id') unexpected(this.c);
    this.c.i++;
    return (t as { v: string }).v;
  }
  term(): Term {
    const c = this.c;
    const t = c.peek();
    if (t.k === 'bind') {
      c.next();
      if (t.v < 1) throw new PgError('42P02', `there is no parameter $${t.v}`);
      this.maxParam = Math.max(this.maxParam, t.v);
      return this.noCast({ kind: 'bind', index: t.v - 1 });
    }
    if (t.k === 'str') { c.next(); this.literals.push(t.v); return this.noCast({ kind: 'str', value: t.v }); }
    if (t.k === 'num') {
      c.next();
      this.literals.push(t.v);
      return this.noCast({ kind: 'num', value: t.v, raw: t.raw, integer: /^-?\d+$/.test(t.raw) });
    }
    if (t.k === 'id' && !t.quoted) {
      if (t.up === 'TRUE' || t.up === 'FALSE') { c.next(); this.literals.push(t.up === 'TRUE'); return this.noCast({ kind: 'bool', value: t.up === 'TRUE' }); }
      if (t.up === 'NULL') { c.next(); return this.noCast({ kind: 'null' }); }
      if (t.up === 'NOW' && c.isP('(', 1)) { c.next(); this.expectP('('); this.expectP(')'); return this.noCast({ kind: 'now' }); }
      if (c.isP('(', 1)) unsupported(`the function '${t.v}(…)'`);
    }
    return unexpected(c);
  }
  noCast(t: Term): Term {
    if (this.c.isP('::')) unsupported("a type cast ('::')");
    if (this.c.isP('||')) unsupported("string concatenation ('||')");
    return t;
  }
  cols(): Cols {
    const c = this.c;
    if (c.acceptP('*')) return '*';
    const out: string[] = [];
    do out.push(this.ident());
    while (c.acceptP(','));
    return out;
  }
  where(): Cond[] {
    const c = this.c;
    if (!c.acceptKw('WHERE')) return [];
    const out: Cond[] = [];
    do {
      if (c.isP('(')) unsupported('parentheses in WHERE');
      const col = this.ident();
      if (c.acceptKw('IS')) {
        const not = c.acceptKw('NOT');
        if (!c.acceptKw('NULL')) unexpected(c);
        out.push({ col, op: not ? 'is not null' : 'is null' });
        continue;
      }
      if (c.isKw('IN') || c.isKw('NOT')) unsupported("'IN (…)' and 'NOT …'");
      if (c.isKw('LIKE') || c.isKw('ILIKE')) unsupported('LIKE');
      if (c.isKw('BETWEEN')) unsupported('BETWEEN');
      const t = c.peek();
      if (t.k !== 'p' || !['=', '!=', '<>', '<', '>', '<=', '>='].includes(t.v)) unexpected(c);
      c.next();
      const tv = (t as { v: string }).v;
      out.push({ col, op: (tv === '<>' ? '!=' : tv) as CmpOp, term: this.term() });
    } while (c.acceptKw('AND'));
    if (c.isKw('OR')) unsupported('OR in WHERE');
    return out;
  }
  returning(): Cols | undefined {
    return this.c.acceptKw('RETURNING') ? this.cols() : undefined;
  }
  /** Name the first construct of full PostgreSQL the subset lacks, wherever it stands. */
  rejectExtensions(): void {
    const known: Record<string, string> = { FOR: 'SELECT … FOR UPDATE', OFFSET: 'OFFSET', GROUP: 'GROUP BY', HAVING: 'HAVING', JOIN: 'JOIN', UNION: 'UNION', INTERSECT: 'INTERSECT', EXCEPT: 'EXCEPT', WINDOW: 'WINDOW', FETCH: 'FETCH' };
    for (const t of this.c.toks) {
      if (t.k === 'id' && !t.quoted && known[t.up]) unsupported(known[t.up]);
    }
  }
  end(): void {
    const c = this.c;
    c.acceptP(';');
    if (c.peek().k !== 'eof') unexpected(c);
  }
}

const STATEMENTS = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'BEGIN', 'COMMIT', 'ROLLBACK', 'START', 'END', 'ABORT']);
const OTHER_STATEMENTS = new Set(['CREATE', 'DROP', 'ALTER', 'TRUNCATE', 'WITH', 'LOCK', 'COPY', 'VALUES', 'TABLE', 'EXPLAIN', 'SET', 'SHOW', 'SAVEPOINT', 'RELEASE', 'PREPARE', 'EXECUTE', 'DEALLOCATE', 'GRANT', 'REVOKE', 'VACUUM', 'ANALYZE', 'MERGE', 'CALL', 'DO', 'LISTEN', 'NOTIFY', 'DECLARE', 'FETCH', 'CLOSE', 'RESET', 'DISCARD', 'COMMENT', 'REINDEX', 'CLUSTER', 'CHECKPOINT', 'REFRESH', 'IMPORT', 'SECURITY', 'LOAD']);

export function parseSql(text: string): ParsedSql {
  if (typeof text !== 'string') throw new TypeError('Client was passed a null or undefined query');
  let c: Cursor;
  try {
    c = new Cursor(lex(text, 'sql'), text);
  } catch (e) {
    if (e instanceof SyntaxErr) throw lexError(e, text);
    throw e;
  }
  const p = new P(c);
  try {
    const first = c.peek();
    if (first.k === 'id' && STATEMENTS.has(first.up)) p.rejectExtensions();
    const stmt = parseStmt(p, c);
    p.end();
    return { stmt, maxParam: p.maxParam, literals: p.literals };
  } catch (e) {
    if (e instanceof SyntaxErr) unexpected(c);
    throw e;
  }
}

function lexError(e: SyntaxErr, text: string): PgError {
  const m = /starting at character (\d+)/.exec(e.message);
  if (m && /unterminated string/.test(e.message)) {
    return new PgError('42601', `unterminated quoted string at or near "${text.slice(Number(m[1]) - 1)}"`);
  }
  if (/unterminated quoted identifier/.test(e.message)) {
    const at = /character (\d+)/.exec(e.message);
    return new PgError('42601', `unterminated quoted identifier at or near "${text.slice(Number(at?.[1] ?? 1) - 1)}"`);
  }
  return new PgError('0A000', `${e.message}: not supported by the course's database (a subset of PostgreSQL)`);
}

function parseStmt(p: P, c: Cursor): SqlStmt {
  const t = c.peek();
  if (t.k === 'eof' || (t.k === 'p' && t.v === ';')) unsupported('an empty query');
  const kw = t.k === 'id' && !t.quoted ? t.up : '';
  if (OTHER_STATEMENTS.has(kw)) unsupported(`${kw} statements`);
  if (!STATEMENTS.has(kw)) throw syntaxError(c, t);
  c.next();
  switch (kw) {
    case 'BEGIN': case 'COMMIT': case 'ROLLBACK': case 'END': case 'ABORT':
      c.acceptKw('TRANSACTION') || c.acceptKw('WORK');
      if (kw === 'END') return { type: 'tx', op: 'COMMIT', tag: 'COMMIT' };
      if (kw === 'ABORT') return { type: 'tx', op: 'ROLLBACK', tag: 'ROLLBACK' };
      return { type: 'tx', op: kw, tag: kw };
    case 'START':
      p.expectKw('TRANSACTION');
      return { type: 'tx', op: 'BEGIN', tag: 'START' };
    case 'SELECT':
      return parseSelect(p, c);
    case 'INSERT':
      return parseInsert(p, c);
    case 'UPDATE':
      return parseUpdate(p, c);
    default:
      return parseDelete(p, c);
  }
}

function isConstStart(c: Cursor): boolean {
  const first = c.peek();
  if (first.k === 'num' || first.k === 'str' || first.k === 'bind') return true;
  return first.k === 'id' && !first.quoted && (['NULL', 'TRUE', 'FALSE'].includes(first.up) || (first.up === 'NOW' && c.isP('(', 1)));
}

function parseSelect(p: P, c: Cursor): SqlStmt {
  if (c.isKw('DISTINCT')) unsupported('SELECT DISTINCT');
  if (c.peek().k === 'eof' || c.isP(';')) unsupported('SELECT without a select list');
  if (c.isKw('COUNT') && c.isP('(', 1)) {
    c.next(); p.expectP('('); p.expectP('*'); p.expectP(')');
    if (c.isKw('AS')) unsupported('an alias for count(*)');
    p.expectKw('FROM');
    const table = p.ident();
    return { type: 'select', table, cols: 'count', where: p.where() };
  }
  if (isConstStart(c)) return parseSelectConst(p, c);
  const cols = p.cols();
  if (c.isKw('AS') || c.isP('(')) unsupported('aliases and expressions in the select list');
  p.expectKw('FROM');
  const table = p.ident();
  if (c.isP(',')) unsupported('selecting from several tables');
  if (c.peek().k === 'id' && !['WHERE', 'ORDER', 'LIMIT', 'FOR', 'OFFSET', 'GROUP', 'JOIN', 'UNION', 'HAVING'].includes((c.peek() as { up: string }).up)) {
    unsupported('a table alias');
  }
  const where = p.where();
  let order: { col: string; desc: boolean } | undefined;
  if (c.acceptKw('ORDER')) {
    p.expectKw('BY');
    const col = p.ident();
    const desc = c.acceptKw('DESC');
    if (!desc) c.acceptKw('ASC');
    if (c.isKw('NULLS')) unsupported('NULLS FIRST/LAST');
    if (c.isP(',')) unsupported('ORDER BY several columns');
    order = { col, desc };
  }
  let limit: Term | undefined;
  if (c.acceptKw('LIMIT')) {
    if (c.isKw('ALL')) unsupported('LIMIT ALL');
    limit = p.term();
  }
  return { type: 'select', table, cols, where, order, limit };
}

function parseSelectConst(p: P, c: Cursor): SqlStmt {
  const cols: Array<{ name: string; term: Term }> = [];
  do {
    const term = p.term();
    if (c.isP('+') || c.isP('-') || c.isP('*') || c.isP('/')) unsupported('arithmetic in the select list');
    let name = term.kind === 'now' ? 'now' : '?column?';
    if (c.acceptKw('AS')) name = p.ident();
    cols.push({ name, term });
  } while (c.acceptP(','));
  if (c.isKw('FROM')) unsupported('selecting constants FROM a table');
  return { type: 'select-const', cols };
}

function parseInsert(p: P, c: Cursor): SqlStmt {
  p.expectKw('INTO');
  const table = p.ident();
  if (!c.isP('(')) unsupported('INSERT without a column list');
  p.expectP('(');
  const cols: string[] = [];
  do cols.push(p.ident());
  while (c.acceptP(','));
  p.expectP(')');
  if (c.isKw('SELECT')) unsupported('INSERT … SELECT');
  if (c.isKw('DEFAULT')) unsupported('DEFAULT VALUES');
  p.expectKw('VALUES');
  const rows: Term[][] = [];
  do {
    p.expectP('(');
    const row: Term[] = [];
    do {
      if (c.isKw('DEFAULT')) unsupported('DEFAULT in VALUES');
      row.push(p.term());
    } while (c.acceptP(','));
    p.expectP(')');
    rows.push(row);
  } while (c.acceptP(','));
  let onConflictNothing = false;
  let conflictTarget: string[] | undefined;
  if (c.acceptKw('ON')) {
    p.expectKw('CONFLICT');
    if (c.acceptP('(')) {
      conflictTarget = [];
      do conflictTarget.push(p.ident());
      while (c.acceptP(','));
      p.expectP(')');
    }
    if (c.isKw('ON')) unsupported('ON CONFLICT ON CONSTRAINT');
    p.expectKw('DO');
    if (c.isKw('UPDATE')) unsupported('ON CONFLICT … DO UPDATE');
    p.expectKw('NOTHING');
    onConflictNothing = true;
  }
  return { type: 'insert', table, cols, rows, onConflictNothing, conflictTarget, returning: p.returning() };
}

function parseUpdate(p: P, c: Cursor): SqlStmt {
  const table = p.ident();
  p.expectKw('SET');
  const sets: SetItem[] = [];
  do {
    if (c.isP('(')) unsupported('SET (a, b) = …');
    const col = p.ident();
    p.expectP('=');
    const t2 = c.peek();
    if (t2.k === 'id' && !t2.quoted && (c.isP('+', 1) || c.isP('-', 1))) {
      const src = p.ident();
      const sign = (c.next() as { v: string }).v === '-' ? -1 : 1;
      sets.push({ col, term: p.term(), add: { col: src, sign } });
    } else if (t2.k === 'id' && !t2.quoted && !['NULL', 'TRUE', 'FALSE', 'NOW', 'DEFAULT'].includes(t2.up)) {
      unsupported('setting a column from another column');
    } else if (t2.k === 'id' && t2.up === 'DEFAULT') {
      unsupported('SET … = DEFAULT');
    } else sets.push({ col, term: p.term() });
    if (c.isP('+') || c.isP('-') || c.isP('*') || c.isP('/')) unsupported('arithmetic other than column + value');
  } while (c.acceptP(','));
  if (c.isKw('FROM')) unsupported('UPDATE … FROM');
  const where = p.where();
  if (where.length === 0) unsupported('UPDATE without WHERE');
  return { type: 'update', table, sets, where, returning: p.returning() };
}

function parseDelete(p: P, c: Cursor): SqlStmt {
  p.expectKw('FROM');
  const table = p.ident();
  if (c.isKw('USING')) unsupported('DELETE … USING');
  const where = p.where();
  if (where.length === 0) unsupported('DELETE without WHERE');
  return { type: 'delete', table, where, returning: p.returning() };
}
