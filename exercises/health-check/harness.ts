import {
  describeError, isSimulationError, measure, resentWords, words, prng, putOrder, randomOrder, showOrder,
  type Fault, type Measured, type Resent, type Order, type Query, type TestContext, type TestRandom, type World,
} from '../../src/grading/api';

// Shared by visible.test.ts and hidden.test.ts of health-check: the simulator fixtures and checks both use.
export type { Order, Query };
export { describeError, isSimulationError, prng };
export type Health = 'healthy' | 'degraded' | 'unavailable';
export interface Cluster {
  checkHealth(): Promise<Health>;
  readWithFallback(orderId: string): Promise<Order | null>;
}

export const STATUSES = ['pending', 'paid', 'packed', 'shipped', 'delivered'];
/** Cassandra's failure detector convicts a silent peer after ~18 s; waiting this long lets it. */
export const FD_SETTLED_MS = 25_000;
/** The task's budget for a read on the healthy path ("at most 2 s"), and what a customer may wait in all: that budget, then PostgreSQL. */
export const HEALTHY_BUDGET_MS = 2000;
export const HEALTHY_READ_LIMIT_MS = HEALTHY_BUDGET_MS + 250;

export type Setup = { world: World; cluster: Cluster; truth: Map<string, Order>; ids: string[]; rand: TestRandom };

/**
 * Six orders in PostgreSQL (all but `missing` also in Cassandra); the API runs in zone A (or in a
 * network zone of its own, `zone: 'D'`, reaching node A first).
 */
export function setup(ctx: TestContext, opts: { missing?: number[]; zone?: string } = {}): Setup {
  const world = ctx.world({});
  const rand = prng(ctx.seed);
  const truth = new Map<string, Order>();
  const ids: string[] = [];
  for (let i = 0; i < 6; i++) {
    const id = `o-${200 + i * 11 + rand(10)}`;
    const o = randomOrder(rand, { id, version: 1 + rand(4), statuses: STATUSES, customers: 50, total: () => 10 + rand(300) });
    truth.set(id, o);
    ids.push(id);
    putOrder(world, o, opts.missing?.includes(i) ? 'missing' : 'current');
  }
  const deps = {
    cassandra: world.cassandraClient({ zone: opts.zone ?? 'A', contactPoints: ['A'], failover: true, id: 'api-a' }),
    pg: world.pgPool({ id: 'api' }),
  };
  const { CassandraCluster } = ctx.load<{ CassandraCluster: new (deps: unknown) => Cluster }>();
  return { world, cluster: new CassandraCluster(deps), truth, ids, rand };
}

export type Timed<T> = Measured<T>;

/** One call of the learner's code in a run of its own, measured. */
export function timed<T>(s: Setup, fn: () => Promise<T>): Promise<Timed<T>> {
  return measure(s.world, fn);
}

/** checkHealth(), failing the test if it throws. */
export async function health(ctx: TestContext, s: Setup, situation: string): Promise<{ value: Health; ms: number; queries: Query[] }> {
  const r = await timed(s, () => s.cluster.checkHealth());
  if (!r.ok) ctx.fail(`checkHealth() threw ${describeError(r.error)} when ${situation}; it should return a verdict, not throw (seed ${ctx.seed}).`);
  const refused = refusedProbe(r.queries);
  if (refused) ctx.fail(`${refused}; ${situation} (seed ${ctx.seed}).`);
  return r as { value: Health; ms: number; queries: Query[] };
}

/**
 * A probe the driver refused (a statement the simulator does not run) never reaches a replica: whatever
 * the cluster does it fails, and the verdict says nothing about the cluster. The words for that, or null.
 */
export function refusedProbe(queries: Query[]): string | null {
  const q = queries.find((x) => x.driver === 'cassandra' && x.rejected);
  if (!q) return null;
  return `checkHealth()'s probe never reached Cassandra: the driver refused \`${q.text}\` (${q.rejected!.name}: ${q.rejected!.message}), so it fails whatever the cluster does, and its verdict says nothing about the cluster. Probe one row of orders by its key at QUORUM, e.g. \`SELECT id FROM orders WHERE id = ?\` with any id (a missing row is fine)`;
}

export const cassandraQueries = (qs: Query[]) => qs.filter((q) => q.driver === 'cassandra');

export const show = showOrder;

/** readWithFallback(id) must return exactly what PostgreSQL has. */
export async function expectRead(ctx: TestContext, s: Setup, id: string, situation: string) {
  const r = await timed(s, () => s.cluster.readWithFallback(id));
  const want = s.truth.get(id)!;
  if (!r.ok) ctx.fail(`A customer asking for order ${id} got an error (${describeError(r.error)}) although PostgreSQL was up and had it; ${situation} (seed ${ctx.seed}).`);
  const got = (r as { value: Order | null }).value;
  if (!got) ctx.fail(`A customer was told order ${id} does not exist while PostgreSQL has it; ${situation} (seed ${ctx.seed}).`);
  if (got!.id !== want.id || got!.status !== want.status || got!.version !== want.version) {
    ctx.fail(`A customer saw order ${id} as ${show(got)} while PostgreSQL has ${show(want)}; ${situation} (seed ${ctx.seed}).`);
  }
  return r;
}

export const every = (zoneNodes: string[], f: (node: string) => Fault): Fault[] => zoneNodes.map(f);

/** What a customer went through when a read after a 'healthy' verdict took longer than the task's budget allows. */
export function slowHealthyRead(id: string, r: { ms: number; queries: Query[]; resent: Resent[] }): string {
  const from = r.queries.some((q) => q.driver === 'pg') ? 'PostgreSQL' : 'Cassandra';
  // a read the driver sent again had a budget per attempt: say where the time went instead
  const why = r.resent.length ? resentWords(r).trim() : 'Every read needs a budget, even on the healthy path.';
  return `With the cluster 'healthy' at the last check, a customer waited ${words.ms(r.ms)} for order ${id} (and then got it from ${from}). ${why} Cassandra gets at most ${words.ms(HEALTHY_BUDGET_MS)}, then PostgreSQL answers (expected the order within ${HEALTHY_READ_LIMIT_MS / 1000} s)`;
}
