// rejects: client-side timestamps, writes tens of ms apart
// Skews the wrong clock the wrong way: the later writer's clock running ahead only makes the newer
// status win by more.
import type { Plan } from '../starter';

export function schedule(plan: Plan) {
  const stamper = plan.timestamps === 'client' ? plan.second.client : plan.second.coordinator;
  return [{ at: 0, kind: 'clock-skew', target: stamper, offsetMs: plan.second.at - plan.first.at + 1000 }];
}
