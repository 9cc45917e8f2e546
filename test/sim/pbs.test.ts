import { describe, expect, it } from 'vitest';
import { exactMiss, pbsWars, quorumMonteCarlo } from '../../src/sim/pbs';

describe('quorum miss model (FACTS §10)', () => {
  it('closed form matches the known values for N=3', () => {
    expect(exactMiss(3, 1, 1)).toBeCloseTo(2 / 3, 12);
    expect(exactMiss(3, 1, 2)).toBeCloseTo(1 / 3, 12);
    expect(exactMiss(3, 2, 2)).toBe(0);
  });

  it('measured missRate is within 0.01 of exact for every R, W at N=3 and N=5 (20,000 trials)', () => {
    for (const n of [3, 5]) {
      for (let r = 1; r <= n; r++) {
        for (let w = 1; w <= n; w++) {
          const q = quorumMonteCarlo({ n, r, w, trials: 20_000, seed: 1000 * n + 10 * r + w });
          expect(Math.abs(q.missRate - q.exact), `N=${n} R=${r} W=${w}`).toBeLessThanOrEqual(0.01);
          if (r + w > n) expect(q.misses).toBe(0);
        }
      }
    }
  });

  it('rejects bad input', () => {
    expect(() => quorumMonteCarlo({ n: 3, r: 4, w: 1, trials: 10, seed: 1 })).toThrow(/at most N/);
    expect(() => quorumMonteCarlo({ n: 3, r: 1, w: 1, trials: 0, seed: 1 })).toThrow(/trials/);
  });
});

describe('PBS WARS model', () => {
  const base = { n: 3, r: 1, w: 1, writeLatency: 'exp:10', ackLatency: 'exp:10', readLatency: 'exp:10', responseLatency: 'exp:10', trials: 20_000, seed: 7 };

  it('is deterministic per seed and consistency grows with t', () => {
    const a = pbsWars({ ...base, t: 0 });
    expect(pbsWars({ ...base, t: 0 }).consistent).toBe(a.consistent);
    const later = pbsWars({ ...base, t: 50 });
    const muchLater = pbsWars({ ...base, t: 500 });
    expect(a.pConsistent).toBeLessThan(later.pConsistent);
    expect(later.pConsistent).toBeLessThanOrEqual(muchLater.pConsistent);
    expect(muchLater.pConsistent).toBeGreaterThan(0.999);
  });

  it('R + W > N is always consistent; constant latencies give the exact answer', () => {
    expect(pbsWars({ ...base, r: 2, w: 2, t: 0 }).pConsistent).toBe(1);
    // all constant: every write lands before any read request arrives
    expect(pbsWars({ ...base, t: 0, writeLatency: 'const:5', ackLatency: 'const:5', readLatency: 'const:5', responseLatency: 'const:5' }).pConsistent).toBe(1);
    // writes to the other replicas take 1 s: with W=1, R=1 a read 10 ms later almost never sees them unless it hits the acked one
    const slow = pbsWars({ ...base, t: 10, writeLatency: 'uniform:0:1000', ackLatency: 'const:0', readLatency: 'const:0', responseLatency: 'uniform:0:1' });
    expect(slow.pConsistent).toBeGreaterThan(1 / 3);
    expect(slow.pConsistent).toBeLessThan(0.5);
  });
});
