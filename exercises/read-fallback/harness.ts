import {
  describeError, isSimulationError, measure, orderRow, prng, putOrder, randomOrder, showOrder, theRestWords,
  type Measured, type Order, type Query, type TestContext, type TestRandom, type World,
} from '../../src/grading/api';

// Shared by visible.test.ts and hidden.test.ts of read-fallback: the simulator fixtures and checks both use.
export type { Order, Query };
export { describeError, isSimulationError, prng };
export const show = showOrder;
export type GetOrder = (deps: unknown, orderId: string) => Promise<Order | null>;

export const STATUSES = ['pending', 'paid', 'packed', 'shipped', 'delivered'];

export type Setup = {
  world: World;
  deps: { cassandra: unknown; pg: unknown };
  getOrder: GetOrder;
  /** What PostgreSQL holds, by id. */
  truth: Map<string, Order>;
  rand: TestRandom;
};

/**
 * A world with `count` orders in PostgreSQL; `inReadModel(i)` decides which of them the processor
 * has already written into Cassandra (on every replica). The first `staleOnA` orders have been
 * updated at least once, and node A missed the last update. The app's client lives in zone A.
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
    const stale = i < (opts.staleOnA ?? 0);
    const version = stale ? 2 + rand(3) : 1 + rand(4);
    const order = randomOrder(rand, { id, version, statuses: STATUSES, customers: 40, total: () => 5 + rand(400) + rand(100) / 100 });
    truth.set(id, order);
    const previous = { ...order, status: STATUSES[version - 1], version: version - 1 };
    putOrder(world, order, stale ? { staleOn: ['A'], previous } : opts.inReadModel && !opts.inReadModel(i) ? 'missing' : 'current');
  });
  const deps = {
    cassandra: world.cassandraClient({ zone: 'A', contactPoints: ['A'], failover: true, id: 'api-a' }),
    pg: world.pgPool({ id: 'api' }),
  };
  const { getOrder } = ctx.load<{ getOrder: GetOrder }>();
  return { world, deps, getOrder, truth, rand };
}

type PgPool = { query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }> };
const otherWriters = new WeakMap<Setup, PgPool>();

/**
 * Someone else (the warehouse, a support agent) changes the order in PostgreSQL: its status and version
 * move on. With `processed`, the processor has already applied the change to every replica of the read
 * model; without, the read model still has the earlier version. Call inside `world.run`.
 */
export async function changeElsewhere(s: Setup, id: string, processed: boolean): Promise<Order> {
  let pool = otherWriters.get(s);
  if (!pool) otherWriters.set(s, (pool = s.world.pgPool({ id: 'warehouse' }) as PgPool));
  const before = s.truth.get(id)!;
  const v = before.version + 1;
  const status = STATUSES[v] ?? ['returned', 'refunded'][v - STATUSES.length] ?? `updated-${v}`;
  const res = await pool.query('UPDATE orders SET status = $1, version = version + 1 WHERE id = $2 RETURNING version', [status, id]);
  const order = { ...before, status, version: Number(res.rows[0].version) };
  s.truth.set(id, order);
  if (processed) s.world.cassandraPut('orders', orderRow(order), { timestampUs: order.version });
  return order;
}

export type Outcome = Measured<Order | null>;

/** Reads as the API does them, one after another: how long each took (whole ms), what it returned or threw, which queries it made. */
export async function readAll(s: Setup, ids: string[]): Promise<Outcome[]> {
  return s.world.run(async () => {
    const out: Outcome[] = [];
    for (const id of ids) {
      const r = await measure(s.world, () => s.getOrder(s.deps, id));
      out.push({ ...r, ms: Math.round(r.ms) });
    }
    return out;
  });
}

export async function read(s: Setup, id: string): Promise<Outcome> {
  return (await readAll(s, [id]))[0];
}


/** Fails unless the read returned exactly what PostgreSQL has. */
export function expectTruth(ctx: TestContext, s: Setup, id: string, r: Outcome, situation: string): void {
  const want = s.truth.get(id) ?? null;
  if (!r.ok) {
    if (!want) ctx.fail(`getOrder("${id}") threw ${describeError(r.error)} although PostgreSQL answered that there is no such order: return null (the API answers 404); ${situation} (seed ${ctx.seed}).`);
    ctx.fail(`A customer asking for order ${id} got an error (${describeError(r.error)}) although the order exists; ${situation} (seed ${ctx.seed}).`);
  }
  if (r.value === null || r.value === undefined) {
    // "Return null only when PostgreSQL itself says there is no such row": in this call, not from memory of an earlier one.
    if (!r.queries.some((q) => q.driver === 'pg')) {
      ctx.fail(`getOrder("${id}") returned null without asking PostgreSQL in that call${want ? ', although PostgreSQL has it' : ''}: only PostgreSQL can say an order does not exist (a miss in the read model, or a "not found" remembered from an earlier call, proves nothing); ${situation} (seed ${ctx.seed}).`);
    }
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

/** Where the reads not served by Cassandra went, for messages (src/grading/authoring.ts `theRestWords`). */
export function restWords(rs: Outcome[], toPg: string): string {
  return theRestWords(rs.filter((r) => !servedByCassandra(r)), toPg);
}

export const pick = <T>(rand: TestRandom, xs: readonly T[]): T => rand.pick(xs);
