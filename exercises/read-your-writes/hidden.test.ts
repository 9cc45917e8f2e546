// Hidden tests for read-your-writes: the processor lagging, zone partitions, slow and failed stores,
// each over many seeds.
import { defineTests, fc, gen, seeds, words, resentWords, type Outage, type TestContext } from '../../src/grading/api';
import meta from './meta.json';

import {
  type Outcome, type Read, setup, read, readAll, readOne, changeStatus, placeOrder, catchUp, deleteOrder,
  expectAtLeast, expectQuorumReads, servedByCassandra, restWords, wentWords, pick, prng, describeError, show, type ReadModelState,
} from './harness';


export default defineTests((t) => {
  t.test(
    'healthy cluster: most reads are served by Cassandra',
    {
      scenario:
        'All three Cassandra nodes are up and the processor has caught up. Customers read 12 orders: half carry the token of their last change, some an older token, some none.',
      hint: 'The read model exists to take reads off PostgreSQL. A row whose version is at least the token (>=, not >) already contains the caller\'s change: return it.',
      seeds: seeds(1, 3),
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
      const results = await readAll(s, reads);
      results.forEach((r, i) => {
        expectAtLeast(ctx, s, reads[i].id, reads[i].minVersion, r, 'the cluster is healthy and up to date');
        if (servedByCassandra(r)) fromCassandra++;
      });
      if (fromCassandra < reads.length * 0.9) {
        ctx.fail(
          `Only ${fromCassandra} of ${reads.length} reads were served by Cassandra although it had every order at the callers' versions: ${restWords(results, 'the rest loaded PostgreSQL, the source of truth the read model is there to protect')} (seed ${ctx.seed}).`,
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
      seeds: seeds(101, 3),
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
        'Customers place orders and open the confirmation page at once (with the token), or open the order from another device (without one): PostgreSQL has it, Cassandra not yet. One of those pages was first opened a moment before its order was placed (no such order yet). A moment later the processor catches up and they reload.',
      hint: 'No row in Cassandra proves only that the processor has not written it yet: ask PostgreSQL before saying "no such order". Once the row is there at the token\'s version, Cassandra answers again.',
      seeds: seeds(201, 3),
    },
    async (ctx) => {
      const s = setup(ctx);
      const r0 = prng(ctx.seed);
      const fresh = [`o-${2000 + r0(500)}`, `o-${3000 + r0(500)}`];
      // Opened too early: neither store has the order yet, so null is right, and says nothing about the next read.
      const early = await read(s, fresh[1], 0);
      if (!early.ok || early.value !== null) {
        ctx.fail(`getOrderAtLeast("${fresh[1]}", 0) ${early.ok ? `returned ${show(early.value)}` : `threw ${describeError(early.error)}`} before the order was placed, when PostgreSQL had no such order: return null (seed ${ctx.seed}).`);
      }
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
          ctx.fail(`Once the processor had written order ${id} into Cassandra, reloading it still ${wentWords(r)}: the read model had the caller's version (seed ${ctx.seed}).`);
        }
      });
    },
  );

  t.test(
    'one replica missed the update: QUORUM still serves the new version from Cassandra',
    {
      scenario:
        'Node A, in the API\'s own zone, missed the last update of every order; nodes B and C have it. Customers read 6 orders with the token of their last change.',
      hint: 'At ONE a single replica answers, usually the coordinator\'s own: here node A, which is behind, so every read ends up in PostgreSQL. At QUORUM it also asks B or C and returns the newest version.',
      seeds: seeds(301, 3),
    },
    async (ctx) => {
      const s = setup(ctx, { state: () => 'stale-on-a' });
      const ids = [...s.truth.keys()].slice(0, 6);
      let fromCassandra = 0;
      const results = await readAll(s, ids.map((id) => ({ id, minVersion: s.truth.get(id)!.version })));
      results.forEach((r, i) => {
        expectAtLeast(ctx, s, ids[i], s.truth.get(ids[i])!.version, r, 'node A missed the last update', true);
        if (servedByCassandra(r)) fromCassandra++;
      });
      if (fromCassandra < ids.length * 0.8) {
        ctx.fail(
          `Only ${fromCassandra} of ${ids.length} reads were served by Cassandra although two of its three replicas had the callers' versions: ${restWords(results, 'the rest loaded PostgreSQL')} (seed ${ctx.seed}).`,
        );
      }
    },
  );

  t.test(
    'zone A cut off: the caller still sees their own write',
    {
      scenario:
        'Zone A (with the API and Cassandra node A) is cut off from zones B and C; PostgreSQL is still reachable. Node A missed the last update of some orders, and customers keep changing orders. They read them with their tokens.',
      hint: 'An isolated coordinator answers Unavailable at QUORUM, or nothing until its ReadTimeout after 5 s: catch the error, or give up after about 100 ms, and read PostgreSQL.',
      seeds: seeds(401, 3),
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
      seeds: seeds(501, 3),
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
      const results = await readAll(s, reads);
      results.forEach((r, i) => {
        expectAtLeast(ctx, s, reads[i].id, reads[i].minVersion, r, `zone ${zone} is cut off`, true);
        if (servedByCassandra(r)) fromCassandra++;
      });
      if (fromCassandra < reads.length * 0.8) {
        ctx.fail(
          `With only zone ${zone} cut off, just ${fromCassandra} of ${reads.length} reads were served by Cassandra: two replicas were reachable and up to date, yet ${restWords(results, 'the load went to PostgreSQL')} (seed ${ctx.seed}).`,
        );
      }
    },
  );

  t.test(
    'slow coordinator: reads answer within 250 ms',
    {
      scenario: 'Cassandra node A, the API\'s coordinator, answers 2–5 seconds late (a long GC pause, a saturated disk); sometimes another node too. Customers read orders with their tokens.',
      hint: 'Without readTimeout the driver waits up to 12 s. Give Cassandra about 100 ms (`readTimeout: 100`), then ask PostgreSQL.',
      seeds: seeds(601, 3),
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
            `A customer waited ${r.ms} ms for order ${id} because Cassandra node${nodes.length > 1 ? 's' : ''} ${nodes.join(', ')} ${nodes.length > 1 ? 'were' : 'was'} slow; PostgreSQL could have answered in a few ms (expected ≤ 250 ms) (seed ${ctx.seed}).${resentWords(r)}`,
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
      seeds: seeds(701, 3),
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
      seeds: seeds(801, 3),
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
      seeds: seeds(901, 3),
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
      hint: 'The check is "at least the token", not "exactly the token". Without a token (minVersion 0) whatever row the QUORUM read returns will do; but no row still means "ask PostgreSQL", not "no such order".',
      seeds: seeds(1001, 3),
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
      const answerable: Outcome[] = [];
      (await readAll(s, reads)).forEach((r, i) => {
        const { id, minVersion } = reads[i];
        expectAtLeast(ctx, s, id, minVersion, r, s.readModel.get(id) ? `the read model has version ${s.readModel.get(id)}` : 'the order is not in the read model yet');
        if (s.readModel.get(id)! >= minVersion && s.readModel.get(id)! > 0) {
          inReadModel++;
          answerable.push(r);
          if (servedByCassandra(r)) fromCassandra++;
        }
      });
      if (fromCassandra < inReadModel) {
        ctx.fail(
          `Only ${fromCassandra} of ${inReadModel} reads the read model could answer (its row was at least the caller's token, or there was no token) were served by Cassandra; ${restWords(answerable, 'the rest loaded PostgreSQL for nothing')} (seed ${ctx.seed}).`,
        );
      }
    },
  );

  t.test(
    'order ids containing quotes are bound parameters',
    {
      scenario: "Customers read orders whose ids contain quotes, e.g. o'brien-7, with their tokens (some are current in the read model, some behind, some only in PostgreSQL).",
      hint: "Never paste input into a query. Cassandra: `execute('… WHERE id = ?', [orderId], { prepare: true })`; PostgreSQL: `query('… WHERE id = $1', [orderId])`.",
      seeds: seeds(1101, 3),
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

  // ── Properties: each task sentence over generated scenarios ─────────────────────────────────────
  properties(t);
});

// ── The property phase ───────────────────────────────────────────────────────────────────────────
// Each property builds a generated world — 1–4 orders, each current in the read model, a version behind,
// missing, or stale on node A only; reads with no token, a token for the previous or the current version,
// or a token the caller got by changing the order just now; Cassandra healthy or in any outage (reads
// during it or after the failure detector convicted); PostgreSQL up or down — and checks the answers
// against the task's sentence it is named by.

function task(id: string): string {
  const x = meta.tasks.find((k: { id: string }) => k.id === id);
  if (!x) throw new Error(`exercises/read-your-writes/meta.json has no task "${id}"`);
  return x.text;
}

type Token = 'none' | 'previous' | 'current' | 'own-change';
type Scenario = {
  orders: ReadModelState[];
  reads: { order: number; token: Token }[];
  outage: Outage | null;
  readAt: number;
  pgDown: boolean;
};

const STATE_WORDS: Record<ReadModelState, string> = {
  current: 'current in the read model',
  behind: 'one version behind in the read model',
  missing: 'not in the read model yet',
  'stale-on-a': 'current on nodes B and C, a version behind on node A',
};
const TOKEN_WORDS: Record<Token, string> = {
  none: 'with no token',
  previous: 'with a token for the version before the current one',
  current: 'with a token for the current version',
  'own-change': 'right after changing it (token = the new version, which the read model does not have)',
};

function scenarioWords(c: Scenario): string {
  const orders = c.orders.map((st, i) => `order #${i + 1} is ${STATE_WORDS[st]}`);
  const reads = c.reads.map((r) => `order #${r.order + 1} ${TOKEN_WORDS[r.token]}`);
  const faults = c.outage ? `${words.outage(c.outage)}, and the reads start ${words.ms(c.readAt)} after it began` : 'Cassandra is healthy';
  return `${words.list(orders)}; ${faults}; PostgreSQL is ${c.pgDown ? 'down' : 'up'}; a customer in zone A reads ${words.list(reads)}.`;
}

function scenarios(o: { states?: ReadModelState[]; tokens?: Token[]; outage: fc.Arbitrary<Outage | null>; pgDown?: boolean }): fc.Arbitrary<Scenario> {
  const states = o.states ?? ['current', 'behind', 'missing', 'stale-on-a'];
  const tokens = o.tokens ?? ['none', 'previous', 'current', 'own-change'];
  return fc.array(fc.constantFrom(...states), { minLength: 1, maxLength: 4 }).chain((orders) =>
    fc.record({
      orders: fc.constant(orders),
      reads: fc.array(fc.record({ order: fc.nat(orders.length - 1), token: fc.constantFrom(...tokens) }), { minLength: 1, maxLength: 3 }),
      outage: o.outage,
      readAt: fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 20_000, max: 30_000 })),
      pgDown: fc.constant(!!o.pgDown),
    }),
  );
}

