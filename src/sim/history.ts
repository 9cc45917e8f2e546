/** Jepsen-style operation history and the queries the drivers saw. */

export type OpType = 'invoke' | 'ok' | 'fail' | 'info';
export type OpF = 'read' | 'write' | 'delete' | 'health' | 'pg-read' | 'pg-write' | 'produce' | 'consume' | string;

export interface Op {
  index: number;
  /** the client (or process) that issued it */
  process: string;
  type: OpType;
  f: OpF;
  /** 'table/key' for Cassandra and PostgreSQL operations */
  key?: string;
  value: unknown;
  /** virtual ms */
  time: number;
  /** for ok/fail/info: index of the matching invoke */
  invoke?: number;
  error?: { name: string; message: string; code?: number | string };
  /**
   * For a Cassandra request the driver sent more than once (ok/fail/info only): each attempt's
   * coordinator, in order, and why it was sent — the first, a retry after an error or a client-side
   * timeout, or a speculative execution.
   */
  attempts?: SentAttempt[];
  /**
   * For a Cassandra request that succeeded at another consistency level than it asked for (`value.cl`):
   * the level a retry policy chose (`ok` only; the driver's `ResultSet.info.achievedConsistency`).
   */
  achievedConsistency?: number;
  /**
   * For a Cassandra request whose failure a retry policy answered with `ignore` (`ok` only): the
   * error it ignored. The driver resolved the call with an empty result, as if it had succeeded; a
   * write may have reached no replica at all.
   */
  ignored?: { name: string; message: string; code?: number | string };
}

export type AttemptWhy = 'first' | 'retry' | 'speculative';

/** One request the driver sent for an execute: to which coordinator, why, when (virtual ms). */
export type SentAttempt = { host: string; why: AttemptWhy; at: number };

export interface QueryRecord {
  time: number;
  client: string;
  driver: 'cassandra' | 'pg' | 'kafka';
  text: string;
  params: unknown[];
  options: Record<string, unknown>;
  /** values written inline in the query text (not bound) */
  literals: unknown[];
  /** why the driver refused the statement before sending it (e.g. a statement the simulator does not support) */
  rejected?: { name: string; message: string };
}

/** Pairs each completion with its invoke. */
export function pairs(history: readonly Op[]): Array<{ invoke: Op; done: Op | undefined }> {
  const out: Array<{ invoke: Op; done: Op | undefined }> = [];
  const byInvoke = new Map<number, { invoke: Op; done: Op | undefined }>();
  for (const op of history) {
    if (op.type === 'invoke') {
      const p = { invoke: op, done: undefined };
      byInvoke.set(op.index, p);
      out.push(p);
    } else if (op.invoke !== undefined) {
      const p = byInvoke.get(op.invoke);
      if (p) p.done = op;
    }
  }
  return out;
}

/**
 * A driver call's records kept compact until they are read: what the history's operations and the
 * query log's entry are made of, made into them (`historyOp`, `queryRecord`) the first time the
 * world's array is read after the entry was added. What learner code could change after the call
 * (its params array, its options object, an error's message) is copied when the call is made or
 * ends; everything else an entry refers to is the simulator's own and never changes.
 */
export interface Deferred {
  /** tells a deferred entry from a made record (whose own properties never include it) */
  readonly deferred: true;
  /** the history's operation at `index` (the call's invoke or its completion) */
  historyOp(index: number): Op;
  /** the query log's entry */
  queryRecord(): QueryRecord;
}

/**
 * The history or the query log: an array in which deferred entries wait in place. `read()` makes
 * them (each once: the made record replaces it) and returns the array, the same one every time.
 */
export class RecordLog<T> {
  private readonly items: Array<T | Deferred> = [];
  /** the index of the first entry still deferred, or -1 */
  private firstDeferred = -1;
  constructor(private readonly make: (d: Deferred, index: number) => T) {}

  get length(): number {
    return this.items.length;
  }

  /** Appends a record; returns its index. */
  push(x: T): number {
    this.items.push(x);
    return this.items.length - 1;
  }

  /** Appends a deferred entry; returns its index. */
  defer(d: Deferred): number {
    const i = this.items.length;
    this.items.push(d);
    if (this.firstDeferred < 0) this.firstDeferred = i;
    return i;
  }

  /** Every record, made. */
  read(): T[] {
    if (this.firstDeferred >= 0) {
      const items = this.items;
      for (let i = this.firstDeferred; i < items.length; i++) {
        const x = items[i];
        if ((x as Partial<Deferred>).deferred === true) items[i] = this.make(x as Deferred, i);
      }
      this.firstDeferred = -1;
    }
    return this.items as T[];
  }
}
