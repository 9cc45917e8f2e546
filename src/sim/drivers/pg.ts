/** `pg` (node-postgres), shaped like its Pool / PoolClient, talking to the simulated PostgreSQL. */
import { restoreStack, suspendStack } from '../errors';
import { type ParsedSql, PgError, type PgResultData, parseSql } from '../pg';
import { prepareParam } from '../pg-types';
import { type Endpoint } from '../net';
import { worldFor } from '../active';
import type { World } from '../world';
import type { PgDatabase } from '../pg';
import { ownItems } from './learner-input';
import { simOptions } from './placement';

export interface QueryResult<R = Record<string, any>> {
  command: string;
  /** rows returned or changed; null for BEGIN, COMMIT, ROLLBACK (as in pg) */
  rowCount: number | null;
  rows: R[];
  fields: Array<{ name: string }>;
}

export interface QueryConfig {
  text: string;
  values?: unknown[];
  name?: string;
  /** 'array': each row is an array of the column values, in the order of `fields` */
  rowMode?: 'array';
  /** this query's client-side timeout, ms (else the pool's `query_timeout`) */
  query_timeout?: number;
}

/** `callback(err, result)` of the callback form of `query`. */
export type QueryCallback<R = Record<string, any>> = (err: Error, result: QueryResult<R>) => void;

export interface PoolConfig {
  connectionString?: string;
  host?: string;
  database?: string;
  user?: string;
  password?: string;
  max?: number;
  /** client-side timeout per query, ms (0/undefined = none, like pg) */
  query_timeout?: number;
  statement_timeout?: number;
  connectionTimeoutMillis?: number;
  /** Simulator binding (tests set this through world.pgPool) */
  sim?: { world?: object; zone?: string; id?: string };
  [option: string]: unknown;
}

/**
 * The error pg raises for a server error: `code` is the SQLSTATE (e.g. '23505'); `detail`, `schema`,
 * `table`, `column` and `constraint` are set where PostgreSQL sends them (unique and not-null
 * violations), undefined otherwise, as in pg.
 */
export class DatabaseError extends Error {
  code: string;
  severity: string;
  detail: string | undefined;
  schema: string | undefined;
  table: string | undefined;
  column: string | undefined;
  constraint: string | undefined;
  constructor(message: string, code: string, fields: { detail?: string; schema?: string; table?: string; column?: string; constraint?: string } = {}) {
    const limit = suspendStack();
    super(message);
    restoreStack(limit);
    this.name = 'error';
    this.code = code;
    this.severity = 'ERROR';
    this.detail = fields.detail;
    this.schema = fields.schema;
    this.table = fields.table;
    this.column = fields.column;
    this.constraint = fields.constraint;
  }
}

const parseCache = new Map<string, ParsedSql | PgError>();

/** The statement, or the server's parse error for it (sent to the server like any query). */
function parse(text: string): ParsedSql | PgError {
  let p = parseCache.get(text);
  if (!p) {
    try {
      p = parseSql(text);
    } catch (e) {
      if (!(e instanceof PgError)) throw e;
      p = e;
    }
    if (parseCache.size > 5000) parseCache.clear();
    parseCache.set(text, p);
  }
  return p;
}

let bindingOf: (q: Queryable) => { world: World; ep: Endpoint; cfg: PoolConfig; id: string };

