/**
 * The cassandra-driver's request handler (lib/request-handler.js, lib/request-execution.js) for one
 * `client.execute`: the load-balancing policy's query plan, the first execution and speculative
 * ones, each attempt's client-side read timeout, the retry policy's decisions on errors, and
 * completion. Its state is fields and its steps are methods, so messages and timers carry the
 * request instead of closures. Internal: learner code never holds one.
 */
import type { ServerOp, ServerReply } from '../cassandra';
import type { CNode } from '../cassandra-node';
import type { Endpoint } from '../net';
import type { Ev } from '../sched';
import type { Frag } from '../store';
import type { AttemptWhy, SentAttempt } from '../history';
import type { World } from '../world';
import {
  ArgumentError, type DecisionInfo, type DriverError, DriverInternalError, type ExecutionOptions, type Host, type LoadBalancingPolicy,
  NoHostAvailableError, type OperationInfo, OperationTimedOutError, ResponseError, ResultSet, RetryPolicy, Row, type SpeculativeExecutionPolicy,
  nodeOf, types,
} from './cassandra';

/** What a client lends each of its requests. */
export interface RequestContext {
  world: World;
  ep: Endpoint;
  keyspace: string;
  lbp: LoadBalancingPolicy;
  specPolicy: SpeculativeExecutionPolicy;
  /** the client's hosts (a plan may only name these) */
  hostSet: Set<Host>;
  /** the client's attempts awaiting an answer (a node crash fails those it coordinates) */
  inflight: Set<Attempt>;
}

/** A host the driver already considers down is recorded with this text, as the real driver does. */
const HOST_DOWN = 'Host considered as DOWN';
/** host address → the error of its last attempt, HOST_DOWN, or null (in use / answered) */
type Tried = Record<string, Error | string | null>;

function noHostAvailable(tried: Tried): NoHostAvailableError {
  const hosts = Object.keys(tried);
  const first = hosts.length > 0 ? tried[hosts[0]] : undefined;
  const firstText = first instanceof Error ? `${first.name}: ${first.message}` : String(first);
  const message = 'All host(s) tried for query failed.' + (hosts.length > 0 ? ` First host tried, ${hosts[0]}: ${firstText}. See innerErrors.` : '');
  return new NoHostAvailableError({ ...tried }, message);
}

let clText: Record<number, string> | undefined;

/** 'LOCAL_QUORUM' for types.consistencies.localQuorum, … (built on first use: this module and ./cassandra import each other). */
function consistencyText(cl: number | undefined): string | undefined {
  clText ??= Object.fromEntries(Object.entries(types.consistencies).map(([k, v]) => [v, k.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase()]));
  return clText[cl ?? -1];
}

/**
 * A server error as the driver reads it off the wire (lib/readers.js `readError`): the fields of
 * Unavailable and Read/WriteTimeout, `isDataPresent` as the protocol's byte (0/1), and the driver's
 * own message for those three in place of the server's.
 */
function responseError(code: number, serverMessage: string, props: Record<string, unknown>): ResponseError {
  const e = new ResponseError(code, serverMessage);
  const f = props as { consistencies?: number; required?: number; alive?: number; received?: number; blockFor?: number; isDataPresent?: unknown; writeType?: string };
  const cl = consistencyText(f.consistencies);
  if (code === types.responseErrorCodes.unavailableException) {
    Object.assign(e, { consistencies: f.consistencies, required: f.required, alive: f.alive });
    e.message = `Not enough replicas available for query at consistency ${cl} (${f.required} required but only ${f.alive} alive)`;
  } else if (code === types.responseErrorCodes.readTimeout) {
    Object.assign(e, { consistencies: f.consistencies, received: f.received, blockFor: f.blockFor, isDataPresent: f.isDataPresent ? 1 : 0 });
    const details = f.received! < f.blockFor!
      ? `${f.received} replica(s) responded over ${f.blockFor} required`
      : !f.isDataPresent ? "the replica queried for the data didn't respond" : 'timeout while waiting for repair of inconsistent replica';
    e.message = `Server timeout during read query at consistency ${cl} (${details})`;
  } else if (code === types.responseErrorCodes.writeTimeout) {
    Object.assign(e, { consistencies: f.consistencies, received: f.received, blockFor: f.blockFor, writeType: f.writeType });
    e.message = `Server timeout during ${f.writeType === 'BATCH_LOG' ? 'batchlog write' : 'write query'} at consistency ${cl} (${f.received} peer(s) acknowledged the write over ${f.blockFor} required)`;
  } else Object.assign(e, props);
  return e;
}

