// rejects: client-side timestamps, writes tens of ms apart
// Always skews the first write's coordinator node. With client-side timestamps the node's clock is not
// used: the driver stamped the write from the client's clock.
import type { Plan } from '../starter';

export function schedule(plan: Plan) {
  return [{ at: 0, kind: 'clock-skew', target: plan.first.coordinator, offsetMs: plan.second.at - plan.first.at + 1000 }];
}
