import { defineTests, prng, type TestContext, type World, type Query } from '../../src/grading/api';

export type { Query };

// Shared by visible.test.ts and hidden.test.ts of read-fallback: the simulator fixtures and checks both use.
export type Order = { id: string; customerId: string; status: string; total: number; version: number };
export type GetOrder = (deps: unknown, orderId: string) => Promise<Order | null>;

export const STATUSES = ['pending', 'paid', 'packed', 'shipped', 'delivered'];

export { prng };

export type Setup = {
  world: World;
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
export function setup(
  ctx: TestContext,
  opts: { count?: number; inReadModel?: (i: number) => boolean; ids?: string[]; staleOnA?: number } = {},
): Setup {
  const world = ctx.world({});
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

export type Outcome = { ok: true; value: Order | null; ms: number; queries: Query[] } | { ok: false; error: unknown; ms: number; queries: Query[] };

/** Reads as the API does them, one after another: how long each took, what it returned or threw, which queries it made. */
export async function readAll(s: Setup, ids: string[]): Promise<Outcome[]> {
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

export async function read(s: Setup, id: string): Promise<Outcome> {
  return (await readAll(s, [id]))[0];
}

export function isSimulationError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'SimulationError';
}

export function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

export function show(o: Order | null | undefined): string {
  if (!o) return String(o);
  return `{ id: ${JSON.stringify(o.id)}, status: ${JSON.stringify(o.status)}, version: ${o.version} }`;
}

/** Fails unless the read returned exactly what PostgreSQL has. */
export function expectTruth(ctx: TestContext, s: Setup, id: string, r: Outcome, situation: string): void {
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

export function servedByCassandra(r: Outcome): boolean {
  return r.queries.every((q) => q.driver !== 'pg') && r.queries.some((q) => q.driver === 'cassandra');
}

export function pick<T>(rand: (n: number) => number, xs: T[]): T {
  return xs[rand(xs.length)];
}
