// Challenge: make a QUORUM read return stale data.
//
// The workload is fixed. In a three-node cluster (RF 3, one node per zone; each
// client talks only to the node in its own zone), an order's status is written
// twice, then read:
//   1. plan.first  — a client sets the status at QUORUM and is acknowledged;
//   2. plan.second — at plan.second.at, after that acknowledgement, a client in
//                    another zone sets a newer status at QUORUM and is acknowledged;
//   3. plan.read   — after that acknowledgement, the order page reads it at QUORUM.
//
// Return the faults (with `at`, in virtual ms since the start) that make the read
// return plan.first.status. Both writes must still be acknowledged and the read must
// still succeed: you are looking for a way an acknowledged QUORUM write goes missing,
// not for a way to make requests fail.
// plan.timestamps says who stamps the writes: 'client' (the driver, from the writing
// client's clock) or 'coordinator' (the coordinator node, from its own clock).

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
  // A first idea: cut the order page's zone off; the read makes do with stale replicas.
  return [{ at: 0, kind: 'isolate', zone: plan.read.zone }];
}
