/**
 * One `client.execute`: its entry in the query log, its invoke and completion in the history, its
 * entry among what the run waits for, and the settling of the promise learner code awaits.
 *
 * Its records are deferred (../history `Deferred`): the call keeps what they are made of, and the
 * world makes the public shapes when its history or query log is read. Kept as given: the driver's
 * own copy of the params, the copy of the options made at the call, the statement's history value,
 * the coordinator's row (nothing else holds it). A failed call, and one sent more than once or
 * answered at another level, records its completion at once (its error's text is learner code's to
 * change afterwards).
 */
import { type Deferred, type Op, type QueryRecord, type SentAttempt } from '../history';
import type { World } from '../world';
import type { Pending } from '../world-run';
import { type DriverError, NoHostAvailableError, OperationTimedOutError, ResponseError, type ResultSet } from './cassandra';
import { type Statement, readValue } from './cassandra-statement';

/** A new promise's settle functions, handed out by one executor shared by every call (no closure per call). */
let settleResolve: ((rs: ResultSet) => void) | undefined;
let settleReject: ((e: Error) => void) | undefined;
function takeSettlers(resolve: (rs: ResultSet) => void, reject: (e: Error) => void): void {
  settleResolve = resolve;
  settleReject = reject;
}

const settled = (): void => {};

export class Call implements Deferred, Pending {
  /** virtual µs at the call (its query record's and its invoke's time) */
  readonly sinceUs: number;
  /** the parsed statement's literals (the parser's own array, copied into the record when made) */
  private literals: readonly unknown[] | null = null;
  private rejected: { name: string; message: string } | undefined = undefined;
  /** the query record once made (a change after that goes to it too) */
  private made: QueryRecord | undefined = undefined;
  // the statement, once built
  f = '';
  hvalue: Record<string, unknown> = {};
  hkey: string | undefined = undefined;
  /** the history index of its invoke (-1: not sent) */
  invoke = -1;
  /** virtual µs of its completion, and a read's row (deferred ok only) */
  private endUs = 0;
  private row: Record<string, unknown> | null = null;
  /** its id among the world's pending entries */
  token = 0;
  resolve: (rs: ResultSet) => void = settled;
  reject: (e: Error) => void = settled;

  constructor(
    readonly w: World,
    readonly client: string,
    /** `String(query)` at the call */
    readonly text: string,
    /** the driver's copy of a learner params array, or `[object]` for named parameters until bound */
    private params: unknown[],
    /** the copy of the options made at the call */
    private readonly options: Record<string, unknown>,
  ) {
    this.sinceUs = w.sched.now;
    w.deferQuery(this);
  }

  get deferred(): true {
    return true;
  }

  // ---- the query log --------------------------------------------------------------------------
  queryRecord(): QueryRecord {
    const lit = this.literals;
    const rec: QueryRecord = {
      time: this.sinceUs / 1000, client: this.client, driver: 'cassandra', text: this.text,
      params: this.params, options: this.options, literals: lit !== null && lit.length > 0 ? lit.slice() : [],
    };
    if (this.rejected) rec.rejected = this.rejected;
    return (this.made = rec);
  }

  setLiterals(literals: readonly unknown[]): void {
    this.literals = literals;
    if (this.made && literals.length > 0) this.made.literals = literals.slice();
  }

  /** Named parameters bound: the values in marker order (an array of the driver's own). */
  setParams(values: unknown[]): void {
    this.params = values;
    if (this.made) this.made.params = values;
  }

  /** The driver refused the statement before sending it: the query log says why, and the call rejects. */
  refuse(e: unknown): Promise<never> {
    if (e instanceof Error) {
      this.rejected = { name: e.name, message: e.message };
      if (this.made) this.made.rejected = this.rejected;
    }
    return Promise.reject(e);
  }

  // ---- sending --------------------------------------------------------------------------------
  /** The statement is built: its invoke goes into the history. */
  invoked(stmt: Statement): void {
    this.f = stmt.f;
    this.hvalue = stmt.hvalue;
    this.hkey = stmt.hkey;
    this.invoke = this.w.deferOp(this);
  }

