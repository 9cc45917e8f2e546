/**
 * `cassandra-driver`, shaped like the DataStax Node.js driver 4.x, talking to the simulated cluster.
 * Learner code imports `types` and `errors` from here; tests build clients bound to a world.
 */
import { CL, CNode, type ServerOp, type ServerReply, blockFor } from '../cassandra';
import { type CqlStmt, type ParsedCql, type Term, Unsupported, parseCql } from '../cql';
import { SimulationError, restoreStack, suspendStack } from '../errors';
import { SyntaxErr } from '../lex';
import { type Endpoint } from '../net';
import type { Ev } from '../sched';
import { checkValue } from '../schema';
import { type Frag } from '../store';
import { worldFor } from '../active';
import type { World } from '../world';

export const types = {
  /** Consistency levels (the driver's numeric values). */
  consistencies: {
    any: 0x00, one: 0x01, two: 0x02, three: 0x03, quorum: 0x04, all: 0x05, localQuorum: 0x06,
    eachQuorum: 0x07, serial: 0x08, localSerial: 0x09, localOne: 0x0a,
  },
  /** Server response error codes (CQL native protocol). */
  responseErrorCodes: {
    serverError: 0x0000, protocolError: 0x000a, badCredentials: 0x0100, unavailableException: 0x1000,
    overloaded: 0x1001, isBootstrapping: 0x1002, truncateError: 0x1003, writeTimeout: 0x1100,
    readTimeout: 0x1200, readFailure: 0x1300, functionFailure: 0x1400, writeFailure: 0x1500,
    syntaxError: 0x2000, unauthorized: 0x2100, invalid: 0x2200, configError: 0x2300,
    alreadyExists: 0x2400, unprepared: 0x2500, clientWriteFailure: 0x8000,
  },
} as const;

/** Base class of every error the driver raises. */
export class DriverError extends Error {
  info: string;
  /** host that coordinated the failed attempt, e.g. 'A:9042' */
  coordinator?: string;
  /** the query text, when a query failed */
  query?: string;
  constructor(message: string) {
    const limit = suspendStack();
    super(message);
    restoreStack(limit);
    this.info = 'Cassandra Driver Error';
  }
}

/** No host could run the query; `innerErrors` maps each host tried ('A:9042') to its error. */
export class NoHostAvailableError extends DriverError {
  innerErrors: Record<string, Error>;
  constructor(innerErrors: Record<string, Error>, message?: string) {
    const hosts = Object.keys(innerErrors ?? {});
    super(message ?? ('All host(s) tried for query failed.' + (hosts.length > 0 ? ` First host tried, ${hosts[0]}: ${innerErrors[hosts[0]].name}: ${innerErrors[hosts[0]].message}. See innerErrors.` : '')));
    this.innerErrors = innerErrors ?? {};
    this.info = 'Represents an error when a query cannot be performed because no host is available or could be reached by the driver.';
  }
}

/** The client did not hear back from the coordinator within `readTimeout` (client side). */
export class OperationTimedOutError extends DriverError {
  host?: string;
  constructor(message: string, host?: string) {
    super(message);
    this.host = host;
    this.info = 'Represents a client-side error that is raised when the client did not hear back from the server within socketOptions.readTimeout';
  }
}

/** An error the server (coordinator) answered with; `code` is a `types.responseErrorCodes` value. */
export class ResponseError extends DriverError {
  code: number;
  /** Unavailable / timeouts: the consistency level of the request */
  consistencies?: number;
  /** Unavailable: replicas required and known alive */
  required?: number;
  alive?: number;
  /** Read/Write timeout: acknowledgements received and required */
  received?: number;
  blockFor?: number;
  /** Read timeout: whether the replica asked for data answered */
  isDataPresent?: boolean;
  /** Write timeout: 'SIMPLE', 'BATCH', … */
  writeType?: string;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
    this.info = 'Represents an error message from the server';
  }
}