const anyOutage = gen.outage({ at: [0, 0], forMs: [40_000, 40_000], extraMs: [300, 5000] });
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null, freq: 4 });

/** Builds the world of a scenario and runs its reads (own changes first, each just before its read). */
async function play(ctx: TestContext, c: Scenario, ids?: string[]) {
  // One case in three has orders at versions 9–12, so a token and a row straddle 9 and 10: "at least" is a
  // comparison of numbers ('10' < '9' as strings).
  const high = ctx.seed % 3 === 0;
  const s = setup(ctx, { ids: ids ?? c.orders.map((_, i) => `o-${100 + i * 7 + (ctx.seed % 5)}`), state: (i) => c.orders[i], firstVersion: high ? 9 : 2 });
  const keys = [...s.truth.keys()];
  const t0 = s.world.now;
  if (c.outage) s.world.schedule(gen.outageFaults(c.outage, t0));
  const start = t0 + (c.outage ? c.readAt : 0);
  if (c.pgDown) s.world.schedule([{ at: start, kind: 'pg', state: 'down' }]);
  if (start > s.world.now) await s.world.run(() => s.world.sleep(start - s.world.now));
  const results = await s.world.run(async () => {
    const out: { id: string; minVersion: number; r: Outcome }[] = [];
    for (const rd of c.reads) {
      const id = keys[rd.order];
      const v = s.truth.get(id)!.version;
      const minVersion = rd.token === 'none' ? 0 : rd.token === 'previous' ? v - 1 : rd.token === 'current' ? v : await changeStatus(s, id);
      out.push({ id, minVersion, r: await readOne(s, id, minVersion) });
    }
    return out;
  });
  return { s, results, situation: `${scenarioWords(c)}${high ? ' The orders are at versions 9 to 12.' : ''}` };
}

