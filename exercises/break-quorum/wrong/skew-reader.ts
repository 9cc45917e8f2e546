// rejects: client-side timestamps, writes tens of ms apart
// Sets the order page's clock back, as if the reader's clock decided what is "latest". Reads carry no
// timestamp: the coordinator merges the replicas' versions by their write timestamps.
import type { Plan } from '../starter';

export function schedule(plan: Plan) {
  return [{ at: 0, kind: 'clock-skew', target: plan.read.client, offsetMs: -(plan.second.at - plan.first.at + 1000) }];
}
