// Visible tests for read-fallback: what getOrder(deps, orderId) must do.
import { defineTests, resentWords, type TestContext } from '../../src/grading/api';

import { type Order, type GetOrder, type Query, STATUSES, prng, type Setup, setup, type Outcome, readAll, read, isSimulationError, describeError, show, expectTruth, servedByCassandra, pick } from './harness';

export default defineTests((t) => {
  t.test('returns an order the read model has', async (ctx) => {
    const s = setup(ctx);
    for (const id of [...s.truth.keys()].slice(0, 3)) {
      const r = await read(s, id);
      expectTruth(ctx, s, id, r, 'the cluster is healthy');
    }
  });

  t.test('asks PostgreSQL when the read model does not have the order yet', async (ctx) => {
    // The order was created a moment ago: PostgreSQL has it, the processor has not written it yet.
    const s = setup(ctx, { inReadModel: (i) => i !== 0 });
    const id = [...s.truth.keys()][0];
    expectTruth(ctx, s, id, await read(s, id), 'the read model has not received it yet');
  });

  t.test('returns null only when PostgreSQL has no such order', async (ctx) => {
    const s = setup(ctx);
    const r = await read(s, 'o-does-not-exist');
    if (!r.ok) return ctx.fail(`getOrder("o-does-not-exist") threw ${describeError(r.error)}; a missing order should give null.`);
    if (r.value !== null) ctx.fail(`getOrder("o-does-not-exist") returned ${show(r.value)}; expected null.`);
  });

  t.test('passes the order id as a bound parameter', async (ctx) => {
    const s = setup(ctx);
    const id = [...s.truth.keys()][1];
    const r = await read(s, id);
    const pasted = r.queries.find((q) => q.text.includes(id));
    if (pasted) ctx.fail(`The order id was pasted into the query text: ${pasted.text}. Use ? (CQL) or $1 (SQL) and pass [orderId].`);
    expectTruth(ctx, s, id, r, 'the cluster is healthy');
  });

  t.test('answers within 250 ms when every Cassandra node is slow', async (ctx) => {
    const s = setup(ctx);
    s.world.schedule(['A', 'B', 'C'].map((node) => ({ at: 0, kind: 'slow', node, extraMs: 3000 })));
    const id = [...s.truth.keys()][2];
    const r = await read(s, id);
    expectTruth(ctx, s, id, r, 'every Cassandra node takes 3 s to answer');
    if (r.ms > 250) ctx.fail(`The read took ${r.ms} ms: a customer waited that long because Cassandra was slow (expected ≤ 250 ms).${resentWords(r)}`);
  });
});