/** How the driver classifies a failed attempt (lib/request-execution.js `_getErrorCode`). */
type ErrorKind = 'socket' | 'clientTimeout' | 'overloaded' | 'unavailable' | 'readTimeout' | 'writeTimeout' | 'other';

function errorKind(err: Error): ErrorKind {
  if ((err as { isSocketError?: boolean }).isSocketError) return 'socket';
  if (err instanceof OperationTimedOutError) return 'clientTimeout';
  if (err instanceof ResponseError) {
    switch (err.code) {
      case types.responseErrorCodes.overloaded: case types.responseErrorCodes.isBootstrapping: case types.responseErrorCodes.truncateError: return 'overloaded';
      case types.responseErrorCodes.unavailableException: return 'unavailable';
      case types.responseErrorCodes.readTimeout: return 'readTimeout';
      case types.responseErrorCodes.writeTimeout: return 'writeTimeout';
    }
  }
  return 'other';
}

/** The retry decision for a failed attempt (lib/request-execution.js `_getDecision`). */
function decide(kind: ErrorKind, err: Error, info: OperationInfo, consistency: number): DecisionInfo | undefined {
  const policy = info.executionOptions.getRetryPolicy();
  const idempotent = info.executionOptions.isIdempotent();
  const e = err as ResponseError;
  switch (kind) {
    case 'socket': case 'clientTimeout': case 'overloaded':
      return idempotent ? policy.onRequestError(info, consistency, err) : { decision: RetryPolicy.retryDecision.rethrow };
    case 'unavailable': return policy.onUnavailable(info, e.consistencies!, e.required!, e.alive!);
    case 'readTimeout': return policy.onReadTimeout(info, e.consistencies!, e.received!, e.blockFor!, e.isDataPresent as unknown as boolean); // the byte, as the real driver passes it
    case 'writeTimeout':
      return idempotent ? policy.onWriteTimeout(info, e.consistencies!, e.received!, e.blockFor!, e.writeType!) : { decision: RetryPolicy.retryDecision.rethrow };
    default: return { decision: RetryPolicy.retryDecision.rethrow };
  }
}

/** One execution of a request (the first, or a speculative one) and its retries. */
interface Execution {
  host: Host;
  retries: number;
  cl: number;
  cancelled: boolean;
  attempt?: Attempt;
}

/** One attempt of an execution: a request to one coordinator, answered, failed or timed out once. */
export class Attempt {
  done = false;
  timer: Ev | undefined;
  constructor(readonly req: RequestHandler, readonly x: Execution, readonly host: CNode) {}

  /** Marks the attempt finished; false when it already was. */
  settle(): boolean {
    if (this.done) return false;
    this.done = true;
    this.req.cx.inflight.delete(this);
    this.req.cx.world.sched.cancel(this.timer);
    return true;
  }

  fail(e: Error): void {
    if (this.settle()) this.req.onError(this.x, e);
  }
}

/** What a request reports its end to (the awaited call). */
export interface Finish {
  /**
   * `row0`: the first row's columns as the coordinator answered them (what `rs.rows[0]` holds);
   * `attempts`: every request sent, when there was more than one; `ignored`: the error a retry
   * policy answered with `ignore` (the call succeeds with no rows although the request failed).
   */
  finish(w: World, err: Error | null, rs?: ResultSet, row0?: Record<string, unknown>, attempts?: SentAttempt[], ignored?: Error): void;
}

/** A new promise's settle functions, handed out by one executor shared by every request (no closure per request). */
let settleResolve: ((rs: ResultSet) => void) | undefined;
let settleReject: ((e: Error) => void) | undefined;
function takeSettlers(resolve: (rs: ResultSet) => void, reject: (e: Error) => void): void {
  settleResolve = resolve;
  settleReject = reject;
}

const unsettled = (): void => {};

