/** PostgreSQL-like source of truth: a single linearizable node and the SQL subset the course uses. */
import { Cursor, SyntaxErr, lex } from './lex';
import { type SqlTable, checkValue } from './schema';

export class PgError extends Error {
  code: string;
  severity = 'ERROR';
  constructor(code: string, message: string) {
    super(message);
    this.name = 'error';
    this.code = code;
  }
}

type Term = { kind: 'bind'; index: number } | { kind: 'lit'; value: unknown } | { kind: 'now' };
type Cond = { col: string; op: '=' | '!=' | '<' | '>' | '<=' | '>=' | 'is null' | 'is not null'; term?: Term };
type SetItem = { col: string; term: Term; add?: { col: string; sign: 1 | -1 } };

export type SqlStmt =
  | { type: 'select-const'; cols: Array<{ name: string; term: Term }> }
  | { type: 'select'; table: string; cols: string[] | '*' | 'count'; where: Cond[]; order?: { col: string; desc: boolean }; limit?: Term }
  | { type: 'insert'; table: string; cols: string[]; rows: Term[][]; onConflictNothing: boolean; returning?: string[] | '*' }
  | { type: 'update'; table: string; sets: SetItem[]; where: Cond[]; returning?: string[] | '*' }
  | { type: 'delete'; table: string; where: Cond[]; returning?: string[] | '*' }
  | { type: 'tx'; op: 'BEGIN' | 'COMMIT' | 'ROLLBACK' };

export interface ParsedSql {
  stmt: SqlStmt;
  maxParam: number;
  literals: unknown[];
}

function unsupported(part: string): never {
  throw new PgError('0A000', `The course simulator does not support ${part} in SQL. Supported: SELECT … FROM t [WHERE …] [ORDER BY …] [LIMIT n], INSERT … VALUES … [ON CONFLICT DO NOTHING] [RETURNING …], UPDATE t SET … WHERE …, DELETE FROM t WHERE …, BEGIN/COMMIT/ROLLBACK, SELECT 1.`);
}

class P {
  maxParam = 0;
  literals: unknown[] = [];
  constructor(readonly c: Cursor) {}
  term(): Term {
    const c = this.c;
    const t = c.peek();
    if (t.k === 'bind') { c.next(); if (t.v < 1) c.fail('$1…'); this.maxParam = Math.max(this.maxParam, t.v); return this.cast({ kind: 'bind', index: t.v - 1 }); }
    if (t.k === 'str') { c.next(); this.literals.push(t.v); return this.cast({ kind: 'lit', value: t.v }); }
    if (t.k === 'num') { c.next(); this.literals.push(t.v); return { kind: 'lit', value: t.v }; }
    if (t.k === 'id' && !t.quoted) {
      if (t.up === 'TRUE' || t.up === 'FALSE') { c.next(); this.literals.push(t.up === 'TRUE'); return { kind: 'lit', value: t.up === 'TRUE' }; }
      if (t.up === 'NULL') { c.next(); return { kind: 'lit', value: null }; }
      if (t.up === 'NOW' && c.isP('(', 1)) { c.next(); c.expectP('('); c.expectP(')'); return { kind: 'now' }; }
      if (c.isP('(', 1)) unsupported(`the function '${t.v}(…)'`);
    }
    return c.fail('a value or $n');
  }
  cast(t: Term): Term {
    if (this.c.acceptP('::')) this.c.ident('a type name');
    return t;
  }
  cols(): string[] | '*' {
    const c = this.c;
    if (c.acceptP('*')) return '*';
    const out: string[] = [];
    do out.push(c.ident('a column name'));
    while (c.acceptP(','));
    return out;
  }
  where(): Cond[] {
    const c = this.c;
    if (!c.acceptKw('WHERE')) return [];
    const out: Cond[] = [];
    do {
      const col = c.ident('a column name');
      if (c.acceptKw('IS')) {
        const not = c.acceptKw('NOT');
        c.expectKw('NULL');
        out.push({ col, op: not ? 'is not null' : 'is null' });
        continue;
      }
      if (c.isKw('IN')) unsupported("'IN (…)'");
      if (c.isKw('LIKE')) unsupported('LIKE');
      const t = c.next();
      if (t.k !== 'p' || !['=', '!=', '<>', '<', '>', '<=', '>='].includes(t.v)) { c.i--; c.fail("'=', '<', '>' …"); }
      const tv = (t as { v: string }).v;
      const op = (tv === '<>' ? '!=' : tv) as Cond['op'];
      out.push({ col, op, term: this.term() });
    } while (c.acceptKw('AND'));
    if (c.isKw('OR')) unsupported('OR in WHERE');
    return out;
  }
  returning(): string[] | '*' | undefined {
    return this.c.acceptKw('RETURNING') ? this.cols() : undefined;
  }
  end(): void {
    const c = this.c;
    if (c.isKw('FOR')) unsupported('SELECT … FOR UPDATE');
    if (c.isKw('OFFSET')) unsupported('OFFSET');
    if (c.isKw('GROUP')) unsupported('GROUP BY');
    for (let k = c.i; k < c.toks.length; k++) {
      const t = c.toks[k];
      if (t.k === 'id' && !t.quoted && t.up === 'JOIN') unsupported('JOIN');
      if (t.k === 'id' && !t.quoted && t.up === 'UNION') unsupported('UNION');
    }
    c.acceptP(';');
    if (c.peek().k !== 'eof') {
      const t = c.peek();
      throw new PgError('42601', `syntax error at or near "${c.show(t)}"`);
    }
  }
}

