// rejects: client-side timestamps, writes seconds apart
// Skews the right clock, but by a fixed 500 ms: enough when the writes are close together, not when
// they are seconds apart.
import type { Plan } from '../starter';

export function schedule(plan: Plan) {
  const stamper = plan.timestamps === 'client' ? plan.first.client : plan.first.coordinator;
  return [{ at: 0, kind: 'clock-skew', target: stamper, offsetMs: 500 }];
}