export class ArgumentError extends DriverError {
  constructor(message: string) {
    super(message);
    this.info = 'Represents an error that is raised when one of the arguments provided to a method is not valid.';
  }
}

/** A feature this (simulated) driver or cluster does not support; the message names the part. */
export class NotSupportedError extends DriverError {
  constructor(message: string) {
    super(message);
    this.info = 'Represents a feature that is not supported in the driver or in the Cassandra version.';
  }
}

export class DriverInternalError extends DriverError {}
export class AuthenticationError extends DriverError {}

// Literal names (not `new.target.name`): minifiers rename classes, and code compares `err.name`.
for (const [cls, name] of [[DriverError, 'DriverError'], [NoHostAvailableError, 'NoHostAvailableError'], [OperationTimedOutError, 'OperationTimedOutError'], [ResponseError, 'ResponseError'], [ArgumentError, 'ArgumentError'], [NotSupportedError, 'NotSupportedError'], [DriverInternalError, 'DriverInternalError'], [AuthenticationError, 'AuthenticationError']] as const) {
  Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true });
}

export const errors = {
  DriverError, NoHostAvailableError, OperationTimedOutError, ResponseError, ArgumentError, NotSupportedError,
  DriverInternalError, AuthenticationError,
};

/** A result row: columns as properties, plus get()/keys()/values()/forEach(). */
export class Row {
  [column: string]: unknown;
  constructor(data: Record<string, unknown>) {
    Object.assign(this, data);
  }
  get(columnName: string | number): unknown {
    if (typeof columnName === 'number') return this.values()[columnName];
    return this[columnName];
  }
  keys(): string[] {
    return Object.keys(this);
  }
  values(): unknown[] {
    return Object.keys(this).map((k) => this[k]);
  }
  forEach(cb: (value: unknown, key: string) => void): void {
    for (const k of Object.keys(this)) cb(this[k], k);
  }
}

export interface ExecutionInfo {
  queriedHost: string;
  triedHosts: Record<string, unknown>;
  achievedConsistency: number;
  speculativeExecutions: number;
  warnings: string[];
}

export class ResultSet {
  rows: Row[];
  rowLength: number;
  columns: Array<{ name: string; type: { code: number; info: null } }> | null;
  info: ExecutionInfo;
  pageState: string | null = null;
  nextPage: undefined = undefined;
  constructor(rows: Row[], columns: string[] | null, info: ExecutionInfo) {
    this.rows = rows;
    this.rowLength = rows.length;
    this.columns = columns ? columns.map((name) => ({ name, type: { code: 0, info: null } })) : null;
    this.info = info;
  }
  /** The first row, or null. */
  first(): Row | null {
    return this.rows[0] ?? null;
  }
  /** Always true: lightweight transactions are not simulated. */
  wasApplied(): boolean {
    return true;
  }
  [Symbol.iterator](): Iterator<Row> {
    return this.rows[Symbol.iterator]();
  }
}

export interface QueryOptions {
  /** default: the client's queryOptions.consistency, else types.consistencies.localOne */
  consistency?: number;
  prepare?: boolean;
  /** client-side timeout per attempt, ms (default socketOptions.readTimeout, 12000; 0 disables) */
  readTimeout?: number;
  isIdempotent?: boolean;
  /** write timestamp, µs since the epoch (number) */
  timestamp?: number;
  /** sets fetchSize etc. are accepted and ignored */
  fetchSize?: number;
  keyspace?: string;
  logged?: boolean;
  [option: string]: unknown;
}

/** How a test binds a client to a simulated world (learner code leaves it out). */
export interface SimBinding {
  /** the World (typed loosely so these declarations stand alone) */
  world?: object;
  zone?: string;
  id?: string;
  /** false: only the contact points are tried */
  failover?: boolean;
}

