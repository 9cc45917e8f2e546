// rejects: client-side timestamps, writes 50 ms apart: the read returns the older status
// The right clock and the right amount, but the skew starts 1 ms after the second write started:
// that write was already stamped with the true time, so the later write still wins.
export type Zone = 'A' | 'B' | 'C';

export type Write = {
  client: string; // client id, e.g. 'processor-a'
  zone: Zone; // the client's zone
  coordinator: string; // the node that coordinates its requests (the node in its zone)
  at: number; // virtual ms at which the write starts
  status: string; // the status it writes
};

export type Plan = {
  orderId: string;
  timestamps: 'client' | 'coordinator';
  nodes: string[]; // 'A', 'B', 'C' (node X is in zone X)
  first: Write;
  second: Write;
  read: { client: string; zone: Zone; coordinator: string; at: number };
};

export type Fault =
  // a node's or a client's clock; + = runs ahead
  | { at: number; kind: 'clock-skew'; target: string; offsetMs: number }
  // the zone's node and clients cut off from the other zones
  | { at: number; kind: 'isolate'; zone: string }
  | { at: number; kind: 'partition'; groups: string[][] } // e.g. [['A'], ['B', 'C']]
  | { at: number; kind: 'heal' } // removes every partition
  | { at: number; kind: 'crash' | 'restart'; node: string }
  | { at: number; kind: 'pause'; node: string; forMs: number }
  | { at: number; kind: 'slow'; node: string; extraMs: number }
  // every message is dropped with this probability
  | { at: number; kind: 'loss'; probability: number };

export function schedule(plan: Plan): Fault[] {
  const target = plan.timestamps === 'client' ? plan.second.client : plan.second.coordinator;
  return [{ at: plan.second.at + 1, kind: 'clock-skew', target, offsetMs: -(plan.second.at - plan.first.at + 500) }];
}