export class RequestHandler {
  readonly tried: Tried = {};
  readonly executions: Execution[] = [];
  /** the first request's coordinator and time; the ones sent after it (null: none, the usual case) */
  private firstHost = '';
  private firstAt = 0;
  private resent: SentAttempt[] | null = null;
  /** the error a retry policy answered with `ignore` (undefined: none, the usual case) */
  private ignored: Error | undefined;
  speculativeExecutions = -1;
  completed = false;
  specTimer: Ev | undefined;
  plan: Iterator<Host> | undefined;
  specPlan: { nextExecution: (host?: Host) => number } | undefined;
  /** the settle functions of the promise learner code awaits (`promise()`) */
  resolve: (rs: ResultSet) => void = unsettled;
  reject: (e: Error) => void = unsettled;

  constructor(
    readonly cx: RequestContext,
    readonly op: ServerOp,
    readonly query: string,
    readonly cl: number,
    readonly readTimeout: number,
    readonly execOptions: ExecutionOptions,
    /** server-side timestamps: how the coordinator stamps this write (undefined: the client stamped it) */
    readonly stampSpec: ((ts: number) => Frag) | undefined,
    readonly done: Finish,
  ) {}

  /** The promise learner code awaits: settled when the request completes. */
  promise(): Promise<ResultSet> {
    const p = new Promise<ResultSet>(takeSettlers);
    this.resolve = settleResolve!;
    this.reject = settleReject!;
    return p;
  }

  start(): void {
    const { cx } = this;
    this.specPlan = cx.specPolicy.newPlan(cx.keyspace, this.query);
    try {
      cx.lbp.newQueryPlan(cx.keyspace, this.execOptions, (err, it) => {
        if (err) throw err;
        this.plan = it;
      });
    } catch (e) {
      return this.complete(e as Error);
    }
    if (!this.plan) return this.complete(new DriverInternalError('The load-balancing policy did not return a query plan'));
    this.startExecution(false);
  }

  complete(err: Error | null, rs?: ResultSet, row0?: Record<string, unknown>): void {
    if (this.completed) return;
    this.completed = true;
    this.cx.world.sched.cancel(this.specTimer);
    for (const x of this.executions) this.cancel(x);
    this.done.finish(this.cx.world, err, rs, row0, this.resent ? [{ host: this.firstHost, why: 'first', at: this.firstAt }, ...this.resent] : undefined, this.ignored);
    if (err) this.reject(err);
    else this.resolve(rs!);
  }

  private cancel(x: Execution): void {
    x.cancelled = true;
    const a = x.attempt;
    if (a && !a.done) {
      a.done = true;
      this.cx.inflight.delete(a);
      this.cx.world.sched.cancel(a.timer);
    }
  }

  /** The next usable host of the query plan (recording the skipped ones), or null. */
  private nextHost(): Host | null {
    const { plan, tried } = this;
    for (;;) {
      const r = plan!.next();
      if (r.done) return null;
      const h = r.value;
      if (!this.cx.hostSet.has(h)) {
        tried[String((h as { address?: unknown } | null)?.address)] = new ArgumentError('The load-balancing policy returned a host that is not one of client.hosts');
        continue;
      }
      if (this.cx.lbp.getDistance(h) === types.distance.ignored) continue;
      if (!h.isUp()) { tried[h.address] = HOST_DOWN; continue; }
      tried[h.address] = null;
      return h;
    }
  }

  private noHost(x: Execution | null): void {
    const { executions } = this;
    if (x) executions.splice(executions.indexOf(x), 1);
    if (executions.length === 0) this.complete(noHostAvailable(this.tried));
  }

  startExecution(speculative: boolean): void {
    const h = this.nextHost();
    if (!h) return this.noHost(null);
    if (speculative && this.executions.length > 0 && this.executions[0].cancelled) return;
    const x: Execution = { host: h, retries: 0, cl: this.cl, cancelled: false };
    this.executions.push(x);
    this.speculativeExecutions++;
    this.send(x, speculative ? 'speculative' : 'first');
    if (!this.execOptions.isIdempotent()) return;
    const delay = this.specPlan!.nextExecution(h);
    if (typeof delay !== 'number' || delay < 0) return;
    this.specTimer = this.cx.world.sched.after(Math.round(delay * 1000), onSpeculativeExecution, this);
  }