abstract class Queryable {
  readonly #id: string;
  #world: World;
  #ep: Endpoint;
  #cfg: PoolConfig;
  /** the open transaction's undo log (null: no transaction) */
  #undo: Array<() => void> | null = null;
  /** an error happened inside the open transaction: PostgreSQL ignores commands until its end */
  #aborted = false;
  /** @internal */
  constructor(world: World, ep: Endpoint, cfg: PoolConfig, id: string) {
    this.#world = world;
    this.#ep = ep;
    this.#cfg = cfg;
    this.#id = id;
  }
  /** its name in the world's history (a getter: learner code cannot rename whose queries they are) */
  get id(): string {
    return this.#id;
  }
  // Pool.connect reads its pool's binding through this module-private accessor, not a getter
  // learner code could call: the world stays out of reach of whoever holds a pool.
  static {
    bindingOf = (q) => ({ world: q.#world, ep: q.#ep, cfg: q.#cfg, id: q.#id });
  }
  /** @internal rolls back an open transaction */
  protected rollbackOpen(): void {
    if (this.#undo) {
      for (let i = this.#undo.length - 1; i >= 0; i--) this.#undo[i]();
      this.#undo = null;
    }
    this.#aborted = false;
  }

  /**
   * One statement on this connection, with PostgreSQL's transaction rules: BEGIN opens an undo log;
   * an error inside a transaction aborts it (every later command fails with 25P02 until ROLLBACK,
   * and COMMIT then rolls back and answers ROLLBACK); a failed statement itself changes nothing.
   */
  private execOnConnection(db: PgDatabase, pq: ParsedSql | PgError, params: ReadonlyArray<string | null>): PgResultData {
    if (pq instanceof PgError) {
      // a syntax error is reported even in an aborted transaction, and aborts an open one
      if (this.#undo) this.#aborted = true;
      throw pq;
    }
    const st = pq.stmt;
    if (this.#aborted) {
      if (st.type === 'tx' && st.op !== 'BEGIN') {
        this.rollbackOpen();
        return { command: 'ROLLBACK', rows: [], rowCount: null, fields: [] };
      }
      throw new PgError('25P02', 'current transaction is aborted, commands ignored until end of transaction block');
    }
    try {
      const res = db.exec(pq, params, this.#undo ?? undefined);
      if (st.type === 'tx') {
        if (st.op === 'BEGIN') this.#undo ??= [];
        else if (st.op === 'ROLLBACK') this.rollbackOpen();
        else this.#undo = null;
      }
      return res;
    } catch (e) {
      if (this.#undo) this.#aborted = true;
      throw e;
    }
  }

  /**
   * Run one statement: `query(text, values)` or `query({ text, values, rowMode, query_timeout })`.
   * With a callback (last argument) it returns nothing and calls `callback(err, result)`, as pg does.
   */
  query<R = Record<string, any>>(textOrConfig: string | QueryConfig, values?: unknown[]): Promise<QueryResult<R>>;
  query<R = Record<string, any>>(textOrConfig: string | QueryConfig, values: unknown[] | undefined, callback: QueryCallback<R>): void;
  query<R = Record<string, any>>(textOrConfig: string | QueryConfig, callback: QueryCallback<R>): void;
  query<R = Record<string, any>>(textOrConfig: string | QueryConfig, values?: unknown, callback?: unknown): Promise<QueryResult<R>> | void {
    if (typeof values === 'function') {
      callback = values;
      values = undefined;
    }
    const p = this.#query<R>(textOrConfig, values as unknown[] | undefined);
    if (callback === undefined) return p;
    if (typeof callback !== 'function') throw new TypeError('callback is not a function');
    const cb = callback as QueryCallback<R>;
    // pg/lib/query.js: `callback(null, results)` on success, `callback(err)` on failure
    p.then((r) => cb(null as unknown as Error, r), (e: Error) => cb(e, undefined as unknown as QueryResult<R>));
  }

  #query<R>(textOrConfig: string | QueryConfig, values?: unknown[]): Promise<QueryResult<R>> {
    const w = this.#world;
    w.assertRunning('pg query');
    w.activity++;
    const text = typeof textOrConfig === 'string' ? textOrConfig : textOrConfig?.text;
    const config = typeof textOrConfig === 'object' && textOrConfig ? textOrConfig : undefined;
    const given: unknown = (config ? config.values : values) ?? [];
    const vals = Array.isArray(given) ? ownItems(given) : [];
    const rowMode = config?.rowMode;
    const rec = { time: w.now, client: this.#id, driver: 'pg' as const, text: String(text), params: Array.isArray(given) ? vals.slice() : [given], options: {}, literals: [] as unknown[] };
    w.logQuery(rec);
    if (typeof text !== 'string') return Promise.reject(new TypeError('Client was passed a null or undefined query'));
    if (!Array.isArray(given)) return Promise.reject(new TypeError('Query values must be an array'));
    let wire: Array<string | null>;
    try {
      wire = vals.map(prepareParam);
    } catch (e) {
      return Promise.reject(e instanceof PgError ? new DatabaseError(e.message, e.code, e.fields) : e);
    }
    const parsed = parse(text);
    const st = parsed instanceof PgError ? null : parsed.stmt;
    if (!(parsed instanceof PgError)) rec.literals = parsed.literals.slice();
    const write = st?.type === 'insert' || st?.type === 'update' || st?.type === 'delete';
    const f = write ? 'pg-write' : st?.type === 'tx' ? 'pg-tx' : 'pg-read';
    const table = st && 'table' in st ? st.table : undefined;
    const inv = w.record(this.#id, 'invoke', f, { text, values: vals.slice() }, { key: table });
    const token = w.addPending(`pg query('${text.length > 60 ? text.slice(0, 57) + '…' : text}') by ${this.#id}`);
    return new Promise<QueryResult<R>>((resolve, reject) => {
      let done = false;
      const finish = (err: Error | null, r?: PgResultData) => {
        if (done) return;
        done = true;
        w.removePending(token);
        w.wake();
        if (err) {
          const definite = err instanceof DatabaseError || (err as { code?: string }).code === 'ECONNREFUSED';
          w.record(this.#id, write && !definite ? 'info' : 'fail', f, { text, values: vals }, { key: table, invoke: inv.index, error: { name: err.name, message: err.message, code: (err as { code?: string }).code } });
          reject(err);
        } else {
          w.record(this.#id, 'ok', f, { text, values: vals, rows: r!.rows }, { key: table, invoke: inv.index });
          const rows = rowMode === 'array' ? r!.rows.map((row) => r!.fields.map((fl) => (row as Record<string, unknown>)[fl.name])) : r!.rows;
          resolve({ command: r!.command, rowCount: r!.rowCount, rows: rows as R[], fields: r!.fields });
        }
      };
      // pg's Client.query: `config.query_timeout || connectionParameters.query_timeout`
      const timeout = config?.query_timeout || this.#cfg.query_timeout;
      if (timeout && timeout > 0) w.sched.after(Math.round(timeout * 1000), () => finish(new Error('Query read timeout')));
      w.net.send(this.#ep, w.pgEp, 'query', parsed, (pq) => {
        const state = w.pgState;
        if (state.state === 'down') {
          const e = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED', errno: -111, syscall: 'connect', address: '10.0.0.5', port: 5432 });
          return w.net.send(w.pgEp, this.#ep, 'error', e, (x) => finish(x));
        }
        const exec = () => {
          let res: PgResultData | undefined;
          let err: Error | null = null;
          try {
            res = this.execOnConnection(w.pgdb, pq, wire);
          } catch (e) {
            err = e instanceof PgError ? new DatabaseError(e.message, e.code, e.fields) : (e as Error);
          }
          w.net.send(w.pgEp, this.#ep, err ? 'error' : 'rows', err ?? res!, (x) => (err ? finish(x as Error) : finish(null, x as PgResultData)));
        };
        if (state.extraUs > 0) w.sched.after(state.extraUs, exec);
        else exec();
      });
    });
  }
}

/** A checked-out connection (`await pool.connect()`): use it for BEGIN … COMMIT, then `release()`. */
export class PoolClient extends Queryable {
  /** Return the connection to the pool (an open transaction is rolled back). */
  release(): void {
    this.rollbackOpen();
  }
}

function bind(config: PoolConfig): [World, Endpoint, PoolConfig, string] {
  const { trusted, sim } = simOptions(config.sim);
  const w = worldFor(sim.world);
  if (!w) throw new Error('No simulated world: create one with createWorld({ seed }) first');
  const id = sim.id ?? w.nextClientId('pg-pool');
  return [w, w.net.add(id, (trusted ? sim.zone : w.appZone) ?? 'app', 'client'), config, id];
}

export class Pool extends Queryable {
  #ended = false;
  #seq = 0;
  constructor(config: PoolConfig = {}) {
    super(...bind(config));
  }
  /** Check out a connection (for BEGIN … COMMIT); call release() when done. */
  async connect(): Promise<PoolClient> {
    const { world, ep, cfg, id } = bindingOf(this);
    world.assertRunning('pg Pool.connect');
    if (this.#ended) throw new Error('Cannot use a pool after calling end on the pool');
    return new PoolClient(world, ep, cfg, `${id}/${++this.#seq}`);
  }
  async end(): Promise<void> {
    this.#ended = true;
  }
  /** Event listeners are accepted and never called (pool errors surface on queries). */
  on(_event: string, _listener: (...args: unknown[]) => void): this {
    return this;
  }
  get totalCount(): number {
    return 0;
  }
}

/** `new Client(config)`: a single connection; `connect()` then `query()`. */
export class Client extends Pool {}

export default { Pool, Client, DatabaseError };
