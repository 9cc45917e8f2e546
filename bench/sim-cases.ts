/**
 * Hidden-test-sized fault scenarios for benchmarks and the Node/Chromium determinism test:
 * learner-style code (Cassandra first with a short timeout, PostgreSQL fallback) under a fault
 * schedule drawn from the seed, then the checkers.
 */
import { checkers, createWorld, drivers } from '../src/sim/index';

const { types } = drivers['cassandra-driver'];

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
  return { seed, hash: w.traceHash(), events: w.sched.executed, ops: w.stats().ops.total, stale: v.valid === 'unknown' ? 'unknown' : !v.valid };
}
