import { describe, expect, it } from 'vitest';
import { analyzeQuorum, binom, exactTable, fractionText, wilson } from '../../src/diagram/quorum';

describe('quorum arithmetic (FACTS §10)', () => {
  it('gives the published N=3 values', () => {
    expect(fractionText(analyzeQuorum({ n: 3, r: 1, w: 1 }).miss!)).toBe('2/3');
    expect(fractionText(analyzeQuorum({ n: 3, r: 1, w: 2 }).miss!)).toBe('1/3');
    expect(fractionText(analyzeQuorum({ n: 3, r: 2, w: 2 }).miss!)).toBe('0');
    expect(fractionText(analyzeQuorum({ n: 3, r: 2, w: 1 }).miss!)).toBe('1/3');
  });
  it('matches brute-force enumeration of read sets for every N ≤ 7', () => {
    for (let n = 1; n <= 7; n++)
      for (let r = 1; r <= n; r++)
        for (let w = 1; w <= n; w++) {
          // write on replicas 0..w-1; count read sets (bitmasks of size r) that avoid them
          let miss = 0;
          let all = 0;
          for (let mask = 0; mask < 1 << n; mask++) {
            if (popcount(mask) !== r) continue;
            all++;
            if ((mask & ((1 << w) - 1)) === 0) miss++;
          }
          const a = analyzeQuorum({ n, r, w });
          expect(a.miss!.num / a.miss!.den).toBeCloseTo(miss / all, 12);
          expect(a.overlapGuaranteed).toBe(r + w > n);
        }
  });
  it('cut-off replicas: Unavailable when W or R exceeds the reachable ones', () => {
    const a = analyzeQuorum({ n: 3, r: 2, w: 2, cut: [0, 1] });
    expect(a.reachable).toBe(1);
    expect(a.writeUnavailable).toBe(true);
    expect(a.readUnavailable).toBe(true);
    expect(a.miss).toBeNull();
    expect(a.formula).toContain('Unavailable');
    const b = analyzeQuorum({ n: 3, r: 1, w: 1, cut: [0] });
    expect(fractionText(b.miss!)).toBe('1/2');
    expect(b.writeSet).toEqual([1]);
    expect(b.readSet).toEqual([2]);
  });
  it('worst-case example sets overlap exactly when R + W > reachable', () => {
    const a = analyzeQuorum({ n: 5, r: 3, w: 3 });
    expect(a.writeSet.filter((i) => a.readSet.includes(i))).toHaveLength(a.minOverlap);
    expect(a.minOverlap).toBe(1);
  });
  it('rejects bad input with a clear message', () => {
    expect(() => analyzeQuorum({ n: 3, r: 4, w: 1 })).toThrow('R must be a whole number from 1 to N (3)');
    expect(() => analyzeQuorum({ n: 0, r: 1, w: 1 })).toThrow('N must be');
  });
  it('table and helpers', () => {
    expect(exactTable(3)).toHaveLength(9);
    expect(binom(9, 4)).toBe(126);
    const [lo, hi] = wilson(333, 1000);
    expect(lo).toBeLessThan(1 / 3);
    expect(hi).toBeGreaterThan(1 / 3);
  });
});

function popcount(x: number): number {
  let c = 0;
  while (x) {
    c += x & 1;
    x >>= 1;
  }
  return c;
}
