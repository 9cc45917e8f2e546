/// <reference lib="webworker" />
/**
 * Runs the quorum explorer's measurement off the main thread, in chunks, so a newer request
 * (the learner changed N, R or W) supersedes an older one without waiting for it.
 */
import { measureQuorumChunked } from '../diagram/quorum-measure';

export interface MeasureRequest {
  job: number;
  n: number;
  r: number;
  w: number;
  cut: number[];
  trials: number;
  seed: number;
}
export type MeasureReply =
  | { job: number; kind: 'progress'; done: number }
  | { job: number; kind: 'done'; misses: number; trials: number; unavailable: number; mode: 'read-path' | 'pbs-model' }
  | { job: number; kind: 'error'; message: string };

let latest = 0;
const post = (m: MeasureReply) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(m);

self.onmessage = async (e: MessageEvent<MeasureRequest>) => {
  const req = e.data;
  latest = req.job;
  try {
    const res = await measureQuorumChunked(req, {
      chunk: 250,
      cancelled: () => latest !== req.job,
      yieldNow: () => new Promise<void>((r) => setTimeout(r, 0)),
      progress: (done) => post({ job: req.job, kind: 'progress', done }),
    });
    if (res) post({ job: req.job, kind: 'done', ...res });
  } catch (err) {
    post({ job: req.job, kind: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};
