/**
 * The course's corrected claims, shown by the simulator: one `describe` per lesson, one test per claim.
 * A lesson that states one of these facts is only as good as the run here that shows it.
 */
import { describe, expect, it } from 'vitest';
import { checkers, drivers } from '../../src/sim/index';
import { createEngineWorld as createWorld, type World } from '../../src/sim/internal';
import { registerWorkload } from '../../src/sim/workload';

const { types } = drivers['cassandra-driver'];
const CL = types.consistencies;
const CODE = types.responseErrorCodes;
const INS = 'INSERT INTO orders (id, status, version) VALUES (?, ?, ?)';
const SEL = 'SELECT * FROM orders WHERE id = ?';

/** A seeded register workload at QUORUM/QUORUM under three sampled faults (partitions, crashes, pauses). */
async function quorumSchedule(seed: number, readRepair: 'blocking' | 'none') {
  const w = createWorld({ seed, readRepair, failureDetectorMs: seed % 2 === 0 ? 18_000 : 1500, journal: false });
  const wl = registerWorkload(w, { opsPerClient: 12, keys: 2, writeCl: CL.quorum, readCl: CL.quorum, thinkMs: 400 });
  w.sampleFaults({ count: 3, untilMs: 4000, maxMs: 3000, kinds: ['isolate', 'partition', 'one-way', 'crash', 'pause'] });
  await w.run(wl.run);
  return { w, verdict: checkers.monotonicQuorumReads(w.history) };
}

function sum(w: World, metric: string): number {
  return w.cluster.nodes.reduce((a, n) => a + (w.metrics(n.id)[metric] ?? 0), 0);
}

/** Every metric name on every node that starts with `prefix`. */
function metricsNamed(w: World, prefix: string): string[] {
  return w.cluster.nodes.flatMap((n) => Object.keys(w.metrics(n.id)).filter((k) => k.startsWith(prefix)).map((k) => `${n.id}:${k}`));
}

/** Mutations the coordinator put on the wire to `to` since `sinceMs`. */
function mutationsSent(w: World, from: string, to: string, sinceMs: number): number {
  return w.journal.filter((j) => j.kind === 'send' && j.type === 'mutation' && j.from === from && j.to === to && j.time >= sinceMs).length;
}

/** A world with zone A cut off, a coordinator B that a client in zone B talks to only. */
function zoneAIsolated(seed: number, o: Parameters<typeof createWorld>[0] extends infer T ? Partial<T> : never = {}) {
  const w = createWorld({ seed, ...o });
  const c = w.cassandraClient({ zone: 'B', contactPoints: ['B'], failover: false, id: 'app-B' });
  w.fault({ kind: 'isolate', zone: 'A' });
  return { w, c };
}

async function errorOf(p: Promise<unknown>): Promise<{ code?: number; name: string; inner: number[] }> {
  try {
    await p;
    return { name: 'none', inner: [] };
  } catch (e) {
    const err = e as { code?: number; name: string; innerErrors?: Record<string, { code?: number }> };
    return { code: err.code, name: err.name, inner: Object.values(err.innerErrors ?? {}).map((x) => x.code ?? -1) };
  }
}

