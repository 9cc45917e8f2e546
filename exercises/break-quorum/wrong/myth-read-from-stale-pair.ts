// rejects: Make the read return the **older** status (`plan.first.status`) while both writes are still acknowledged and the read still succeeds at QUORUM.
// The notes' story: once the newer write is acknowledged, cut its writer's zone off, so that the read
// "reads from the two stale replicas". But an acknowledged QUORUM write is on two replicas already, and
// every QUORUM read asks at least one of them: the coordinator keeps the newer version.
import type { Plan } from '../starter';

export function schedule(plan: Plan) {
  return [{ at: plan.second.at + 10, kind: 'partition', groups: [[plan.second.zone], plan.nodes.filter((z) => z !== plan.second.zone)] }];
}