  onError(x: Execution, e: Error): void {
    this.tried[x.host.address] = e;
    (e as DriverError).coordinator = x.host.address;
    let d: DecisionInfo | undefined;
    try {
      d = decide(errorKind(e), e, { query: this.query, executionOptions: this.execOptions, nbRetry: x.retries }, x.cl);
    } catch (pe) {
      return this.complete(pe as Error);
    }
    if (!d || d.decision === RetryPolicy.retryDecision.rethrow) return this.complete(e);
    if (d.decision === RetryPolicy.retryDecision.ignore) {
      this.ignored = e; // the driver reports success; the history keeps what failed
      return this.complete(null, this.resultSet([], null, x));
    }
    x.retries++;
    if (typeof d.consistency === 'number') x.cl = d.consistency;
    if (d.useCurrentHost !== false && x.host.isUp()) return this.send(x, 'retry');
    const h = this.nextHost();
    if (!h) return this.noHost(x);
    x.host = h;
    this.send(x, 'retry');
  }

  /** One attempt: the request to x's host, with the client-side read timeout. */
  private send(x: Execution, why: AttemptWhy): void {
    const { cx } = this;
    const w = cx.world;
    if (!this.firstHost) {
      this.firstHost = x.host.address;
      this.firstAt = w.now;
    } else {
      (this.resent ??= []).push({ host: x.host.address, why, at: w.now });
    }
    const attempt = new Attempt(this, x, nodeOf(x.host));
    x.attempt = attempt;
    cx.inflight.add(attempt);
    if (this.readTimeout > 0) attempt.timer = w.sched.afterFixed(Math.round(this.readTimeout * 1000), onAttemptTimeout, attempt);
    w.net.send(cx.ep, attempt.host.ep, 'execute', this.withConsistency(x.cl), onExecute, attempt);
  }

  /** The coordinator answered this attempt. */
  onReply(a: Attempt, r: ServerReply): void {
    if (!a.settle()) return;
    const { op } = this;
    if (r.ok) {
      const cols = op.kind === 'read' ? op.columns : op.kind === 'system' ? Object.keys(r.rows[0] ?? {}) : null;
      const rows = new Array<Row>(r.rows.length);
      for (let i = 0; i < rows.length; i++) rows[i] = new Row(r.rows[i]);
      return this.complete(null, this.resultSet(rows, cols, a.x), r.rows[0]);
    }
    this.onError(a.x, responseError(r.error.code, r.error.message, r.error.props));
  }

  resultSet(rows: Row[], cols: string[] | null, x: Execution): ResultSet {
    return new ResultSet(rows, cols, {
      queriedHost: x.host.address, triedHosts: { ...this.tried }, achievedConsistency: x.cl, speculativeExecutions: this.speculativeExecutions, warnings: [],
    });
  }

  /** The operation at a consistency level a retry policy chose. */
  private withConsistency(cl: number): ServerOp {
    const op = this.op;
    return op.kind === 'system' || op.cl === cl ? op : { ...op, cl };
  }

  /** Server-side timestamps: the coordinator stamps writes that carry none. */
  stamp(op: ServerOp, coord: CNode): ServerOp {
    if (op.kind !== 'write' || !Number.isNaN(op.frag.marker) || !this.stampSpec) return op;
    const w = this.cx.world;
    const ts = coord.serverTimestamp(w.epochMs * 1000 + w.net.clockUs(coord.ep));
    return { ...op, frag: this.stampSpec(ts) };
  }
}

function onSpeculativeExecution(ev: Ev): void {
  const req = ev.arg as RequestHandler;
  if (!req.completed) req.startExecution(true);
}

function onAttemptTimeout(ev: Ev): void {
  const a = ev.arg as Attempt;
  if (a.settle()) a.req.onError(a.x, new OperationTimedOutError(`The host ${a.x.host.address} did not reply before timeout ${a.req.readTimeout} ms`, a.x.host.address));
}

/** At the coordinator: run the operation, and send the reply back to the client. */
function onExecute(o: ServerOp, a: Attempt): void {
  const req = a.req, w = req.cx.world, host = a.host;
  w.cluster.coordinate(host, req.stamp(o, host), (reply: ServerReply) => {
    w.net.send(host.ep, req.cx.ep, reply.ok ? 'result' : 'error', reply, onResult, a);
  });
}

function onResult(r: ServerReply, a: Attempt): void {
  a.req.onReply(a, r);
}
