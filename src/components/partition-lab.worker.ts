/// <reference lib="webworker" />
/**
 * The partition lab's simulator, off the main thread. While a scenario runs, the simulator points
 * `setTimeout`, `Date` and `performance.now` of its realm at virtual time: in a Worker that realm is
 * the lab's own, never the page's (Monaco, the exercises, the page's timers keep real time).
 * One request at a time, answered in order; every answer carries the lab's state.
 */
import { PartitionLab, type LabResult, type Level, type OpKind, type Zone, ZONES } from '../diagram/partition-lab';

export interface LabState {
  now: number;
  isolated: Zone | null;
  isolatedSince: number | null;
  replicas: Record<Zone, string>;
  latestAcked: string;
}

/** What the page asks the lab to do. */
export type LabAsk =
  | { kind: 'init'; seed: number }
  | { kind: 'isolate'; zone: Zone | null }
  | { kind: 'wait'; ms: number }
  | { kind: 'run'; zone: Zone; op: OpKind; level: Level };

export type LabRequest = LabAsk & { id: number };

export type LabReply = { id: number; ok: true; state: LabState; result?: LabResult } | { id: number; ok: false; message: string };

let lab: PartitionLab | null = null;
const post = (m: LabReply) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(m);

function state(l: PartitionLab): LabState {
  return { now: l.now, isolated: l.isolated, isolatedSince: l.isolatedSince, replicas: l.replicaValues(), latestAcked: l.latestAcked };
}

let queue: Promise<void> = Promise.resolve();

self.onmessage = (e: MessageEvent<LabRequest>) => {
  const req = e.data;
  queue = queue.then(async () => {
    try {
      if (req.kind === 'init') lab = new PartitionLab(req.seed);
      if (!lab) throw new Error('the lab was not started');
      let result: LabResult | undefined;
      if (req.kind === 'isolate') lab.setIsolation(req.zone && ZONES.includes(req.zone) ? req.zone : null);
      else if (req.kind === 'wait') await lab.wait(req.ms);
      else if (req.kind === 'run') result = await lab.run(req.zone, req.op, req.level);
      post({ id: req.id, ok: true, state: state(lab), result });
    } catch (err) {
      post({ id: req.id, ok: false, message: err instanceof Error ? err.message : String(err) });
    }
  });
};
