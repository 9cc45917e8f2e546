/**
 * One `client.execute`: its entry in the query log, its invoke and completion in the history, and its
 * entry among what the run waits for (the request, ./cassandra-request, settles the promise learner
 * code awaits).
 *
 * Its records are deferred (../history `Deferred`): the call keeps what they are made of, and the
 * world makes the public shapes when its history or query log is read. Kept as given: the driver's
 * own copy of the params, the copy of the options made at the call, a write's history value (a
 * read's is made from its table, key and level), the coordinator's row (nothing else holds it). A
 * failed call, and one sent more than once or answered at another level, records its completion at
 * once (its error's text is learner code's to change afterwards).
 */
import { type Deferred, type Op, type QueryRecord, type SentAttempt } from '../history';
import type { World } from '../world';
import type { Pending } from '../world-run';
import { type DriverError, NoHostAvailableError, OperationTimedOutError, ResponseError, type ResultSet } from './cassandra';
import { type Statement, historyKey, readHistoryValue } from './cassandra-statement';

/** What a query record rarely needs: the statement's literals, a refusal, the record once made. */
interface QueryExtra {
  /** the parsed statement's literals (the parser's own array, copied into the record when made) */
  literals?: readonly unknown[];
  rejected?: { name: string; message: string };
  made?: QueryRecord;
}

export class Call implements Deferred, Pending {
  /** virtual µs at the call (its query record's and its invoke's time) */
  readonly sinceUs: number;
  private extra: QueryExtra | null = null;
  // the statement, once built (`table` undefined: a system query, which has no partition)
  private f = '';
  private table: string | undefined = undefined;
  private key: unknown = undefined;
  private cl = 0;
  /** a write's or a health check's history value (a read's is made from table, key and cl) */
  private hvalue: Record<string, unknown> | undefined = undefined;
  /** the history index of its invoke (-1: not sent) */
  private invoke = -1;
  /** virtual µs of its completion, and a read's row (a deferred ok only) */
  private endUs = 0;
  private row: Record<string, unknown> | null = null;
  /**
   * the record's params: the driver's copy of a learner params array, or `[object]` for named
   * parameters until bound; one value is kept as itself (`params` null), its array made with the record
   */
  private params: unknown[] | null = null;
  private param: unknown = undefined;

  constructor(
    w: World,
    readonly client: string,
    /** `String(query)` at the call */
    readonly text: string,
    params: unknown[],
    /** the copy of the options made at the call */
    private readonly options: Record<string, unknown>,
  ) {
    this.sinceUs = w.sched.now;
    this.keepParams(params);
    w.deferQuery(this);
  }

  private keepParams(params: unknown[]): void {
    if (params.length === 1) {
      this.params = null;
      this.param = params[0];
    } else this.params = params;
  }

  get deferred(): true {
    return true;
  }

  // ---- the query log --------------------------------------------------------------------------
  queryRecord(): QueryRecord {
    const x = this.extra;
    const lit = x?.literals;
    const rec: QueryRecord = {
      time: this.sinceUs / 1000, client: this.client, driver: 'cassandra', text: this.text,
      params: this.params ?? [this.param], options: this.options, literals: lit !== undefined && lit.length > 0 ? lit.slice() : [],
    };
    if (x?.rejected) rec.rejected = x.rejected;
    if (x) x.made = rec;
    else this.extra = { made: rec };
    return rec;
  }

  setLiterals(literals: readonly unknown[]): void {
    if (literals.length === 0) return;
    const x = (this.extra ??= {});
    x.literals = literals;
    if (x.made) x.made.literals = literals.slice();
  }

  /** Named parameters bound: the values in marker order (an array of the driver's own). */
  setParams(values: unknown[]): void {
    this.keepParams(values);
    const made = this.extra?.made;
    if (made) made.params = values;
  }

  /** The driver refused the statement before sending it: the query log says why, and the call rejects. */
  refuse(e: unknown): Promise<never> {
    if (e instanceof Error) {
      const x = (this.extra ??= {});
      x.rejected = { name: e.name, message: e.message };
      if (x.made) x.made.rejected = x.rejected;
    }
    return Promise.reject(e);
  }

