/** The explorer's measured value comes from the simulator and agrees with C(N−W, R)/C(N, R). */
import { describe, expect, it } from 'vitest';
import { levelFor, measureQuorumChunked } from '../../src/diagram/quorum-measure';
import { analyzeQuorum, wilson } from '../../src/diagram/quorum';

async function rate(n: number, r: number, w: number, cut: number[] = [], trials = 1500) {
  const res = (await measureQuorumChunked({ n, r, w, cut, trials, seed: 11 }))!;
  return { ...res, p: res.misses / (res.trials - res.unavailable) };
}

describe('measured miss rate (simulated cluster, read path)', () => {
  it.each([
    [3, 1, 1, []],
    [3, 1, 2, []],
    [3, 2, 1, []],
    [3, 1, 1, [2]],
  ] as const)('N=%i R=%i W=%i cut=%j: the exact value lies within ~3.3 standard errors of the measurement', async (n, r, w, cut) => {
    const m = await rate(n, r, w, [...cut]);
    expect(m.mode).toBe('read-path');
    const exact = analyzeQuorum({ n, r, w, cut: [...cut] }).miss!;
    const e = exact.num / exact.den;
    const [lo, hi] = wilson(m.misses, m.trials - m.unavailable);
    const slack = (hi - lo) * 0.7; // widen the 95% interval to ~99.9%
    expect(e).toBeGreaterThan(lo - slack);
    expect(e).toBeLessThan(hi + slack);
  });

  it('R + W > N: not a single miss', async () => {
    const m = await rate(3, 2, 2, [], 800);
    expect(m.misses).toBe(0);
    expect(m.unavailable).toBe(0);
  });

  it('two of three replicas cut off: every read is refused (Unavailable), none answered stale', async () => {
    const m = await rate(3, 2, 2, [0, 1], 50);
    expect(m.unavailable).toBe(50);
    expect(m.misses).toBe(0);
  });

  it('R with no matching consistency level falls back to the simulator PBS model', async () => {
    expect(levelFor(9, 4)).toBeNull();
    const m = await rate(9, 4, 2, [], 4000);
    expect(m.mode).toBe('pbs-model');
    expect(Math.abs(m.p - 35 / 126)).toBeLessThan(0.03); // C(7,4)/C(9,4)
  });

  it('a newer request cancels an older one between chunks', async () => {
    let calls = 0;
    const res = await measureQuorumChunked({ n: 3, r: 1, w: 1, cut: [], trials: 1000, seed: 1 }, { chunk: 100, cancelled: () => ++calls > 2 });
    expect(res).toBeNull();
  });
});