function properties(t: Parameters<Parameters<typeof defineTests>[0]>[0]): void {
  t.property(
    task('compare'),
    {
      cases: scenarios({ states: ['current', 'behind', 'stale-on-a'], tokens: ['none', 'previous', 'current'], outage: fc.constant(null) }),
      scenario: scenarioWords,
      hint: 'Compare the row\'s version with the token using `>=` (a row at exactly the token\'s version is the caller\'s own write); with no token (`minVersion` 0) whatever row the QUORUM read returns will do. Only then ask PostgreSQL.',
      runs: 75,
    },
    async (ctx, c) => {
      const { s, results, situation } = await play(ctx, c);
      for (const { id, minVersion, r } of results) {
        expectAtLeast(ctx, s, id, minVersion, r, situation);
        const quorumVersion = s.readModel.get(id)!; // stale-on-a: QUORUM reaches B or C, which have the current version
        if (quorumVersion >= minVersion && !servedByCassandra(r)) {
          ctx.fail(`A read of order ${id} with ${minVersion === 0 ? 'no token' : `a token for version ${minVersion}`} ${wentWords(r)} although the read model answered at QUORUM with version ${quorumVersion}, which satisfies the token; ${situation}`);
        }
        // no token: what the QUORUM read returns, not an older copy one replica kept
        if (minVersion === 0 && r.ok && r.value && Number(r.value.version) < quorumVersion) {
          const staleOnA = c.orders[[...s.truth.keys()].indexOf(id)] === 'stale-on-a';
          ctx.fail(`A read of order ${id} with no token returned version ${r.value.version} ("${r.value.status}") although a QUORUM read of the read model returns version ${quorumVersion}${staleOnA ? ' (nodes B and C have it; only node A missed it)' : ''}: without a token, whatever the QUORUM read returns will do, not an older copy one replica kept; ${situation}`);
        }
      }
    },
  );

  t.property(
    task('fallback'),
    {
      cases: scenarios({ outage: maybe(anyOutage) }),
      scenario: scenarioWords,
      hint: 'Anything but a row at or above the token — no row, an older row, an error or a timeout from Cassandra — falls through to `pg.query(… WHERE id = $1, [orderId])`; return null only when PostgreSQL has no row.',
      runs: 80,
    },
    async (ctx, c) => {
      const { s, results, situation } = await play(ctx, c);
      for (const { id, minVersion, r } of results) expectAtLeast(ctx, s, id, minVersion, r, situation);
    },
  );

  t.property(
    task('bounded'),
    {
      cases: fc.record({
        sc: scenarios({ outage: maybe(anyOutage) }),
        id: fc.oneof(fc.constant(null), fc.constantFrom(`o'brien-7`, `x' OR 'a'='a`, `it's-"9"`, `o-$1`, `o-\\'5`)),
      }),
      scenario: ({ sc, id }) => `${scenarioWords(sc)}${id ? ` The first order's id is ${JSON.stringify(id)}.` : ''}`,
      hint: "`execute('SELECT … WHERE id = ?', [orderId], { prepare: true, consistency: types.consistencies.quorum, readTimeout: 100 })`, and `pg.query('… WHERE id = $1', [orderId])`.",
      runs: 75,
    },
    async (ctx, { sc, id }) => {
      const ids = sc.orders.map((_, i) => (i === 0 && id ? id : `o-${100 + i * 7 + (ctx.seed % 5)}`));
      const { s, results, situation } = await play(ctx, sc, ids);
      for (const { id: oid, minVersion, r } of results) {
        const pasted = r.queries.find((q) => q.text.includes(oid) || (Array.isArray(q.literals) && q.literals.some((l) => String(l) === oid)));
        if (pasted) ctx.fail(`The order id ${JSON.stringify(oid)} was pasted into the query text (${pasted.driver}: ${pasted.text}): pass it as a bound parameter; ${situation}`);
        expectAtLeast(ctx, s, oid, minVersion, r, situation);
        if (r.ms > 250) ctx.fail(`A read of order ${oid} took ${r.ms} ms: Cassandra gets about 100 ms (QUORUM, readTimeout) before PostgreSQL answers (expected ≤ 250 ms); ${situation}`);
        expectQuorumReads(ctx, oid, minVersion, r, situation);
      }
    },
  );

  t.property(
    task('fail-loudly'),
    {
      cases: scenarios({ tokens: ['none', 'previous', 'current'], outage: maybe(anyOutage), pgDown: true }),
      scenario: scenarioWords,
      hint: 'Do not wrap the PostgreSQL query in try/catch and do not keep the older row: let its error reach the caller.',
      runs: 75,
    },
    async (ctx, c) => {
      const { s, results, situation } = await play(ctx, c);
      for (const { id, minVersion, r } of results) {
        if (!r.ok) continue; // thrown: the API answers 503 and the customer retries
        if (r.value === null || r.value === undefined) ctx.fail(`With PostgreSQL down, a read of order ${id} returned ${String(r.value)} ("no such order") although the order exists; throw instead; ${situation}`);
        expectAtLeast(ctx, s, id, minVersion, r, situation);
      }
    },
  );
  // Named by the lesson's exercise text; the task: "When … Cassandra errors or times out, read the order from
  // PostgreSQL", not a copy an earlier read left in memory. The module is loaded afresh for each case, so the copy is made and used within the case: read
  // while Cassandra is healthy, someone else changes the order in PostgreSQL, Cassandra fails, read again.
  t.property(
    'Read PostgreSQL when the row is missing or older, or when Cassandra fails or does not answer within about 100 ms',
    {
      cases: fc.record({
        orders: fc.array(fc.constantFrom<ReadModelState>('current', 'behind', 'stale-on-a'), { minLength: 1, maxLength: 3 }),
        token: fc.constantFrom<'none' | 'own'>('none', 'own'),
        changes: fc.integer({ min: 1, max: 2 }),
        processed: fc.boolean(),
        outage: failingOutage,
        readAt: fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 20_000, max: 30_000 })),
      }),
      scenario: (c) =>
        `${words.list(c.orders.map((st, i) => `order #${i + 1} is ${STATE_WORDS[st]}`))}; a customer in zone A reads ${c.orders.length > 1 ? 'each of them' : 'it'} ${c.token === 'none' ? 'with no token' : 'with the token of their last change (the version PostgreSQL has)'} while Cassandra is healthy; then someone else changes ${c.orders.length > 1 ? 'each' : 'it'} in PostgreSQL (${c.changes === 1 ? 'once' : 'twice'}) and the processor has ${c.processed ? 'already applied' : 'not yet applied'} the change${c.changes > 1 ? 's' : ''} to the read model; then Cassandra cannot answer at QUORUM (${words.outage(c.outage)}), and the customer reads ${c.orders.length > 1 ? 'them' : 'it'} again ${c.token === 'none' ? 'with no token' : 'with the same token'} ${words.ms(c.readAt)} after it began.`,
      hint: 'When Cassandra errors or times out, read PostgreSQL in that call: an order kept in memory from an earlier read is as old as that read, and someone may have changed the order since.',
      runs: 20, // every case has the copy or the row this catches: 20 cover the outages and states
    },
    async (ctx, c) => {
      const s = setup(ctx, { ids: c.orders.map((_, i) => `o-${100 + i * 7 + (ctx.seed % 5)}`), state: (i) => c.orders[i] });
      const ids = [...s.truth.keys()];
      const tokens = new Map(ids.map((id) => [id, c.token === 'none' ? 0 : s.truth.get(id)!.version]));
      const situation = `the customer read the order while Cassandra was healthy, then someone else changed it in PostgreSQL, then Cassandra could not answer (${words.outage(c.outage)})`;
      const first = await readAll(s, ids.map((id) => ({ id, minVersion: tokens.get(id)! })));
      first.forEach((r, i) => expectAtLeast(ctx, s, ids[i], tokens.get(ids[i])!, r, 'Cassandra is healthy'));
      await s.world.run(async () => {
        for (const id of ids) for (let k = 0; k < c.changes; k++) await changeStatus(s, id);
      });
      if (c.processed) ids.forEach((id) => catchUp(s, id));
      s.world.schedule(gen.outageFaults(c.outage, s.world.now));
      await s.world.run(() => s.world.sleep(c.readAt));
      (await readAll(s, ids.map((id) => ({ id, minVersion: tokens.get(id)! })))).forEach((r, i) => {
        const id = ids[i];
        const earlier = first[i].ok ? first[i].value : null;
        if (r.ok && r.value && earlier && r.value.version === earlier.version && !r.queries.some((q) => q.driver === 'pg')) {
          ctx.fail(
            `A customer was shown order ${id} as ${show(r.value)}, the copy an earlier read got from Cassandra, while Cassandra could not answer; PostgreSQL, which was not asked, has ${show(s.truth.get(id))}: someone else changed it since. When Cassandra errors or times out, read the order from PostgreSQL: a copy kept in memory is as old as the read that made it; ${situation} (seed ${ctx.seed}).`,
          );
        }
        expectAtLeast(ctx, s, id, tokens.get(id)!, r, situation, true);
      });
    },
  );

  // "Return `null` only when PostgreSQL has no such row" (hint 4) and "never fall back to an older copy": a
  // row in the read model that PostgreSQL no longer has (the order was deleted) is not the order.
  t.property(
    'Return `null` only when PostgreSQL has no such row.',
    {
      cases: fc
        .array(fc.record({ state: fc.constantFrom<ReadModelState>('current', 'behind', 'stale-on-a'), token: fc.constantFrom<'current' | 'own-change'>('current', 'own-change'), deleted: fc.boolean() }), { minLength: 1, maxLength: 3 })
        // the token is always past the read model's version; at least one order is deleted
        .map((xs) => xs.map((x, i) => ({ ...x, token: x.state === 'behind' ? x.token : ('own-change' as const), deleted: i === 0 || x.deleted }))),
      scenario: (xs) =>
        `${words.list(xs.map((x, i) => `order #${i + 1} is ${STATE_WORDS[x.state]} and its customer ${x.token === 'current' ? 'holds a token for the current version' : 'changes it (token = the new version)'}`))}; then a support agent deletes ${words.list(xs.flatMap((x, i) => (x.deleted ? [`order #${i + 1}`] : [])))} in PostgreSQL, and the processor has applied none of this; Cassandra is healthy; ${xs.length > 1 ? 'the customers read their orders' : 'the customer reads the order'} with their tokens.`,
      hint: "An older row than the token sends the read to PostgreSQL, and PostgreSQL's answer is the answer: return `null` only when PostgreSQL has no such row, and never fall back to the older copy.",
      runs: 20, // every case has the copy or the row this catches: 20 cover the outages and states
    },
    async (ctx, xs) => {
      const s = setup(ctx, { ids: xs.map((_, i) => `o-${100 + i * 7 + (ctx.seed % 5)}`), state: (i) => xs[i].state });
      const ids = [...s.truth.keys()];
      const situation = 'the customer changed the order, then a support agent deleted it in PostgreSQL, and the processor has applied neither (the read model still has an older row)';
      const results = await s.world.run(async () => {
        const tokens: number[] = [];
        for (const [i, id] of ids.entries()) tokens.push(xs[i].token === 'own-change' ? await changeStatus(s, id) : s.truth.get(id)!.version);
        for (const [i, id] of ids.entries()) if (xs[i].deleted) await deleteOrder(s, id);
        const out: Outcome[] = [];
        for (const [i, id] of ids.entries()) out.push(await readOne(s, id, tokens[i]));
        return out.map((r, i) => ({ id: ids[i], token: tokens[i], r }));
      });
      for (const [i, { id, token, r }] of results.entries()) {
        if (!xs[i].deleted) {
          expectAtLeast(ctx, s, id, token, r, 'the read model is behind the customer\'s change', true);
          continue;
        }
        if (!r.ok) {
          ctx.fail(`A customer holding a token for version ${token} of order ${id} got an error (${describeError(r.error)}) although PostgreSQL answered that there is no such order: return null (the API answers 404); ${situation} (seed ${ctx.seed}).`);
        }
        if (r.ok && r.value && r.value.version < token) {
          ctx.fail(
            `A customer holding a token for version ${token} of order ${id} was shown ${show(r.value)}, the read model's older row, although PostgreSQL has no such order: return null only when PostgreSQL has no such row, and never fall back to an older copy; ${situation} (seed ${ctx.seed}).`,
          );
        }
        expectAtLeast(ctx, s, id, token, r, situation);
      }
    },
  );
}

/** An outage after which a QUORUM read from zone A cannot succeed: two or three nodes crashed, slow or paused, or zone A cut off. */
const failingOutage = fc.oneof(
  gen.outage({ kinds: ['crash', 'slow', 'pause'], nodes: [2, 3], at: [0, 0], forMs: [40_000, 40_000], extraMs: [300, 5000] }),
  gen.outage({ kinds: ['isolate'], zones: ['A'], at: [0, 0], forMs: [40_000, 40_000] }),
);