  // ---- sending --------------------------------------------------------------------------------
  /** The statement is built: its invoke goes into the history. */
  invoked(w: World, stmt: Statement, cl: number): void {
    const op = stmt.op;
    this.f = stmt.f;
    if (op.kind !== 'system') {
      this.table = op.table;
      this.key = op.key;
    }
    this.cl = cl;
    this.hvalue = stmt.hvalue;
    this.invoke = w.deferOp(this);
  }

  /** The request starts: the run waits for it (until `finish`). */
  waiting(w: World): void {
    w.addPendingEntry(this);
  }

  pendingText(): string {
    const query = this.text;
    return `cassandra-driver execute('${query.length > 60 ? query.slice(0, 57) + '…' : query}') by ${this.client}`;
  }

  // ---- the history ----------------------------------------------------------------------------
  private get hkey(): string | undefined {
    return this.table === undefined ? undefined : historyKey(this.table, this.key);
  }

  /**
   * The history value of its invoke, and of its failure (the same object, as the statement's value
   * always was): a write's or a health check's from the statement, a read's made on first use.
   */
  private invokeValue(): Record<string, unknown> {
    return (this.hvalue ??= readHistoryValue(this.table!, this.key, this.cl));
  }

  /** The history value of its ok: a read's with the row it returned (an object of its own). */
  private okValue(row: Record<string, unknown> | null): Record<string, unknown> {
    return this.f === 'read' ? readHistoryValue(this.table!, this.key, this.cl, row) : this.hvalue!;
  }

  historyOp(index: number): Op {
    if (index === this.invoke) return { index, process: this.client, type: 'invoke', f: this.f, value: this.invokeValue(), time: this.sinceUs / 1000, key: this.hkey };
    return { index, process: this.client, type: 'ok', f: this.f, value: this.okValue(this.row), time: this.endUs / 1000, key: this.hkey, invoke: this.invoke };
  }

  /**
   * The request ended (./cassandra-request `Finish`). `row0`: the first row's columns as the
   * coordinator answered them; `attempts`: every request sent, when there was more than one;
   * `ignored`: the error a retry policy answered with `ignore`. The request settles the promise
   * learner code awaits after this.
   */
  finish(w: World, err: Error | null, rs?: ResultSet, row0?: Record<string, unknown>, attempts?: SentAttempt[], ignored?: Error): void {
    w.removePending(this);
    w.wake();
    if (err) return this.failed(w, err, attempts);
    const result = rs!;
    // the row as read: the columns the first Row was made from (the coordinator's own object, which
    // nothing else keeps; spreading the Row itself is slower)
    const row = this.f === 'read' && result.rows.length > 0 ? row0 ?? { ...result.rows[0] } : null;
    // a retry policy that answered with another level: the level the request succeeded at
    const achieved = result.info.achievedConsistency;
    const lowered = achieved !== this.cl;
    if (!attempts && !lowered && !ignored) {
      this.row = row;
      this.endUs = w.sched.now;
      w.deferOp(this);
    } else {
      w.record(this.client, 'ok', this.f, this.okValue(row), {
        key: this.hkey, invoke: this.invoke, ...sentAttempts(attempts),
        ...(lowered ? { achievedConsistency: achieved } : undefined),
        // a retry policy that answered `ignore`: the call "succeeded" although the request failed
        ...(ignored ? { ignored: { name: ignored.name, message: ignored.message, code: (ignored as ResponseError).code } } : undefined),
      });
    }
  }

  private failed(w: World, err: Error, attempts: SentAttempt[] | undefined): void {
    const f = this.f;
    const timeoutLike = err instanceof OperationTimedOutError || (err instanceof ResponseError && (err.code === 0x1100 || err.code === 0x1200)) || (err as { isSocketError?: boolean }).isSocketError;
    w.record(this.client, timeoutLike && f !== 'read' && f !== 'health' ? 'info' : 'fail', f, this.invokeValue(), {
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
