/** The CQL subset the course uses, parsed into a small AST. */
import { Cursor, SyntaxErr, lex } from './lex';

export class Unsupported extends Error {}

export type Term = { kind: 'bind'; index: number } | { kind: 'lit'; value: unknown };

export interface Where {
  col: string;
  term: Term;
}

export type CqlStmt =
  | { type: 'select'; ks?: string; table: string; columns: string[] | '*'; where: Where | null; limit?: Term; system: boolean }
  | { type: 'insert'; ks?: string; table: string; columns: string[]; values: Term[]; timestamp?: Term }
  | { type: 'update'; ks?: string; table: string; sets: Array<[string, Term]>; where: Where; timestamp?: Term }
  | { type: 'delete'; ks?: string; table: string; columns: string[] | null; where: Where; timestamp?: Term };

export interface ParsedCql {
  stmt: CqlStmt;
  /** number of bind markers ('?' or ':name') */
  markers: number;
  /**
   * Each marker's name, as a prepared statement's metadata names it (what the driver matches an
   * object of named parameters against): ':name' → name (lower case), '?' → the column it binds,
   * '[limit]' or '[timestamp]'.
   */
  markerNames: string[];
  /** values written inline in the text */
  literals: unknown[];
}

const SUPPORTED = 'SELECT … FROM t WHERE key = ?, INSERT INTO t (…) VALUES (…) [USING TIMESTAMP], UPDATE t [USING TIMESTAMP] SET … WHERE key = ?, DELETE FROM t WHERE key = ?';

function unsupported(part: string): never {
  throw new Unsupported(`The course simulator does not support ${part} in CQL. Supported: ${SUPPORTED}.`);
}

class P {
  markers = 0;
  markerNames: string[] = [];
  literals: unknown[] = [];
  constructor(readonly c: Cursor) {}

  /** A value or a bind marker; `receiver` names a '?' marker (the column, '[limit]', '[timestamp]'). */
  term(receiver: string): Term {
    const c = this.c;
    const t = c.peek();
    if (t.k === 'bind' || t.k === 'named') {
      c.next();
      this.markerNames.push(t.k === 'named' ? t.v.toLowerCase() : receiver);
      return { kind: 'bind', index: this.markers++ };
    }
    if (t.k === 'str') { c.next(); this.literals.push(t.v); return { kind: 'lit', value: t.v }; }
    if (t.k === 'num') { c.next(); this.literals.push(t.v); return { kind: 'lit', value: t.v }; }
    if (t.k === 'id' && !t.quoted) {
      if (t.up === 'TRUE' || t.up === 'FALSE') { c.next(); this.literals.push(t.up === 'TRUE'); return { kind: 'lit', value: t.up === 'TRUE' }; }
      if (t.up === 'NULL') { c.next(); this.literals.push(null); return { kind: 'lit', value: null }; }
      if (c.isP('(', 1)) unsupported(`the function call '${t.v}(…)' as a value`);
    }
    if (t.k === 'p' && (t.v === '[' || t.v === '{')) unsupported('collection literals');
    return c.fail('a value or ?');
  }

  tableName(): { ks?: string; table: string } {
    const a = this.c.ident('a table name');
    if (this.c.acceptP('.')) return { ks: a, table: this.c.ident('a table name') };
    return { table: a };
  }

  timestamp(): Term | undefined {
    const c = this.c;
    if (!c.acceptKw('USING')) return undefined;
    let ts: Term | undefined;
    do {
      if (c.acceptKw('TIMESTAMP')) ts = this.term('[timestamp]');
      else if (c.isKw('TTL')) unsupported('USING TTL');
      else c.fail('TIMESTAMP');
    } while (c.acceptKw('AND'));
    return ts;
  }

  where(): Where {
    const c = this.c;
    c.expectKw('WHERE');
    const col = c.ident('a column name');
    if (c.isKw('IN')) unsupported("'IN (…)' restrictions");
    if (c.isP('<') || c.isP('>') || c.isP('<=') || c.isP('>=') || c.isP('!=')) unsupported('range restrictions (<, >, …)');
    if (c.isKw('CONTAINS')) unsupported('CONTAINS');
    c.expectP('=');
    const term = this.term(col);
    if (c.isKw('AND')) unsupported('WHERE with more than one restriction (the simulator reads one partition by its key)');
    return { col, term };
  }

  tail(): void {
    const c = this.c;
    if (c.isKw('IF')) unsupported('lightweight transactions (IF …)');
    if (c.isKw('ALLOW')) unsupported('ALLOW FILTERING');
    if (c.isKw('ORDER')) unsupported('ORDER BY');
    if (c.isKw('PER')) unsupported('PER PARTITION LIMIT');
    c.acceptP(';');
    if (c.peek().k !== 'eof') c.fail('<EOF>');
  }

