// rejects: client-side timestamps, writes tens of ms apart
// Cuts the order page's zone off, hoping its node answers from its own stale copy. It cannot: the
// isolated coordinator cannot reach a second replica, so the QUORUM read fails instead.
import type { Plan } from '../starter';

export function schedule(plan: Plan) {
  return [{ at: 0, kind: 'isolate', zone: plan.read.zone }];
}
