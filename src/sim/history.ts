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
