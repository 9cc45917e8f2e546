/**
 * PostgreSQL-like source of truth: a single linearizable node executing the course's SQL subset
 * (parsed by sql.ts) with PostgreSQL's typing (pg-types.ts). Each statement is analysed in
 * PostgreSQL's order (relation, columns, literals), then its bound values are converted, then it
 * runs atomically: a statement that fails changes nothing.
 */
import { PgError, checkArithmetic, notNullViolation, parseInput, toClient, uniqueViolation } from './pg-types';
import { Analysis, NUMERIC, type RCond, type Res } from './pg-analysis';
import type { SqlTable } from './schema';
import { type Cols, type ParsedSql, type SqlStmt, parseSql, unsupported } from './sql';

export { PgError, parseSql, type ParsedSql, type SqlStmt };

export type PgRow = Record<string, unknown>;

export interface PgResultData {
  command: string;
  rows: PgRow[];
  /** null for commands without a row count (BEGIN, COMMIT, …), as `pg` reports them */
  rowCount: number | null;
  fields: Array<{ name: string }>;
}

function compareValues(a: unknown, b: unknown): number {
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

function holds(op: RCond['op'], a: unknown, b: unknown): boolean {
  if (op === 'is null') return a === null || a === undefined;
  if (op === 'is not null') return a !== null && a !== undefined;
  if (a === null || a === undefined || b === null || b === undefined) return false;
  const c = compareValues(a, b);
  return op === '=' ? c === 0 : op === '!=' ? c !== 0 : op === '<' ? c < 0 : op === '>' ? c > 0 : op === '<=' ? c <= 0 : c >= 0;
}

/** The database: tables of rows keyed by primary key, executing one statement at a time. */
export class PgDatabase {
  readonly tables = new Map<string, Map<unknown, PgRow>>();
  private seqs = new Map<string, number>();
  constructor(readonly defs: Record<string, SqlTable>, private nowMs: () => number) {
    for (const t of Object.keys(defs)) this.tables.set(t, new Map());
  }

  private nextSeq(name: string): number {
    const v = (this.seqs.get(name) ?? 0) + 1;
    this.seqs.set(name, v);
    return v;
  }

  private project(def: SqlTable, row: PgRow, names: string[]): PgRow {
    const out: PgRow = {};
    for (const c of names) out[c] = toClient(def.columns[c].type, row[c]);
    return out;
  }

  /**
   * Execute one statement. `params` are the bound values as `pg` sends them (text or null); an
   * empty list is the simple-query protocol (no `$n` allowed). `undo` collects inverse operations
   * for an open transaction's ROLLBACK.
   */
  exec(p: ParsedSql, params: ReadonlyArray<string | null>, undo?: Array<() => void>): PgResultData {
    const a = new Analysis(this.defs, params.length > 0);
    const run = this.analyse(p.stmt, a);
    if (a.rewriteErrors.length) throw a.rewriteErrors[0];
    a.checkParams(p.maxParam);
    if (params.length > 0 && p.maxParam !== params.length) {
      throw new PgError('08P01', `bind message supplies ${params.length} parameters, but prepared statement "" requires ${p.maxParam}`);
    }
    const values = params.map((v, i) => (v === null ? null : parseInput(a.paramTypes[i] ?? 'text', v)));
    if (a.planErrors.length) throw a.planErrors[0];
    const get = (r: Res | undefined): unknown => (r === undefined ? undefined : 'v' in r ? r.v : values[r.p]);
    const local: Array<() => void> = [];
    try {
      const res = run(get, local);
      undo?.push(...local);
      return res;
    } catch (e) {
      for (let i = local.length - 1; i >= 0; i--) local[i]();
      throw e;
    }
  }

  /** Analyse a statement; returns the function that runs it with the converted parameters. */
  private analyse(s: SqlStmt, a: Analysis): (get: (r: Res | undefined) => unknown, undo: Array<() => void>) => PgResultData {
    switch (s.type) {
      case 'tx':
        return () => ({ command: s.tag, rows: [], rowCount: null, fields: [] });
      case 'select-const':
        return this.selectConst(s, a);
      case 'select':
        return this.select(s, a);
      case 'insert':
        return this.insert(s, a);
      case 'update':
        return this.update(s, a);
      case 'delete':
        return this.remove(s, a);
    }
  }

  private selectConst(s: Extract<SqlStmt, { type: 'select-const' }>, a: Analysis) {
    const terms = s.cols.map((c): Res | { now: true } => {
      const t = c.term;
      if (t.kind === 'bind') return a.param(t.index, 'text');
      if (t.kind === 'now') return { now: true };
      if (t.kind === 'num') {
        if (!t.integer) unsupported('selecting a decimal constant');
        return { v: Math.abs(t.value) <= 2147483647 ? t.value : String(t.value) };
      }
      return { v: t.kind === 'null' ? null : t.value };
    });
    return (get: (r: Res | undefined) => unknown): PgResultData => {
      const row: PgRow = {};
      s.cols.forEach((c, i) => {
        const t = terms[i];
        row[c.name] = 'now' in t ? new Date(this.nowMs()) : get(t);
      });
      return { command: 'SELECT', rows: [row], rowCount: 1, fields: s.cols.map((c) => ({ name: c.name })) };
    };
  }

  private matching(table: string, where: RCond[], get: (r: Res | undefined) => unknown): PgRow[] {
    const out: PgRow[] = [];
    for (const row of this.tables.get(table)!.values()) {
      if (where.every((w) => holds(w.op, row[w.col], get(w.term)))) out.push(row);
    }
    return out;
  }

  private select(s: Extract<SqlStmt, { type: 'select' }>, a: Analysis) {
    const def = a.table(s.table);
    const names = s.cols === 'count' ? [] : a.cols(def, s.cols);
    const where = a.where(def, s.where);
    if (s.order) a.col(def, s.order.col);
    const limit = s.limit ? a.limit(s.limit) : undefined;
    return (get: (r: Res | undefined) => unknown): PgResultData => {
      let rows = this.matching(s.table, where, get);
      if (s.cols === 'count') return { command: 'SELECT', rows: [{ count: String(rows.length) }], rowCount: 1, fields: [{ name: 'count' }] };
      if (s.order) rows = sortRows(rows, s.order.col, s.order.desc);
      const n = get(limit);
      if (n !== undefined && n !== null) {
        if ((n as number) < 0) throw new PgError('2201W', 'LIMIT must not be negative');
        rows = rows.slice(0, n as number);
      }
      const out = rows.map((r) => this.project(def, r, names));
      return { command: 'SELECT', rows: out, rowCount: out.length, fields: names.map((name) => ({ name })) };
    };
  }

  private returning(def: SqlTable, a: Analysis, cols: Cols | undefined): string[] {
    return cols ? a.cols(def, cols) : [];
  }

  private result(command: string, def: SqlTable, rows: PgRow[], returning: string[] | null): PgResultData {
    const out = returning ? rows.map((r) => this.project(def, r, returning)) : [];
    return { command, rows: out, rowCount: rows.length, fields: (returning ?? []).map((name) => ({ name })) };
  }

  private insert(s: Extract<SqlStmt, { type: 'insert' }>, a: Analysis) {
    const def = a.table(s.table);
    const seen = new Set<string>();
    for (const c of s.cols) {
      a.target(def, s.table, c);
      if (seen.has(c)) throw new PgError('42701', `column "${c}" specified more than once`);
      seen.add(c);
    }
    const width = s.rows[0].length;
    if (s.rows.some((r) => r.length !== width)) throw new PgError('42601', 'VALUES lists must all be the same length');
    if (width !== s.cols.length) throw new PgError('42601', `INSERT has ${width > s.cols.length ? 'more expressions than target columns' : 'more target columns than expressions'}`);
    const rows = s.rows.map((terms) => terms.map((t, i) => a.assign(t, def.columns[s.cols[i]].type, s.cols[i])));
    if (s.conflictTarget) for (const c of s.conflictTarget) a.col(def, c);
    const returning = s.returning ? this.returning(def, a, s.returning) : null;
    return (get: (r: Res | undefined) => unknown, undo: Array<() => void>): PgResultData => {
      // The planner matches the conflict target to a unique index, after the values are bound.
      if (s.conflictTarget && (s.conflictTarget.length !== 1 || s.conflictTarget[0] !== def.key)) {
        throw new PgError('42P10', 'there is no unique or exclusion constraint matching the ON CONFLICT specification');
      }
      const t = this.tables.get(s.table)!;
      const inserted: PgRow[] = [];
      for (const terms of rows) {
        const row = this.withDefaults(s.table, def, s.cols, terms.map(get));
        const key = row[def.key];
        if (t.has(key)) {
          if (s.onConflictNothing) continue;
          throw uniqueViolation(s.table, def.key, def.columns[def.key].type, key);
        }
        t.set(key, row);
        undo.push(() => t.delete(key));
        inserted.push(row);
      }
      return this.result('INSERT', def, inserted, returning);
    };
  }

  /** One new row: the given columns, then every other column's default; NOT NULL checked. */
  private withDefaults(table: string, def: SqlTable, cols: string[], values: unknown[]): PgRow {
    const row: PgRow = {};
    for (const [c, cd] of Object.entries(def.columns)) {
      const i = cols.indexOf(c);
      if (i >= 0) row[c] = values[i];
      else if (cd.default === 'serial') row[c] = this.nextSeq(table + '.' + c);
      else if (cd.default === 'ord') row[c] = 'ord-' + this.nextSeq(table + '.' + c);
      else if (cd.default === 'now') row[c] = this.nowMs();
      else row[c] = cd.default ?? null;
    }
    for (const [c, cd] of Object.entries(def.columns)) {
      if ((c === def.key || cd.notNull) && (row[c] === null || row[c] === undefined)) {
        throw notNullViolation(table, c, row, Object.fromEntries(Object.entries(def.columns).map(([k, v]) => [k, v.type])));
      }
    }
    return row;
  }

  private update(s: Extract<SqlStmt, { type: 'update' }>, a: Analysis) {
    const def = a.table(s.table);
    const where = a.where(def, s.where);
    const returning = s.returning ? this.returning(def, a, s.returning) : null;
    const seen = new Set<string>();
    const sets = s.sets.map((it) => {
      const type = a.target(def, s.table, it.col).type;
      if (seen.has(it.col)) a.rewriteErrors.push(new PgError('42601', `multiple assignments to same column "${it.col}"`));
      seen.add(it.col);
      if (it.col === def.key) unsupported('updating the primary key');
      if (!it.add) return { col: it.col, type, term: a.assign(it.term, type, it.col) };
      const src = a.col(def, it.add.col).type;
      if (!NUMERIC.has(src) || src !== type) unsupported(`'${it.add.col} ${it.add.sign < 0 ? '-' : '+'} …' into a column of another type`);
      if (it.term.kind === 'num' && !it.term.integer && type !== 'double') unsupported('adding a decimal to an integer column');
      return { col: it.col, type, term: a.assign(it.term, type, it.col), add: it.add };
    });
    return (get: (r: Res | undefined) => unknown, undo: Array<() => void>): PgResultData => {
      const changed: PgRow[] = [];
      for (const row of this.matching(s.table, where, get)) {
        const next: PgRow = {};
        for (const it of sets) {
          const v = get(it.term);
          if (!it.add) next[it.col] = v;
          else {
            const base = row[it.add.col];
            next[it.col] = base === null || base === undefined || v === null ? null : checkArithmetic(it.type, (base as number) + it.add.sign * (v as number));
          }
        }
        const before = { ...row };
        Object.assign(row, next);
        undo.push(() => Object.assign(row, before));
        changed.push(row);
      }
      return this.result('UPDATE', def, changed, returning);
    };
  }

  private remove(s: Extract<SqlStmt, { type: 'delete' }>, a: Analysis) {
    const def = a.table(s.table);
    const where = a.where(def, s.where);
    const returning = s.returning ? this.returning(def, a, s.returning) : null;
    return (get: (r: Res | undefined) => unknown, undo: Array<() => void>): PgResultData => {
      const t = this.tables.get(s.table)!;
      const gone = this.matching(s.table, where, get);
      for (const row of gone) {
        const k = row[def.key];
        t.delete(k);
        undo.push(() => t.set(k, row));
      }
      return this.result('DELETE', def, gone, returning);
    };
  }

  /** Seed a row without SQL (tests and harnesses): JS values, converted as `pg` would send them. */
  insertDirect(table: string, row: PgRow): PgRow {
    const def = this.defs[table];
    if (!def) throw new PgError('42P01', `relation "${table}" does not exist`);
    const cols = Object.keys(row);
    const values = cols.map((c) => {
      const cd = def.columns[c];
      if (!cd) throw new PgError('42703', `column "${c}" of relation "${table}" does not exist`);
      const v = row[c];
      if (v === null || v === undefined) return null;
      if (cd.type === 'json') return JSON.parse(JSON.stringify(v));
      return parseInput(cd.type, v instanceof Date ? String(v.getTime()) : String(v));
    });
    const stored = this.withDefaults(table, def, cols, values);
    const t = this.tables.get(table)!;
    if (t.has(stored[def.key])) throw uniqueViolation(table, def.key, def.columns[def.key].type, stored[def.key]);
    t.set(stored[def.key], stored);
    return { ...stored };
  }

  rows(table: string): PgRow[] {
    if (!this.defs[table]) throw new PgError('42P01', `relation "${table}" does not exist`);
    return [...this.tables.get(table)!.values()].map((r) => ({ ...r }));
  }
}

/** ORDER BY one column: NULLs last ascending and first descending, as PostgreSQL does. */
function sortRows(rows: PgRow[], col: string, desc: boolean): PgRow[] {
  return rows.slice().sort((a, b) => {
    const x = a[col], y = b[col];
    const c = x === y ? 0 : x === null || x === undefined ? 1 : y === null || y === undefined ? -1 : compareValues(x, y);
    return desc ? -c : c;
  });
}
