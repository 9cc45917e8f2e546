/**
 * `cassandra-driver`, shaped like the DataStax Node.js driver 4.x, talking to the simulated cluster.
 * Learner code imports `types` and `errors` from here; tests build clients bound to a world.
 *
 * Why this file is over 400 lines: it is the module's whole public surface (types, errors, results,
 * hosts, every policy class, Client), and scripts/gen-types.ts turns this one file into the
 * `declare module 'cassandra-driver'` learners' editors type-check against, which must not import
 * other modules. What is not public lives beside it: one request's execution (query plan, retries,
 * speculative executions) in ./cassandra-request, statements → coordinator operations in
 * ./cassandra-statement.
 */
import { CL, CNode, type ServerOp, blockFor } from '../cassandra';
import { type ParsedCql } from '../cql';
import { isRefusal, parseCached } from './cql-cache';
import { learnerDateNow } from '../realm';
import { simOptions } from './placement';
import { SimulationError, restoreStack, suspendStack } from '../errors';
import { type Endpoint } from '../net';
import { worldFor } from '../active';
import type { World } from '../world';
import { type Attempt, type RequestContext, RequestHandler } from './cassandra-request';
import { Call } from './cassandra-call';
import { type Statement, type StatementContext, buildStatement, namedParams } from './cassandra-statement';
import { ownItems } from './learner-input';

const wrapLong = (v: bigint): bigint => BigInt.asIntN(64, v);

function toLongValue(v: unknown): bigint {
  if (v instanceof Long) return v.value;
  if (typeof v === 'bigint') return wrapLong(v);
  if (typeof v === 'number') return Number.isFinite(v) ? wrapLong(BigInt(Math.trunc(v))) : 0n;
  if (typeof v === 'string') return Long.fromString(v).value;
  throw new TypeError(`Long: cannot make a 64-bit integer of ${String(v)}`);
}

/**
 * `types.Long`: the 64-bit integers the real driver reads `bigint` and `counter` columns as and
 * accepts for write timestamps (the `long` package's class, which lib/types re-exports). The common
 * part of its API, on a BigInt wrapped to 64 bits: `fromNumber`, `fromInt`, `fromString`,
 * `fromValue`, `fromBits`, `toNumber`, `toInt`, `toString`, `equals`, `compare`, the arithmetic
 * learners use for timestamps (`add`, `subtract`, `multiply`, `divide`, `negate`), and `valueOf`
 * (so `Number(long)` works).
 */
export class Long {
  /** @internal */
  readonly value: bigint;
  /** `new Long(low, high)`: the 64-bit integer whose 32-bit halves these are (as the `long` package). */
  constructor(low: number, high = 0) {
    this.value = wrapLong((BigInt(high | 0) << 32n) | BigInt(low >>> 0));
  }

  static readonly ZERO: Long = Long.fromBig(0n);
  static readonly ONE: Long = Long.fromBig(1n);

  /** A Long of `v` (wrapped to 64 bits), its `value` a field as the constructor makes it. */
  private static fromBig(v: bigint): Long {
    return Object.assign(Object.create(Long.prototype) as Long, { value: wrapLong(v) });
  }
  static fromNumber(n: number): Long {
    return Long.fromBig(toLongValue(n));
  }
  static fromInt(n: number): Long {
    return Long.fromBig(BigInt(n | 0));
  }
  static fromBits(low: number, high: number): Long {
    return new Long(low, high);
  }
  static fromString(s: string, radix = 10): Long {
    const text = String(s).trim();
    const neg = text.startsWith('-');
    const digits = neg ? text.slice(1) : text;
    if (!/^[0-9a-z]+$/i.test(digits)) throw new Error(`Long.fromString: '${s}' is not an integer`);
    let v = 0n;
    for (const d of digits.toLowerCase()) {
      const x = parseInt(d, radix);
      if (Number.isNaN(x)) throw new Error(`Long.fromString: '${s}' is not an integer in base ${radix}`);
      v = v * BigInt(radix) + BigInt(x);
    }
    return Long.fromBig(neg ? -v : v);
  }
  static fromValue(v: unknown): Long {
    return Long.fromBig(toLongValue(v));
  }
  static isLong(v: unknown): v is Long {
    return v instanceof Long;
  }

  toNumber(): number {
    return Number(this.value);
  }
  toInt(): number {
    return Number(BigInt.asIntN(32, this.value));
  }
  toString(radix = 10): string {
    return this.value.toString(radix);
  }
  valueOf(): number {
    return this.toNumber();
  }
  toJSON(): string {
    return this.toString();
  }
  equals(other: unknown): boolean {
    return this.value === toLongValue(other);
  }
  compare(other: unknown): number {
    const o = toLongValue(other);
    return this.value < o ? -1 : this.value > o ? 1 : 0;
  }
  isZero(): boolean {
    return this.value === 0n;
  }
  isNegative(): boolean {
    return this.value < 0n;
  }
  add(other: unknown): Long {
    return Long.fromBig(this.value + toLongValue(other));
  }
  subtract(other: unknown): Long {
    return Long.fromBig(this.value - toLongValue(other));
  }
  multiply(other: unknown): Long {
    return Long.fromBig(this.value * toLongValue(other));
  }
  divide(other: unknown): Long {
    const o = toLongValue(other);
    if (o === 0n) throw new Error('division by zero');
    return Long.fromBig(this.value / o);
  }
  negate(): Long {
    return Long.fromBig(-this.value);
  }
}

/** A write timestamp given as a number, a Long or a bigint, as µs; anything else as it is (the caller rejects it). @internal */
export function timestampMicros(v: unknown): unknown {
  if (v instanceof Long) return v.toNumber();
  if (typeof v === 'bigint') return Number(v);
  return v;
}

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
  /** how far a host is for the load-balancing policy */
  distance: { local: 0, remote: 1, ignored: 2 },
  /** 64-bit integers (the `long` package's class): `bigint` values and write timestamps (see the class above) */
  Long,
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

