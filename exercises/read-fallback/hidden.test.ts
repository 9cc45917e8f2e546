// Hidden tests for read-fallback: fault scenarios, each over many seeds.
import { defineTests, type TestContext } from '../../src/grading/api';

// ---- shared by visible.test.ts and hidden.test.ts (kept in each file: test files stand alone) ----
type Order = { id: string; customerId: string; status: string; total: number; version: number };
type GetOrder = (deps: unknown, orderId: string) => Promise<Order | null>;
type Query = { time: number; client: string; driver: 'cassandra' | 'pg' | 'kafka'; text: string; params?: unknown; literals?: unknown[] };
/** The part of the simulator world these tests use (docs/CONTRACTS.md, "Simulator API"). */
interface SimWorld {
  readonly now: number;
  readonly queries: Query[];
  run<T>(fn: () => T | Promise<T>): Promise<T>;
  sleep(ms: number): Promise<void>;
  schedule(faults: object[]): unknown;
  fault(fault: object): unknown;
  cassandraClient(opts: { zone: string; contactPoints?: string[]; failover?: boolean; id?: string }): unknown;
  pgPool(opts?: { id?: string }): unknown;
  cassandraPut(table: string, row: Record<string, unknown>, opts?: { nodes?: string[]; timestampUs?: number }): void;
  pgInsert(table: string, row: Record<string, unknown>): void;
}

const STATUSES = ['pending', 'paid', 'packed', 'shipped', 'delivered'];

/** Small deterministic PRNG for the test's own choices (which ids to read, …). */
function prng(seed: number): (n: number) => number {
  let s = (seed * 0x9e3779b1) >>> 0;
  return (n: number) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n);
  };
}

type Setup = {
  world: SimWorld;
  deps: { cassandra: unknown; pg: unknown };
  getOrder: GetOrder;
  /** What PostgreSQL holds, by id. */
  truth: Map<string, Order>;
  rand: (n: number) => number;
};

/**
 * A world with `count` orders in PostgreSQL; `inReadModel(i)` decides which of them the processor
 * has already written into Cassandra (on every replica). The app's client lives in zone A.
 */
function setup(
  ctx: TestContext,
  opts: { count?: number; inReadModel?: (i: number) => boolean; ids?: string[]; staleOnA?: number } = {},
): Setup {
  const world = ctx.world({}) as unknown as SimWorld;
  const rand = prng(ctx.seed);
  const ids = opts.ids ?? Array.from({ length: opts.count ?? 12 }, (_, i) => `o-${100 + i * 7 + rand(5)}`);
  const truth = new Map<string, Order>();
  ids.forEach((id, i) => {
    // The first `staleOnA` orders have been updated at least once, and node A missed the last update.
    const stale = i < (opts.staleOnA ?? 0);
    const version = stale ? 2 + rand(3) : 1 + rand(4);
    const order: Order = {
      id,
      customerId: `c-${1 + rand(40)}`,
      status: STATUSES[version],
      total: 5 + rand(400) + rand(100) / 100,
      version,
    };
    truth.set(id, order);
    world.pgInsert('orders', { id, customer_id: order.customerId, status: order.status, total: order.total, version });
    const row = { id, customer_id: order.customerId, status: order.status, total: order.total, version };
    if (stale) {
      world.cassandraPut('orders', { ...row, status: STATUSES[version - 1], version: version - 1 }, { nodes: ['A'], timestampUs: version - 1 });
      world.cassandraPut('orders', row, { nodes: ['B', 'C'], timestampUs: version });
    } else if (opts.inReadModel ? opts.inReadModel(i) : true) {
      world.cassandraPut('orders', row, { timestampUs: version });
    }
  });
  const deps = {
    cassandra: world.cassandraClient({ zone: 'A', contactPoints: ['A'], failover: true, id: 'api-a' }),
    pg: world.pgPool({ id: 'api' }),
  };
  const { getOrder } = ctx.load<{ getOrder: GetOrder }>();
  return { world, deps, getOrder, truth, rand };
}

type Outcome = { ok: true; value: Order | null; ms: number; queries: Query[] } | { ok: false; error: unknown; ms: number; queries: Query[] };

