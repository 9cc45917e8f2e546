/**
 * Exact quorum arithmetic for the quorum explorer (Bailis et al., "Probabilistically Bounded Staleness", VLDB 2012).
 * Worst case: the write reached only the W replicas that acknowledged it; the read asks R replicas
 * chosen uniformly at random. P(miss) = C(N−W, R) / C(N, R). Pure, no DOM.
 */

export function binom(n: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(k)) throw new RangeError('binom needs integers');
  if (k < 0 || n < 0 || k > n) return 0;
  k = Math.min(k, n - k);
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i; // exact for the small n used here
  return Math.round(r);
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return Math.abs(a);
}

export interface Fraction {
  num: number;
  den: number;
}

export function fractionText(f: Fraction): string {
  if (f.num === 0) return '0';
  if (f.num === f.den) return '1';
  return `${f.num}/${f.den}`;
}

export const MAX_N = 9;

export interface QuorumInput {
  n: number;
  r: number;
  w: number;
  /** Indices (0-based) of replicas cut off from the coordinator. */
  cut?: number[];
}

export interface QuorumAnalysis {
  n: number;
  r: number;
  w: number;
  /** Replicas the coordinator can reach. */
  reachable: number;
  cut: number[];
  writeUnavailable: boolean;
  readUnavailable: boolean;
  /** R + W > reachable: every read set shares a replica with every write set. */
  overlapGuaranteed: boolean;
  /** Minimum number of replicas every read set shares with every write set. */
  minOverlap: number;
  /** P(read misses the write), exact, among the reachable replicas; null if either side is Unavailable. */
  miss: Fraction | null;
  /** More than k versions stale: miss^k (PBS), for k = 1..3. */
  missK: number[];
  /** Worst-case example: replica indices holding the write, and a read set overlapping it least. */
  writeSet: number[];
  readSet: number[];
  formula: string;
}

export function validateQuorum(q: QuorumInput): string | null {
  const { n, r, w } = q;
  if (!Number.isInteger(n) || n < 1 || n > MAX_N) return `N must be a whole number from 1 to ${MAX_N}`;
  if (!Number.isInteger(r) || r < 1 || r > n) return `R must be a whole number from 1 to N (${n})`;
  if (!Number.isInteger(w) || w < 1 || w > n) return `W must be a whole number from 1 to N (${n})`;
  for (const c of q.cut ?? []) if (!Number.isInteger(c) || c < 0 || c >= n) return `cut-off replica ${c} is not one of the ${n} replicas`;
  return null;
}

export function analyzeQuorum(q: QuorumInput): QuorumAnalysis {
  const err = validateQuorum(q);
  if (err) throw new RangeError(err);
  const { n, r, w } = q;
  const cut = [...new Set(q.cut ?? [])].sort((a, b) => a - b);
  const live = Array.from({ length: n }, (_, i) => i).filter((i) => !cut.includes(i));
  const m = live.length;
  const writeUnavailable = w > m;
  const readUnavailable = r > m;
  let miss: Fraction | null = null;
  let formula: string;
  if (writeUnavailable || readUnavailable) {
    formula = `${writeUnavailable ? `W = ${w}` : `R = ${r}`} > ${m} reachable replica${m === 1 ? '' : 's'}: the coordinator fails the request (a timeout, then Unavailable)`;
  } else {
    const num = binom(m - w, r);
    const den = binom(m, r);
    const g = gcd(num, den) || 1;
    miss = { num: num / g, den: den / g };
    formula = `C(${m}−${w}, ${r}) / C(${m}, ${r}) = ${num}/${den}${g > 1 && num ? ` = ${fractionText(miss)}` : ''}`;
  }
  const p = miss ? miss.num / miss.den : 0;
  const writeSet = live.slice(0, Math.min(w, m));
  const readSet = live.slice(Math.max(0, m - r));
  const minOverlap = Math.max(0, r + w - m);
  return {
    n,
    r,
    w,
    reachable: m,
    cut,
    writeUnavailable,
    readUnavailable,
    overlapGuaranteed: !writeUnavailable && !readUnavailable && minOverlap > 0,
    minOverlap,
    miss,
    missK: [1, 2, 3].map((k) => p ** k),
    writeSet: writeUnavailable ? [] : writeSet,
    readSet: readUnavailable ? [] : readSet,
    formula,
  };
}

/** The static table for N = 3 (every R, W), shown without JavaScript. */
export function exactTable(n = 3): Array<{ r: number; w: number; miss: Fraction; overlap: boolean }> {
  const rows = [];
  for (let r = 1; r <= n; r++)
    for (let w = 1; w <= n; w++) {
      const a = analyzeQuorum({ n, r, w });
      rows.push({ r, w, miss: a.miss!, overlap: a.overlapGuaranteed });
    }
  return rows;
}

/** 95% Wilson interval for a measured proportion. */
export function wilson(k: number, trials: number): [number, number] {
  if (trials === 0) return [0, 1];
  const z = 1.959964;
  const p = k / trials;
  const d = 1 + (z * z) / trials;
  const c = p + (z * z) / (2 * trials);
  const h = z * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials));
  return [Math.max(0, (c - h) / d), Math.min(1, (c + h) / d)];
}
