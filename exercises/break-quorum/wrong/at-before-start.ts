// rejects: Export `schedule(plan)`, returning the faults (each with `at`, in virtual ms) for one run of the plan's workload: a QUORUM write, a newer QUORUM write from another zone after the first was acknowledged, then a QUORUM read after the second was acknowledged.
// Moves the clock "a second and a half before the first write", without noticing that the first write
// may start sooner than that after the run begins: the fault's time is then before the run, not a time
// in it.
import type { Plan } from '../starter';

export function schedule(plan: Plan) {
  const stamper = plan.timestamps === 'client' ? plan.first.client : plan.first.coordinator;
  return [{ at: plan.first.at - 1500, kind: 'clock-skew', target: stamper, offsetMs: plan.second.at - plan.first.at + 1000 }];
}
