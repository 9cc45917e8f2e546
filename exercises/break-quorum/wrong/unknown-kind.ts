// rejects: every fault has a known kind and names this plan's nodes, zones or clients
// Invents a fault kind the simulator does not have.
import type { Plan } from '../starter';

export function schedule(plan: Plan) {
  return [{ at: 0, kind: 'skew', node: plan.first.coordinator, ms: 5000 }];
}