export function parseSql(text: string): ParsedSql {
  if (typeof text !== 'string') throw new TypeError('Client was passed a null or undefined query');
  let c: Cursor;
  try {
    c = new Cursor(lex(text, 'sql'), text);
  } catch (e) {
    if (e instanceof SyntaxErr) throw new PgError('42601', `syntax error: ${e.message}`);
    throw e;
  }
  const p = new P(c);
  try {
    const stmt = parseStmt(p, c);
    p.end();
    return { stmt, maxParam: p.maxParam, literals: p.literals };
  } catch (e) {
    if (e instanceof SyntaxErr) {
      const t = c.peek();
      throw new PgError('42601', `syntax error at or near "${c.show(t)}"`);
    }
    throw e;
  }
}

function parseStmt(p: P, c: Cursor): SqlStmt {
  const t = c.next();
  const kw = t.k === 'id' ? t.up : '';
  switch (kw) {
    case 'BEGIN': case 'COMMIT': case 'ROLLBACK':
      c.acceptKw('TRANSACTION') || c.acceptKw('WORK');
      return { type: 'tx', op: kw };
    case 'START':
      c.expectKw('TRANSACTION');
      return { type: 'tx', op: 'BEGIN' };
    case 'SELECT': {
      if (c.isKw('DISTINCT')) unsupported('SELECT DISTINCT');
      if (c.isKw('COUNT') && c.isP('(', 1)) {
        c.next(); c.expectP('('); c.expectP('*'); c.expectP(')');
        c.expectKw('FROM');
        const table = c.ident('a table name');
        return { type: 'select', table, cols: 'count', where: p.where() };
      }
      // SELECT 1 / SELECT now()
      const first = c.peek();
      if (first.k === 'num' || first.k === 'str' || first.k === 'bind' || (first.k === 'id' && first.up === 'NOW' && c.isP('(', 1))) {
        const cols: Array<{ name: string; term: Term }> = [];
        do {
          const term = p.term();
          let name = term.kind === 'now' ? 'now' : '?column?';
          if (c.acceptKw('AS')) name = c.ident('a column alias');
          cols.push({ name, term });
        } while (c.acceptP(','));
        if (c.isKw('FROM')) unsupported('SELECT of constants FROM a table');
        return { type: 'select-const', cols };
      }
      const cols = p.cols();
      c.expectKw('FROM');
      const table = c.ident('a table name');
      if (c.isP(',')) unsupported('selecting from several tables');
      const where = p.where();
      let order: { col: string; desc: boolean } | undefined;
      if (c.acceptKw('ORDER')) {
        c.expectKw('BY');
        const col = c.ident('a column name');
        const desc = c.acceptKw('DESC');
        if (!desc) c.acceptKw('ASC');
        if (c.isP(',')) unsupported('ORDER BY several columns');
        order = { col, desc };
      }
      let limit: Term | undefined;
      if (c.acceptKw('LIMIT')) limit = p.term();
      return { type: 'select', table, cols, where, order, limit };
    }
    case 'INSERT': {
      c.expectKw('INTO');
      const table = c.ident('a table name');
      c.expectP('(');
      const cols: string[] = [];
      do cols.push(c.ident('a column name'));
      while (c.acceptP(','));
      c.expectP(')');
      if (c.isKw('SELECT')) unsupported('INSERT … SELECT');
      c.expectKw('VALUES');
      const rows: Term[][] = [];
      do {
        c.expectP('(');
        const row: Term[] = [];
        do row.push(p.term());
        while (c.acceptP(','));
        c.expectP(')');
        if (row.length !== cols.length) throw new PgError('42601', `INSERT has ${row.length > cols.length ? 'more expressions than target columns' : 'more target columns than expressions'}`);
        rows.push(row);
      } while (c.acceptP(','));
      let onConflictNothing = false;
      if (c.acceptKw('ON')) {
        c.expectKw('CONFLICT');
        if (c.acceptP('(')) { do c.ident(); while (c.acceptP(',')); c.expectP(')'); }
        c.expectKw('DO');
        if (c.isKw('UPDATE')) unsupported('ON CONFLICT … DO UPDATE');
        c.expectKw('NOTHING');
        onConflictNothing = true;
      }
      return { type: 'insert', table, cols, rows, onConflictNothing, returning: p.returning() };
    }
    case 'UPDATE': {
      const table = c.ident('a table name');
      c.expectKw('SET');
      const sets: SetItem[] = [];
      do {
        const col = c.ident('a column name');
        c.expectP('=');
        const t2 = c.peek();
        if (t2.k === 'id' && !t2.quoted && (c.isP('+', 1) || c.isP('-', 1))) {
          const src = c.ident();
          const opTok = c.next() as { v: string };
          const sign = opTok.v === '-' ? -1 : 1;
          sets.push({ col, term: p.term(), add: { col: src, sign } });
        } else sets.push({ col, term: p.term() });
      } while (c.acceptP(','));
      const where = p.where();
      if (where.length === 0) unsupported('UPDATE without WHERE');
      return { type: 'update', table, sets, where, returning: p.returning() };
    }
    case 'DELETE': {
      c.expectKw('FROM');
      const table = c.ident('a table name');
      const where = p.where();
      if (where.length === 0) unsupported('DELETE without WHERE');
      return { type: 'delete', table, where, returning: p.returning() };
    }
    case 'CREATE': case 'DROP': case 'ALTER': case 'TRUNCATE': case 'WITH': case 'LOCK': case 'COPY':
      unsupported(`${kw} statements`);
    default:
      c.i = 0;
      throw new PgError('42601', `syntax error at or near "${c.show(c.peek())}"`);
  }
}

