/**
 * User Timing marks of the exercise's start-up and run path (`qc:<name>`): DevTools' performance
 * panel shows them, and bench/exercise.ts reads them to say what a first Run waited on. A worker's
 * moments arrive as absolute times (its `performance.timeOrigin + now()`) and are marked at the
 * page's equivalent time.
 */
export function mark(name: string, absoluteMs?: number): void {
  try {
    performance.mark(`qc:${name}`, absoluteMs === undefined ? undefined : { startTime: Math.max(0, absoluteMs - performance.timeOrigin) });
  } catch {
    /* User Timing missing or refusing: the marks are only for measuring */
  }
}
