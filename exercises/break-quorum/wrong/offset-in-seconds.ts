// rejects: Make the read return the **older** status (`plan.first.status`) while both writes are still acknowledged and the read still succeeds at QUORUM.
// The right clock, but the offset in seconds: offsetMs is in milliseconds, so the clock runs a few ms
// ahead instead of a few seconds.
import type { Plan } from '../starter';

export function schedule(plan: Plan) {
  const stamper = plan.timestamps === 'client' ? plan.first.client : plan.first.coordinator;
  return [{ at: 0, kind: 'clock-skew', target: stamper, offsetMs: Math.ceil((plan.second.at - plan.first.at) / 1000) + 1 }];
}
