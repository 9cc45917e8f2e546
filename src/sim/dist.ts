/** Latency distributions as data: parsed once, sampled as integer microseconds. */
import { Rng, detLn } from './rng';

export interface Dist {
  readonly kind: 'const' | 'exp' | 'uniform';
  /** const: value; exp: mean; uniform: low (all µs) */
  readonly a: number;
  /** uniform: high (µs) */
  readonly b: number;
  /** added to every sample (µs) */
  readonly shift: number;
  readonly text: string;
}

function msToUs(s: string, whole: string): number {
  const v = Number(s);
  if (s.trim() === '' || !Number.isFinite(v) || v < 0) {
    throw new Error(`Bad latency distribution '${whole}': '${s}' is not a non-negative number of milliseconds`);
  }
  return Math.round(v * 1000);
}

/**
 * Parse 'const:MS', 'exp:MEAN_MS', 'uniform:LO_MS:HI_MS', optionally shifted: '2+exp:5'.
 */
export function parseDist(text: string): Dist {
  if (typeof text !== 'string') throw new Error(`Latency distribution must be a string like 'exp:5', got ${String(text)}`);
  let shift = 0;
  let body = text.trim();
  const plus = body.indexOf('+');
  if (plus > 0) {
    shift = msToUs(body.slice(0, plus), text);
    body = body.slice(plus + 1);
  }
  const parts = body.split(':');
  const kind = parts[0];
  if (kind === 'const' && parts.length === 2) return { kind, a: msToUs(parts[1], text), b: 0, shift, text };
  if (kind === 'exp' && parts.length === 2) return { kind, a: msToUs(parts[1], text), b: 0, shift, text };
  if (kind === 'uniform' && parts.length === 3) {
    const a = msToUs(parts[1], text), b = msToUs(parts[2], text);
    if (b < a) throw new Error(`Bad latency distribution '${text}': high < low`);
    return { kind, a, b, shift, text };
  }
  throw new Error(`Bad latency distribution '${text}': expected const:MS, exp:MEAN_MS or uniform:LO_MS:HI_MS (optionally 'SHIFT_MS+…')`);
}

/** One sample, integer µs. */
export function sampleDist(d: Dist, rng: Rng): number {
  switch (d.kind) {
    case 'const':
      return d.shift + d.a;
    case 'uniform':
      return d.shift + d.a + rng.int(d.b - d.a + 1);
    case 'exp': {
      if (d.a === 0) return d.shift;
      // inverse CDF with a deterministic log; u in (0, 1]
      const u = (rng.next() + 1) / 4294967296;
      return d.shift + Math.floor(-detLn(u) * d.a);
    }
  }
}
