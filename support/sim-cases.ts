/**
 * Hidden-test-sized fault scenarios for benchmarks and the Node/Chromium determinism test:
 * learner-style code (Cassandra first with a short timeout, PostgreSQL fallback) under a fault
 * schedule drawn from the seed, then the checkers.
 */
import { checkers, createWorld, drivers } from '#sim';
import { Scheduler, createEngineWorld } from '#sim/internal';

const { types } = drivers['cassandra-driver'];
const CL = types.consistencies;

type Cass = InstanceType<typeof drivers['cassandra-driver']['Client']>;
type Pg = InstanceType<typeof drivers['pg']['Pool']>;

/** What a learner's getOrder looks like: Cassandra with a 100 ms budget, then PostgreSQL. */
async function getOrder(deps: { cassandra: Cass; pg: Pg }, id: string): Promise<unknown> {
  try {
    const timeout = new Promise<never>((_, rej) => setTimeout(() => rej(new Error('cassandra timeout')), 100));
    const rs = await Promise.race([deps.cassandra.execute('SELECT * FROM orders WHERE id = ?', [id], { prepare: true, consistency: types.consistencies.localQuorum }), timeout]);
    const row = rs.first();
    if (row) return row;
  } catch {
    /* fall back */
  }
  const r = await deps.pg.query('SELECT * FROM orders WHERE id = $1', [id]);
  return r.rows[0] ?? null;
}

export interface CaseResult {
  seed: number;
  hash: string;
  events: number;
  ops: number;
  stale: boolean | 'unknown';
}

export async function hiddenTestCase(seed: number): Promise<CaseResult> {
  const w = createWorld({ seed });
  for (let i = 0; i < 10; i++) {
    w.pgInsert('orders', { id: 'o-' + i, customer_id: 'c', total: i, version: 1 });
    if (i < 8) w.cassandraPut('orders', { id: 'o-' + i, status: 'created', total: i, version: 1 });
  }
  w.sampleFaults({ count: 2, untilMs: 1500, maxMs: 1000, kinds: ['isolate', 'partition', 'crash', 'slow'] });
  const users = ['A', 'B'].map((z) => ({ cassandra: w.cassandraClient({ zone: z, id: 'api-' + z }), pg: w.pgPool({ id: 'pg-' + z }) }));
  await w.run(async () => {
    await Promise.all(users.map(async (deps, u) => {
      for (let i = 0; i < 10; i++) {
        await getOrder(deps, 'o-' + ((i + u) % 10));
        await new Promise((r) => setTimeout(r, 50 + Math.floor(Math.random() * 100)));
      }
    }));
  });
  const v = checkers.staleReads(w.history);
  const stats = w.stats();
  return { seed, hash: w.traceHash(), events: stats.events, ops: stats.ops.total, stale: v.valid === 'unknown' ? 'unknown' : !v.valid };
}

/**
 * Milliseconds of this process's CPU time where the host can tell (Node: `process.cpuUsage`, GC
 * threads included), else wall-clock: on a machine shared with other work, CPU time is what the
 * simulator itself spent.
 */
const cpuUsage = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process?.cpuUsage;
export const clockMs: () => number = cpuUsage ? () => { const u = cpuUsage(); return (u.user + u.system) / 1000; } : () => performance.now();
export const CLOCK = cpuUsage ? 'CPU time' : 'wall-clock time';

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Raw scheduler: 2M no-op events, ~1000 in the heap at any time (after a warm-up run). */
export function benchScheduler(n = 2_000_000): { eventsPerSec: number } {
  const once = (count: number) => {
    const s = new Scheduler();
    let left = count;
    const fn = () => { if (left-- > 0) s.after(1 + (left % 997), fn); };
    for (let i = 0; i < 1000; i++) s.after(i, fn);
    const t0 = clockMs();
    while (s.step());
    return s.executed / ((clockMs() - t0) / 1000);
  };
  once(200_000);
  return { eventsPerSec: Math.round(once(n)) };
}

/** Cluster traffic without learner code: QUORUM writes and reads from rotating coordinators, journal on. */
export function benchClusterEvents(ops = 20_000): { events: number; eventsPerSec: number } {
  const once = () => {
    const w = createEngineWorld({ seed: 1 });
    const nodes = w.cluster.nodes;
    let i = 0;
    const next = () => {
      if (i >= ops) return;
      const k = i++;
      const coord = nodes[k % 3];
      const key = 'k' + (k % 100);
      if (k % 2 === 0) w.cluster.coordinate(coord, { kind: 'write', table: 'kv', key, cl: CL.quorum, frag: { del: -Infinity, marker: k, cells: { value: { v: k, ts: k, tomb: false } } } }, () => {});
      else w.cluster.coordinate(coord, { kind: 'read', table: 'kv', key, columns: ['key', 'value'], cl: CL.quorum, limit: 1 }, () => {});
      w.sched.after(50, next);
    };
    for (let c = 0; c < 8; c++) w.sched.after(c, next);
    const t0 = clockMs();
    w.advance((ops * 50) / 8 / 1000 + 10_000);
    return { events: w.sched.executed, ms: clockMs() - t0 };
  };
  once(); // warm-up (JIT)
  const r = once();
  return { events: r.events, eventsPerSec: Math.round(r.events / (r.ms / 1000)) };
}