export type PgRow = Record<string, unknown>;

export interface PgResultData {
  command: string;
  rows: PgRow[];
  rowCount: number;
  fields: Array<{ name: string }>;
}

/** The database: tables of rows keyed by primary key, executing one statement at a time. */
export class PgDatabase {
  readonly tables = new Map<string, Map<unknown, PgRow>>();
  private seqs = new Map<string, number>();
  constructor(readonly defs: Record<string, SqlTable>, private nowMs: () => number) {
    for (const t of Object.keys(defs)) this.tables.set(t, new Map());
  }

  private def(table: string): SqlTable {
    const d = this.defs[table];
    if (!d) throw new PgError('42P01', `relation "${table}" does not exist`);
    return d;
  }

  private checkCol(table: string, col: string): void {
    if (!(col in this.def(table).columns)) throw new PgError('42703', `column "${col}" of relation "${table}" does not exist`);
  }

  private nextSeq(name: string): number {
    const v = (this.seqs.get(name) ?? 0) + 1;
    this.seqs.set(name, v);
    return v;
  }

  private value(t: Term, params: readonly unknown[]): unknown {
    if (t.kind === 'bind') return params[t.index] === undefined ? null : params[t.index];
    if (t.kind === 'now') return this.nowMs();
    return t.value;
  }