/**
 * No host could run the query; `innerErrors` maps each host tried ('A:9042') to its error, or to the
 * text 'Host considered as DOWN' for a host the driver skipped (typed `any`, as in the real driver).
 */
export class NoHostAvailableError extends DriverError {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  innerErrors: Record<string, any>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  constructor(innerErrors: Record<string, any>, message?: string) {
    const hosts = Object.keys(innerErrors ?? {});
    const first = hosts.length > 0 ? innerErrors[hosts[0]] : undefined;
    super(message ?? ('All host(s) tried for query failed.' + (hosts.length > 0 ? ` First host tried, ${hosts[0]}: ${first instanceof Error ? `${first.name}: ${first.message}` : String(first)}. See innerErrors.` : '')));
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
  /** Read timeout: whether the replica asked for data answered (the protocol's byte: 1 or 0) */
  isDataPresent?: number;
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

export class DriverInternalError extends DriverError {
  constructor(message: string) {
    super(message);
    this.info = 'Represents a bug inside the driver or in a Cassandra host.';
  }
}

export class AuthenticationError extends DriverError {
  constructor(message: string) {
    super(message);
    this.info = 'Represents an authentication error from the driver or from a Cassandra node.';
  }
}

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
  /** host → the error of a failed attempt, 'Host considered as DOWN', or null */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  triedHosts: Record<string, any>;
  achievedConsistency: number;
  speculativeExecutions: number;
  warnings: string[];
}

function columnsOf(names: string[]): Array<{ name: string; type: { code: number; info: null } }> {
  const out = new Array<{ name: string; type: { code: number; info: null } }>(names.length);
  for (let i = 0; i < names.length; i++) out[i] = { name: names[i], type: { code: 0, info: null } };
  return out;
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
    this.columns = columns ? columnsOf(columns) : null;
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

/** `callback(err, result)` of the callback forms of `execute` and `eachRow`. */
export type ResultCallback = (err: Error | null, result: ResultSet) => void;

function validateFn(fn: unknown, name: string): (...a: never[]) => unknown {
  if (typeof fn !== 'function') throw new ArgumentError(`${name} is not a function`);
  return fn as (...a: never[]) => unknown;
}

/**
 * The rows of `client.stream(…)`, a readable stream in object mode, with the events 'data' (a row),
 * 'end', 'error' and 'readable', and `read()` (the next buffered row, or null). At run time it is
 * async-iterable, as the real one: `for await (const row of stream as unknown as AsyncIterable<types.Row>)`.
 */
export class ResultStream {
  #rows: Row[] = [];
  #ended = false;
  #error: Error | null = null;
  #listeners = new Map<string, Array<(...a: unknown[]) => void>>();
  #waiters: Array<() => void> = [];
  /** @internal */
  add(row: Row | null): void {
    if (this.#ended) return;
    if (row === null) {
      this.#ended = true;
      if (!this.#error) this.#emit('end');
    } else if (this.#listeners.get('data')?.length) this.#emit('data', row);
    else {
      this.#rows.push(row);
      this.#emit('readable');
    }
    this.#wake();
  }
  /** @internal */
  fail(err: Error): void {
    this.#error = err;
    this.#emit('error', err);
    this.#wake();
  }
  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }
  #emit(event: string, ...args: unknown[]): void {
    for (const l of [...(this.#listeners.get(event) ?? [])]) l(...args);
  }
  on(event: 'data' | 'end' | 'error' | 'readable' | string, listener: (...args: any[]) => void): this {
    const ls = this.#listeners.get(event) ?? [];
    ls.push(listener);
    this.#listeners.set(event, ls);
    if (event === 'data') for (const row of this.#rows.splice(0)) listener(row);
    return this;
  }
  once(event: 'data' | 'end' | 'error' | 'readable' | string, listener: (...args: any[]) => void): this {
    const once = (...args: unknown[]): void => {
      this.off(event, once);
      listener(...args);
    };
    return this.on(event, once);
  }
  off(event: string, listener: (...args: any[]) => void): this {
    const ls = this.#listeners.get(event);
    if (ls && ls.includes(listener)) ls.splice(ls.indexOf(listener), 1);
    return this;
  }
  removeListener(event: string, listener: (...args: any[]) => void): this {
    return this.off(event, listener);
  }
  /** The next buffered row, or null. */
  read(): Row | null {
    return this.#rows.shift() ?? null;
  }
  /**
   * @internal At run time the real ResultStream is a Node Readable, so `for await` works; its
   * declarations (index.d.ts: `stream(…): events.EventEmitter`) do not say so, and neither do these:
   * TypeScript code casts, e.g. `stream as unknown as AsyncIterable<types.Row>`.
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<Row, void, undefined> {
    for (;;) {
      if (this.#rows.length > 0) {
        yield this.#rows.shift()!;
        continue;
      }
      if (this.#error) throw this.#error;
      if (this.#ended) return;
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }
}

type RowType = Row;
type ResultSetType = ResultSet;
type ResultStreamType = ResultStream;
type LongType = Long;
/**
 * The real driver's `types` is a namespace: learner code annotates with `types.Row`,
 * `types.ResultSet`, `types.ResultStream` and `types.Long` (the same classes as above).
 */
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace types {
  type Row = RowType;
  type ResultSet = ResultSetType;
  type ResultStream = ResultStreamType;
  type Long = LongType;
}

/**
 * A named set of query options (`new ExecutionProfile(name, { consistency, readTimeout, retry,
 * loadBalancing, serialConsistency })`) the client is given in `profiles` and a query selects with
 * `{ executionProfile: name }` (or the instance). A query's own option wins over its profile's,
 * which wins over the client's. A profile that is not one of the client's `profiles` has no
 * load-balancing policy unless it names one, and then fails as in the real driver.
 */
export class ExecutionProfile {
  name: string;
  consistency?: number;
  loadBalancing?: LoadBalancingPolicy;
  readTimeout?: number;
  retry?: RetryPolicy;
  serialConsistency?: number;
  graphOptions: Record<string, unknown>;
  constructor(name: string, options?: { consistency?: number; loadBalancing?: LoadBalancingPolicy; readTimeout?: number; retry?: RetryPolicy; serialConsistency?: number; graphOptions?: Record<string, unknown> }) {
    if (typeof name !== 'string') throw new TypeError('Execution profile name must be a string');
    const o = options ?? {};
    this.name = name;
    this.consistency = o.consistency;
    this.loadBalancing = o.loadBalancing;
    this.readTimeout = o.readTimeout;
    this.retry = o.retry;
    this.serialConsistency = o.serialConsistency;
    this.graphOptions = { ...(o.graphOptions ?? {}) };
  }
}

// ---- policies (`require('cassandra-driver').policies`, the real module's shape) -------------------

const distance = types.distance;

/** The simulated node behind each Host: module state, so learner code holding a Host cannot reach it. */
const hostNodes = new WeakMap<Host, CNode>();

/** @internal */
export function nodeOf(h: Host): CNode {
  const n = hostNodes.get(h);
  if (!n) throw new ArgumentError(`'${String((h as { address?: unknown })?.address)}' is not one of this client's hosts`);
  return n;
}

/** A node as the driver sees it (`client.hosts`, load-balancing policies, `info.queriedHost`). */
export class Host {
  /** 'A:9042' */
  readonly address: string;
  readonly datacenter: string;
  readonly rack: string;
  /** @internal */
  constructor(node: CNode) {
    hostNodes.set(this, node);
    this.address = `${node.id}:${PORT}`;
    this.datacenter = DATACENTER;
    this.rack = 'rack-' + node.ep.zone;
    Object.freeze(this); // its address names it in the history: learner code cannot change it
  }
  /** Whether the driver considers the host up (the simulated driver knows at once when a node crashes). */
  isUp(): boolean {
    return nodeOf(this).ep.alive;
  }
}

/** The hosts a load-balancing policy is initialised with (`HostMap`). */
export class HostMap {
  readonly #list: readonly Host[];
  /** @internal */
  constructor(list: Host[]) {
    this.#list = list;
  }
  get length(): number {
    return this.#list.length;
  }
  get(address: string): Host | undefined {
    return this.#list.find((h) => h.address === address);
  }
  keys(): string[] {
    return this.#list.map((h) => h.address);
  }
  values(): Host[] {
    return this.#list.slice();
  }
  forEach(cb: (host: Host, address: string) => void): void {
    for (const h of this.#list) cb(h, h.address);
  }
}

/** What a policy learns about the request it decides for. */
export class ExecutionOptions {
  /** @internal */
  constructor(private readonly o: { idempotent: boolean; consistency: number; readTimeout: number; retry: RetryPolicy; keyspace: string; timestamp?: number | Long }) {}
  isIdempotent(): boolean {
    return this.o.idempotent;
  }
  getConsistency(): number {
    return this.o.consistency;
  }
  getReadTimeout(): number {
    return this.o.readTimeout;
  }
  getRetryPolicy(): RetryPolicy {
    return this.o.retry;
  }
  getKeyspace(): string {
    return this.o.keyspace;
  }
  getTimestamp(): number | Long | undefined {
    return this.o.timestamp;
  }
}

/** The information a retry policy gets (`OperationInfo`). */
export interface OperationInfo {
  query: string;
  executionOptions: ExecutionOptions;
  /** retries already made by this execution */
  nbRetry: number;
}

/** A retry policy's answer (`DecisionInfo`); `decision` is a `RetryPolicy.retryDecision` value. */
export interface DecisionInfo {
  decision: number;
  consistency?: number;
  useCurrentHost?: boolean;
}

/** The default retry policy, method for method as in lib/policies/retry.js. */
export class RetryPolicy {
  static readonly retryDecision = { rethrow: 0, retry: 1, ignore: 2 } as const;
  onUnavailable(info: OperationInfo, consistency: number, required: number, alive: number): DecisionInfo {
    void consistency; void required; void alive;
    if (info.nbRetry > 0) return this.rethrowResult();
    return this.retryResult(undefined, false);
  }
  onReadTimeout(info: OperationInfo, consistency: number, received: number, blockFor: number, isDataPresent: boolean): DecisionInfo {
    void consistency;
    if (info.nbRetry > 0) return this.rethrowResult();
    return received >= blockFor && !isDataPresent ? this.retryResult() : this.rethrowResult();
  }
  onWriteTimeout(info: OperationInfo, consistency: number, received: number, blockFor: number, writeType: string): DecisionInfo {
    void consistency; void received; void blockFor;
    if (info.nbRetry > 0) return this.rethrowResult();
    return writeType === 'BATCH_LOG' ? this.retryResult() : this.rethrowResult();
  }
  /** Client timeouts, closed connections and overloaded coordinators, for idempotent queries only. */
  onRequestError(info: OperationInfo, consistency: number, err: Error): DecisionInfo {
    void info; void consistency; void err;
    return this.retryResult(undefined, false);
  }
  retryResult(consistency?: number, useCurrentHost?: boolean): DecisionInfo {
    return { decision: RetryPolicy.retryDecision.retry, consistency, useCurrentHost: useCurrentHost !== false };
  }
  rethrowResult(): DecisionInfo {
    return { decision: RetryPolicy.retryDecision.rethrow };
  }
}

/** Deprecated in the real driver: retries request errors and write timeouts only for idempotent queries. */
export class IdempotenceAwareRetryPolicy extends RetryPolicy {
  private readonly child: RetryPolicy;
  constructor(childPolicy?: RetryPolicy) {
    super();
    this.child = childPolicy ?? new RetryPolicy();
  }
  override onReadTimeout(info: OperationInfo, consistency: number, received: number, blockFor: number, isDataPresent: boolean): DecisionInfo {
    return this.child.onReadTimeout(info, consistency, received, blockFor, isDataPresent);
  }
  override onRequestError(info: OperationInfo, consistency: number, err: Error): DecisionInfo {
    return info.executionOptions.isIdempotent() ? this.child.onRequestError(info, consistency, err) : this.rethrowResult();
  }
  override onUnavailable(info: OperationInfo, consistency: number, required: number, alive: number): DecisionInfo {
    return this.child.onUnavailable(info, consistency, required, alive);
  }
  override onWriteTimeout(info: OperationInfo, consistency: number, received: number, blockFor: number, writeType: string): DecisionInfo {
    return info.executionOptions.isIdempotent() ? this.child.onWriteTimeout(info, consistency, received, blockFor, writeType) : this.rethrowResult();
  }
}

/** Never retries. */
export class FallthroughRetryPolicy extends RetryPolicy {
  override onReadTimeout(): DecisionInfo {
    return this.rethrowResult();
  }
  override onRequestError(): DecisionInfo {
    return this.rethrowResult();
  }
  override onUnavailable(): DecisionInfo {
    return this.rethrowResult();
  }
  override onWriteTimeout(): DecisionInfo {
    return this.rethrowResult();
  }
}

/**
 * Base of the load-balancing policies. In the simulator every built-in policy yields the same plan:
 * the client's contact points in order, then the other nodes (see docs/CONTRACTS.md); a subclass
 * may override `newQueryPlan` (and `getDistance`) and is honoured.
 */
export class LoadBalancingPolicy {
  protected hosts: HostMap = new HostMap([]);
  /** @internal */
  plan: Host[] = [];
  init(client: unknown, hosts: HostMap, callback: (err?: Error | null) => void): void {
    void client;
    this.hosts = hosts;
    callback();
  }
  getDistance(host: Host): number {
    void host;
    return distance.local;
  }
  newQueryPlan(keyspace: string, executionOptions: ExecutionOptions | null, callback: (err: Error | null, iterator: Iterator<Host>) => void): void {
    void keyspace; void executionOptions;
    callback(null, this.plan[Symbol.iterator]());
  }
  getOptions(): Map<string, unknown> {
    return new Map();
  }
}

/** Policies that need a local data center (`localDataCenter` or the constructor argument). */
class DcPolicy extends LoadBalancingPolicy {
  localDc?: string;
  override init(client: unknown, hosts: HostMap, callback: (err?: Error | null) => void): void {
    this.localDc = this.localDc || (client as Client | null)?.localDataCenter;
    if (!this.localDc) {
      return callback(new ArgumentError(`'localDataCenter' is not defined in Client options and also was not specified in constructor. At least one is required. Available DCs are: [${DATACENTER}]`));
    }
    if (this.localDc !== DATACENTER) return callback(new ArgumentError(`Datacenter ${this.localDc} was not found. Available DCs are: [${DATACENTER}]`));
    super.init(client, hosts, callback);
  }
}

export class DefaultLoadBalancingPolicy extends DcPolicy {
  private readonly filter?: (host: Host) => boolean;
  constructor(options?: string | { localDc?: string; filter?: (host: Host) => boolean }) {
    super();
    const o = typeof options === 'string' ? { localDc: options } : options ?? {};
    this.localDc = o.localDc;
    this.filter = o.filter;
  }
  override getDistance(host: Host): number {
    return this.filter && !this.filter(host) ? distance.ignored : distance.local;
  }
}

export class DCAwareRoundRobinPolicy extends DcPolicy {
  constructor(localDc?: string) {
    super();
    this.localDc = localDc;
  }
}

export class RoundRobinPolicy extends LoadBalancingPolicy {}

/** Wraps a child policy; the child's plan is used (token awareness is not simulated). */
export class TokenAwarePolicy extends LoadBalancingPolicy {
  constructor(readonly childPolicy: LoadBalancingPolicy) {
    super();
  }
  override init(client: unknown, hosts: HostMap, callback: (err?: Error | null) => void): void {
    this.childPolicy.plan = this.plan;
    this.childPolicy.init(client, hosts, callback);
  }
  override getDistance(host: Host): number {
    return this.childPolicy.getDistance(host);
  }
  override newQueryPlan(keyspace: string, executionOptions: ExecutionOptions | null, callback: (err: Error | null, iterator: Iterator<Host>) => void): void {
    this.childPolicy.newQueryPlan(keyspace, executionOptions, callback);
  }
}

/** Only the listed hosts ('A:9042', as `host.address`) are ever used. */
export class AllowListPolicy extends LoadBalancingPolicy {
  private readonly allow: Set<string>;
  constructor(readonly childPolicy: LoadBalancingPolicy, allowList: string[]) {
    super();
    if (!childPolicy) throw new Error('You must specify a child load balancing policy');
    if (!Array.isArray(allowList)) throw new Error('You must provide the list of allowed host addresses');
    this.allow = new Set(allowList);
  }
  override init(client: unknown, hosts: HostMap, callback: (err?: Error | null) => void): void {
    this.childPolicy.plan = this.plan;
    this.childPolicy.init(client, hosts, callback);
  }
  override getDistance(host: Host): number {
    return this.allow.has(host.address) ? this.childPolicy.getDistance(host) : distance.ignored;
  }
  override newQueryPlan(keyspace: string, executionOptions: ExecutionOptions | null, callback: (err: Error | null, iterator: Iterator<Host>) => void): void {
    this.childPolicy.newQueryPlan(keyspace, executionOptions, (err, it) => {
      if (err) return callback(err, it);
      const allow = this.allow;
      callback(null, { next(): IteratorResult<Host> { for (;;) { const r = it.next(); if (r.done || allow.has(r.value.address)) return r; } } });
    });
  }
}

export class WhiteListPolicy extends AllowListPolicy {}

/** Base of the speculative execution policies: `newPlan(…).nextExecution(host)` → delay ms, or < 0 for no more. */
export class SpeculativeExecutionPolicy {
  init(client: unknown): void {
    void client;
  }
  shutdown(): void {}
  newPlan(keyspace: string, queryInfo: string | Array<object>): { nextExecution: (host?: Host) => number } {
    void keyspace; void queryInfo;
    throw new Error('You must implement newPlan() method in the SpeculativeExecutionPolicy');
  }
  getOptions(): Map<string, unknown> {
    return new Map();
  }
}

const NO_MORE_EXECUTIONS = Object.freeze({ nextExecution: () => -1 });

export class NoSpeculativeExecutionPolicy extends SpeculativeExecutionPolicy {
  override newPlan(): { nextExecution: () => number } {
    return NO_MORE_EXECUTIONS;
  }
}

/** After `delay` ms without an answer, ask the next host, at most `maxSpeculativeExecutions` times (idempotent queries only). */
export class ConstantSpeculativeExecutionPolicy extends SpeculativeExecutionPolicy {
  private readonly delay: number;
  private readonly max: number;
  constructor(delay: number, maxSpeculativeExecutions: number) {
    super();
    if (!(delay >= 0)) throw new ArgumentError('delay must be a positive number or zero');
    if (!(maxSpeculativeExecutions > 0)) throw new ArgumentError('maxSpeculativeExecutions must be a positive number');
    this.delay = delay;
    this.max = maxSpeculativeExecutions;
  }
  override newPlan(): { nextExecution: () => number } {
    let executions = 0;
    return { nextExecution: () => (executions++ < this.max ? this.delay : -1) };
  }
  override getOptions(): Map<string, unknown> {
    return new Map<string, unknown>([['delay', this.delay], ['maxSpeculativeExecutions', this.max]]);
  }
}

/** Base of the timestamp generators: `next(client)` → µs since the epoch (or null: let the server stamp). */
export class TimestampGenerator {
  next(client: Client): number | { toNumber(): number } | null {
    void client;
    throw new Error('next() must be implemented');
  }
}

/**
 * The default generator: milliseconds × 1000 plus a counter that restarts every millisecond, never
 * going backwards. `getDate()` is the client's clock (clock-skew faults apply to it); before any
 * client used it, the learner's clock (`Date.now()` as learner code reads it), never the machine's.
 */
export class MonotonicTimestampGenerator extends TimestampGenerator {
  private lastDate = 0;
  private micros = -1;
  private client: Client | null = null;
  constructor(warningThreshold?: number, minLogInterval?: number) {
    super();
    void warningThreshold; void minLogInterval;
  }
  /** The current time in ms since the epoch. */
  getDate(): number {
    return this.client ? this.client.clockMs() : learnerDateNow();
  }
  override next(client: Client): number {
    this.client = client instanceof Client ? client : null;
    let date = this.getDate();
    if (date > this.lastDate) {
      this.micros = 0;
      this.lastDate = date;
      return date * 1000;
    }
    if (date < this.lastDate) date = this.lastDate;
    if (++this.micros === 1000) {
      this.micros = 0;
      if (date === this.lastDate) date++;
    }
    this.lastDate = date;
    return this.lastDate * 1000 + this.micros;
  }
}

/** Accepted and not used: the simulated driver does not reconnect (a restarted node is used at once). */
export class ReconnectionPolicy {
  getOptions(): Map<string, unknown> {
    return new Map();
  }
  newSchedule(): Iterator<number> {
    return [][Symbol.iterator]();
  }
}
export class ConstantReconnectionPolicy extends ReconnectionPolicy {
  constructor(readonly delay: number) {
    super();
  }
}
export class ExponentialReconnectionPolicy extends ReconnectionPolicy {
  constructor(readonly baseDelay: number, readonly maxDelay: number, readonly startWithNoDelay?: boolean) {
    super();
  }
}

/** Accepted and not used: simulated nodes have no addresses to translate. */
export class AddressTranslator {
  translate(address: string, port: number, callback: (endPoint: string) => void): void {
    callback(`${address}:${port}`);
  }
}
export class EC2MultiRegionTranslator extends AddressTranslator {}

export const policies = {
  addressResolution: { AddressTranslator, EC2MultiRegionTranslator },
  loadBalancing: { LoadBalancingPolicy, DefaultLoadBalancingPolicy, DCAwareRoundRobinPolicy, RoundRobinPolicy, TokenAwarePolicy, AllowListPolicy, WhiteListPolicy },
  reconnection: { ReconnectionPolicy, ConstantReconnectionPolicy, ExponentialReconnectionPolicy },
  retry: { RetryPolicy, IdempotenceAwareRetryPolicy, FallthroughRetryPolicy },
  speculativeExecution: { SpeculativeExecutionPolicy, NoSpeculativeExecutionPolicy, ConstantSpeculativeExecutionPolicy },
  timestampGeneration: { TimestampGenerator, MonotonicTimestampGenerator },
  defaultAddressTranslator: (): AddressTranslator => new AddressTranslator(),
  defaultLoadBalancingPolicy: (localDc?: string): LoadBalancingPolicy => new DefaultLoadBalancingPolicy(localDc),
  defaultRetryPolicy: (): RetryPolicy => new RetryPolicy(),
  defaultReconnectionPolicy: (): ReconnectionPolicy => new ExponentialReconnectionPolicy(1000, 10 * 60 * 1000, false),
  defaultSpeculativeExecutionPolicy: (): SpeculativeExecutionPolicy => new NoSpeculativeExecutionPolicy(),
  defaultTimestampGenerator: (): TimestampGenerator => new MonotonicTimestampGenerator(),
};

/** The policies a client runs with (`client.options.policies`). */
export interface ClientPolicies {
  loadBalancing: LoadBalancingPolicy;
  retry: RetryPolicy;
  speculativeExecution: SpeculativeExecutionPolicy;
  timestampGeneration: TimestampGenerator | null;
  reconnection: ReconnectionPolicy;
  addressResolution: AddressTranslator;
}

const POLICY_CHECKS: Record<keyof ClientPolicies, [new (...a: never[]) => unknown, string]> = {
  loadBalancing: [LoadBalancingPolicy, 'Load balancing policy must be an instance of LoadBalancingPolicy'],
  reconnection: [ReconnectionPolicy, 'Reconnection policy must be an instance of ReconnectionPolicy'],
  retry: [RetryPolicy, 'Retry policy must be an instance of RetryPolicy'],
  addressResolution: [AddressTranslator, 'Address resolution policy must be an instance of AddressTranslator'],
  speculativeExecution: [SpeculativeExecutionPolicy, 'Speculative execution policy must be an instance of SpeculativeExecutionPolicy'],
  timestampGeneration: [TimestampGenerator, 'Timestamp generation policy must be an instance of TimestampGenerator'],
};

/** The defaults merged with `options.policies`, validated like lib/client-options.js. */
function clientPolicies(given: unknown): ClientPolicies {
  const p: ClientPolicies = {
    loadBalancing: policies.defaultLoadBalancingPolicy(),
    retry: policies.defaultRetryPolicy(),
    speculativeExecution: policies.defaultSpeculativeExecutionPolicy(),
    timestampGeneration: policies.defaultTimestampGenerator(),
    reconnection: policies.defaultReconnectionPolicy(),
    addressResolution: policies.defaultAddressTranslator(),
  };
  if (given === undefined) return p;
  if (!given || typeof given !== 'object') throw new TypeError('policies not defined in options');
  for (const [k, v] of Object.entries(given)) {
    if (!(k in POLICY_CHECKS)) {
      throw new NotSupportedError(`Unknown policy 'policies.${k}': the driver has ${Object.keys(POLICY_CHECKS).join(', ')}`);
    }
    if (v === undefined) continue;
    const [cls, msg] = POLICY_CHECKS[k as keyof ClientPolicies];
    if (!(v === null && k === 'timestampGeneration') && !(v instanceof cls)) throw new TypeError(msg);
    (p as unknown as Record<string, unknown>)[k] = v;
  }
  return p;
}

export interface QueryOptions {
  /** default: the client's queryOptions.consistency, else types.consistencies.localOne */
  consistency?: number;
  prepare?: boolean;
  /** client-side timeout per attempt, ms (default socketOptions.readTimeout, 12000; 0 disables) */
  readTimeout?: number;
  isIdempotent?: boolean;
  /** write timestamp, µs since the epoch (a number or a `types.Long`) */
  timestamp?: number | Long;
  /** this query's retry policy (default: its execution profile's, else the client's policies.retry) */
  retry?: RetryPolicy;
  /** the name of one of the client's `profiles` (default: 'default'), or the profile itself */
  executionProfile?: string | ExecutionProfile;
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
  /** required by the default load-balancing policy; the simulated cluster's data center is 'dc1' */
  localDataCenter?: string;
  keyspace?: string;
  /** defaults for every query (`retry` is ignored, as by the real driver: use policies.retry or a profile) */
  queryOptions?: { consistency?: number; prepare?: boolean; isIdempotent?: boolean; retry?: RetryPolicy };
  /** named option sets queries select with `executionProfile` ('default': every query's) */
  profiles?: ExecutionProfile[];
  socketOptions?: { readTimeout?: number; connectTimeout?: number };
  /** `timestampGeneration: null` = server-side timestamps (the coordinator's clock) */
  policies?: Partial<ClientPolicies>;
  /** Simulator binding (tests set this through world.cassandraClient) */
  sim?: SimBinding;
  [option: string]: unknown;
}

const PORT = 9042;
const DATACENTER = 'dc1';

export class Client {
  // True private state (`#`): learner code holding a client cannot reach the world, its nodes or
  // the test's options through it (TypeScript's `private` is visible at run time).
  readonly #id: string;
  readonly #keyspace: string;
  readonly #hosts: HostMap;
  readonly #world: World;
  readonly #ep: Endpoint;
  readonly #opts: ClientOptions;
  readonly #policies: ClientPolicies;
  #initError: Error | null | undefined = undefined;
  #inflight = new Set<Attempt>();
  #requests: RequestContext | undefined;
  #statements: StatementContext | undefined;
  #hostSet: Set<Host>;
  #closed = false;
  /** the execution profiles by name ('default' always there) */
  #profiles = new Map<string, ExecutionProfile>();

  // What the simulator reads back is private and shown through getters: learner code holding the
  // client cannot rename whose calls the history records, nor change its keyspace or hosts.
  /** client id in the world's history and journal */
  get id(): string {
    return this.#id;
  }
  get keyspace(): string {
    return this.#keyspace;
  }
  /** the cluster's nodes */
  get hosts(): HostMap {
    return this.#hosts;
  }

  constructor(options: ClientOptions) {
    if (!options || typeof options !== 'object') throw new ArgumentError('Client options must be an object with contactPoints');
    if (!Array.isArray(options.contactPoints) || options.contactPoints.length === 0) {
      throw new ArgumentError("'contactPoints' is not defined or empty. Use contactPoints with a node id, e.g. ['A']");
    }
    if ('timestampGeneration' in options) {
      throw new NotSupportedError("'timestampGeneration' is not a Client option: the driver reads policies.timestampGeneration (null = server-side timestamps)");
    }
    const { trusted, sim } = simOptions(options.sim);
    const w = worldFor(sim.world);
    if (!w) throw new ArgumentError('No simulated world: create one with createWorld({ seed }) first (tests), or construct the Client inside world.run');
    this.#world = w;
    this.#opts = options;
    this.#policies = clientPolicies(options.policies);
    this.#setProfiles(options.profiles);
    this.#keyspace = options.keyspace ?? w.schema.keyspace;
    const all = w.cluster.nodes.map((n) => new Host(n));
    const contacts = options.contactPoints.map((cp) => {
      const id = String(cp).replace(/:\d+$/, '');
      const h = all.find((x) => nodeOf(x).id === id);
      if (!h) throw new ArgumentError(`Unknown contact point '${cp}': the simulated nodes are ${w.cluster.nodes.map((x) => x.id).join(', ')}`);
      return h;
    });
    this.#hosts = new HostMap(all);
    this.#hostSet = new Set(all);
    const failover = sim.failover !== false;
    this.#policies.loadBalancing.plan = failover ? [...contacts, ...all.filter((h) => !contacts.includes(h))] : contacts;
    this.#id = sim.id ?? w.nextClientId('cassandra-client');
    const zone = trusted ? sim.zone : w.appZone;
    this.#ep = w.net.add(this.#id, zone ?? nodeOf(contacts[0]).ep.zone, 'client');
    w.crashListeners.push((node) => {
      for (const a of [...this.#inflight]) {
        if (a.host.id === node) a.fail(Object.assign(new DriverError('Socket was closed'), { isSocketError: true }));
      }
    });
  }

  /** @internal the data center the default load-balancing policy falls back to */
  get localDataCenter(): string | undefined {
    return this.#opts.localDataCenter;
  }

  /** lib/execution-profile.js ProfileManager: the profiles, a 'default' one, their policies. */
  #setProfiles(given: unknown): void {
    if (given !== undefined && given !== null && !Array.isArray(given)) throw new TypeError('profiles must be an Array of ExecutionProfile instances');
    for (const p of (given ?? []) as ExecutionProfile[]) {
      if (!(p instanceof ExecutionProfile)) throw new TypeError('profiles must be an Array of ExecutionProfile instances');
      if (p.loadBalancing && p.loadBalancing !== this.#policies.loadBalancing) {
        throw new NotSupportedError(`Execution profile "${p.name}": the course simulator runs every query with the client's load-balancing policy (policies.loadBalancing), not a profile's own`);
      }
      this.#profiles.set(p.name, p);
    }
    const def = this.#profiles.get('default') ?? new ExecutionProfile('default');
    this.#profiles.set('default', def);
    def.retry ??= this.#policies.retry;
    for (const p of this.#profiles.values()) p.loadBalancing ??= this.#policies.loadBalancing;
  }

  /** The profile a query runs with (lib/execution-options.js: ArgumentError for an unknown name). */
  #profile(name: unknown): ExecutionProfile {
    if (name instanceof ExecutionProfile) return name;
    const p = this.#profiles.get(typeof name === 'string' && name ? name : 'default');
    if (!p) throw new ArgumentError(`Execution profile "${String(name)}" not found`);
    return p;
  }

  /** @internal this client's clock, ms since the epoch (clock-skew faults apply) */
  clockMs(): number {
    return Math.floor((this.#world.epochMs * 1000 + this.#world.net.clockUs(this.#ep)) / 1000);
  }

  /** Initialises the load-balancing policy once (as connecting does); its error, if any. */
  #init(): Error | null {
    if (this.#initError === undefined) {
      this.#initError = null;
      try {
        this.#policies.loadBalancing.init(this, this.#hosts, (err) => { if (err) this.#initError = err; });
        this.#policies.speculativeExecution.init(this);
      } catch (e) {
        this.#initError = e as Error;
      }
    }
    return this.#initError;
  }

  /** Resolves at once (connections are simulated); rejects when the policies cannot start (e.g. no localDataCenter). */
  async connect(): Promise<void> {
    const e = this.#init();
    if (e) throw e;
  }

  async shutdown(): Promise<void> {
    this.#closed = true;
  }

  /** Not supported by the simulator (rejects with NotSupportedError). */
  async batch(): Promise<never> {
    throw new NotSupportedError('The course simulator does not support batches (client.batch)');
  }

  /** The statement parsed, or the server's refusal of it thrown as an error made for this call. */
  #parse(query: string): ParsedCql {
    const p = parseCached(query);
    if (!isRefusal(p)) return p;
    throw p.kind === 'unsupported' ? new NotSupportedError(p.message) : new ResponseError(types.responseErrorCodes.syntaxError, p.message);
  }

  /**
   * Execute a CQL statement. `params`: an array bound to the markers in order, or an object of named
   * parameters (keys: the `:name` markers' names, or for `?` markers the columns they bind, as the
   * real driver matches them). With a `callback` (last argument) it returns nothing and calls
   * `callback(err, result)`, as the real driver does; otherwise it returns a promise.
   * Rejects with ResponseError (server), OperationTimedOutError (client timeout),
   * NoHostAvailableError (every host in the plan failed) or NotSupportedError.
   * Failed attempts go to the retry policy, and idempotent queries to the speculative execution
   * policy, as in the real driver (lib/request-handler.js, lib/request-execution.js).
   */
  execute(query: string, params?: unknown[] | Record<string, unknown> | null, options?: QueryOptions | null): Promise<ResultSet>;
  execute(query: string, params: unknown[] | Record<string, unknown> | null, options: QueryOptions | null, callback: ResultCallback): void;
  execute(query: string, params: unknown[] | Record<string, unknown> | null, callback: ResultCallback): void;
  execute(query: string, callback: ResultCallback): void;
  execute(query: string, params?: unknown, options?: unknown, callback?: unknown): Promise<ResultSet> | void {
    // the real driver's argument shuffling (lib/client.js Client.prototype.execute)
    if (!callback) {
      if (typeof options === 'function') { callback = options; options = null; }
      else if (typeof params === 'function') { callback = params; params = null; }
    }
    const p = this.#execute(query, params, (options ?? undefined) as QueryOptions | undefined);
    if (typeof callback !== 'function') return p;
    const cb = callback as ResultCallback;
    p.then((rs) => cb(null, rs), (err: Error) => cb(err, undefined as unknown as ResultSet));
  }

  /**
   * Executes the query and calls `rowCallback(n, row)` for each row, then `callback(err, result)`
   * (its `rowLength` the number of rows), as the real driver's `eachRow`; returns nothing.
   */
  eachRow(query: string, params: unknown[] | Record<string, unknown> | null, options: QueryOptions | null, rowCallback: (n: number, row: Row) => void, callback?: ResultCallback): void;
  eachRow(query: string, params: unknown[] | Record<string, unknown> | null, rowCallback: (n: number, row: Row) => void, callback?: ResultCallback): void;
  eachRow(query: string, rowCallback: (n: number, row: Row) => void): void;
  eachRow(query: string, params?: unknown, options?: unknown, rowCallback?: unknown, callback?: unknown): void {
    // lib/client.js Client.prototype.eachRow
    if (!callback && rowCallback && typeof options === 'function') {
      callback = validateFn(rowCallback, 'rowCallback');
      rowCallback = options;
    } else {
      callback = callback || ((): void => {});
      rowCallback = validateFn(rowCallback || options || params, 'rowCallback');
    }
    if (typeof params === 'function') params = null;
    if (typeof options === 'function') options = null;
    const onRow = rowCallback as (n: number, row: Row) => void;
    const done = callback as ResultCallback;
    this.#execute(query, params, (options ?? undefined) as QueryOptions | undefined).then((rs) => {
      rs.rows.forEach((row, i) => onRow(i, row));
      done(null, rs);
    }, (err: Error) => done(err, undefined as unknown as ResultSet));
  }

  /**
   * Executes the query and returns a readable stream of its rows (object mode): `for await (const
   * row of client.stream(…))`, or the 'data' / 'end' / 'error' events; `callback(err)` once all rows
   * were received. An error is emitted as 'error' (and rejects a `for await`).
   */
  stream(query: string, params?: unknown[] | Record<string, unknown> | null, options?: QueryOptions | null, callback?: (err?: Error | null) => void): ResultStream {
    const out = new ResultStream();
    this.eachRow(query, params ?? null, options ?? null, (_n, row) => out.add(row), (err) => {
      if (err) out.fail(err);
      out.add(null);
      if (callback) callback(err);
    });
    return out;
  }

  #execute(query: string, params: unknown, options: QueryOptions | undefined): Promise<ResultSet> {
    const w = this.#world;
    w.assertRunning('cassandra-driver Client.execute');
    w.activity++;
    const opt: QueryOptions = options ?? {};
    const given = params === undefined || params === null ? [] : params;
    // the record's params: the driver's own copy of a learner array (never changed after), or the object given
    const positional = Array.isArray(given) ? ownItems(given) : [];
    const call = new Call(w, this.#id, String(query), Array.isArray(given) ? positional : [given], { ...opt });
    if (this.#closed) return Promise.reject(new DriverError('Client has been shut down'));
    const initError = this.#init();
    if (initError) return Promise.reject(initError);
    let profile: ExecutionProfile;
    try {
      profile = this.#profile(opt.executionProfile);
    } catch (e) {
      return Promise.reject(e);
    }
    if (typeof query !== 'string') return Promise.reject(new ArgumentError('Query must be a string'));
    if (typeof given !== 'object') return Promise.reject(new ArgumentError('params must be an Array or an Object of named parameters'));
    if (!profile.loadBalancing) {
      // an ExecutionProfile instance that is not one of the client's `profiles` has no load-balancing
      // policy: the real driver then fails on `lbp.newQueryPlan` (lib/request-handler.js send)
      return Promise.reject(new TypeError("Cannot read properties of undefined (reading 'newQueryPlan')"));
    }
    // lib/execution-options.js: the query's option, else the profile's, else the client's
    const retryPolicy = opt.retry ?? profile.retry ?? this.#policies.retry;
    if (!(retryPolicy instanceof RetryPolicy)) return Promise.reject(new ArgumentError('retry must be an instance of policies.retry.RetryPolicy'));
    let parsed: ParsedCql;
    try {
      parsed = this.#parse(query);
    } catch (e) {
      return call.refuse(e);
    }
    call.setLiterals(parsed.literals);
    let paramsArr: unknown[];
    if (Array.isArray(given)) paramsArr = positional;
    else {
      try {
        paramsArr = namedParams(parsed, given, (opt.prepare ?? this.#opts.queryOptions?.prepare) === true);
      } catch (e) {
        return call.refuse(e);
      }
      call.setParams(paramsArr);
    }
    const cl = opt.consistency ?? profile.consistency ?? this.#opts.queryOptions?.consistency ?? types.consistencies.localOne;
    let stmt: Statement;
    try {
      stmt = buildStatement(this.#statementContext(), parsed, paramsArr, cl, opt);
    } catch (e) {
      return call.refuse(e);
    }
    call.invoked(w, stmt, cl);
    const readTimeout = opt.readTimeout ?? profile.readTimeout ?? this.#opts.socketOptions?.readTimeout ?? 12000;
    const idempotent = opt.isIdempotent ?? this.#opts.queryOptions?.isIdempotent ?? false;
    const execOptions = new ExecutionOptions({ idempotent, consistency: cl, readTimeout, retry: retryPolicy, keyspace: this.#keyspace, timestamp: opt.timestamp });
    call.waiting(w);
    this.#requests ??= {
      world: w, ep: this.#ep, keyspace: this.#keyspace, lbp: this.#policies.loadBalancing,
      specPolicy: this.#policies.speculativeExecution, hostSet: this.#hostSet, inflight: this.#inflight,
    };
    const req = new RequestHandler(this.#requests, stmt.op, query, cl, readTimeout, execOptions, stmt.stampSpec, call);
    const done = req.promise();
    try {
      req.start();
    } catch (e) {
      req.reject(e as Error); // a policy threw (as inside the promise's executor: the call rejects)
    }
    return done;
  }

  /** What statements of this client are built with (made once). */
  #statementContext(): StatementContext {
    return this.#statements ??= { keyspace: this.#keyspace, tables: this.#world.schema.cassandra, generateTimestamp: () => this.#generateTimestamp() };
  }

  /** policies.timestampGeneration: µs from the generator, or undefined for server-side timestamps. */
  #generateTimestamp(): number | undefined {
    const gen = this.#policies.timestampGeneration;
    if (gen === null) return undefined;
    const t = gen.next(this);
    if (t === null || t === undefined) return undefined;
    const n = typeof t === 'number' ? t : t.toNumber();
    if (!Number.isInteger(n) || n < 0) throw new ArgumentError(`The timestamp generator returned ${String(t)}: expected a non-negative integer (µs since the epoch)`);
    return n;
  }

}

void SimulationError;
void blockFor;
void CL;

export default { Client, ExecutionProfile, types, errors, policies, ResultSet, ResultStream, Row };
