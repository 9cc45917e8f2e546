// rejects: client-side timestamps, writes hundreds of ms apart
// Crashes the node that coordinated the newer write right after it, hoping the read then misses it.
// The write went to every replica and two acknowledged it: the read finds it on the other, or times out
// waiting for the crashed node. Either way no stale status.
import type { Plan } from '../starter';

export function schedule(plan: Plan) {
  return [{ at: plan.second.at + 20, kind: 'crash', node: plan.second.coordinator }];
}