/** Learner-style code: concurrent loops of `await client.execute(…)` inside one world.run. */
export async function benchDriverCalls(total = 40_000, concurrency = 4): Promise<{ calls: number; callsPerSec: number; events: number }> {
  const once = async (n: number) => {
    const w = createEngineWorld({ seed: 2, journal: false });
    w.cassandraPut('kv', { key: 'k', value: 1 });
    const c = w.cassandraClient({ zone: 'A' });
    const per = Math.floor(n / concurrency);
    const t0 = clockMs();
    await w.run(async () => {
      await Promise.all(Array.from({ length: concurrency }, async () => {
        for (let i = 0; i < per; i++) await c.execute('SELECT value FROM kv WHERE key = ?', ['k'], { consistency: CL.one, prepare: true });
      }));
    }, { maxEvents: 50_000_000 });
    return { calls: per * concurrency, ms: clockMs() - t0, events: w.sched.executed };
  };
  await once(Math.min(total, 5000)); // warm-up (JIT)
  const r = await once(total);
  return { calls: r.calls, callsPerSec: Math.round(r.calls / (r.ms / 1000)), events: r.events };
}

export interface SimRatios {
  rounds: number;
  /** what the rates are per second of, where they were measured (`CLOCK` of that host) */
  clock: string;
  /** medians over the rounds */
  noopEventsPerSec: number;
  clusterEventsPerSec: number;
  clusterEvents: number;
  callsPerSec: number;
  calls: number;
  driverEventsPerSec: number;
  /** medians of the per-round ratios (each round measures the three side by side) */
  clusterRatio: number;
  callsRatio: number;
  driverEventsRatio: number;
  /** the lowest and highest per-round ratio: how far one round can be off the median */
  clusterRange: [number, number];
  driverEventsRange: [number, number];
}

/**
 * The simulator's speed as ratios to the no-op scheduler measured side by side: `rounds` rounds of
 * (no-op scheduler, cluster traffic, awaited driver calls), so load that comes and goes hits both
 * sides of a ratio alike. Ratios compare across machines; absolute rates do not.
 */
export async function benchRatios(rounds = 9): Promise<SimRatios> {
  const noop: number[] = [], cluster: number[] = [], calls: number[] = [], driverEv: number[] = [];
  const cr: number[] = [], kr: number[] = [], dr: number[] = [];
  let clusterEvents = 0, callCount = 0;
  for (let r = 0; r < rounds; r++) {
    const s = benchScheduler(1_000_000).eventsPerSec;
    const c = benchClusterEvents();
    const d = await benchDriverCalls(20_000);
    const dEv = Math.round(d.events * (d.callsPerSec / d.calls));
    noop.push(s); cluster.push(c.eventsPerSec); calls.push(d.callsPerSec); driverEv.push(dEv);
    cr.push(c.eventsPerSec / s); kr.push(d.callsPerSec / s); dr.push(dEv / s);
    clusterEvents = c.events; callCount = d.calls;
  }
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  const range = (xs: number[]): [number, number] => [r3(Math.min(...xs)), r3(Math.max(...xs))];
  return {
    rounds, clock: CLOCK,
    noopEventsPerSec: median(noop), clusterEventsPerSec: median(cluster), clusterEvents,
    callsPerSec: median(calls), calls: callCount, driverEventsPerSec: median(driverEv),
    clusterRatio: r3(median(cr)), callsRatio: r3(median(kr)), driverEventsRatio: r3(median(dr)),
    clusterRange: range(cr), driverEventsRange: range(dr),
  };
}

/** 200 hidden-test-sized fault scenarios (support/sim-cases.ts), median of `rounds` after one warm-up. */
export async function benchCases(count = 200, rounds = 5): Promise<{ medianMs: number; allMs: number[]; eventsPerCase: number }> {
  let events = 0;
  for (let s = 1; s <= count; s++) events += (await hiddenTestCase(s)).events; // warm-up
  const all: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = clockMs();
    for (let s = 1; s <= count; s++) await hiddenTestCase(s);
    all.push(Math.round(clockMs() - t0));
  }
  return { medianMs: median(all), allMs: all, eventsPerCase: Math.round(events / count) };
}
