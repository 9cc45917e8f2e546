// rejects: Export `schedule(plan)`, returning the faults (each with `at`, in virtual ms) for one run of the plan's workload: a QUORUM write, a newer QUORUM write from another zone after the first was acknowledged, then a QUORUM read after the second was acknowledged.
// Leaves out `at`, as if a fault without a time applied from the start: the task asks for every fault's
// time, in virtual ms.
import type { Plan } from '../starter';

export function schedule(plan: Plan) {
  const stamper = plan.timestamps === 'client' ? plan.first.client : plan.first.coordinator;
  return [{ kind: 'clock-skew', target: stamper, offsetMs: plan.second.at - plan.first.at + 1000 }];
}
