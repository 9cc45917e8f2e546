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
