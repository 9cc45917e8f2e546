// rejects: client-side timestamps, writes seconds apart
// Isolates the later writer's zone while it writes, so the newer status reaches only its own replica.
// Then the second write is not acknowledged, which is not what the challenge asks for.
import type { Plan } from '../starter';

export function schedule(plan: Plan) {
  return [
    { at: plan.second.at - 5, kind: 'isolate', zone: plan.second.zone },
    { at: plan.second.at + 3000, kind: 'heal' },
  ];
}
