// rejects: Make the read return the **older** status (`plan.first.status`) while both writes are still acknowledged and the read still succeeds at QUORUM.
// The right clock, ahead by exactly the gap between the writes' starts, with no margin: the older write
// is stamped no later than the newer one when the newer write is stamped a little after its start (its
// coordinator stamps it on arrival) or when the two timestamps tie.
import type { Plan } from '../starter';

export function schedule(plan: Plan) {
  const stamper = plan.timestamps === 'client' ? plan.first.client : plan.first.coordinator;
  return [{ at: 0, kind: 'clock-skew', target: stamper, offsetMs: plan.second.at - plan.first.at }];
}
