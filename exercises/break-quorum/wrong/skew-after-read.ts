// rejects: client-side timestamps, writes hundreds of ms apart
// The right clock and the right amount, but only once the read has started: both writes were already
// stamped and stored.
import type { Plan } from '../starter';

export function schedule(plan: Plan) {
  const stamper = plan.timestamps === 'client' ? plan.first.client : plan.first.coordinator;
  return [{ at: plan.read.at + 1, kind: 'clock-skew', target: stamper, offsetMs: plan.second.at - plan.first.at + 1000 }];
}
