import { describe, expect, it } from 'vitest';
import { Rng, checkers, createWorld, drivers, sampleSchedule, shrinkSchedule, type Fault } from '../../src/sim/index';
import { registerWorkload } from '../../src/sim/workload';

const CL = drivers['cassandra-driver'].types.consistencies;

async function schedule(seed: number, o: { skew?: boolean; writeCl?: number; readCl?: number; readRepair?: 'blocking' | 'none' } = {}) {
  const w = createWorld({ seed, readRepair: o.readRepair, failureDetectorMs: seed % 2 === 0 ? 18_000 : 1500, journal: false });
  const wl = registerWorkload(w, { opsPerClient: 12, keys: 2, writeCl: o.writeCl ?? CL.quorum, readCl: o.readCl ?? CL.quorum, thinkMs: 400 });
  const kinds = o.skew ? (['clock-skew', 'clock-skew', 'partition', 'crash'] as const) : (['isolate', 'partition', 'one-way', 'crash', 'pause'] as const);
  const faults = w.sampleFaults({ count: 3, untilMs: 4000, maxMs: 3000, kinds: [...kinds], skewTargets: wl.clients.map((c) => c.id), maxSkewMs: 3000 });
  await w.run(wl.run);
  return { w, faults, verdict: checkers.staleReads(w.history) };
}

describe('QUORUM under partitions and crashes (property)', () => {
  it('over 1000 seeded schedules without clock skew, QUORUM writes + QUORUM reads never return a value older than the latest acknowledged write', async () => {
    let reads = 0, faults = 0, unknown = 0;
    for (let seed = 1; seed <= 1000; seed++) {
      const { w, faults: f, verdict } = await schedule(seed);
      faults += f.length;
      if (verdict.valid === false) throw new Error(`seed ${seed}: ${verdict.reason}\n${JSON.stringify(verdict.witness)}`);
      if (verdict.valid === 'unknown') unknown++;
      reads += w.history.filter((o) => o.f === 'read' && o.type === 'ok').length;
    }
    // the property was exercised: many successful reads, faults in every schedule
    expect(reads).toBeGreaterThan(5000);
    expect(faults).toBeGreaterThanOrEqual(3000);
    expect(unknown).toBeLessThan(100);
  }, 120_000);

  it('with clock skew between clients, the checker finds QUORUM reads older than an acknowledged write', async () => {
    const bad: number[] = [];
    for (let seed = 1; seed <= 200; seed++) {
      const { verdict } = await schedule(seed, { skew: true });
      if (verdict.valid === false) bad.push(seed);
    }
    expect(bad.length).toBeGreaterThan(5);
  }, 60_000);

  it('ONE writes + ONE reads go stale under the same kind of schedules', async () => {
    let bad = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const { verdict } = await schedule(seed, { writeCl: CL.one, readCl: CL.one });
      if (verdict.valid === false) bad++;
    }
    expect(bad).toBeGreaterThan(10);
  }, 60_000);

  it('a failing schedule replays identically from its seed', async () => {
    let seed = 1;
    while ((await schedule(seed, { skew: true })).verdict.valid !== false) seed++;
    const a = await schedule(seed, { skew: true });
    const b = await schedule(seed, { skew: true });
    expect(a.verdict).toEqual(b.verdict);
    expect(a.w.traceHash()).toBe(b.w.traceHash());
  }, 60_000);

  it('a failing schedule shrinks to the faults that matter', async () => {
    const runWith = async (seed: number, faults: Fault[]) => {
      const w = createWorld({ seed, journal: false });
      const wl = registerWorkload(w, { opsPerClient: 12, keys: 2, thinkMs: 400 });
      w.schedule(faults);
      await w.run(wl.run);
      return checkers.staleReads(w.history).valid === false;
    };
    const clients = ['c1-A', 'c2-B', 'c3-C'];
    let seed = 1, faults: Fault[] = [];
    for (;; seed++) {
      const skew = sampleSchedule(new Rng(seed), ['A', 'B', 'C'], ['A', 'B', 'C'], { count: 2, untilMs: 3000, kinds: ['clock-skew'], skewTargets: clients, maxSkewMs: 3000 });
      const noise = sampleSchedule(new Rng(seed + 1), ['A', 'B', 'C'], ['A', 'B', 'C'], { count: 3, untilMs: 4000, kinds: ['partition', 'crash', 'pause'] });
      faults = [...noise, ...skew];
      if (await runWith(seed, faults)) break;
    }
    const shrunk = await shrinkSchedule(faults, (f) => runWith(seed, f));
    expect(shrunk.faults.length).toBeLessThan(faults.length);
    expect(shrunk.faults.some((f) => f.kind === 'clock-skew')).toBe(true);
    expect(await runWith(seed, shrunk.faults)).toBe(true);
    for (let i = 0; i < shrunk.faults.length; i++) {
      expect(await runWith(seed, shrunk.faults.filter((_, j) => j !== i))).toBe(false);
    }
  }, 120_000);
});