describe('02-misconception: QUORUM reads are monotonic with blocking read repair', () => {
  it('over 1000 seeded schedules with timed-out and partial writes, once a QUORUM read has returned a value no later QUORUM read returns an older one (read_repair = blocking)', async () => {
    let timedOutWrites = 0, repairs = 0, judged = 0;
    for (let seed = 1; seed <= 1000; seed++) {
      const { w, verdict } = await quorumSchedule(seed, 'blocking');
      if (verdict.valid === false) throw new Error(`seed ${seed}: ${verdict.reason}\n${JSON.stringify(verdict.witness)}`);
      if (verdict.valid === true) judged++;
      timedOutWrites += w.history.filter((op) => op.f === 'write' && op.type === 'info').length;
      // a QUORUM read that repaired a replica found a write that had reached only some replicas
      repairs += sum(w, 'ReadRepair.RepairedBlocking');
    }
    expect(timedOutWrites).toBeGreaterThan(300);
    expect(repairs).toBeGreaterThan(300);
    expect(judged).toBeGreaterThan(950);
  }, 120_000);

  it('with read_repair = none the same schedules let a later QUORUM read go back to an older value, and the checker names both reads', async () => {
    const bad: number[] = [];
    let example = '';
    for (let seed = 1; seed <= 1000 && bad.length < 3; seed++) {
      const { verdict } = await quorumSchedule(seed, 'none');
      if (verdict.valid === false) { bad.push(seed); example ||= verdict.reason; }
    }
    expect(bad.length).toBe(3);
    expect(example).toMatch(/later quorum read .* got the older/);
    // replayable from the seed
    const again = await quorumSchedule(bad[0], 'none');
    expect(again.verdict.valid).toBe(false);
    expect(again.verdict.reason).toBe((await quorumSchedule(bad[0], 'none')).verdict.reason);
  }, 120_000);

  it('a write that reached only one replica: once a QUORUM read has returned it, every later QUORUM read does (blocking), but not with read_repair = none', async () => {
    const later = async (readRepair: 'blocking' | 'none') => {
      const w = createWorld({ seed: 7, readRepair });
      w.cassandraPut('orders', { id: 'o', status: 'v1', version: 1 }, { timestampUs: 1 });
      // v2 reached only A: a write that timed out after landing on one replica
      w.cassandraPut('orders', { id: 'o', status: 'v2', version: 2 }, { nodes: ['A'], timestampUs: 2 });
      const viaA = w.cassandraClient({ zone: 'A', contactPoints: ['A'], failover: false, id: 'via-A' });
      const viaB = w.cassandraClient({ zone: 'B', contactPoints: ['B'], failover: false, id: 'via-B' });
      return w.run(async () => {
        const first = (await viaA.execute(SEL, ['o'], { consistency: CL.quorum })).first()?.status;
        const next: unknown[] = [];
        for (let i = 0; i < 20; i++) next.push((await viaB.execute(SEL, ['o'], { consistency: CL.quorum })).first()?.status);
        return { first, next: new Set(next) };
      });
    };
    const blocking = await later('blocking');
    expect(blocking.first).toBe('v2'); // A coordinates and reads its own replica first
    expect(blocking.next).toEqual(new Set(['v2']));
    const none = await later('none');
    expect(none.first).toBe('v2');
    expect(none.next.has('v1')).toBe(true);
  });
});

describe('03-failure-mode: writes to a cut-off replica, and CL=ALL', () => {
  it('before the failure detector marks A down, the coordinator sends A the write and stores a hint only when it times out', async () => {
    const { w, c } = zoneAIsolated(11);
    const r = await w.run(async () => {
      expect(w.isDown('B', 'A')).toBe(false);
      const t0 = w.now;
      await c.execute(INS, ['o', 'v3', 3], { consistency: CL.quorum });
      const atAck = w.pendingHints('B', 'A');
      await w.waitFor(() => w.pendingHints('B', 'A') > 0, { timeoutMs: 10_000, what: 'a hint for A' });
      return { sent: mutationsSent(w, 'B', 'A', t0), atAck, hintAfterMs: w.now - t0 };
    });
    expect(r.sent).toBe(1);
    expect(r.atAck).toBe(0);
    expect(r.hintAfterMs).toBeGreaterThanOrEqual(2000); // write_request_timeout
  });

  it('once the failure detector marks A down, the coordinator sends A nothing and stores the hint at once', async () => {
    const { w, c } = zoneAIsolated(12);
    const r = await w.run(async () => {
      await w.waitFor(() => w.isDown('B', 'A'), { timeoutMs: 120_000, what: 'B convicts A' });
      const t0 = w.now;
      await c.execute(INS, ['o', 'v3', 3], { consistency: CL.quorum });
      return { sent: mutationsSent(w, 'B', 'A', t0), atAck: w.pendingHints('B', 'A'), ackMs: w.now - t0 };
    });
    expect(r.sent).toBe(0);
    expect(r.atAck).toBe(1);
    expect(r.ackMs).toBeLessThan(2000);
  });

  it('CL=ALL times out before the failure detector convicts the cut-off replica, and answers Unavailable after', async () => {
    const { w, c } = zoneAIsolated(13);
    w.cassandraPut('orders', { id: 'o', status: 'v1', version: 1 }, { timestampUs: 1 });
    const r = await w.run(async () => {
      expect(w.isDown('B', 'A')).toBe(false);
      const writeBefore = await errorOf(c.execute(INS, ['o', 'v2', 2], { consistency: CL.all }));
      const readBefore = await errorOf(c.execute(SEL, ['o'], { consistency: CL.all }));
      await w.waitFor(() => w.isDown('B', 'A'), { timeoutMs: 120_000, what: 'B convicts A' });
      const writeAfter = await errorOf(c.execute(INS, ['o', 'v3', 3], { consistency: CL.all }));
      const readAfter = await errorOf(c.execute(SEL, ['o'], { consistency: CL.all }));
      return { writeBefore, readBefore, writeAfter, readAfter };
    });
    const code = (e: { code?: number; inner: number[] }) => e.code ?? e.inner[0];
    expect(code(r.writeBefore)).toBe(CODE.writeTimeout);
    expect(code(r.readBefore)).toBe(CODE.readTimeout);
    expect(code(r.writeAfter)).toBe(CODE.unavailableException);
    expect(code(r.readAfter)).toBe(CODE.unavailableException);
  });
});

