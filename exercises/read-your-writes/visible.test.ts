// Visible tests for read-your-writes: what getOrderAtLeast(deps, orderId, minVersion) must do.
import { defineTests, resentWords } from '../../src/grading/api';

import { setup, read, readOne, readAll, changeStatus, placeOrder, expectAtLeast, servedByCassandra, wentWords, describeError, show } from './harness';

export default defineTests((t) => {
  t.test("returns the read model's copy when it has the caller's version", async (ctx) => {
    const s = setup(ctx);
    const ids = [...s.truth.keys()].slice(0, 3);
    const results = await readAll(s, ids.map((id) => ({ id, minVersion: s.truth.get(id)!.version })));
    results.forEach((r, i) => {
      expectAtLeast(ctx, s, ids[i], s.truth.get(ids[i])!.version, r, 'the read model is up to date');
      if (!servedByCassandra(r)) ctx.fail(`Order ${ids[i]} was read from PostgreSQL although the read model had the caller's version: keep those reads on Cassandra.`);
    });
  });

  t.test('reads PostgreSQL when the read model is behind the token', async (ctx) => {
    // The customer just paid: PostgreSQL has the new version, the processor has not applied it yet.
    const s = setup(ctx);
    const id = [...s.truth.keys()][0];
    const r = await s.world.run(async () => {
      const token = await changeStatus(s, id); // the command returns the new version: the caller's token
      return { token, outcome: await readOne(s, id, token) };
    });
    expectAtLeast(ctx, s, id, r.token, r.outcome, 'the read model still has the version before their change', true);
  });

  t.test('reads PostgreSQL when the read model does not have the order yet', async (ctx) => {
    const s = setup(ctx);
    const token = await s.world.run(() => placeOrder(s, 'o-new-1'));
    expectAtLeast(ctx, s, 'o-new-1', token, await read(s, 'o-new-1', token), 'the order was just placed and is not in the read model yet', true);
  });

  t.test("without a token (minVersion 0) the read model's row will do", async (ctx) => {
    const s = setup(ctx, { state: () => 'behind' });
    const id = [...s.truth.keys()][1];
    const r = await read(s, id, 0);
    expectAtLeast(ctx, s, id, 0, r, 'the read model is one version behind');
    if (!servedByCassandra(r)) ctx.fail(`A read without a token ${wentWords(r)} although the read model had order ${id}: only the caller's own writes need the check.`);
  });

  t.test('returns null only when PostgreSQL has no such order', async (ctx) => {
    const s = setup(ctx);
    const r = await read(s, 'o-does-not-exist', 1);
    if (!r.ok) return ctx.fail(`getOrderAtLeast("o-does-not-exist", 1) threw ${describeError(r.error)}; a missing order should give null.`);
    if (r.value !== null) ctx.fail(`getOrderAtLeast("o-does-not-exist", 1) returned ${show(r.value)}; expected null.`);
  });

  t.test('answers within 250 ms, with the id as a bound parameter, when every Cassandra node is slow', async (ctx) => {
    const s = setup(ctx);
    s.world.schedule(['A', 'B', 'C'].map((node) => ({ at: 0, kind: 'slow', node, extraMs: 3000 })));
    const id = [...s.truth.keys()][2];
    const r = await read(s, id, s.truth.get(id)!.version);
    const pasted = r.queries.find((q) => q.text.includes(id));
    if (pasted) ctx.fail(`The order id was pasted into the query text: ${pasted.text}. Use ? (CQL) or $1 (SQL) and pass [orderId].`);
    expectAtLeast(ctx, s, id, s.truth.get(id)!.version, r, 'every Cassandra node takes 3 s to answer');
    if (r.ms > 250) ctx.fail(`The read took ${r.ms} ms: a customer waited that long because Cassandra was slow (expected ≤ 250 ms).${resentWords(r)}`);
  });
});
