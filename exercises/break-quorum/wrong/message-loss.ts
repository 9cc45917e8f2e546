// rejects: client-side timestamps, writes tens of ms apart
// Drops a third of all messages, hoping the newer write misses replicas. Writes that lose too many
// messages are not acknowledged; those that are acknowledged are on two replicas, and the read finds them.
import type { Plan } from '../starter';

export function schedule(plan: Plan) {
  void plan;
  return [{ at: 0, kind: 'loss', probability: 0.35 }];
}
