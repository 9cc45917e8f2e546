/**
 * Analysis of one SQL statement, in PostgreSQL's order: the relation, its columns, the literals
 * (typed for the column they meet) and the bound parameters' types. Errors PostgreSQL raises later
 * (rewriter, planner) are collected to be thrown at the point PostgreSQL would.
 */
import { PG_TYPE_NAME, PgError, integerForColumn, parseInput } from './pg-types';
import type { SqlColumn, SqlTable, SqlType } from './schema';
import { type Cols, type Cond, type Term, unsupported } from './sql';

/** A term after analysis: a value, or the index of a bound parameter. */
export type Res = { v: unknown } | { p: number };
export type RCond = { col: string; op: Cond['op']; type: SqlType; term?: Res };

/** The literal's own PostgreSQL type, as messages name it. */
function literalType(t: Term): string {
  if (t.kind === 'num') {
    if (!t.integer) return 'numeric';
    return Math.abs(t.value) <= 2147483647 ? 'integer' : Number.isSafeInteger(t.value) ? 'bigint' : 'numeric';
  }
  if (t.kind === 'bool') return 'boolean';
  if (t.kind === 'now') return 'timestamp with time zone';
  return 'unknown';
}

export const NUMERIC: ReadonlySet<SqlType> = new Set(['int', 'bigint', 'double']);

/** Parse analysis of one statement: resolves tables, columns and literals; types the parameters. */
export class Analysis {
  readonly paramTypes: Array<SqlType | undefined> = [];
  /** errors PostgreSQL raises later, when the planner folds constants (after the values are bound) */
  readonly planErrors: PgError[] = [];
  /** errors the rewriter raises, after analysis and before the values are bound */
  readonly rewriteErrors: PgError[] = [];
  constructor(private readonly defs: Record<string, SqlTable>, private readonly extended: boolean) {}

  table(name: string): SqlTable {
    const d = this.defs[name];
    if (!d) throw new PgError('42P01', `relation "${name}" does not exist`);
    return d;
  }

  /** A column referenced in an expression (`column "x" does not exist`). */
  col(t: SqlTable, name: string): SqlColumn {
    const c = t.columns[name];
    if (!c) throw new PgError('42703', `column "${name}" does not exist`);
    return c;
  }

  /** A column named as an assignment target (`column "x" of relation "t" does not exist`). */
  target(t: SqlTable, table: string, name: string): SqlColumn {
    const c = t.columns[name];
    if (!c) throw new PgError('42703', `column "${name}" of relation "${table}" does not exist`);
    return c;
  }

  cols(t: SqlTable, cols: Cols): string[] {
    if (cols === '*') return Object.keys(t.columns);
    for (const c of cols) this.col(t, c);
    return cols;
  }

  param(index: number, type: SqlType): Res {
    if (!this.extended) throw new PgError('42P02', `there is no parameter $${index + 1}`);
    const seen = this.paramTypes[index];
    if (seen && seen !== type) throw new PgError('42P08', `inconsistent types deduced for parameter $${index + 1}`);
    this.paramTypes[index] = type;
    return { p: index };
  }

  /** A term stored into a column of `type` (INSERT values, UPDATE SET). */
  assign(t: Term, type: SqlType, col: string): Res {
    switch (t.kind) {
      case 'bind': return this.param(t.index, type);
      case 'null': return { v: null };
      case 'str': return { v: parseInput(type, t.value) };
      case 'num':
        if (type === 'double') return { v: t.value };
        if ((type === 'int' || type === 'bigint') && t.integer) {
          try {
            return { v: integerForColumn(type, t.value, t.raw) };
          } catch (e) {
            if (!(e instanceof PgError) || e.code !== '22003') throw e;
            this.planErrors.push(e);
            return { v: null };
          }
        }
        if (type === 'json' || type === 'boolean') throw this.mismatch(col, type, t);
        return unsupported(`storing the number ${t.raw} in the ${PG_TYPE_NAME[type]} column "${col}" (write it as a string or a $n parameter)`);
      case 'bool':
        if (type === 'boolean') return { v: t.value };
        if (type !== 'text') throw this.mismatch(col, type, t);
        return unsupported(`storing a boolean in the text column "${col}"`);
      case 'now':
        return unsupported(`now() (a timestamp) in the ${PG_TYPE_NAME[type]} column "${col}"`);
    }
  }

  /** LIMIT's argument: a bigint. */
  limit(t: Term): Res {
    if (t.kind === 'bool' || t.kind === 'now') throw new PgError('42804', `argument of LIMIT must be type bigint, not type ${literalType(t)}`);
    if (t.kind === 'num' && !t.integer) unsupported('a decimal LIMIT');
    return this.assign(t, 'bigint', 'LIMIT');
  }

  /** PostgreSQL's error for a value of another type stored into a column (no assignment cast). */
  mismatch(col: string, type: SqlType, t: Term): PgError {
    return new PgError('42804', `column "${col}" is of type ${PG_TYPE_NAME[type]} but expression is of type ${literalType(t)}`);
  }

  /** A term compared with a column of `type` (WHERE). */
  compare(t: Term, type: SqlType, op: string): Res {
    if (type === 'json') unsupported('comparing json values (only IS NULL / IS NOT NULL)');
    switch (t.kind) {
      case 'bind': return this.param(t.index, type);
      case 'null': return { v: null };
      case 'str': return { v: parseInput(type, t.value) };
      case 'num':
        if (NUMERIC.has(type)) {
          if (!Number.isSafeInteger(t.value) && t.integer) unsupported(`the integer ${t.raw} (beyond ±2^53)`);
          return { v: t.value };
        }
        break;
      case 'bool':
        if (type === 'boolean') return { v: t.value };
        break;
      case 'now':
        break;
    }
    throw new PgError('42883', `operator does not exist: ${PG_TYPE_NAME[type]} ${op === '!=' ? '<>' : op} ${literalType(t)}`);
  }

  where(t: SqlTable, where: Cond[]): RCond[] {
    return where.map((w) => {
      const type = this.col(t, w.col).type;
      return { col: w.col, op: w.op, type, term: w.term ? this.compare(w.term, type, w.op) : undefined };
    });
  }

  /** After analysis: every $n up to the highest must have a type (PostgreSQL cannot infer one otherwise). */
  checkParams(maxParam: number): void {
    for (let i = 0; i < maxParam; i++) {
      if (!this.paramTypes[i]) throw new PgError('42P18', `could not determine data type of parameter $${i + 1}`);
    }
  }
}