export interface ClientOptions {
  contactPoints: string[];
  localDataCenter?: string;
  keyspace?: string;
  queryOptions?: { consistency?: number; prepare?: boolean; isIdempotent?: boolean };
  socketOptions?: { readTimeout?: number; connectTimeout?: number };
  /** null = server-side timestamps (the coordinator's clock); default: client-side, like driver 4.x */
  timestampGeneration?: null | 'client';
  /** Simulator binding (tests set this through world.cassandraClient) */
  sim?: SimBinding;
  [option: string]: unknown;
}

const PORT = 9042;

type Attempt = { host: CNode; done: boolean; fail: (e: Error) => void };

/**
 * A host the driver already considers down is recorded as HOST_DOWN and its DriverError is built
 * only when someone reads it from `innerErrors` (or `triedHosts`): while a zone is out, a Submit
 * tries thousands of down hosts, and an Error costs several µs to construct in a browser.
 */
const HOST_DOWN = 'Host considered as DOWN';
type Tried = Record<string, Error | typeof HOST_DOWN>;

function hostErrors(tried: Tried): Record<string, Error> {
  const out: Record<string, Error> = {};
  for (const addr of Object.keys(tried)) {
    const e = tried[addr];
    if (e !== HOST_DOWN) {
      out[addr] = e;
      continue;
    }
    const settle = (value: Error) => {
      Object.defineProperty(out, addr, { value, enumerable: true, configurable: true, writable: true });
      return value;
    };
    Object.defineProperty(out, addr, {
      enumerable: true,
      configurable: true,
      get: () => settle(new DriverError(HOST_DOWN)),
      set: (v: Error) => void settle(v),
    });
  }
  return out;
}

function noHostAvailable(tried: Tried): NoHostAvailableError {
  const hosts = Object.keys(tried);
  const first = hosts.length > 0 ? tried[hosts[0]] : undefined;
  const firstText = first === HOST_DOWN ? `DriverError: ${HOST_DOWN}` : first ? `${first.name}: ${first.message}` : '';
  const message = 'All host(s) tried for query failed.' + (first ? ` First host tried, ${hosts[0]}: ${firstText}. See innerErrors.` : '');
  return new NoHostAvailableError(hostErrors(tried), message);
}

/** Parsed statements by text, shared by every client (module state, out of learner code's reach). */
const cqlCache = new Map<string, ParsedCql | Error>();

export class Client {
  /** client id in the world's history and journal */
  readonly id: string;
  readonly keyspace: string;
  // True private state (`#`): learner code holding a client cannot reach the world, its nodes or
  // the test's options through it (TypeScript's `private` is visible at run time).
  readonly #world: World;
  readonly #ep: Endpoint;
  readonly #plan: CNode[];
  readonly #opts: ClientOptions;
  #lastTs = 0;
  #inflight = new Set<Attempt>();
  #closed = false;