describe('07-hinted-handoff: which skipped hints leave a metric', () => {
  /** Zone A cut off and convicted, then `after` ms later a few QUORUM writes through B. */
  async function writesWhileADown(o: Parameters<typeof zoneAIsolated>[1], afterMs: number, writes = 3) {
    const { w, c } = zoneAIsolated(21, { failureDetectorMs: 1500, ...o });
    const acked = await w.run(async () => {
      await w.waitFor(() => w.isDown('B', 'A'), { timeoutMs: 120_000, what: 'B convicts A' });
      await w.sleep(afterMs);
      let ok = 0;
      for (let i = 0; i < writes; i++) {
        await c.execute(INS, ['o' + i, 'new', 1], { consistency: CL.quorum });
        ok++;
      }
      return ok;
    });
    return { w, acked };
  }

  it('a node down longer than max_hint_window: no hint, and Hints_not_stored-<peer> grows by one per write', async () => {
    const within = await writesWhileADown({ hints: { maxHintWindowMs: 60_000 } }, 1_000);
    expect(within.w.pendingHints('B', 'A')).toBe(3);
    expect(metricsNamed(within.w, 'HintedHandOffManager.Hints_not_stored')).toEqual([]);
    const past = await writesWhileADown({ hints: { maxHintWindowMs: 60_000 } }, 61_000);
    expect(past.acked).toBe(3);
    expect(past.w.pendingHints('B', 'A')).toBe(0);
    expect(past.w.metrics('B')['HintedHandOffManager.Hints_not_stored-A']).toBe(3);
  });

  it('the per-host cap (max_hints_size_per_host, 4.1+) skips hints and the write still succeeds, with no metric', async () => {
    const { w, acked } = await writesWhileADown({ hints: { maxHintsPerHost: 1 } }, 1_000);
    expect(acked).toBe(3);
    expect(w.pendingHints('B', 'A')).toBe(1);
    expect(metricsNamed(w, 'HintedHandOffManager.Hints_not_stored')).toEqual([]);
  });

  it('hinted handoff disabled: no hint and no metric', async () => {
    const { w, acked } = await writesWhileADown({ hints: { enabled: false } }, 1_000);
    expect(acked).toBe(3);
    expect(w.pendingHints('B', 'A')).toBe(0);
    expect(metricsNamed(w, 'HintedHandOffManager.Hints_not_stored')).toEqual([]);
    expect(metricsNamed(w, 'HintedHandOffManager.Hints_created')).toEqual([]);
  });
});
