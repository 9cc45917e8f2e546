import { describe, expect, it } from 'vitest';
import { scenarios } from '../../src/sim/index';

describe('named scenarios (the seed lesson’s stories)', () => {
  it('normal: QUORUM reads see the latest acknowledged write in every zone', async () => {
    const r = await scenarios.run('normal', { seed: 1 });
    expect(r.verdicts.staleReads.valid).toBe(true);
    expect(r.verdicts.replicasAgree.valid).toBe(true);
    expect(r.outcomes.reads).toEqual(['v1', 'v1', 'v1', 'v2', 'v2', 'v2']);
  });

  it('zone A isolated at ONE: the isolated zone serves stale data', async () => {
    const r = await scenarios.run('zone-a-isolated-one', { seed: 1 });
    expect(r.verdicts.staleReads.valid).toBe(false);
    expect((r.outcomes.readsInZoneA as string[]).filter((x) => x === 'v2').length).toBeGreaterThan(3);
  });

  it('zone A isolated at QUORUM: ReadTimeout first, then Unavailable — never stale; all replicas converge after heal', async () => {
    const r = await scenarios.run('zone-a-isolated-quorum', { seed: 1 });
    const tally = r.outcomes.readsInZoneATally as Record<string, number>;
    expect(Object.keys(tally).sort()).toEqual(['NoHostAvailable(Unavailable)', 'ReadTimeout']);
    expect(r.outcomes.writes).toEqual(['ok', 'ok']);
    expect(r.verdicts.staleReads.valid).not.toBe(false);
    expect(r.verdicts.replicasAgreeAfterHeal.valid).toBe(true);
    expect((r.outcomes.readsInZoneA as string[]).at(-1)).toBe('after heal: v3');
  });

  it('zone A isolated at ALL: even the majority side cannot write', async () => {
    const r = await scenarios.run('zone-a-isolated-all', { seed: 1 });
    expect((r.outcomes.writes as string[])[1]).toMatch(/Timeout|Unavailable/);
    expect(r.verdicts.staleReads.valid).not.toBe(false);
  });

  it('cqrs-t1-t7: the order is in PostgreSQL but not in the read model at T6; after heal nothing is lost and the replicas converge', async () => {
    const r = await scenarios.run('cqrs-t1-t7', { seed: 1 });
    expect(r.verdicts.readYourWrites.valid).toBe(false);
    expect(r.outcomes.userSaw).toBe(null);
    expect(r.outcomes.pgSaw).toMatchObject({ status: 'created' });
    expect(r.verdicts.nothingLost.valid).toBe(true);
    expect(r.verdicts.convergence.valid).toBe(true);
    const tl = r.outcomes.timeline as Array<{ t: string }>;
    expect(tl.map((x) => x.t)).toEqual(['T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'after']);
    expect((r.outcomes.processor as { retries: number }).retries).toBeGreaterThan(2);
  });

  it('hints pile up while C is down and replay after it returns', async () => {
    const r = await scenarios.run('hints-pile-up-and-replay', { seed: 1 });
    expect(r.verdicts.hintsPiledUp.valid).toBe(true);
    expect(r.verdicts.replicasAgreeAfterReplay.valid).toBe(true);
    const samples = r.outcomes.samples as Array<{ pendingHintsA: number; succeededA: number }>;
    expect(Math.max(...samples.map((s) => s.pendingHintsA))).toBeGreaterThan(100);
    expect(samples.at(-1)!.pendingHintsA).toBe(0);
    expect(samples.at(-1)!.succeededA).toBeGreaterThan(100);
  });

  it('unknown names and missing seeds are refused clearly', async () => {
    await expect(scenarios.run('nope', { seed: 1 })).rejects.toThrow(/Unknown scenario 'nope'. Known: normal/);
    await expect(scenarios.run('normal', {} as never)).rejects.toThrow(/numeric seed/);
  });
});

describe('determinism', () => {
  it('the same scenario and seed give the same trace hash 100 times in a row', async () => {
    const hashes = new Set<string>();
    for (let i = 0; i < 100; i++) hashes.add((await scenarios.run('zone-a-isolated-quorum', { seed: 42 })).traceHash);
    expect(hashes.size).toBe(1);
    const other = await scenarios.run('zone-a-isolated-quorum', { seed: 43 });
    expect(hashes.has(other.traceHash)).toBe(false);
  }, 60_000);

  it('every scenario is reproducible from its seed', async () => {
    for (const name of scenarios.scenarioNames) {
      const a = await scenarios.run(name, { seed: 7 });
      const b = await scenarios.run(name, { seed: 7 });
      expect(a.traceHash, name).toBe(b.traceHash);
      expect(JSON.stringify(a.trace), name).toBe(JSON.stringify(b.trace));
    }
  }, 60_000);
});
