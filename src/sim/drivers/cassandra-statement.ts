/**
 * A parsed CQL statement and its bound values → the operation the coordinator runs (read, write,
 * system query) and what the history records about it, with the server's validation errors
 * (unknown table or column, bad value for the column's type, a non-key restriction, …).
 */
import type { ServerOp } from '../cassandra';
import type { CqlStmt, ParsedCql, Term } from '../cql';
import { type CqlTable, checkValue } from '../schema';
import type { Frag } from '../store';
import { NotSupportedError, type QueryOptions, ResponseError, types } from './cassandra';

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
  hkey?: string;
  hvalue: Record<string, unknown>;
  /** server-side timestamps: how the coordinator stamps the write with its own clock */
  stampSpec?: (ts: number) => Frag;
}

function bindValue(t: Term, params: readonly unknown[]): unknown {
  return t.kind === 'bind' ? params[t.index] : t.value;
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
  const colCheck = (c: string) => {
    if (!(c in def.columns)) throw new ResponseError(types.responseErrorCodes.invalid, `Undefined column name ${c} in table ${cx.keyspace}.${s.table}`);
  };
  const typed = (c: string, v: unknown) => {
    const r = checkValue(def.columns[c], v);
    if (!r.ok) throw new ResponseError(types.responseErrorCodes.invalid, `Invalid value for column ${c} of type ${def.columns[c]}: ${r.msg}`);
    return r.v;
  };
  const keyOf = (where: { col: string; term: Term } | null): unknown => {
    if (!where) throw new NotSupportedError(`The course simulator does not support reading a whole table; use SELECT … FROM ${s.table} WHERE ${def.key} = ?`);
    colCheck(where.col);
    if (where.col !== def.key) {
      throw new ResponseError(types.responseErrorCodes.invalid, `Cannot execute this query as it might involve data filtering and thus may have unpredictable performance (restriction on non-key column ${where.col}; the partition key is ${def.key})`);
    }
    const k = typed(def.key, bindValue(where.term, params));
    if (k === null) throw new ResponseError(types.responseErrorCodes.invalid, `Invalid null value in condition for column ${def.key}`);
    return k;
  };
  const hkey = (k: unknown) => `${s.table}/${String(k)}`;
  if (s.type === 'select') {
    const key = keyOf(s.where);
    const columns = s.columns === '*' ? Object.keys(def.columns) : s.columns;
    for (const c of columns) colCheck(c);
    const limit = s.limit ? Number(bindValue(s.limit, params)) : 1;
    if (!(limit > 0)) throw new ResponseError(types.responseErrorCodes.invalid, 'LIMIT must be strictly positive');
    return { op: { kind: 'read', table: s.table, key, columns, cl, limit }, f: 'read', hkey: hkey(key), hvalue: { table: s.table, key, cl } };
  }
  // writes
  let tsTerm: Term | undefined = s.timestamp;
  let ts: number | undefined = tsTerm ? Number(bindValue(tsTerm, params)) : opt.timestamp;
  if (ts !== undefined && (!Number.isInteger(ts) || ts < 0)) {
    throw new ResponseError(types.responseErrorCodes.invalid, `Invalid timestamp ${String(ts)}: USING TIMESTAMP needs a non-negative integer (µs)`);
  }
  const cells: Record<string, unknown> = {};
  let key: unknown;
  let marker = false, rowDelete = false;
  if (s.type === 'insert') {
    s.columns.forEach(colCheck);
    if (!s.columns.includes(def.key)) throw new ResponseError(types.responseErrorCodes.invalid, `Some partition key parts are missing: ${def.key}`);
    s.columns.forEach((c, i) => {
      const v = typed(c, bindValue(s.values[i], params));
      if (c === def.key) key = v;
      else cells[c] = v;
    });
    if (key === null) throw new ResponseError(types.responseErrorCodes.invalid, `Invalid null value for partition key part ${def.key}`);
    marker = true;
  } else if (s.type === 'update') {
    key = keyOf(s.where);
    for (const [c, t] of s.sets) {
      colCheck(c);
      if (c === def.key) throw new ResponseError(types.responseErrorCodes.invalid, `PRIMARY KEY part ${c} found in SET part`);
      cells[c] = typed(c, bindValue(t, params));
    }
  } else {
    key = keyOf(s.where);
    if (s.columns) for (const c of s.columns) { colCheck(c); cells[c] = null; }
    else rowDelete = true;
  }
  const mk = (t: number): Frag => {
    const frag: Frag = { del: rowDelete ? t : -Infinity, marker: marker ? t : -Infinity, cells: {} };
    for (const c in cells) frag.cells[c] = { v: cells[c], ts: t, tomb: cells[c] === null };
    return frag;
  };
  if (ts === undefined) ts = cx.generateTimestamp();
  const serverSide = ts === undefined;
  const frag = serverSide ? { del: NaN, marker: NaN, cells: {} } : mk(ts!);
  const op: ServerOp = { kind: 'write', table: s.table, key, frag, cl };
  return {
    op,
    stampSpec: serverSide ? mk : undefined,
    f: s.type === 'delete' ? 'delete' : 'write',
    hkey: hkey(key),
    hvalue: { table: s.table, key, cells: s.type === 'delete' && rowDelete ? null : { ...cells }, timestamp: serverSide ? null : ts, cl },
  };
}