  /** The request starts: the run waits for it; returns the promise learner code awaits. */
  start(): Promise<ResultSet> {
    const done = new Promise<ResultSet>(takeSettlers);
    this.resolve = settleResolve!;
    this.reject = settleReject!;
    this.token = this.w.addPendingEntry(this);
    return done;
  }

  pendingText(): string {
    const query = this.text;
    return `cassandra-driver execute('${query.length > 60 ? query.slice(0, 57) + '…' : query}') by ${this.client}`;
  }

  // ---- the history ----------------------------------------------------------------------------
  historyOp(index: number): Op {
    if (index === this.invoke) return { index, process: this.client, type: 'invoke', f: this.f, value: this.hvalue, time: this.sinceUs / 1000, key: this.hkey };
    const value = this.f === 'read' ? readValue(this.hvalue, this.row) : this.hvalue;
    return { index, process: this.client, type: 'ok', f: this.f, value, time: this.endUs / 1000, key: this.hkey, invoke: this.invoke };
  }

  /**
   * The request ended (./cassandra-request `Finish`). `row0`: the first row's columns as the
   * coordinator answered them; `attempts`: every request sent, when there was more than one;
   * `ignored`: the error a retry policy answered with `ignore`.
   */
  finish(err: Error | null, rs?: ResultSet, row0?: Record<string, unknown>, attempts?: SentAttempt[], ignored?: Error): void {
    const { w, f, hvalue } = this;
    w.removePending(this.token);
    w.wake();
    const resolve = this.resolve, reject = this.reject;
    this.resolve = this.reject = settled; // the promise (and what it settles with) is learner code's now
    if (err) {
      this.failed(err, attempts);
      return reject(err);
    }
    const result = rs!;
    // the row as read: the columns the first Row was made from (the coordinator's own object, which
    // nothing else keeps; spreading the Row itself is slower)
    const row = f === 'read' && result.rows.length > 0 ? row0 ?? { ...result.rows[0] } : null;
    // a retry policy that answered with another level: the level the request succeeded at
    const achieved = result.info.achievedConsistency;
    const lowered = hvalue.cl !== undefined && achieved !== hvalue.cl;
    if (!attempts && !lowered && !ignored) {
      this.row = row;
      this.endUs = w.sched.now;
      w.deferOp(this);
    } else {
      w.record(this.client, 'ok', f, f === 'read' ? readValue(hvalue, row) : hvalue, {
        key: this.hkey, invoke: this.invoke, ...sentAttempts(attempts),
        ...(lowered ? { achievedConsistency: achieved } : undefined),
        // a retry policy that answered `ignore`: the call "succeeded" although the request failed
        ...(ignored ? { ignored: { name: ignored.name, message: ignored.message, code: (ignored as ResponseError).code } } : undefined),
      });
    }
    resolve(result);
  }

  private failed(err: Error, attempts: SentAttempt[] | undefined): void {
    const { w, f } = this;
    const timeoutLike = err instanceof OperationTimedOutError || (err instanceof ResponseError && (err.code === 0x1100 || err.code === 0x1200)) || (err as { isSocketError?: boolean }).isSocketError;
    w.record(this.client, timeoutLike && f !== 'read' && f !== 'health' ? 'info' : 'fail', f, this.hvalue, {
      key: this.hkey, invoke: this.invoke,
      error: { name: err.name, message: err.message, code: (err as ResponseError).code },
      ...sentAttempts(attempts),
    });
    if (!(err instanceof NoHostAvailableError)) (err as DriverError).query = this.text;
  }
}

/** The history's copy of the requests a call sent, when it sent more than one. */
function sentAttempts(attempts: SentAttempt[] | undefined): { attempts: SentAttempt[] } | undefined {
  return attempts ? { attempts: attempts.map((a) => ({ ...a })) } : undefined;
}
