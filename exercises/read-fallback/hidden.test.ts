// Hidden tests for read-fallback: fault scenarios, each over many seeds.
import { defineTests, seeds, type TestContext } from '../../src/grading/api';

import { type Order, type GetOrder, type Query, STATUSES, prng, type Setup, setup, type Outcome, readAll, read, isSimulationError, describeError, show, expectTruth, servedByCassandra, pick } from './harness';


export default defineTests((t) => {
  t.test(
    'healthy cluster: reads are served by Cassandra',
    {
      scenario: 'All three Cassandra nodes are up and have every order. Customers read 10 orders.',
      hint: 'The read model exists to take reads off PostgreSQL: read Cassandra first and use PostgreSQL only when Cassandra cannot answer.',
      seeds: seeds(1, 24),
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
      seeds: seeds(101, 24),
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
      seeds: seeds(201, 24),
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
      seeds: seeds(301, 22),
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
      seeds: seeds(401, 22),
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
      seeds: seeds(501, 24),
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
      seeds: seeds(601, 20),
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
      seeds: seeds(701, 20),
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
      seeds: seeds(801, 20),
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
