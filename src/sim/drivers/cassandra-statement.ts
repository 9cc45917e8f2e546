/**
 * A parsed CQL statement and its bound values → the operation the coordinator runs (read, write,
 * system query) and what the history records about it, with the server's validation errors
 * (unknown table or column, bad value for the column's type, a non-key restriction, …).
 */
import type { ServerOp } from '../cassandra';
import type { CqlStmt, ParsedCql, Term } from '../cql';
import { type CqlTable, checkValue } from '../schema';
import type { Frag } from '../store';
import { ArgumentError, NotSupportedError, type QueryOptions, ResponseError, timestampMicros, types } from './cassandra';

export interface StatementContext {
  keyspace: string;
  tables: Record<string, CqlTable>;
  /** policies.timestampGeneration: µs, or undefined for server-side timestamps */
  generateTimestamp(): number | undefined;
}

export interface Statement {
  op: ServerOp;
  /** the history's operation name: read, write, delete, health */
  f: string;
  /**
   * its history value (the invoke's, and the completion's); a read's is made from `op` when the
   * history is read (`readHistoryValue`: its invoke's and completion's are two objects)
   */
  hvalue?: Record<string, unknown>;
  /** server-side timestamps: how the coordinator stamps the write with its own clock */
  stampSpec?: (ts: number) => Frag;
}

/**
 * An object of named parameters → the values in marker order, as the real driver and server match
 * them: keys in lower case; for a prepared statement every marker's name must be a key
 * (lib/utils.js `adaptNamedParamsPrepared`: ArgumentError 'Parameter "x" not defined'); for a simple
 * statement the server takes the values whose names match and counts them (QueryOptions
 * `OptionsWithNames`, then "Invalid amount of bind variables"). Other keys are ignored.
 */
export function namedParams(p: ParsedCql, params: object, prepared: boolean): unknown[] {
  const byName = new Map<string, unknown>();
  for (const k of Object.keys(params)) byName.set(k.toLowerCase(), (params as Record<string, unknown>)[k]);
  const out: unknown[] = [];
  for (const name of p.markerNames) {
    if (byName.has(name)) out.push(byName.get(name));
    else if (prepared) throw new ArgumentError(`Parameter "${name}" not defined`);
  }
  return out;
}

function bindValue(t: Term, params: readonly unknown[]): unknown {
  return t.kind === 'bind' ? params[t.index] : t.value;
}

/** The statement's table and context, for the checks below (module functions: no closures per statement). */
interface Target {
  cx: StatementContext;
  s: CqlStmt;
  def: CqlTable;
}

function colCheck(t: Target, c: string): void {
  if (!(c in t.def.columns)) throw new ResponseError(types.responseErrorCodes.invalid, `Undefined column name ${c} in table ${t.cx.keyspace}.${t.s.table}`);
}

function typed(t: Target, c: string, v: unknown): unknown {
  const r = checkValue(t.def.columns[c], v);
  if (!r.ok) throw new ResponseError(types.responseErrorCodes.invalid, `Invalid value for column ${c} of type ${t.def.columns[c]}: ${r.msg}`);
  return r.v;
}

function keyOf(t: Target, where: { col: string; term: Term } | null, params: readonly unknown[]): unknown {
  const { s, def } = t;
  if (!where) throw new NotSupportedError(`The course simulator does not support reading a whole table; use SELECT … FROM ${s.table} WHERE ${def.key} = ?`);
  colCheck(t, where.col);
  if (where.col !== def.key) {
    throw new ResponseError(types.responseErrorCodes.invalid, `Cannot execute this query as it might involve data filtering and thus may have unpredictable performance (restriction on non-key column ${where.col}; the partition key is ${def.key})`);
  }
  const k = typed(t, def.key, bindValue(where.term, params));
  if (k === null) throw new ResponseError(types.responseErrorCodes.invalid, `Invalid null value in condition for column ${def.key}`);
  return k;
}

/**
 * A read's history value, `{ table, key, cl }`, and with the row it returned for its completion.
 * (`key` is a primitive: `checkValue` makes every CQL type's value one.)
 */
export function readHistoryValue(table: string, key: unknown, cl: number, row?: Record<string, unknown> | null): Record<string, unknown> {
  return row === undefined ? { table, key, cl } : { table, key, cl, row };
}

/** The history's `key` of an operation on a table's partition: 'table/key'. */
export function historyKey(table: string, key: unknown): string {
  return `${table}/${String(key)}`;
}