/** Reads as the API does them, one after another: how long each took, what it returned or threw, which queries it made. */
async function readAll(s: Setup, ids: string[]): Promise<Outcome[]> {
  return s.world.run(async () => {
    const out: Outcome[] = [];
    for (const id of ids) {
      const q0 = s.world.queries.length;
      const t0 = s.world.now;
      try {
        const value = await s.getOrder(s.deps, id);
        out.push({ ok: true, value, ms: Math.round(s.world.now - t0), queries: s.world.queries.slice(q0) });
      } catch (error) {
        if (isSimulationError(error)) throw error;
        out.push({ ok: false, error, ms: Math.round(s.world.now - t0), queries: s.world.queries.slice(q0) });
      }
    }
    return out;
  });
}

async function read(s: Setup, id: string): Promise<Outcome> {
  return (await readAll(s, [id]))[0];
}

function isSimulationError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'SimulationError';
}

function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

function show(o: Order | null | undefined): string {
  if (!o) return String(o);
  return `{ id: ${JSON.stringify(o.id)}, status: ${JSON.stringify(o.status)}, version: ${o.version} }`;
}

/** Fails unless the read returned exactly what PostgreSQL has. */
function expectTruth(ctx: TestContext, s: Setup, id: string, r: Outcome, situation: string): void {
  const want = s.truth.get(id) ?? null;
  if (!r.ok) {
    ctx.fail(`A customer asking for order ${id} got an error (${describeError(r.error)}) although the order exists; ${situation} (seed ${ctx.seed}).`);
  }
  if (r.value === null || r.value === undefined) {
    if (want) ctx.fail(`A customer was told order ${id} does not exist while PostgreSQL has it; ${situation} (seed ${ctx.seed}).`);
    return;
  }
  if (!want) ctx.fail(`getOrder("${id}") returned ${show(r.value)} but there is no such order (seed ${ctx.seed}).`);
  const same =
    r.value.id === want.id &&
    r.value.status === want.status &&
    r.value.version === want.version &&
    r.value.customerId === want.customerId &&
    Math.abs(r.value.total - want.total) < 1e-9;
  if (!same) {
    ctx.fail(
      `A customer saw order ${id} as ${show(r.value)} while PostgreSQL has ${show(want)}; ${situation} (seed ${ctx.seed}).`,
    );
  }
}

function servedByCassandra(r: Outcome): boolean {
  return r.queries.every((q) => q.driver !== 'pg') && r.queries.some((q) => q.driver === 'cassandra');
}

function pick<T>(rand: (n: number) => number, xs: T[]): T {
  return xs[rand(xs.length)];
}

const SEEDS = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