  select(): CqlStmt {
    const c = this.c;
    if (c.isKw('DISTINCT')) unsupported('SELECT DISTINCT');
    if (c.isKw('JSON')) unsupported('SELECT JSON');
    let columns: string[] | '*';
    if (c.acceptP('*')) columns = '*';
    else {
      columns = [];
      do {
        const t = c.peek();
        if (t.k === 'id' && c.isP('(', 1)) {
          const fn = c.ident();
          c.expectP('(');
          if (fn === 'now' && c.acceptP(')')) { columns.push('now()'); continue; }
          if (fn === 'count') unsupported('count(…)');
          unsupported(`the function '${fn}(…)'`);
        }
        columns.push(c.ident('a column name'));
        if (c.isKw('AS')) unsupported('column aliases (AS)');
      } while (c.acceptP(','));
    }
    c.expectKw('FROM');
    const { ks, table } = this.tableName();
    const system = ks === 'system' && table === 'local';
    if (ks === 'system' && !system) unsupported(`the system table 'system.${table}' (only system.local)`);
    let where: Where | null = null;
    if (c.isKw('WHERE')) where = this.where();
    let limit: Term | undefined;
    if (c.acceptKw('LIMIT')) limit = this.term('[limit]');
    this.tail();
    return { type: 'select', ks, table, columns, where, limit, system };
  }

  insert(): CqlStmt {
    const c = this.c;
    c.expectKw('INTO');
    const { ks, table } = this.tableName();
    if (c.isKw('JSON')) unsupported('INSERT JSON');
    c.expectP('(');
    const columns: string[] = [];
    do columns.push(c.ident('a column name'));
    while (c.acceptP(','));
    c.expectP(')');
    c.expectKw('VALUES');
    c.expectP('(');
    const values: Term[] = [];
    do values.push(this.term(columns[values.length] ?? ''));
    while (c.acceptP(','));
    c.expectP(')');
    if (values.length !== columns.length) throw new SyntaxErr(`Unmatched column names/values: ${columns.length} columns, ${values.length} values`);
    if (c.isKw('IF')) unsupported('lightweight transactions (IF NOT EXISTS)');
    const timestamp = this.timestamp();
    this.tail();
    return { type: 'insert', ks, table, columns, values, timestamp };
  }

  update(): CqlStmt {
    const c = this.c;
    const { ks, table } = this.tableName();
    const timestamp = this.timestamp();
    c.expectKw('SET');
    const sets: Array<[string, Term]> = [];
    do {
      const col = c.ident('a column name');
      if (c.isP('[')) unsupported('collection element updates');
      c.expectP('=');
      const t = c.peek();
      if (t.k === 'id' && !t.quoted && t.v === col && (c.isP('+', 1) || c.isP('-', 1))) unsupported(`counter/collection arithmetic ('${col} = ${col} ${c.show(c.peek(1))} …')`);
      sets.push([col, this.term(col)]);
    } while (c.acceptP(','));
    const where = this.where();
    this.tail();
    return { type: 'update', ks, table, sets, where, timestamp };
  }

  delete(): CqlStmt {
    const c = this.c;
    let columns: string[] | null = null;
    if (!c.isKw('FROM')) {
      columns = [];
      do columns.push(c.ident('a column name'));
      while (c.acceptP(','));
    }
    c.expectKw('FROM');
    const { ks, table } = this.tableName();
    const timestamp = this.timestamp();
    const where = this.where();
    this.tail();
    return { type: 'delete', ks, table, columns, where, timestamp };
  }
}

export function parseCql(text: string): ParsedCql {
  if (typeof text !== 'string') throw new TypeError('query must be a string');
  const c = new Cursor(lex(text, 'cql'), text);
  const p = new P(c);
  const t = c.peek();
  if (t.k !== 'id') c.fail('SELECT, INSERT, UPDATE or DELETE');
  c.next();
  let stmt!: CqlStmt;
  switch ((t as { up: string }).up) {
    case 'SELECT': stmt = p.select(); break;
    case 'INSERT': stmt = p.insert(); break;
    case 'UPDATE': stmt = p.update(); break;
    case 'DELETE': stmt = p.delete(); break;
    case 'BEGIN': unsupported('BATCH statements');
    case 'USE': unsupported("'USE keyspace' (set the keyspace in the client options)");
    case 'CREATE': case 'DROP': case 'ALTER': case 'TRUNCATE': case 'GRANT': case 'REVOKE':
      unsupported(`schema and admin statements (${(t as { up: string }).up})`);
    default:
      c.i = 0;
      c.fail('SELECT, INSERT, UPDATE or DELETE');
  }
  return { stmt, markers: p.markers, markerNames: p.markerNames, literals: p.literals };
}