  constructor(options: ClientOptions) {
    if (!options || typeof options !== 'object') throw new ArgumentError('Client options must be an object with contactPoints');
    if (!Array.isArray(options.contactPoints) || options.contactPoints.length === 0) {
      throw new ArgumentError("'contactPoints' is not defined or empty. Use contactPoints with a node id, e.g. ['A']");
    }
    const w = worldFor(options.sim?.world);
    if (!w) throw new ArgumentError('No simulated world: create one with createWorld({ seed }) first (tests), or construct the Client inside world.run');
    this.#world = w;
    this.#opts = options;
    this.keyspace = options.keyspace ?? w.schema.keyspace;
    const contacts = options.contactPoints.map((cp) => {
      const id = String(cp).replace(/:\d+$/, '');
      const n = w.cluster.byId.get(id);
      if (!n) throw new ArgumentError(`Unknown contact point '${cp}': the simulated nodes are ${w.cluster.nodes.map((x) => x.id).join(', ')}`);
      return n;
    });
    const failover = options.sim?.failover !== false;
    this.#plan = failover ? [...contacts, ...w.cluster.nodes.filter((n) => !contacts.includes(n))] : contacts;
    this.id = options.sim?.id ?? w.nextClientId('cassandra-client');
    this.#ep = w.net.add(this.id, options.sim?.zone ?? contacts[0].ep.zone, 'client');
    w.crashListeners.push((node) => {
      for (const a of [...this.#inflight]) if (a.host.id === node) a.fail(Object.assign(new DriverError(`Connection to ${node}:${PORT} was closed`), { isSocketError: true }));
    });
  }

  /** Resolves at once (connections are simulated). */
  async connect(): Promise<void> {}

  async shutdown(): Promise<void> {
    this.#closed = true;
  }

  /** Not supported by the simulator (rejects with NotSupportedError). */
  async batch(): Promise<never> {
    throw new NotSupportedError('The course simulator does not support batches (client.batch)');
  }

  #parse(query: string): ParsedCql {
    let p = cqlCache.get(query);
    if (!p) {
      try {
        p = parseCql(query);
      } catch (e) {
        if (e instanceof Unsupported) p = new NotSupportedError(e.message);
        else if (e instanceof SyntaxErr) p = Object.assign(new ResponseError(types.responseErrorCodes.syntaxError, e.message), {});
        else p = e as Error;
      }
      if (cqlCache.size > 5000) cqlCache.clear();
      cqlCache.set(query, p);
    }
    if (p instanceof Error) {
      const e = p instanceof NotSupportedError ? new NotSupportedError(p.message) : p instanceof ResponseError ? new ResponseError(p.code, p.message) : p;
      throw e;
    }
    return p;
  }

  #nextTimestamp(): number {
    const clock = this.#world.epochMs * 1000 + this.#world.net.clockUs(this.#ep);
    const ts = clock > this.#lastTs ? clock : this.#lastTs + 1;
    this.#lastTs = ts;
    return ts;
  }

