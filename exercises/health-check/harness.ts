import { defineTests, prng, type TestContext, type World, type Query, type Fault } from '../../src/grading/api';

export type { Query };

// Shared by visible.test.ts and hidden.test.ts of health-check: the simulator fixtures and checks both use.
export type Order = { id: string; customerId: string; status: string; total: number; version: number };
export type Health = 'healthy' | 'degraded' | 'unavailable';
export interface Cluster {
  checkHealth(): Promise<Health>;
  readWithFallback(orderId: string): Promise<Order | null>;
}

export const STATUSES = ['pending', 'paid', 'packed', 'shipped', 'delivered'];
/** Cassandra's failure detector convicts a silent peer after ~18 s; waiting this long lets it. */
export const FD_SETTLED_MS = 25_000;

export { prng };

export type Setup = { world: World; cluster: Cluster; truth: Map<string, Order>; ids: string[]; rand: (n: number) => number };

/** Six orders in PostgreSQL (all but `missing` also in Cassandra); the API runs in zone A. */
export function setup(ctx: TestContext, opts: { missing?: number[] } = {}): Setup {
  const world = ctx.world({});
  const rand = prng(ctx.seed);
  const truth = new Map<string, Order>();
  const ids: string[] = [];
  for (let i = 0; i < 6; i++) {
    const id = `o-${200 + i * 11 + rand(10)}`;
    const version = 1 + rand(4);
    const o: Order = { id, customerId: `c-${1 + rand(50)}`, status: STATUSES[version], total: 10 + rand(300), version };
    truth.set(id, o);
    ids.push(id);
    const row = { id, customer_id: o.customerId, status: o.status, total: o.total, version };
    world.pgInsert('orders', row);
    if (!opts.missing?.includes(i)) world.cassandraPut('orders', row, { timestampUs: version });
  }
  const deps = {
    cassandra: world.cassandraClient({ zone: 'A', contactPoints: ['A'], failover: true, id: 'api-a' }),
    pg: world.pgPool({ id: 'api' }),
  };
  const { CassandraCluster } = ctx.load<{ CassandraCluster: new (deps: unknown) => Cluster }>();
  return { world, cluster: new CassandraCluster(deps), truth, ids, rand };
}

export function isSimulationError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'SimulationError';
}
export function describeError(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

export type Timed<T> = { ok: true; value: T; ms: number; queries: Query[] } | { ok: false; error: unknown; ms: number; queries: Query[] };

export async function timed<T>(s: Setup, fn: () => Promise<T>): Promise<Timed<T>> {
  const q0 = s.world.queries.length;
  const t0 = s.world.now;
  try {
    const value = await s.world.run(fn);
    return { ok: true, value, ms: s.world.now - t0, queries: s.world.queries.slice(q0) };
  } catch (error) {
    if (isSimulationError(error)) throw error;
    return { ok: false, error, ms: s.world.now - t0, queries: s.world.queries.slice(q0) };
  }
}

/** checkHealth(), failing the test if it throws. */
export async function health(ctx: TestContext, s: Setup, situation: string): Promise<{ value: Health; ms: number; queries: Query[] }> {
  const r = await timed(s, () => s.cluster.checkHealth());
  if (!r.ok) ctx.fail(`checkHealth() threw ${describeError(r.error)} when ${situation}; it should return a verdict, not throw (seed ${ctx.seed}).`);
  return r as { value: Health; ms: number; queries: Query[] };
}

export const cassandraQueries = (qs: Query[]) => qs.filter((q) => q.driver === 'cassandra');

export function show(o: Order | null | undefined): string {
  return o ? `{ id: ${JSON.stringify(o.id)}, status: ${JSON.stringify(o.status)}, version: ${o.version} }` : String(o);
}

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
