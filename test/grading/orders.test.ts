/**
 * The shared orders fixture of the authors' API (src/grading/orders.ts): an order's row, its short
 * form in messages, random orders from a test's seed, and placing an order in PostgreSQL and the read
 * model in the state a scenario needs — checked through what learner code would see (pg queries and
 * driver reads at ONE and QUORUM), since that is what a harness relies on.
 */
import { describe, expect, it } from 'vitest';
import { orderRow, prng, putOrder, randomOrder, showOrder, type Order } from '../../src/grading/api';
import { createWorld, drivers } from '../../src/sim/index';

const CL = drivers['cassandra-driver'].types.consistencies;
const STATUSES = ['placed', 'paid', 'packed', 'shipped'];
const order: Order = { id: "o'7", customerId: 'c-3', status: 'packed', total: 19.5, version: 2 };
const previous: Order = { ...order, status: 'paid', version: 1 };

/** What a learner's code would read: PostgreSQL's row, and the status through each node at `cl`. */
async function observe(state: Parameters<typeof putOrder>[2]) {
  const w = createWorld({ seed: 3 });
  putOrder(w, order, state);
  const pool = w.pgPool({ id: 'api' });
  const read = async (node: string, cl: number) => {
    const c = w.cassandraClient({ zone: node, contactPoints: [node], failover: false, id: `api-${node}-${cl}` });
    const rs = await c.execute('SELECT status, version FROM orders WHERE id = ?', [order.id], { prepare: true, consistency: cl });
    const row = rs.first();
    return row ? `${String(row.get('status'))}@${Number(row.get('version'))}` : null;
  };
  return w.run(async () => {
    const pg = (await pool.query('SELECT id, customer_id, status, total, version FROM orders WHERE id = $1', [order.id])).rows;
    const one: Record<string, string | null> = {};
    for (const n of ['A', 'B', 'C']) one[n] = await read(n, CL.one);
    const quorumThroughA = await read('A', CL.quorum);
    return { pg, one, quorumThroughA };
  });
}

describe('orders fixture', () => {
  it("orderRow gives the stores' column names; showOrder the short form failure messages use", () => {
    expect(orderRow(order)).toEqual({ id: "o'7", customer_id: 'c-3', status: 'packed', total: 19.5, version: 2 });
    expect(showOrder(order)).toBe('{ id: "o\'7", status: "packed", version: 2 }');
    expect(showOrder(null)).toBe('null');
    expect(showOrder(undefined)).toBe('undefined');
  });

  it('randomOrder: the status of its version, a customer among `customers`, the same order for the same seed', () => {
    const make = (seed: number) => {
      const r = prng(seed);
      return Array.from({ length: 30 }, (_, i) => randomOrder(r, { id: `o-${i}`, version: i % 4, statuses: STATUSES, customers: 5, total: () => 1 + r(100) }));
    };
    const os = make(11);
    for (const o of os) {
      expect(o.status).toBe(STATUSES[o.version]);
      expect(o.customerId).toMatch(/^c-[1-5]$/);
      expect(o.total).toBeGreaterThanOrEqual(1);
    }
    expect(new Set(os.map((o) => o.customerId)).size).toBeGreaterThan(1);
    expect(make(11)).toEqual(os);
    expect(make(12)).not.toEqual(os);
  });

  it("'current' (the default): PostgreSQL and every replica have the order", async () => {
    const o = await observe(undefined);
    expect(o.pg).toEqual([orderRow(order)]);
    expect(o.one).toEqual({ A: 'packed@2', B: 'packed@2', C: 'packed@2' });
    expect(o.quorumThroughA).toBe('packed@2');
  });

  it("'missing': only PostgreSQL has it — the read model has not received it yet", async () => {
    const o = await observe('missing');
    expect(o.pg).toEqual([orderRow(order)]);
    expect(o.one).toEqual({ A: null, B: null, C: null });
    expect(o.quorumThroughA).toBeNull();
  });

  it("{ behind }: every replica has the older version, PostgreSQL the current one", async () => {
    const o = await observe({ behind: previous });
    expect(o.pg).toEqual([orderRow(order)]);
    expect(o.one).toEqual({ A: 'paid@1', B: 'paid@1', C: 'paid@1' });
    expect(o.quorumThroughA).toBe('paid@1');
  });

  it('{ staleOn, previous }: those replicas alone answer with the older version at ONE; a QUORUM read gets the current one (its write timestamp is the higher)', async () => {
    const o = await observe({ staleOn: ['A'], previous });
    expect(o.pg).toEqual([orderRow(order)]);
    expect(o.one).toEqual({ A: 'paid@1', B: 'packed@2', C: 'packed@2' });
    expect(o.quorumThroughA).toBe('packed@2');
  });
});
