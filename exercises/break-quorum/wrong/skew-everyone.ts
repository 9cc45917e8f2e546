// rejects: Make the read return the **older** status (`plan.first.status`) while both writes are still acknowledged and the read still succeeds at QUORUM.
// Runs every clock in the cluster ahead, nodes and clients alike. Timestamps only compare clocks with
// each other: when all of them move together, the newer write still carries the higher timestamp.
import type { Plan } from '../starter';

export function schedule(plan: Plan) {
  const clocks = [...plan.nodes, plan.first.client, plan.second.client, plan.read.client];
  return clocks.map((target) => ({ at: 0, kind: 'clock-skew' as const, target, offsetMs: plan.second.at - plan.first.at + 1000 }));
}