  private coerce(table: string, col: string, v: unknown): unknown {
    const r = checkValue(this.def(table).columns[col].type, v);
    if (!r.ok) throw new PgError('22P02', `invalid input syntax for type ${this.def(table).columns[col].type} (column "${col}"): ${r.msg}`);
    return r.v;
  }

  private match(table: string, row: PgRow, where: Cond[], params: readonly unknown[]): boolean {
    for (const w of where) {
      this.checkCol(table, w.col);
      const a = row[w.col];
      if (w.op === 'is null') { if (a !== null && a !== undefined) return false; continue; }
      if (w.op === 'is not null') { if (a === null || a === undefined) return false; continue; }
      const b = this.coerce(table, w.col, this.value(w.term!, params));
      if (a === null || a === undefined || b === null) return false;
      const cmp = (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
      const ok = w.op === '=' ? cmp === 0 : w.op === '!=' ? cmp !== 0 : w.op === '<' ? cmp < 0 : w.op === '>' ? cmp > 0 : w.op === '<=' ? cmp <= 0 : cmp >= 0;
      if (!ok) return false;
    }
    return true;
  }

  private project(table: string, row: PgRow, cols: string[] | '*'): PgRow {
    const names = cols === '*' ? Object.keys(this.def(table).columns) : cols;
    const out: PgRow = {};
    for (const c of names) {
      this.checkCol(table, c);
      const v = row[c];
      out[c] = v === undefined ? null : typeof v === 'object' && v !== null ? JSON.parse(JSON.stringify(v)) : v;
    }
    return out;
  }

  private fields(table: string, cols: string[] | '*'): Array<{ name: string }> {
    return (cols === '*' ? Object.keys(this.def(table).columns) : cols).map((name) => ({ name }));
  }

  /** Execute one statement. `undo` collects inverse operations (for ROLLBACK). */
  exec(p: ParsedSql, params: readonly unknown[], undo?: Array<() => void>): PgResultData {
    const s = p.stmt;
    if (p.maxParam !== params.length) {
      throw new PgError('08P01', `bind message supplies ${params.length} parameters, but prepared statement "" requires ${p.maxParam}`);
    }
    switch (s.type) {
      case 'tx':
        return { command: s.op, rows: [], rowCount: 0, fields: [] };
      case 'select-const': {
        const row: PgRow = {};
        for (const c of s.cols) row[c.name] = this.value(c.term, params);
        return { command: 'SELECT', rows: [row], rowCount: 1, fields: s.cols.map((c) => ({ name: c.name })) };
      }
      case 'select': {
        const t = this.tables.get(s.table);
        this.def(s.table);
        let rows = [...t!.values()].filter((r) => this.match(s.table, r, s.where, params));
        if (s.cols === 'count') return { command: 'SELECT', rows: [{ count: String(rows.length) }], rowCount: 1, fields: [{ name: 'count' }] };
        if (s.order) {
          const { col, desc } = s.order;
          this.checkCol(s.table, col);
          rows = rows.slice().sort((a, b) => {
            const x = a[col] as number, y = b[col] as number;
            const c = x === y ? 0 : x === null || x === undefined ? 1 : y === null || y === undefined ? -1 : x < y ? -1 : 1;
            return desc ? -c : c;
          });
        }
        if (s.limit) {
          const n = Number(this.value(s.limit, params));
          if (!Number.isInteger(n) || n < 0) throw new PgError('2201W', 'LIMIT must not be negative');
          rows = rows.slice(0, n);
        }
        const out = rows.map((r) => this.project(s.table, r, s.cols as string[] | '*'));
        return { command: 'SELECT', rows: out, rowCount: out.length, fields: this.fields(s.table, s.cols) };
      }
      case 'insert': {
        const def = this.def(s.table);
        const t = this.tables.get(s.table)!;
        const inserted: PgRow[] = [];
        for (const c of s.cols) this.checkCol(s.table, c);
        for (const terms of s.rows) {
          const row: PgRow = {};
          s.cols.forEach((c, i) => { row[c] = this.coerce(s.table, c, this.value(terms[i], params)); });
          for (const [c, cd] of Object.entries(def.columns)) {
            if (c in row && row[c] !== null) continue;
            if (c in row && row[c] === null && cd.default === undefined) continue;
            if (cd.default === 'serial') row[c] = this.nextSeq(s.table + '.' + c);
            else if (cd.default === 'ord') row[c] = 'ord-' + this.nextSeq(s.table + '.' + c);
            else if (cd.default === 'now') row[c] = this.nowMs();
            else if (cd.default !== undefined) row[c] = cd.default;
            else if (!(c in row)) row[c] = null;
          }
          const key = row[def.key];
          if (key === null || key === undefined) throw new PgError('23502', `null value in column "${def.key}" of relation "${s.table}" violates not-null constraint`);
          if (t.has(key)) {
            if (s.onConflictNothing) continue;
            throw new PgError('23505', `duplicate key value violates unique constraint "${s.table}_pkey"`);
          }
          t.set(key, row);
          undo?.push(() => t.delete(key));
          inserted.push(row);
        }
        const rows = s.returning ? inserted.map((r) => this.project(s.table, r, s.returning!)) : [];
        return { command: 'INSERT', rows, rowCount: inserted.length, fields: s.returning ? this.fields(s.table, s.returning) : [] };
      }
      case 'update': {
        const def = this.def(s.table);
        const t = this.tables.get(s.table)!;
        const changed: PgRow[] = [];
        for (const it of s.sets) {
          this.checkCol(s.table, it.col);
          if (it.col === def.key) unsupported('updating the primary key');
        }
        for (const row of t.values()) {
          if (!this.match(s.table, row, s.where, params)) continue;
          const before = { ...row };
          const next: PgRow = { ...row };
          for (const it of s.sets) {
            let v = this.value(it.term, params);
            if (it.add) {
              this.checkCol(s.table, it.add.col);
              const base = row[it.add.col];
              v = base === null || base === undefined || v === null ? null : (base as number) + it.add.sign * Number(v);
            }
            next[it.col] = this.coerce(s.table, it.col, v);
          }
          Object.assign(row, next);
          undo?.push(() => { for (const k of Object.keys(row)) delete row[k]; Object.assign(row, before); });
          changed.push(row);
        }
        const rows = s.returning ? changed.map((r) => this.project(s.table, r, s.returning!)) : [];
        return { command: 'UPDATE', rows, rowCount: changed.length, fields: s.returning ? this.fields(s.table, s.returning) : [] };
      }
      case 'delete': {
        const def = this.def(s.table);
        const t = this.tables.get(s.table)!;
        const gone: PgRow[] = [];
        for (const [k, row] of [...t]) {
          if (!this.match(s.table, row, s.where, params)) continue;
          t.delete(k);
          undo?.push(() => t.set(k, row));
          gone.push(row);
        }
        void def;
        const rows = s.returning ? gone.map((r) => this.project(s.table, r, s.returning!)) : [];
        return { command: 'DELETE', rows, rowCount: gone.length, fields: s.returning ? this.fields(s.table, s.returning) : [] };
      }
    }
  }

  insertDirect(table: string, row: PgRow): PgRow {
    const cols = Object.keys(row);
    const parsed: ParsedSql = {
      stmt: { type: 'insert', table, cols, rows: [cols.map((_, i) => ({ kind: 'bind', index: i }))], onConflictNothing: false, returning: '*' },
      maxParam: cols.length,
      literals: [],
    };
    return this.exec(parsed, cols.map((c) => row[c])).rows[0];
  }

  rows(table: string): PgRow[] {
    this.def(table);
    return [...this.tables.get(table)!.values()].map((r) => ({ ...r }));
  }
}