  /**
   * Execute a CQL statement. `params` are bound to `?` markers in order.
   * Rejects with ResponseError (server), OperationTimedOutError (client timeout),
   * NoHostAvailableError (every host in the plan failed) or NotSupportedError.
   */
  execute(query: string, params?: unknown[] | null, options?: QueryOptions): Promise<ResultSet> {
    const w = this.#world;
    w.assertRunning('cassandra-driver Client.execute');
    w.activity++;
    const opt: QueryOptions = options ?? {};
    const paramsArr = params === undefined || params === null ? [] : params;
    w.queries.push({
      time: w.now, client: this.id, driver: 'cassandra', text: String(query),
      params: Array.isArray(paramsArr) ? paramsArr.slice() : [paramsArr], options: { ...opt }, literals: [],
    });
    const rec = w.queries[w.queries.length - 1];
    if (this.#closed) return Promise.reject(new DriverError('Client has been shut down'));
    if (typeof query !== 'string') return Promise.reject(new ArgumentError('Query must be a string'));
    if (!Array.isArray(paramsArr)) {
      return Promise.reject(new NotSupportedError('The course simulator supports positional parameters only (an array for the ? markers), not named parameters'));
    }
    let parsed: ParsedCql;
    try {
      parsed = this.#parse(query);
    } catch (e) {
      return Promise.reject(e);
    }
    rec.literals = parsed.literals.slice();
    const cl = opt.consistency ?? this.#opts.queryOptions?.consistency ?? types.consistencies.localOne;
    let op: ServerOp;
    let f: string;
    let hkey: string | undefined;
    let hvalue: Record<string, unknown>;
    try {
      ({ op, f, hkey, hvalue } = this.#build(parsed, paramsArr, cl, opt));
    } catch (e) {
      return Promise.reject(e);
    }
    const inv = w.record(this.id, 'invoke', f, hvalue, { key: hkey });
    const readTimeout = opt.readTimeout ?? this.#opts.socketOptions?.readTimeout ?? 12000;
    const idempotent = opt.isIdempotent ?? this.#opts.queryOptions?.isIdempotent ?? false;
    const token = w.addPending(() => `cassandra-driver execute('${query.length > 60 ? query.slice(0, 57) + '…' : query}') by ${this.id}`);
    return new Promise<ResultSet>((resolve, reject) => {
      const tried: Tried = {};
      let retries = 0;
      const finish = (err: Error | null, rs?: ResultSet) => {
        w.removePending(token);
        w.wake();
        if (err) {
          const timeoutLike = err instanceof OperationTimedOutError || (err instanceof ResponseError && (err.code === 0x1100 || err.code === 0x1200)) || (err as { isSocketError?: boolean }).isSocketError;
          w.record(this.id, timeoutLike && f !== 'read' && f !== 'health' ? 'info' : 'fail', f, hvalue, {
            key: hkey, invoke: inv.index,
            error: { name: err.name, message: err.message, code: (err as ResponseError).code },
          });
          (err as DriverError).query = query;
          reject(err);
        } else {
          const row = rs!.rows[0];
          const value = f === 'read' ? { ...hvalue, row: row ? { ...row } : null } : hvalue;
          w.record(this.id, 'ok', f, value, { key: hkey, invoke: inv.index });
          resolve(rs!);
        }
      };
      const tryFrom = (start: number) => {
        for (let i = start; i < this.#plan.length; i++) {
          const h = this.#plan[i];
          const addr = `${h.id}:${PORT}`;
          if (!h.ep.alive) {
            if (!(addr in tried)) tried[addr] = HOST_DOWN;
            continue;
          }
          return send(i);
        }
        finish(noHostAvailable(tried));
      };
      const send = (i: number) => {
        const host = this.#plan[i];
        const addr = `${host.id}:${PORT}`;
        const attempt: Attempt = { host, done: false, fail: () => {} };
        this.#inflight.add(attempt);
        let timer: Ev | undefined;
        const settle = () => {
          if (attempt.done) return false;
          attempt.done = true;
          this.#inflight.delete(attempt);
          w.sched.cancel(timer);
          return true;
        };
        attempt.fail = (e: Error) => {
          if (!settle()) return;
          (e as DriverError).coordinator = addr;
          tried[addr] = e;
          if (idempotent) { retries++; tryFrom(i + 1); } else finish(e);
        };
        if (readTimeout > 0) {
          timer = w.sched.after(Math.round(readTimeout * 1000), () => {
            if (!settle()) return;
            const e = new OperationTimedOutError(`The host ${addr} did not reply before timeout ${readTimeout} ms`, addr);
            e.coordinator = addr;
            tried[addr] = e;
            if (idempotent) { retries++; tryFrom(i + 1); } else finish(e);
          });
        }
        const ep = this.#ep;
        w.net.send(ep, host.ep, 'execute', op, (o) => {
          w.cluster.coordinate(host, this.#stamp(o, host), (reply: ServerReply) => {
            w.net.send(host.ep, ep, reply.ok ? 'result' : 'error', reply, (r) => {
              if (!settle()) return;
              if (r.ok) {
                const cols = op.kind === 'read' ? op.columns : op.kind === 'system' ? Object.keys(r.rows[0] ?? {}) : null;
                return finish(null, new ResultSet(r.rows.map((x) => new Row(x)), cols, {
                  queriedHost: addr, triedHosts: { ...hostErrors(tried), [addr]: null }, achievedConsistency: cl, speculativeExecutions: 0, warnings: [],
                }));
              }
              const e = new ResponseError(r.error.code, r.error.message);
              Object.assign(e, r.error.props);
              e.coordinator = addr;
              tried[addr] = e;
              // the driver's default RetryPolicy
              if (e.code === types.responseErrorCodes.unavailableException && retries === 0) {
                retries++;
                return tryFrom(i + 1);
              }
              if (e.code === types.responseErrorCodes.readTimeout && retries === 0 && (e.received ?? 0) >= (e.blockFor ?? 0) && !e.isDataPresent) {
                retries++;
                return send(i);
              }
              finish(e);
            });
          });
        });
      };
      tryFrom(0);
    });
  }

  /** Server-side timestamps: the coordinator stamps writes that carry none. */
  #stamp(op: ServerOp, coord: CNode): ServerOp {
    if (op.kind !== 'write' || !Number.isNaN(op.frag.marker) || !this.#pendingStamp.has(op)) return op;
    const ts = coord.serverTimestamp(this.#world.epochMs * 1000 + this.#world.net.clockUs(coord.ep));
    const spec = this.#pendingStamp.get(op)!;
    return { ...op, frag: spec(ts) };
  }

  #pendingStamp = new WeakMap<ServerOp, (ts: number) => Frag>();

  #bindValue(t: Term, params: readonly unknown[]): unknown {
    return t.kind === 'bind' ? params[t.index] : t.value;
  }

  #build(p: ParsedCql, params: readonly unknown[], cl: number, opt: QueryOptions): { op: ServerOp; f: string; hkey?: string; hvalue: Record<string, unknown> } {
    const s: CqlStmt = p.stmt;
    if (params.length !== p.markers) {
      throw new ResponseError(types.responseErrorCodes.invalid, `Invalid amount of bind variables: expected ${p.markers}, got ${params.length}`);
    }
    if (s.type === 'select' && s.system) {
      const cols = s.columns === '*' ? ['*'] : s.columns;
      return { op: { kind: 'system', columns: cols }, f: 'health', hvalue: { query: 'system.local', cl } };
    }
    if (s.ks !== undefined && s.ks !== this.keyspace) {
      throw new ResponseError(types.responseErrorCodes.invalid, `Keyspace ${s.ks} does not exist (the simulated keyspace is '${this.keyspace}')`);
    }
    const def = this.#world.schema.cassandra[s.table];
    if (!def) throw new ResponseError(types.responseErrorCodes.invalid, `unconfigured table ${s.table}`);
    const colCheck = (c: string) => {
      if (!(c in def.columns)) throw new ResponseError(types.responseErrorCodes.invalid, `Undefined column name ${c} in table ${this.keyspace}.${s.table}`);
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
      const k = typed(def.key, this.#bindValue(where.term, params));
      if (k === null) throw new ResponseError(types.responseErrorCodes.invalid, `Invalid null value in condition for column ${def.key}`);
      return k;
    };
    const hkey = (k: unknown) => `${s.table}/${String(k)}`;
    if (s.type === 'select') {
      const key = keyOf(s.where);
      const columns = s.columns === '*' ? Object.keys(def.columns) : s.columns;
      for (const c of columns) colCheck(c);
      const limit = s.limit ? Number(this.#bindValue(s.limit, params)) : 1;
      if (!(limit > 0)) throw new ResponseError(types.responseErrorCodes.invalid, 'LIMIT must be strictly positive');
      return { op: { kind: 'read', table: s.table, key, columns, cl, limit }, f: 'read', hkey: hkey(key), hvalue: { table: s.table, key, cl } };
    }
    // writes
    let tsTerm: Term | undefined = s.timestamp;
    let ts: number | undefined = tsTerm ? Number(this.#bindValue(tsTerm, params)) : opt.timestamp;
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
        const v = typed(c, this.#bindValue(s.values[i], params));
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
        cells[c] = typed(c, this.#bindValue(t, params));
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
    const serverSide = this.#opts.timestampGeneration === null && ts === undefined;
    if (!serverSide && ts === undefined) ts = this.#nextTimestamp();
    const frag = serverSide ? { del: NaN, marker: NaN, cells: {} } : mk(ts!);
    const op: ServerOp = { kind: 'write', table: s.table, key, frag, cl };
    if (serverSide) this.#pendingStamp.set(op, mk);
    return {
      op,
      f: s.type === 'delete' ? 'delete' : 'write',
      hkey: hkey(key),
      hvalue: { table: s.table, key, cells: s.type === 'delete' && rowDelete ? null : { ...cells }, timestamp: serverSide ? null : ts, cl },
    };
  }
}

void SimulationError;
void blockFor;
void CL;

export default { Client, types, errors, ResultSet, Row };
