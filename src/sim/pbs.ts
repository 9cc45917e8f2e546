/**
 * Probabilistically Bounded Staleness (Bailis et al., VLDB 2012), as Monte Carlo models on the
 * simulator's PRNG and integer latency distributions: the partial-quorum "miss" model and WARS.
 */
import { parseDist, sampleDist } from './dist';
import { Rng } from './rng';

function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

function checkNRW(n: number, r: number, w: number): void {
  for (const [name, v] of [['n', n], ['r', r], ['w', w]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer, got ${String(v)}`);
  }
  if (r > n || w > n) throw new Error(`R and W must be at most N (N=${n}, R=${r}, W=${w})`);
}

/** C(N−W, R) / C(N, R): probability a read of R random replicas misses a write that reached only W. */
export function exactMiss(n: number, r: number, w: number): number {
  checkNRW(n, r, w);
  return choose(n - w, r) / choose(n, r);
}

export interface QuorumResult {
  n: number;
  r: number;
  w: number;
  trials: number;
  seed: number;
  misses: number;
  missRate: number;
  exact: number;
}

/** A write reaches only the W replicas that acknowledge it; a read right after asks R random replicas. */
export function quorumMonteCarlo(o: { n: number; r: number; w: number; trials: number; seed: number }): QuorumResult {
  checkNRW(o.n, o.r, o.w);
  if (!Number.isInteger(o.trials) || o.trials < 1) throw new Error(`--trials must be a positive integer, got ${String(o.trials)}`);
  const rng = new Rng(o.seed).fork('quorum');
  const has = new Uint8Array(o.n);
  let misses = 0;
  for (let t = 0; t < o.trials; t++) {
    has.fill(0);
    for (const i of rng.sampleIndices(o.n, o.w)) has[i] = 1;
    let hit = false;
    for (const i of rng.sampleIndices(o.n, o.r)) if (has[i]) { hit = true; break; }
    if (!hit) misses++;
  }
  return { n: o.n, r: o.r, w: o.w, trials: o.trials, seed: o.seed, misses, missRate: misses / o.trials, exact: exactMiss(o.n, o.r, o.w) };
}

export interface PbsOptions {
  n: number;
  r: number;
  w: number;
  /** ms after the write commits that the read starts */
  t: number;
  writeLatency: string;
  ackLatency: string;
  readLatency: string;
  responseLatency: string;
  trials: number;
  seed: number;
}

export interface PbsResult extends PbsOptions {
  consistent: number;
  pConsistent: number;
}

/**
 * WARS: per replica independent write (W), ack (A), read-request (R) and response (S) delays. The write
 * commits when W acks have arrived; a read starting t ms later goes to all N replicas and returns the
 * newest of the first R responses. No repair, no hints.
 */
export function pbsWars(o: PbsOptions): PbsResult {
  checkNRW(o.n, o.r, o.w);
  if (!Number.isFinite(o.t) || o.t < 0) throw new Error(`--t must be a non-negative number of ms, got ${String(o.t)}`);
  if (!Number.isInteger(o.trials) || o.trials < 1) throw new Error(`--trials must be a positive integer, got ${String(o.trials)}`);
  const dW = parseDist(o.writeLatency), dA = parseDist(o.ackLatency), dR = parseDist(o.readLatency), dS = parseDist(o.responseLatency);
  const rng = new Rng(o.seed).fork('pbs');
  const n = o.n;
  const wArr = new Float64Array(n), ack = new Float64Array(n), rArr = new Float64Array(n), resp = new Float64Array(n);
  const idx = Array.from({ length: n }, (_, i) => i);
  const tUs = Math.round(o.t * 1000);
  let consistent = 0;
  for (let trial = 0; trial < o.trials; trial++) {
    for (let i = 0; i < n; i++) {
      wArr[i] = sampleDist(dW, rng);
      ack[i] = wArr[i] + sampleDist(dA, rng);
      rArr[i] = sampleDist(dR, rng);
      resp[i] = rArr[i] + sampleDist(dS, rng);
    }
    const acks = Array.from(ack).sort((a, b) => a - b);
    const commit = acks[o.w - 1];
    const start = commit + tUs;
    idx.sort((a, b) => resp[a] - resp[b] || a - b);
    let fresh = false;
    for (let k = 0; k < o.r; k++) {
      const i = idx[k];
      if (wArr[i] <= start + rArr[i]) { fresh = true; break; }
    }
    if (fresh) consistent++;
  }
  return { ...o, consistent, pConsistent: consistent / o.trials };
}
