/** The seed lesson's stories as named, runnable, seeded scenarios. */
import * as checkers from './checkers';
import type { Verdict } from './checkers';
import { types } from './drivers/cassandra';
import type { StreamRecord } from './stream';
import { World, createWorld } from './world';
import type { PublicWorld, Trace, WorldStats } from './world-public';

const CL = types.consistencies;

export interface ScenarioResult {
  name: string;
  seed: number;
  description: string;
  verdicts: Record<string, Verdict>;
  /** outcome counts and values worth showing */
  outcomes: Record<string, unknown>;
  stats: WorldStats;
  traceHash: string;
  trace: Trace;
  world: PublicWorld;
}

interface ScenarioDef {
  description: string;
  run(w: World): Promise<{ verdicts: Record<string, Verdict>; outcomes: Record<string, unknown> }>;
  options?: Partial<Parameters<typeof createWorld>[0]>;
}

function errName(e: unknown): string {
  const x = e as { name?: string; code?: number; innerErrors?: Record<string, { code?: number; name?: string }> };
  if (x?.name === 'ResponseError') return x.code === 0x1000 ? 'Unavailable' : x.code === 0x1200 ? 'ReadTimeout' : x.code === 0x1100 ? 'WriteTimeout' : `ResponseError(${x.code})`;
  if (x?.name === 'NoHostAvailableError' && x.innerErrors) {
    const inner = Object.values(x.innerErrors)[0];
    return 'NoHostAvailable(' + (inner ? errName(inner) : '') + ')';
  }
  return x?.name ?? String(e);
}

function tally(xs: string[]): Record<string, number> {
  const o: Record<string, number> = {};
  for (const x of xs) o[x] = (o[x] ?? 0) + 1;
  return o;
}

/** Do all replicas of these keys hold identical data? */
function replicasAgree(w: World, table: string, keys: string[]): Verdict {
  for (const k of keys) {
    const rows = w.cluster.replicas(table, k).map((n) => [n.id, JSON.stringify(w.replicaRow(n.id, table, k) ?? null)] as const);
    const distinct = new Set(rows.map(([, r]) => r));
    if (distinct.size > 1) return { valid: false, reason: `replicas disagree on ${table}/${k}`, witness: Object.fromEntries(rows.map(([n, r]) => [n, JSON.parse(r)])) };
  }
  return { valid: true, reason: `all replicas agree on ${keys.length} key(s)` };
}

function zoneIsolated(cl: number, label: string): ScenarioDef {
  return {
    description: `Zone A is cut off from B and C. A client in zone B writes v2 and v3 at ${label}; a client in zone A (coordinator A) reads at ${label} for 30 s; then the partition heals.`,
    async run(w) {
      const writer = w.cassandraClient({ zone: 'B', contactPoints: ['B'], failover: false, id: 'api-b' });
      const readerA = w.cassandraClient({ zone: 'A', contactPoints: ['A'], failover: false, id: 'api-a' });
      w.cassandraPut('orders', { id: 'o-1', status: 'v1', version: 1 });
      w.schedule([{ at: 1000, kind: 'isolate', zone: 'A' }, { at: 40_000, kind: 'heal' }]);
      const writes: string[] = [];
      const readsA: string[] = [];
      await w.run(async () => {
        const write = async (v: number) => {
          try {
            await writer.execute('UPDATE orders SET status = ?, version = ? WHERE id = ?', ['v' + v, v, 'o-1'], { consistency: cl, prepare: true });
            writes.push('ok');
          } catch (e) { writes.push(errName(e)); }
        };
        await write(2);
        await w.sleep(2000 - w.now);
        await write(3);
        while (w.now < 32_000) {
          try {
            const r = await readerA.execute('SELECT status, version FROM orders WHERE id = ?', ['o-1'], { consistency: cl, prepare: true });
            readsA.push(String(r.first()?.status));
          } catch (e) { readsA.push(errName(e)); }
          await w.sleep(3000);
        }
        await w.sleep(45_000 - w.now);
        await w.sleep(20_000); // hints replay after heal
        try { readsA.push('after heal: ' + String((await readerA.execute('SELECT status FROM orders WHERE id = ?', ['o-1'], { consistency: cl })).first()?.status)); } catch (e) { readsA.push('after heal: ' + errName(e)); }
      });
      return {
        verdicts: { staleReads: checkers.staleReads(w.history), monotonicReads: checkers.monotonicReads(w.history), replicasAgreeAfterHeal: replicasAgree(w, 'orders', ['o-1']) },
        outcomes: { writes, readsInZoneA: readsA, readsInZoneATally: tally(readsA.filter((r) => !r.startsWith('after'))) },
      };
    },
  };
}