/** A write's fragment stamped with timestamp `t` (µs). */
function stamped(cells: Record<string, unknown>, rowDelete: boolean, marker: boolean, t: number): Frag {
  const frag: Frag = { del: rowDelete ? t : -Infinity, marker: marker ? t : -Infinity, cells: {} };
  for (const c in cells) frag.cells[c] = { v: cells[c], ts: t, tomb: cells[c] === null };
  return frag;
}

export function buildStatement(cx: StatementContext, p: ParsedCql, params: readonly unknown[], cl: number, opt: QueryOptions): Statement {
  const s: CqlStmt = p.stmt;
  if (params.length !== p.markers) {
    throw new ResponseError(types.responseErrorCodes.invalid, `Invalid amount of bind variables: expected ${p.markers}, got ${params.length}`);
  }
  if (s.type === 'select' && s.system) {
    const cols = s.columns === '*' ? ['*'] : s.columns;
    return { op: { kind: 'system', columns: cols }, f: 'health', hvalue: { query: 'system.local', cl } };
  }
  if (s.ks !== undefined && s.ks !== cx.keyspace) {
    throw new ResponseError(types.responseErrorCodes.invalid, `Keyspace ${s.ks} does not exist (the simulated keyspace is '${cx.keyspace}')`);
  }
  const def = cx.tables[s.table];
  if (!def) throw new ResponseError(types.responseErrorCodes.invalid, `unconfigured table ${s.table}`);
  const t: Target = { cx, s, def };
  if (s.type === 'select') {
    const key = keyOf(t, s.where, params);
    const columns = s.columns === '*' ? Object.keys(def.columns) : s.columns;
    for (const c of columns) colCheck(t, c);
    const limit = s.limit ? Number(bindValue(s.limit, params)) : 1;
    if (!(limit > 0)) throw new ResponseError(types.responseErrorCodes.invalid, 'LIMIT must be strictly positive');
    return { op: { kind: 'read', table: s.table, key, columns, cl, limit }, f: 'read' };
  }
  // writes
  const tsTerm: Term | undefined = s.timestamp;
  // a number or a types.Long (bound, or the timestamp option) as µs
  let ts = (tsTerm ? Number(timestampMicros(bindValue(tsTerm, params))) : timestampMicros(opt.timestamp)) as number | undefined;
  if (ts !== undefined && (!Number.isInteger(ts) || ts < 0)) {
    throw new ResponseError(types.responseErrorCodes.invalid, `Invalid timestamp ${String(ts)}: USING TIMESTAMP needs a non-negative integer (µs)`);
  }
  const cells: Record<string, unknown> = {};
  let key: unknown;
  let marker = false, rowDelete = false;
  if (s.type === 'insert') {
    for (const c of s.columns) colCheck(t, c);
    if (!s.columns.includes(def.key)) throw new ResponseError(types.responseErrorCodes.invalid, `Some partition key parts are missing: ${def.key}`);
    for (let i = 0; i < s.columns.length; i++) {
      const c = s.columns[i];
      const v = typed(t, c, bindValue(s.values[i], params));
      if (c === def.key) key = v;
      else cells[c] = v;
    }
    if (key === null) throw new ResponseError(types.responseErrorCodes.invalid, `Invalid null value for partition key part ${def.key}`);
    marker = true;
  } else if (s.type === 'update') {
    key = keyOf(t, s.where, params);
    for (const [c, term] of s.sets) {
      colCheck(t, c);
      if (c === def.key) throw new ResponseError(types.responseErrorCodes.invalid, `PRIMARY KEY part ${c} found in SET part`);
      cells[c] = typed(t, c, bindValue(term, params));
    }
  } else {
    key = keyOf(t, s.where, params);
    if (s.columns) for (const c of s.columns) { colCheck(t, c); cells[c] = null; }
    else rowDelete = true;
  }
  if (ts === undefined) ts = cx.generateTimestamp();
  const serverSide = ts === undefined;
  const frag = serverSide ? { del: NaN, marker: NaN, cells: {} } : stamped(cells, rowDelete, marker, ts!);
  const op: ServerOp = { kind: 'write', table: s.table, key, frag, cl };
  return {
    op,
    stampSpec: serverSide ? (at: number) => stamped(cells, rowDelete, marker, at) : undefined,
    f: s.type === 'delete' ? 'delete' : 'write',
    hvalue: { table: s.table, key, cells: s.type === 'delete' && rowDelete ? null : { ...cells }, timestamp: serverSide ? null : ts, cl },
  };
}