export default defineTests((t) => {
  t.test(
    'healthy cluster: reads are served by Cassandra',
    {
      scenario: 'All three Cassandra nodes are up and have every order. Customers read 10 orders.',
      hint: 'The read model exists to take reads off PostgreSQL: read Cassandra first and use PostgreSQL only when Cassandra cannot answer.',
      seeds: SEEDS(1, 24),
    },
    async (ctx) => {
      const s = setup(ctx);
      const ids = [...s.truth.keys()];
      const reads = 10;
      const chosen = Array.from({ length: reads }, () => pick(s.rand, ids));
      const results = await readAll(s, chosen);
      let fromCassandra = 0;
      results.forEach((r, i) => {
        expectTruth(ctx, s, chosen[i], r, 'the cluster is healthy');
        if (servedByCassandra(r)) fromCassandra++;
      });
      if (fromCassandra < reads * 0.9) {
        ctx.fail(
          `Only ${fromCassandra} of ${reads} reads were served by Cassandra on a healthy cluster: the rest hit PostgreSQL, the source of truth the read model is there to protect (seed ${ctx.seed}).`,
        );
      }
    },
  );

  t.test(
    'order not yet in the read model: found in PostgreSQL',
    {
      scenario: 'Customers read orders they just placed: PostgreSQL has them, but the processor has not written a third of them into Cassandra yet.',
      hint: 'No row in Cassandra proves only that the read model has not caught up. Ask PostgreSQL before saying "no such order".',
      seeds: SEEDS(101, 24),
    },
    async (ctx) => {
      const s = setup(ctx, { inReadModel: (i) => i % 3 !== 0 });
      const ids = [...s.truth.keys()];
      const chosen = [ids[0], ids[3], ids[1], ids[6]];
      const results = await readAll(s, chosen);
      results.forEach((r, i) => expectTruth(ctx, s, chosen[i], r, i === 2 ? 'the read model has it' : 'the read model has not received it yet'));
    },
  );

  t.test(
    'zone A cut off: a client there gets the current order, not a stale copy',
    {
      scenario:
        'Zone A (with the API and Cassandra node A) is cut off from zones B and C. Node A missed the last update of some orders; B and C have it. Customers in zone A read those orders.',
      hint: 'At CL ONE node A answers from its own stale replica. At QUORUM an isolated node answers Unavailable or times out — then ask PostgreSQL.',
      seeds: SEEDS(201, 24),
    },
    async (ctx) => {
      const s = setup(ctx, { staleOnA: 4 });
      const ids = [...s.truth.keys()];
      s.world.schedule([{ at: s.world.now, kind: 'isolate', zone: 'A' }]);
      // Sometimes the failure detector has already convicted B and C, sometimes not yet.
      const settle = ctx.seed % 2 === 0 ? 25_000 : 500 + s.rand(3000);
      await s.world.run(() => s.world.sleep(settle));
      const results = await readAll(s, ids.slice(0, 3));
      results.forEach((r, i) => {
        expectTruth(ctx, s, ids[i], r, 'zone A is cut off from B and C, and node A holds an older copy');
        if (r.ms > 1000) ctx.fail(`Reading order ${ids[i]} took ${r.ms} ms while zone A was cut off (expected under a second) (seed ${ctx.seed}).`);
      });
    },
  );

  t.test(
    'one zone cut off: the other two still serve reads from Cassandra',
    {
      scenario: 'Zone B or zone C is cut off from the rest; the API (zone A) can still reach a majority of the replicas. Customers read 8 orders.',
      hint: 'QUORUM needs 2 of 3 replicas, so it survives one zone. ALL needs every replica and fails as soon as one zone is gone.',
      seeds: SEEDS(301, 20),
    },
    async (ctx) => {
      const s = setup(ctx);
      const zone = ctx.seed % 2 === 0 ? 'B' : 'C';
      s.world.schedule([{ at: s.world.now, kind: 'isolate', zone }]);
      // Once the failure detector has convicted the cut-off node, coordinators stop waiting for it.
      await s.world.run(() => s.world.sleep(25_000));
      const ids = [...s.truth.keys()];
      const reads = 8;
      const chosen = Array.from({ length: reads }, () => pick(s.rand, ids));
      let fromCassandra = 0;
      (await readAll(s, chosen)).forEach((r, i) => {
        expectTruth(ctx, s, chosen[i], r, `zone ${zone} is cut off`);
        if (servedByCassandra(r)) fromCassandra++;
      });
      if (fromCassandra < reads * 0.8) {
        ctx.fail(
          `With only zone ${zone} cut off, just ${fromCassandra} of ${reads} reads were served by Cassandra: two replicas were reachable, yet the load went to PostgreSQL (seed ${ctx.seed}).`,
        );
      }
    },
  );

  t.test(
    'all of Cassandra down: every read answered from PostgreSQL',
    {
      scenario: 'All three Cassandra nodes crash. Customers keep reading orders.',
      hint: 'Catch the driver error (NoHostAvailableError, Unavailable, timeouts) and read PostgreSQL instead of passing the error to the customer.',
      seeds: SEEDS(401, 20),
    },
    async (ctx) => {
      const s = setup(ctx);
      const at = s.world.now + s.rand(2000);
      s.world.schedule(['A', 'B', 'C'].map((node) => ({ at, kind: 'crash', node })));
      await s.world.run(() => s.world.sleep(2500));
      const ids = [...s.truth.keys()].slice(0, 3);
      (await readAll(s, ids)).forEach((r, i) => {
        expectTruth(ctx, s, ids[i], r, 'every Cassandra node is down');
        if (r.ms > 1000) ctx.fail(`Reading order ${ids[i]} took ${r.ms} ms with Cassandra down (expected under a second) (seed ${ctx.seed}).`);
      });
    },
  );

  t.test(
    'Cassandra slow for seconds: reads still answer within 250 ms',
    {
      scenario: 'Two or three Cassandra nodes answer 2–5 seconds late (GC pauses, a saturated disk). Customers read orders.',
      hint: 'Without readTimeout the driver waits 12 s. Give Cassandra about 100 ms (`readTimeout: 100`), then ask PostgreSQL.',
      seeds: SEEDS(501, 24),
    },
    async (ctx) => {
      const s = setup(ctx);
      const nodes = ctx.seed % 2 === 0 ? ['A', 'B', 'C'] : pick(s.rand, [['A', 'B'], ['B', 'C'], ['A', 'C']]);
      s.world.schedule(nodes.map((node) => ({ at: s.world.now, kind: 'slow', node, extraMs: 2000 + s.rand(3000) })));
      const ids = [...s.truth.keys()].slice(0, 3);
      for (const [i, r] of (await readAll(s, ids)).entries()) {
        const id = ids[i];
        expectTruth(ctx, s, id, r, `nodes ${nodes.join(', ')} answer seconds late`);
        if (r.ms > 250) {
          ctx.fail(`A customer waited ${r.ms} ms for order ${id} because Cassandra nodes ${nodes.join(', ')} were slow; PostgreSQL could have answered in a few ms (expected ≤ 250 ms) (seed ${ctx.seed}).`);
        }
      }
    },
  );

  t.test(
    'an order id containing quotes is a bound parameter',
    {
      scenario: "Customers read orders whose ids contain quotes, e.g. o'brien-7 (some in the read model, some only in PostgreSQL).",
      hint: "Never paste input into a query. Cassandra: `execute('… WHERE id = ?', [orderId], { prepare: true })`; PostgreSQL: `query('… WHERE id = $1', [orderId])`.",
      seeds: SEEDS(601, 20),
    },
    async (ctx) => {
      const r0 = prng(ctx.seed);
      const ids = [`o'brien-${r0(90)}`, `x' OR 'a'='a-${r0(90)}`, `it's-"${r0(90)}"`, `o-${r0(900)}`];
      const s = setup(ctx, { ids, inReadModel: (i) => (i + ctx.seed) % 2 === 0 });
      for (const [i, r] of (await readAll(s, ids)).entries()) {
        const id = ids[i];
        const pasted = r.queries.find((q) => q.text.includes(id) || (Array.isArray(q.literals) && q.literals.some((l) => String(l).includes(id.slice(0, 4)))));
        if (pasted) {
          ctx.fail(`The order id ${JSON.stringify(id)} was pasted into the query text (${pasted.driver}: ${pasted.text}): a quote in it breaks the query, and a crafted id could read other customers' orders. Pass it as a bound parameter (seed ${ctx.seed}).`);
        }
        expectTruth(ctx, s, id, r, 'its id contains quotes');
      }
    },
  );

  t.test(
    'PostgreSQL down: orders in the read model are still served',
    {
      scenario: 'PostgreSQL is down for maintenance; Cassandra is healthy and has every order. Customers read orders.',
      hint: 'When Cassandra has the order, return it: do not ask PostgreSQL as well.',
      seeds: SEEDS(701, 20),
    },
    async (ctx) => {
      const s = setup(ctx);
      s.world.schedule([{ at: s.world.now, kind: 'pg', state: 'down' }]);
      const ids = [...s.truth.keys()].slice(0, 3);
      (await readAll(s, ids)).forEach((r, i) => expectTruth(ctx, s, ids[i], r, 'PostgreSQL is down but Cassandra has the order'));
    },
  );

  t.test(
    "both stores down: the read fails loudly, never 'no such order'",
    {
      scenario: 'Cassandra cannot be reached (all nodes down, or the API cut off from them) and PostgreSQL is down too. Customers read orders that exist.',
      hint: "If PostgreSQL cannot answer, you do not know whether the order exists. Let the error propagate (the API answers 503), never return null (404).",
      seeds: SEEDS(801, 20),
    },
    async (ctx) => {
      const s = setup(ctx);
      if (ctx.seed % 2 === 0) s.world.schedule(['A', 'B', 'C'].map((node) => ({ at: s.world.now, kind: 'crash', node })));
      else s.world.schedule([{ at: s.world.now, kind: 'isolate', zone: 'A' }]); // node A is up but cut off from B and C
      s.world.schedule([{ at: s.world.now, kind: 'pg', state: 'down' }]);
      await s.world.run(() => s.world.sleep(ctx.seed % 4 === 1 ? 25_000 : 1000));
      const ids = [...s.truth.keys()].slice(0, 2);
      for (const [i, r] of (await readAll(s, ids)).entries()) {
        const id = ids[i];
        if (r.ok && r.value === null) {
          ctx.fail(`A customer was told order ${id} does not exist while both stores were down: nobody could check. Throw instead (the API answers 503, not 404) (seed ${ctx.seed}).`);
        }
      }
    },
  );
});
