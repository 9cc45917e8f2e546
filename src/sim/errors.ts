/** Errors the simulator itself raises (not driver errors). */

export type SimulationErrorKind = 'deadlock' | 'budget' | 'busy-wait' | 'uncaught' | 'usage';

export class SimulationError extends Error {
  readonly kind: SimulationErrorKind;
  /** virtual time when it was raised, ms */
  readonly timeMs: number;
  /** what was pending, e.g. "cassandra-driver execute('SELECT …') by api-a since 1200 ms" */
  readonly pending: string[];
  constructor(kind: SimulationErrorKind, message: string, timeMs: number, pending: string[] = [], options?: { cause?: unknown }) {
    super(message);
    this.name = 'SimulationError';
    this.kind = kind;
    this.timeMs = timeMs;
    this.pending = pending;
    if (options && 'cause' in options) (this as { cause?: unknown }).cause = options.cause;
  }
}

/** The realm's current `Error` (a hardened realm replaces it: see src/grading/sandbox.ts). */
const G = globalThis as unknown as { Error: { stackTraceLimit?: number } };

/**
 * Driver errors are built with no JavaScript stack: its frames would be simulator internals (the
 * event that delivered the failure), never the learner's code, and capturing them costs a few µs
 * each — a Submit can raise tens of thousands while a zone is cut off. Call before `super(message)`
 * and pass the result to `restoreStack` right after it.
 */
export function suspendStack(): number | undefined {
  const E = G.Error;
  const limit = E.stackTraceLimit;
  if (typeof limit !== 'number') return undefined;
  try {
    E.stackTraceLimit = 0;
  } catch {
    return undefined; // read-only here: errors keep their stacks
  }
  return limit;
}

export function restoreStack(limit: number | undefined): void {
  if (limit !== undefined) G.Error.stackTraceLimit = limit;
}
