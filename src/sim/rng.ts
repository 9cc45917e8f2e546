/**
 * Seeded integer PRNG: sfc32 seeded through splitmix32, with `fork(label)` giving independent
 * streams (an extra draw in one stream never perturbs another). Only 32-bit integer arithmetic and
 * exactly-rounded float operations are used, so every JS engine produces the same sequence.
 */

export function splitmix32(state: number): () => number {
  let s = state | 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a over a string's UTF-16 code units → uint32. */
export function hashString(s: string, h = 0x811c9dc5): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  readonly seed: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new TypeError(`seed must be a finite number, got ${String(seed)}`);
    this.seed = seed >>> 0;
    const sm = splitmix32(this.seed);
    this.a = sm() | 0;
    this.b = sm() | 0;
    this.c = sm() | 0;
    this.d = sm() | 0;
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Next uint32. */
  next(): number {
    const a = this.a, b = this.b, c = this.c, d = this.d;
    const t = (((a + b) | 0) + d) | 0;
    this.d = (d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    this.c = ((c << 21) | (c >>> 11)) + t | 0;
    return t >>> 0;
  }

  /** Float in [0, 1) with 32 bits of randomness (exact: division by a power of two). */
  float(): number {
    return this.next() / 4294967296;
  }

  /** Integer in [0, n). Unbiased (rejection sampling). */
  int(n: number): number {
    if (n <= 0) throw new RangeError(`int(n) needs n > 0, got ${n}`);
    if (n === 1) return 0;
    const limit = 4294967296 - (4294967296 % n);
    let x = this.next();
    while (x >= limit) x = this.next();
    return x % n;
  }

  /** Integer in [lo, hi] inclusive. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** True with probability p, decided on an integer grid of 2^32. */
  chance(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.next() < Math.floor(p * 4294967296);
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }

  shuffle<T>(xs: T[]): T[] {
    return this.shuffleFrom(xs, 0);
  }

  /** Shuffles `xs[start…]` in place (the same draws as `shuffle(xs.slice(start))`). */
  shuffleFrom<T>(xs: T[], start: number): T[] {
    for (let i = xs.length - 1 - start; i > 0; i--) {
      const j = this.int(i + 1);
      const t = xs[start + i];
      xs[start + i] = xs[start + j];
      xs[start + j] = t;
    }
    return xs;
  }

  /** k distinct indices out of n, in random order. */
  sampleIndices(n: number, k: number): number[] {
    const idx = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < k; i++) {
      const j = i + this.int(n - i);
      const t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    idx.length = k;
    return idx;
  }

  /** An independent stream derived from this stream's seed and a label (not from its position). */
  fork(label: string): Rng {
    return new Rng(hashString(label, (this.seed ^ 0x5bd1e995) >>> 0) ^ Math.imul(this.seed, 0x27d4eb2d));
  }
}

const LN2 = 0.6931471805599453;
/** A double's bits as two 32-bit words; HI: the index of the word with the sign and exponent. */
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const HI = (F64[0] = 1, U32[1] === 0x3ff00000 ? 1 : 0);

/**
 * Natural logarithm using only + − × ÷ (exactly rounded everywhere), so results are bit-identical
 * across engines (Math.log is not guaranteed to be). x must be > 0.
 */
export function detLn(x: number): number {
  if (!(x > 0)) throw new RangeError(`detLn(${x})`);
  let k = 0;
  // x = m × 2^k with m in [1, 2): read k from the bits (exact, as halving or doubling k times would be)
  F64[0] = x;
  const hi = U32[HI], e = ((hi >>> 20) & 0x7ff) - 1023;
  if (e > -1023 && e < 1024) {
    U32[HI] = (hi & 0x800fffff) | 0x3ff00000;
    x = F64[0];
    k = e;
  } else {
    while (x >= 2) { x /= 2; k++; }
    while (x < 1) { x *= 2; k--; }
  }
  // x in [1, 2): ln x = 2 atanh((x-1)/(x+1))
  const y = (x - 1) / (x + 1);
  const y2 = y * y;
  let term = y, sum = 0;
  for (let n = 1; n < 40; n += 2) {
    const a = term / n;
    // y >= 0, so the terms shrink and the sum grows: once one leaves the sum unchanged, every later one does too
    if (sum + a === sum) break;
    sum += a;
    term *= y2;
  }
  return 2 * sum + k * LN2;
}