const SCENARIOS: Record<string, ScenarioDef> = {
  normal: {
    description: 'Three healthy nodes, one per zone, RF=3. A client writes v1 then v2 at QUORUM; clients in every zone read at QUORUM.',
    async run(w) {
      const clients = ['A', 'B', 'C'].map((z) => w.cassandraClient({ zone: z, contactPoints: [z], id: 'api-' + z.toLowerCase() }));
      const reads: string[] = [];
      await w.run(async () => {
        for (const v of [1, 2]) {
          await clients[0].execute('INSERT INTO orders (id, status, version) VALUES (?, ?, ?)', ['o-1', 'v' + v, v], { consistency: CL.quorum, prepare: true });
          for (const c of clients) reads.push(String((await c.execute('SELECT status FROM orders WHERE id = ?', ['o-1'], { consistency: CL.quorum, prepare: true })).first()?.status));
        }
        await w.sleep(100);
      });
      return {
        verdicts: { staleReads: checkers.staleReads(w.history), monotonicReads: checkers.monotonicReads(w.history), replicasAgree: replicasAgree(w, 'orders', ['o-1']) },
        outcomes: { reads },
      };
    },
  },
  'zone-a-isolated-one': zoneIsolated(CL.one, 'ONE'),
  'zone-a-isolated-quorum': zoneIsolated(CL.quorum, 'QUORUM'),
  'zone-a-isolated-all': zoneIsolated(CL.all, 'ALL'),
  'cqrs-t1-t7': {
    description: 'T1 order created in PostgreSQL; T2 event on the stream; T3 the processor (zone A) is cut off from Cassandra B and C; T4 it backs off and retries; T5 the user asks for the order; T6 the read model has no such order; T7 PostgreSQL has it. After the partition heals the processor catches up.',
    async run(w) {
      const pool = w.pgPool({ id: 'api' });
      const stream = w.stream<{ orderId: string; version: number; status: string; total: number }>('orders', { shards: 2 });
      const procDb = w.cassandraClient({ zone: 'A', contactPoints: ['A'], failover: false, id: 'processor', readTimeout: 3000 });
      const userApi = w.cassandraClient({ zone: 'B', contactPoints: ['B'], failover: false, id: 'api-b' });
      const timeline: Array<{ t: string; atMs: number; what: string }> = [];
      const mark = (t: string, what: string) => timeline.push({ t, atMs: w.now, what });
      const processor = w.processor({
        stream,
        backoffMs: 1000,
        maxBackoffMs: 8000,
        handler: async (e: { orderId: string; version: number; status: string; total: number }) => {
          await procDb.execute('INSERT INTO orders (id, status, total, version) VALUES (?, ?, ?, ?) USING TIMESTAMP ?', [e.orderId, e.status, e.total, e.version, e.version], { consistency: CL.quorum, prepare: true });
        },
      });
      w.schedule([{ at: 100, kind: 'isolate', zone: 'A' }, { at: 60_000, kind: 'heal' }]);
      let userSaw: unknown = 'not asked';
      let pgSaw: unknown = null;
      let created = '';
      let createdAtIndex = -1;
      await w.run(async () => {
        processor.start();
        await w.sleep(100);
        const ins = await pool.query('INSERT INTO orders (customer_id, total) VALUES ($1, $2) RETURNING id, version, status, total', ['cust-1', 42]);
        const row = ins.rows[0] as { id: string; version: number; status: string; total: number };
        created = row.id;
        createdAtIndex = w.history.length - 1;
        mark('T1', `order ${row.id} created in PostgreSQL`);
        stream.put(row.id, { orderId: row.id, version: row.version, status: row.status, total: row.total });
        mark('T2', 'event published to the stream');
        mark('T3', 'Cassandra unreachable from the processor (zone A isolated)');
        await w.sleep(5000);
        mark('T4', `processor backing off: ${processor.metrics.retries} retries so far, iterator age ${processor.iteratorAgeMs} ms`);
        mark('T5', 'user asks: where is my order?');
        try {
          const r = await userApi.execute('SELECT id, status FROM orders WHERE id = ?', [row.id], { consistency: CL.quorum, prepare: true });
          userSaw = r.first() ? { ...r.first() } : null;
        } catch (e) { userSaw = errName(e); }
        mark('T6', `Cassandra answered: ${userSaw === null ? 'not found' : JSON.stringify(userSaw)}`);
        pgSaw = (await pool.query('SELECT id, status FROM orders WHERE id = $1', [row.id])).rows[0] ?? null;
        mark('T7', `PostgreSQL answered: ${JSON.stringify(pgSaw)}`);
        await w.waitFor(() => processor.idle, { what: 'processor caught up', timeoutMs: 180_000 });
        mark('after', `partition healed at 60000 ms; processor caught up after ${processor.metrics.retries} retries`);
        await w.sleep(15_000);
        processor.stop();
      });
      const ryw: Verdict = userSaw === null || typeof userSaw === 'string'
        ? { valid: false, reason: `order ${created} was created in PostgreSQL (T1) but the read model ${userSaw === null ? 'did not have it' : 'failed: ' + userSaw} at T6: the read model lags the source of truth`, witness: { created: w.history[createdAtIndex], userSaw, pgSaw } }
        : { valid: true, reason: 'the user saw their order' };
      return {
        verdicts: {
          readYourWrites: ryw,
          nothingLost: checkers.nothingLost(w, { eventIds: [created] }),
          convergence: checkers.convergence(w, { columns: ['status', 'total', 'version'] }),
          duplicateEffects: checkers.duplicateEffects(processor.deliveries.map((d) => ({ kind: 'handler-success', id: String(d.seq) })).slice(-1)),
        },
        outcomes: { timeline, processor: { ...processor.metrics }, userSaw, pgSaw },
      };
    },
  },
  'hints-pile-up-and-replay': {
    description: 'Node C crashes. Clients in zone A write 300 orders at QUORUM over 60 s; coordinators store hints for C. C comes back at 90 s and the hints replay (throttled).',
    options: { hints: { throttleKiB: 16 } },
    async run(w) {
      const c = w.cassandraClient({ zone: 'A', contactPoints: ['A', 'B'], id: 'api-a' });
      w.schedule([{ at: 500, kind: 'crash', node: 'C' }, { at: 90_000, kind: 'restart', node: 'C' }]);
      const samples: Array<{ atMs: number; pendingHintsA: number; totalHintsA: number; succeededA: number }> = [];
      const sample = () => samples.push({ atMs: w.now, pendingHintsA: w.pendingHints('A'), totalHintsA: w.metrics('A')['Storage.TotalHints'] ?? 0, succeededA: w.metrics('A')['HintsService.HintsSucceeded'] ?? 0 });
      const keys: string[] = [];
      let ok = 0;
      await w.run(async () => {
        for (let i = 0; i < 300; i++) {
          const id = 'o-' + i;
          keys.push(id);
          try { await c.execute('INSERT INTO orders (id, status, version) VALUES (?, ?, ?)', [id, 'created', 1], { consistency: CL.quorum, prepare: true }); ok++; } catch { /* counted */ }
          await w.sleep(200);
          if (i % 50 === 0) sample();
        }
        while (w.now < 150_000) { sample(); await w.sleep(10_000); }
      });
      const divergentBefore = samples.find((s) => s.pendingHintsA > 0) !== undefined;
      return {
        verdicts: {
          hintsPiledUp: divergentBefore ? { valid: true, reason: `hints piled up on A while C was down (peak ${Math.max(...samples.map((s) => s.pendingHintsA))})` } : { valid: false, reason: 'no hints were stored' },
          replicasAgreeAfterReplay: replicasAgree(w, 'orders', keys),
        },
        outcomes: { writesOk: ok, samples, metricsA: w.metrics('A'), metricsB: w.metrics('B') },
      };
    },
  },
};

export const scenarioNames = Object.keys(SCENARIOS);

export function describeScenario(name: string): string {
  const s = SCENARIOS[name];
  if (!s) throw new Error(`Unknown scenario '${name}'. Known: ${scenarioNames.join(', ')}`);
  return s.description;
}

/** Run a named scenario with a seed; the same (name, seed) gives the same traceHash. */
export async function run(name: string, o: { seed: number; journal?: boolean }): Promise<ScenarioResult> {
  const s = SCENARIOS[name];
  if (!s) throw new Error(`Unknown scenario '${name}'. Known: ${scenarioNames.join(', ')}`);
  if (!Number.isFinite(o?.seed)) throw new Error('scenarios.run(name, { seed }) needs a numeric seed');
  const w = createWorld({ seed: o.seed, journal: o.journal, ...(s.options ?? {}) });
  const { verdicts, outcomes } = await s.run(w);
  return { name, seed: o.seed, description: s.description, verdicts, outcomes, stats: w.stats(), traceHash: w.traceHash(), trace: w.trace(), world: w };
}

export type { StreamRecord };
