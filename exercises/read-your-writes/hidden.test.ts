// Hidden tests for read-your-writes: the processor lagging, zone partitions, slow and failed stores,
// each over many seeds.
import { defineTests, seeds } from '../../src/grading/api';

import {
  type Outcome, type Read, setup, readAll, readOne, changeStatus, placeOrder, catchUp,
  expectAtLeast, servedByCassandra, pick, prng, describeError, show,
} from './harness';


export default defineTests((t) => {
  t.test(
    'healthy cluster: most reads are served by Cassandra',
    {
      scenario:
        'All three Cassandra nodes are up and the processor has caught up. Customers read 12 orders: half carry the token of their last change, some an older token, some none.',
      hint: 'The read model exists to take reads off PostgreSQL. A row whose version is at least the token (>=, not >) already contains the caller\'s change: return it.',
      seeds: seeds(1, 24),
    },
    async (ctx) => {
      const s = setup(ctx);
      const ids = [...s.truth.keys()];
      const reads: Read[] = Array.from({ length: 12 }, (_, i) => {
        const id = pick(s.rand, ids);
        const v = s.truth.get(id)!.version;
        return { id, minVersion: i % 2 === 0 ? v : i % 4 === 1 ? 1 + s.rand(v - 1) : 0 };
      });
      let fromCassandra = 0;
      (await readAll(s, reads)).forEach((r, i) => {
        expectAtLeast(ctx, s, reads[i].id, reads[i].minVersion, r, 'the cluster is healthy and up to date');
        if (servedByCassandra(r)) fromCassandra++;
      });
      if (fromCassandra < reads.length * 0.9) {
        ctx.fail(
          `Only ${fromCassandra} of ${reads.length} reads were served by Cassandra although it had every order at the callers' versions: the rest loaded PostgreSQL, the source of truth the read model is there to protect (seed ${ctx.seed}).`,
        );
      }
    },
  );

  t.test(
    'processor lagging: the read model still has the version before the caller\'s change',
    {
      scenario:
        'Customers pay for, or change, their orders and reload the order page at once: PostgreSQL has the new version, but the processor has not applied the event to Cassandra yet, which still holds the previous version.',
      hint: 'A row is not enough: compare its version with the token. An older row means the read model is behind for this caller; read PostgreSQL instead.',
      seeds: seeds(101, 22),
    },
    async (ctx) => {
      // Some orders were already behind when the test started; others are changed now.
      const s = setup(ctx, { state: (i) => (i % 3 === 0 ? 'behind' : 'current') });
      const ids = [...s.truth.keys()];
      const out = await s.world.run(async () => {
        const res: { id: string; token: number; r: Outcome }[] = [];
        for (const id of [ids[0], ids[1], ids[3], ids[2]]) {
          const token = s.readModel.get(id) === s.truth.get(id)!.version ? await changeStatus(s, id) : s.truth.get(id)!.version;
          res.push({ id, token, r: await readOne(s, id, token) });
        }
        return res;
      });
      for (const { id, token, r } of out) {
        expectAtLeast(ctx, s, id, token, r, `the read model still has version ${token - 1}`, true);
      }
    },
  );

  t.test(
    'processor lagging: an order just placed is not in the read model yet',
    {
      scenario:
        'Customers place orders and open the confirmation page at once (with the token), or open the order from another device (without one): PostgreSQL has it, Cassandra not yet. A moment later the processor catches up and they reload.',
      hint: 'No row in Cassandra proves only that the processor has not written it yet: ask PostgreSQL before saying "no such order". Once the row is there at the token\'s version, Cassandra answers again.',
      seeds: seeds(201, 22),
    },
    async (ctx) => {
      const s = setup(ctx);
      const r0 = prng(ctx.seed);
      const fresh = [`o-${2000 + r0(500)}`, `o-${3000 + r0(500)}`];
      const first = await s.world.run(async () => {
        const tokens = [await placeOrder(s, fresh[0]), await placeOrder(s, fresh[1])];
        const reads: Read[] = [{ id: fresh[0], minVersion: tokens[0] }, { id: fresh[1], minVersion: 0 }];
        const res: Outcome[] = [];
        for (const { id, minVersion } of reads) res.push(await readOne(s, id, minVersion));
        return { reads, res };
      });
      first.res.forEach((r, i) => expectAtLeast(ctx, s, first.reads[i].id, first.reads[i].minVersion, r, 'the order was just placed and is not in the read model yet', true));
      // The processor catches up.
      fresh.forEach((id) => catchUp(s, id));
      const again = await readAll(s, first.reads);
      again.forEach((r, i) => {
        const { id, minVersion } = first.reads[i];
        expectAtLeast(ctx, s, id, minVersion, r, 'the processor has caught up');
        if (!servedByCassandra(r)) {
          ctx.fail(`Once the processor had written order ${id} into Cassandra, reloading it still went to PostgreSQL: the read model had the caller's version (seed ${ctx.seed}).`);
        }
      });
    },
  );

  t.test(
    'one replica missed the update: QUORUM still serves the new version from Cassandra',
    {
      scenario:
        'Node A, in the API\'s own zone, missed the last update of every order; nodes B and C have it. Customers read 6 orders with the token of their last change.',
      hint: 'At ONE the coordinator in zone A answers from its own replica, which is behind, so every read ends up in PostgreSQL. At QUORUM it also asks B or C and returns the newest version.',
      seeds: seeds(301, 20),
    },
    async (ctx) => {
      const s = setup(ctx, { state: () => 'stale-on-a' });
      const ids = [...s.truth.keys()].slice(0, 6);
      let fromCassandra = 0;
      (await readAll(s, ids.map((id) => ({ id, minVersion: s.truth.get(id)!.version })))).forEach((r, i) => {
        expectAtLeast(ctx, s, ids[i], s.truth.get(ids[i])!.version, r, 'node A missed the last update', true);
        if (servedByCassandra(r)) fromCassandra++;
      });
      if (fromCassandra < ids.length * 0.8) {
        ctx.fail(
          `Only ${fromCassandra} of ${ids.length} reads were served by Cassandra although two of its three replicas had the callers' versions: the rest loaded PostgreSQL (seed ${ctx.seed}).`,
        );
      }
    },
  );

  t.test(
    'zone A cut off: the caller still sees their own write',
    {
      scenario:
        'Zone A (with the API and Cassandra node A) is cut off from zones B and C; PostgreSQL is still reachable. Node A missed the last update of some orders, and customers keep changing orders. They read them with their tokens.',
      hint: 'An isolated coordinator answers Unavailable at QUORUM, or nothing at all: catch the error, or give up after about 100 ms, and read PostgreSQL.',
      seeds: seeds(401, 22),
    },
    async (ctx) => {
      const s = setup(ctx, { state: (i) => (i < 4 ? 'stale-on-a' : 'current') });
      const ids = [...s.truth.keys()];
      s.world.schedule([{ at: s.world.now, kind: 'isolate', zone: 'A' }]);
      // Sometimes the failure detector has already convicted B and C, sometimes not yet.
      const settle = ctx.seed % 2 === 0 ? 25_000 : 500 + s.rand(3000);
      await s.world.run(() => s.world.sleep(settle));
      const out = await s.world.run(async () => {
        const res: { id: string; token: number; r: Outcome }[] = [];
        for (const id of [ids[0], ids[5], ids[2]]) {
          const token = s.readModel.get(id) === s.truth.get(id)!.version && id === ids[5] ? await changeStatus(s, id) : s.truth.get(id)!.version;
          res.push({ id, token, r: await readOne(s, id, token) });
        }
        return res;
      });
      for (const { id, token, r } of out) {
        expectAtLeast(ctx, s, id, token, r, 'zone A is cut off from B and C', true);
        if (r.ms > 1000) ctx.fail(`Reading order ${id} took ${r.ms} ms while zone A was cut off (expected under a second) (seed ${ctx.seed}).`);
      }
    },
  );

  t.test(
    'zone B or C cut off: reads with a token are still served by Cassandra',
    {
      scenario: 'Zone B or zone C is cut off from the rest; the API (zone A) still reaches two of the three replicas. Customers read 8 orders with their tokens.',
      hint: 'QUORUM needs 2 of 3 replicas, so it survives one zone. ALL needs every replica and sends every read to PostgreSQL as soon as one zone is gone.',
      seeds: seeds(501, 20),
    },
    async (ctx) => {
      const s = setup(ctx);
      const zone = ctx.seed % 2 === 0 ? 'B' : 'C';
      s.world.schedule([{ at: s.world.now, kind: 'isolate', zone }]);
      // Once the failure detector has convicted the cut-off node, coordinators stop waiting for it.
      await s.world.run(() => s.world.sleep(25_000));
      const ids = [...s.truth.keys()];
      const reads = Array.from({ length: 8 }, () => pick(s.rand, ids)).map((id) => ({ id, minVersion: s.truth.get(id)!.version }));
      let fromCassandra = 0;
      (await readAll(s, reads)).forEach((r, i) => {
        expectAtLeast(ctx, s, reads[i].id, reads[i].minVersion, r, `zone ${zone} is cut off`, true);
        if (servedByCassandra(r)) fromCassandra++;
      });
      if (fromCassandra < reads.length * 0.8) {
        ctx.fail(
          `With only zone ${zone} cut off, just ${fromCassandra} of ${reads.length} reads were served by Cassandra: two replicas were reachable and up to date, yet the load went to PostgreSQL (seed ${ctx.seed}).`,
        );
      }
    },
  );

  t.test(
    'slow coordinator: reads answer within 250 ms',
    {
      scenario: 'Cassandra node A, the API\'s coordinator, answers 2–5 seconds late (a long GC pause, a saturated disk); sometimes another node too. Customers read orders with their tokens.',
      hint: 'Without readTimeout the driver waits up to 12 s. Give Cassandra about 100 ms (`readTimeout: 100`), then ask PostgreSQL.',
      seeds: seeds(601, 22),
    },
    async (ctx) => {
      const s = setup(ctx, { state: (i) => (i === 1 ? 'behind' : 'current') });
      const nodes = ctx.seed % 2 === 0 ? ['A'] : pick(s.rand, [['A', 'B'], ['A', 'C'], ['A', 'B', 'C']]);
      s.world.schedule(nodes.map((node) => ({ at: s.world.now, kind: 'slow', node, extraMs: 2000 + s.rand(3000) })));
      const ids = [...s.truth.keys()].slice(0, 3);
      for (const [i, r] of (await readAll(s, ids.map((id) => ({ id, minVersion: s.truth.get(id)!.version })))).entries()) {
        const id = ids[i];
        expectAtLeast(ctx, s, id, s.truth.get(id)!.version, r, `nodes ${nodes.join(', ')} answer seconds late`, true);
        if (r.ms > 250) {
          ctx.fail(
            `A customer waited ${r.ms} ms for order ${id} because Cassandra node${nodes.length > 1 ? 's' : ''} ${nodes.join(', ')} ${nodes.length > 1 ? 'were' : 'was'} slow; PostgreSQL could have answered in a few ms (expected ≤ 250 ms) (seed ${ctx.seed}).`,
          );
        }
      }
    },
  );

  t.test(
    'Cassandra down: reads with a token answered from PostgreSQL',
    {
      scenario: 'All three Cassandra nodes crash while customers keep changing and reading their orders.',
      hint: 'Catch the driver\'s error (NoHostAvailableError, Unavailable, a timeout) and read PostgreSQL instead of passing the error to the customer.',
      seeds: seeds(701, 20),
    },
    async (ctx) => {
      const s = setup(ctx);
      const at = s.world.now + s.rand(2000);
      s.world.schedule(['A', 'B', 'C'].map((node) => ({ at, kind: 'crash', node })));
      await s.world.run(() => s.world.sleep(2500));
      const ids = [...s.truth.keys()].slice(0, 3);
      const out = await s.world.run(async () => {
        const res: { id: string; token: number; r: Outcome }[] = [];
        for (const [i, id] of ids.entries()) {
          const token = i === 1 ? await changeStatus(s, id) : s.truth.get(id)!.version;
          res.push({ id, token, r: await readOne(s, id, token) });
        }
        return res;
      });
      for (const { id, token, r } of out) {
        expectAtLeast(ctx, s, id, token, r, 'every Cassandra node is down', true);
        if (r.ms > 1000) ctx.fail(`Reading order ${id} took ${r.ms} ms with Cassandra down (expected under a second) (seed ${ctx.seed}).`);
      }
    },
  );

  t.test(
    'PostgreSQL down, read model up to date: reads are still served',
    {
      scenario: 'PostgreSQL is down for maintenance; Cassandra is healthy and has every order at the callers\' versions. Customers read orders, with and without tokens.',
      hint: 'When the read model\'s row is at least the token\'s version, return it: do not ask PostgreSQL as well.',
      seeds: seeds(801, 20),
    },
    async (ctx) => {
      const s = setup(ctx);
      s.world.schedule([{ at: s.world.now, kind: 'pg', state: 'down' }]);
      const ids = [...s.truth.keys()].slice(0, 3);
      const reads = ids.map((id, i) => ({ id, minVersion: i === 2 ? 0 : s.truth.get(id)!.version }));
      (await readAll(s, reads)).forEach((r, i) =>
        expectAtLeast(ctx, s, reads[i].id, reads[i].minVersion, r, 'PostgreSQL is down but the read model has the order'),
      );
    },
  );

  t.test(
    "PostgreSQL down, read model behind: the read fails loudly, never an older order or 'no such order'",
    {
      scenario:
        'PostgreSQL is down, and the processor has not caught up: Cassandra has an older version of some orders and none of others. Customers read them with the tokens of their last changes.',
      hint: 'Nobody can show this caller their change now. Let PostgreSQL\'s error propagate (the API answers 503 and the customer retries): returning the older row hides their change, and null denies an order that exists.',
      seeds: seeds(901, 20),
    },
    async (ctx) => {
      const s = setup(ctx, { state: (i) => ((i + ctx.seed) % 2 === 0 ? 'behind' : 'missing') });
      s.world.schedule([{ at: s.world.now, kind: 'pg', state: 'down' }]);
      const ids = [...s.truth.keys()].slice(0, 3);
      for (const [i, r] of (await readAll(s, ids.map((id) => ({ id, minVersion: s.truth.get(id)!.version })))).entries()) {
        const id = ids[i];
        const token = s.truth.get(id)!.version;
        if (!r.ok) continue;
        const value = r.value;
        if (value === null || value === undefined) {
          return ctx.fail(`A customer holding a token for version ${token} of order ${id} was told the order does not exist while PostgreSQL was down: nobody could check. Throw instead (the API answers 503, not 404) (seed ${ctx.seed}).`);
        }
        if (value.version < token) {
          ctx.fail(`A customer holding a token for version ${token} of order ${id} was shown ${show(value)} while PostgreSQL was down: their change seemed lost. Throw instead (the API answers 503 and they retry) (seed ${ctx.seed}).`);
        }
      }
    },
  );

  t.test(
    "an older token or no token: the read model's copy is good enough",
    {
      scenario:
        'The read model is up to date for most orders and one version behind for some. Customers read orders with an older token (someone else changed the order since, or the token belongs to another order), or with no token at all; a few orders are not in the read model yet.',
      hint: 'The check is "at least the token", not "exactly the token". Without a token (minVersion 0) any row will do; but no row still means "ask PostgreSQL", not "no such order".',
      seeds: seeds(1001, 20),
    },
    async (ctx) => {
      const s = setup(ctx, { state: (i) => (i === 6 ? 'missing' : i % 3 === 1 ? 'behind' : 'current') });
      const ids = [...s.truth.keys()];
      const reads: Read[] = [
        { id: ids[0], minVersion: s.truth.get(ids[0])!.version - 1 },  // someone changed it since this caller's token
        { id: ids[1], minVersion: 0 },                                   // no token; the read model is one version behind
        { id: ids[2], minVersion: 1 },                                   // a token from another order (version 1)
        { id: ids[4], minVersion: 0 },
        { id: ids[3], minVersion: 1 + s.rand(s.truth.get(ids[3])!.version) },
        { id: ids[6], minVersion: 0 },                                   // not in the read model yet, no token
        { id: ids[5], minVersion: s.rand(2) },
      ];
      let fromCassandra = 0;
      let inReadModel = 0;
      (await readAll(s, reads)).forEach((r, i) => {
        const { id, minVersion } = reads[i];
        expectAtLeast(ctx, s, id, minVersion, r, s.readModel.get(id) ? `the read model has version ${s.readModel.get(id)}` : 'the order is not in the read model yet');
        if (s.readModel.get(id)! >= minVersion && s.readModel.get(id)! > 0) {
          inReadModel++;
          if (servedByCassandra(r)) fromCassandra++;
        }
      });
      if (fromCassandra < inReadModel) {
        ctx.fail(
          `Only ${fromCassandra} of ${inReadModel} reads the read model could answer (its row was at least the caller's token, or there was no token) were served by Cassandra; the rest loaded PostgreSQL for nothing (seed ${ctx.seed}).`,
        );
      }
    },
  );

  t.test(
    'order ids containing quotes are bound parameters',
    {
      scenario: "Customers read orders whose ids contain quotes, e.g. o'brien-7, with their tokens (some are current in the read model, some behind, some only in PostgreSQL).",
      hint: "Never paste input into a query. Cassandra: `execute('… WHERE id = ?', [orderId], { prepare: true })`; PostgreSQL: `query('… WHERE id = $1', [orderId])`.",
      seeds: seeds(1101, 20),
    },
    async (ctx) => {
      const r0 = prng(ctx.seed);
      const ids = [`o'brien-${r0(90)}`, `x' OR 'a'='a-${r0(90)}`, `it's-"${r0(90)}"`, `o-${r0(900)}`];
      const states = ['current', 'behind', 'missing'] as const;
      const s = setup(ctx, { ids, state: (i) => states[(i + ctx.seed) % 3] });
      for (const [i, r] of (await readAll(s, ids.map((id) => ({ id, minVersion: s.truth.get(id)!.version })))).entries()) {
        const id = ids[i];
        const pasted = r.queries.find((q) => q.text.includes(id) || (Array.isArray(q.literals) && q.literals.some((l) => String(l).includes(id.slice(0, 4)))));
        if (pasted) {
          ctx.fail(
            `The order id ${JSON.stringify(id)} was pasted into the query text (${pasted.driver}: ${pasted.text}): a quote in it breaks the query, and a crafted id could read other customers' orders. Pass it as a bound parameter (seed ${ctx.seed}).`,
          );
        }
        if (!r.ok) ctx.fail(`Reading order ${JSON.stringify(id)} failed (${describeError(r.error)}): its id contains quotes (seed ${ctx.seed}).`);
        expectAtLeast(ctx, s, id, s.truth.get(id)!.version, r, 'its id contains quotes', true);
      }
    },
  );
});
