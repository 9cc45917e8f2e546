// Reference for break-quorum: skew the clock that stamps the first write.
//
// Cassandra keeps, cell by cell, the version with the highest write timestamp (last
// write wins), and a QUORUM read's coordinator merges the replicas' answers the same
// way. A timestamp comes from a clock: the writing client's (client-side timestamps,
// the drivers' default) or the coordinator's. If that clock runs ahead by more than the
// time between the two writes, the older status carries the higher timestamp: it wins
// on every replica, and the QUORUM read that starts after the newer write was
// acknowledged returns the older status. Nothing fails and nothing is logged.

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

/** Extra margin on top of the gap, for network delays and for who stamps when. */
const MARGIN_MS = 1000;

export function schedule(plan: Plan): Fault[] {
  const gapMs = plan.second.at - plan.first.at;
  const stamper =
    plan.timestamps === 'client' ? plan.first.client : plan.first.coordinator;
  return [{ at: 0, kind: 'clock-skew', target: stamper, offsetMs: gapMs + MARGIN_MS }];
}
