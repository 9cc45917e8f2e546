// rejects: Make the read return the **older** status (`plan.first.status`) while both writes are still acknowledged and the read still succeeds at QUORUM.
// The right clock, the wrong way: the first writer's clock set back makes its older status carry an even
// lower timestamp (a positive offsetMs runs the clock ahead).
import type { Plan } from '../starter';

export function schedule(plan: Plan) {
  const stamper = plan.timestamps === 'client' ? plan.first.client : plan.first.coordinator;
  return [{ at: 0, kind: 'clock-skew', target: stamper, offsetMs: -(plan.second.at - plan.first.at + 1000) }];
}
