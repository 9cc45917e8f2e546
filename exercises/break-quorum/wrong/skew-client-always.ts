// rejects: coordinator-side timestamps, writes tens of ms apart
// Always skews the first writer's client clock. With coordinator-side timestamps the client sends no
// timestamp: the coordinator node stamps the write from its own clock.
import type { Plan } from '../starter';

export function schedule(plan: Plan) {
  return [{ at: 0, kind: 'clock-skew', target: plan.first.client, offsetMs: plan.second.at - plan.first.at + 1000 }];
}
