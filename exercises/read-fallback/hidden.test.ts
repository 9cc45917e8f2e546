// Hidden tests for read-fallback: fault scenarios, each over many seeds.
import { defineTests, seeds, fc, gen, words, resentWords, type Outage, type TestContext } from '../../src/grading/api';
import meta from './meta.json';

import { type Order, type GetOrder, type Query, STATUSES, prng, type Setup, setup, type Outcome, readAll, read, isSimulationError, describeError, show, expectTruth, servedByCassandra, restWords, pick, changeElsewhere } from './harness';


export default defineTests((t) => {
  t.test(
    'healthy cluster: reads are served by Cassandra',
    {
      scenario: 'All three Cassandra nodes are up and have every order. Customers read 10 orders.',
      hint: 'The read model exists to take reads off PostgreSQL: read Cassandra first and use PostgreSQL only when Cassandra cannot answer.',
      seeds: seeds(1, 2),
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
          `Only ${fromCassandra} of ${reads} reads were served by Cassandra on a healthy cluster: ${restWords(results, 'the rest hit PostgreSQL, the source of truth the read model is there to protect')} (seed ${ctx.seed}).`,
        );
      }
    },
  );

  t.test(
    'order not yet in the read model: found in PostgreSQL',
    {
      scenario: 'Customers read orders they just placed: PostgreSQL has them, but the processor has not written a third of them into Cassandra yet.',
      hint: 'No row in Cassandra proves only that the read model has not caught up. Ask PostgreSQL before saying "no such order".',
      seeds: seeds(101, 2),
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
      seeds: seeds(201, 2),
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
      seeds: seeds(301, 2),
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
      const results = await readAll(s, chosen);
      results.forEach((r, i) => {
        expectTruth(ctx, s, chosen[i], r, `zone ${zone} is cut off`);
        if (servedByCassandra(r)) fromCassandra++;
      });
      if (fromCassandra < reads * 0.8) {
        ctx.fail(
          `With only zone ${zone} cut off, just ${fromCassandra} of ${reads} reads were served by Cassandra: two replicas were reachable, yet ${restWords(results, 'the load went to PostgreSQL')} (seed ${ctx.seed}).`,
        );
      }
    },
  );

  t.test(
    'all of Cassandra down: every read answered from PostgreSQL',
    {
      scenario: 'All three Cassandra nodes crash. Customers keep reading orders.',
      hint: 'Catch the driver error (NoHostAvailableError, Unavailable, timeouts) and read PostgreSQL instead of passing the error to the customer.',
      seeds: seeds(401, 2),
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
      seeds: seeds(501, 2),
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
          ctx.fail(`A customer waited ${r.ms} ms for order ${id} because Cassandra nodes ${nodes.join(', ')} were slow; PostgreSQL could have answered in a few ms (expected ≤ 250 ms) (seed ${ctx.seed}).${resentWords(r)}`);
        }
      }
    },
  );

  t.test(
    'an order id containing quotes is a bound parameter',
    {
      scenario: "Customers read orders whose ids contain quotes, e.g. o'brien-7 (some in the read model, some only in PostgreSQL).",
      hint: "Never paste input into a query. Cassandra: `execute('… WHERE id = ?', [orderId], { prepare: true })`; PostgreSQL: `query('… WHERE id = $1', [orderId])`.",
      seeds: seeds(601, 2),
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
      seeds: seeds(701, 2),
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
      scenario: 'Cassandra cannot be reached (all nodes down, or the API cut off from them) and PostgreSQL is down too. Customers read orders that exist; node A missed their last update.',
      hint: "If PostgreSQL cannot answer, you do not know whether the order exists. Let the error propagate (the API answers 503), never return null (404).",
      seeds: seeds(801, 2),
    },
    async (ctx) => {
      // Node A missed the last update of the orders read: a read that gives up on QUORUM and asks node A alone gets the older copy.
      const s = setup(ctx, { staleOnA: 2 });
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
        if (r.ok) expectTruth(ctx, s, id, r, `Cassandra could not answer at QUORUM and PostgreSQL was down, so nobody could give the current order: throw instead (node A's own copy is older)`);
      }
    },
  );

  // ── Properties: each task sentence over generated scenarios ─────────────────────────────────────
  properties(t);
});

/** What the read model holds of an order: its row, nothing yet, or (on node A only) the version before the last. */
type OrderState = 'model' | 'missing' | 'stale';
type Scenario = {
  /** The orders PostgreSQL has, by what the read model holds of each. */
  orders: OrderState[];
  /** What the customers read, in turn: an index into `orders`, or -1 for an id PostgreSQL does not have. */
  reads: number[];
  /** What happens to Cassandra (none: a healthy cluster). */
  outage: Outage | null;
  /** When the reads start, in ms after the outage started (during it, or after the failure detector has convicted). */
  readAt: number;
  /** PostgreSQL goes down this many ms before the reads (null: it stays up). */
  pgDownBefore: number | null;
  /** Instead of going down, PostgreSQL answers this many ms late from then on (null: down). */
  pgSlowMs: number | null;
};

const STATE_WORDS: Record<OrderState, string> = {
  model: 'in the read model',
  missing: 'not in the read model yet',
  stale: 'in the read model, but node A missed its last update',
};

function scenarioWords(c: Scenario): string {
  const orders = c.orders.map((st, i) => `order #${i + 1} is ${STATE_WORDS[st]}`);
  const reads = c.reads.map((i) => (i < 0 ? 'an order that does not exist' : `order #${i + 1}`));
  const faults = c.outage ? `${words.outage(c.outage)}, and the reads start ${words.ms(c.readAt)} after it began` : 'Cassandra is healthy';
  const pg = c.pgDownBefore === null ? 'PostgreSQL is up' : c.pgSlowMs !== null ? `PostgreSQL answers ${words.ms(c.pgSlowMs)} late` : 'PostgreSQL is down';
  return `${words.list(orders)}; ${faults}; ${pg}; a customer in zone A reads ${words.list(reads)}.`;
}

const orderStates = (states: OrderState[]) => fc.array(fc.constantFrom(...states), { minLength: 1, maxLength: 4 });
const reads = (orders: number, missing: boolean) =>
  fc.array(fc.integer({ min: missing ? -1 : 0, max: orders - 1 }), { minLength: 1, maxLength: 3 });

/**
 * Orders, reads, an outage (or none) and when the reads happen; PostgreSQL up unless `pg` says so.
 * What follows the orders is built once per number of orders (not per generated case: building
 * fast-check arbitraries costs more than drawing from them).
 */
function scenarios(o: { states: OrderState[]; outage: fc.Arbitrary<Outage | null>; pgDown?: fc.Arbitrary<number | null>; pgSlow?: fc.Arbitrary<number | null>; missingIds?: boolean }): fc.Arbitrary<Scenario> {
  const readAt = fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 20_000, max: 30_000 }));
  const pgDownBefore = o.pgDown ?? fc.constant(null);
  const pgSlowMs = o.pgSlow ?? fc.constant(null);
  const rest = new Map<number, fc.Arbitrary<Omit<Scenario, 'orders'>>>();
  const restFor = (n: number) => {
    if (!rest.has(n)) rest.set(n, fc.record({ reads: reads(n, o.missingIds ?? true), outage: o.outage, readAt, pgDownBefore, pgSlowMs }));
    return rest.get(n)!;
  };
  return orderStates(o.states).chain((orders) => restFor(orders.length).map((r): Scenario => ({ orders, ...r })));
}

const anyOutage = gen.outage({ at: [0, 0], forMs: [40_000, 40_000], extraMs: [300, 5000] });
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null, freq: 4 });

/** Builds the world of a scenario, runs its reads, and returns them. */
async function play(ctx: TestContext, c: Scenario) {
  // stale orders first: the harness makes the first `staleOnA` orders stale on node A
  const order = c.orders.map((st, i) => ({ st, i })).sort((a, b) => Number(b.st === 'stale') - Number(a.st === 'stale'));
  const s = setup(ctx, {
    ids: order.map(({ i }) => `o-${100 + i * 7 + (ctx.seed % 5)}`),
    staleOnA: c.orders.filter((st) => st === 'stale').length,
    inReadModel: (k) => order[k].st === 'model',
  });
  const keys = [...s.truth.keys()];
  const idOf = (i: number) => (i < 0 ? `o-missing-${ctx.seed % 97}` : keys[order.findIndex((x) => x.i === i)]);
  const t0 = s.world.now;
  if (c.outage) s.world.schedule(gen.outageFaults(c.outage, t0));
  const start = t0 + (c.outage ? c.readAt : 0);
  if (c.pgDownBefore !== null) {
    const at = Math.max(t0, start - c.pgDownBefore);
    s.world.schedule([c.pgSlowMs !== null ? { at, kind: 'pg', state: 'slow', extraMs: c.pgSlowMs } : { at, kind: 'pg', state: 'down' }]);
  }
  if (start > s.world.now) await s.world.run(() => s.world.sleep(start - s.world.now));
  const ids = c.reads.map(idOf);
  const results = await readAll(s, ids);
  return { s, ids, results, situation: scenarioWords(c) };
}

/** A task sentence by its id in meta.json: each property is named by the sentence it checks. */
function task(id: string): string {
  const t = meta.tasks.find((x: { id: string }) => x.id === id);
  if (!t) throw new Error(`exercises/${'read-fallback'}/meta.json has no task "${id}"`);
  return t.text;
}

function properties(t: Parameters<Parameters<typeof defineTests>[0]>[0]): void {
  t.property(
    task('bind'),
    {
      cases: fc.record({
        id: fc.oneof(
          fc.constantFrom(`o'brien-7`, `x' OR 'a'='a`, `it's-"9"`, `o-1; DROP TABLE orders`, `o-\\'5`, `o-$1`, `o-%s`),
          fc.string({ minLength: 1, maxLength: 12 }).map((x) => `o-${x}'`),
        ),
        inModel: fc.boolean(),
        cassandraDown: fc.boolean(),
      }),
      scenario: (c) =>
        `a customer reads order ${JSON.stringify(c.id)}, which PostgreSQL has and the read model ${c.inModel ? 'has too' : 'does not have yet'}; ${
          c.cassandraDown ? 'every Cassandra node is down' : 'Cassandra is healthy'
        }.`,
      hint: "Never paste the id into the query text. Cassandra: `execute('… WHERE id = ?', [orderId], { prepare: true })`; PostgreSQL: `query('… WHERE id = $1', [orderId])`.",
      runs: 50,
    },
    async (ctx, c) => {
      const s = setup(ctx, { ids: [c.id, 'o-100'], inReadModel: (i) => i === 1 || c.inModel });
      if (c.cassandraDown) s.world.schedule(['A', 'B', 'C'].map((node) => ({ at: s.world.now, kind: 'crash', node })));
      const r = await read(s, c.id);
      const pasted = r.queries.find((q) => q.text.includes(c.id) || (Array.isArray(q.literals) && q.literals.some((l) => String(l) === c.id)));
      if (pasted) {
        ctx.fail(`The order id ${JSON.stringify(c.id)} was pasted into the query text (${pasted.driver}: ${pasted.text}): a quote in it breaks the query, and a crafted id could read other customers' orders. Pass it as a bound parameter.`);
      }
      expectTruth(ctx, s, c.id, r, `its id is ${JSON.stringify(c.id)}`);
    },
  );

  t.property(
    task('bound-read'),
    {
      cases: scenarios({ states: ['stale', 'stale', 'model'], outage: maybe(anyOutage), missingIds: false }),
      scenario: scenarioWords,
      hint: 'At QUORUM a cut-off or out-of-date replica cannot answer alone; `readTimeout: 100` stops a slow or silent coordinator from holding the customer for 12 s. Then ask PostgreSQL.',
      runs: 60,
    },
    async (ctx, c) => {
      const { s, ids, results, situation } = await play(ctx, c);
      results.forEach((r, i) => {
        expectTruth(ctx, s, ids[i], r, situation);
        if (r.ms > 250) ctx.fail(`A customer waited ${r.ms} ms for order ${ids[i]}: Cassandra should get about 100 ms before PostgreSQL answers (expected ≤ 250 ms); ${situation}${resentWords(r)}`);
      });
    },
  );

  t.property(
    'Ask Cassandra first, at QUORUM, with a short budget (about 100 ms). On a healthy cluster nearly every read ends here; that is why the read model exists.',
    {
      cases: scenarios({
        states: ['model'],
        outage: maybe(gen.outage({ kinds: ['crash', 'isolate'], nodes: [1, 1], zones: ['B', 'C'], at: [0, 0], forMs: [60_000, 60_000] }).filter((o) => !o.nodes.includes('A'))),
        missingIds: false,
      })
        .map((c) => ({ ...c, readAt: c.outage ? Math.max(c.readAt, 25_000) : 0 }))
        .chain((c) => fc.array(fc.nat(c.orders.length - 1), { minLength: 4, maxLength: 6 }).map((reads) => ({ ...c, reads }))),
      scenario: scenarioWords,
      hint: 'Read Cassandra first and use PostgreSQL only when Cassandra cannot answer: a row from a QUORUM read is the answer.',
      runs: 50,
    },
    async (ctx, c) => {
      const { s, ids, results, situation } = await play(ctx, c);
      let fromCassandra = 0;
      results.forEach((r, i) => {
        expectTruth(ctx, s, ids[i], r, situation);
        if (servedByCassandra(r)) fromCassandra++;
      });
      if (fromCassandra < results.length - 1) {
        ctx.fail(`Only ${fromCassandra} of ${results.length} reads were served by Cassandra although two replicas were reachable and had every order: ${restWords(results, 'the rest loaded PostgreSQL, the source of truth the read model is there to protect')}; ${situation}`);
      }
    },
  );

  t.property(
    task('fallback'),
    {
      cases: scenarios({ states: ['model', 'missing', 'missing', 'stale'], outage: maybe(anyOutage) }),
      scenario: scenarioWords,
      hint: 'Try Cassandra; if it returned a row, return it; otherwise (no row, or any error caught) ask PostgreSQL. Return `null` only when PostgreSQL says there is no such order.',
      runs: 70,
    },
    async (ctx, c) => {
      const { s, ids, results, situation } = await play(ctx, c);
      results.forEach((r, i) => expectTruth(ctx, s, ids[i], r, situation));
    },
  );

  t.property(
    task('fail-loudly'),
    {
      cases: scenarios({
        // 'stale': node A holds an older copy, so a read that gives up on QUORUM and asks one replica would return it
        states: ['model', 'missing', 'missing', 'stale'],
        outage: maybe(gen.outage({ kinds: ['crash', 'isolate', 'pause'], at: [0, 0], forMs: [40_000, 40_000] })),
        pgDown: fc.integer({ min: 0, max: 2000 }),
        // PostgreSQL slow rather than down (half the cases): it still answers, so the customer must get its answer or an error
        pgSlow: fc.option(fc.integer({ min: 200, max: 3000 }), { nil: null, freq: 2 }),
      }),
      scenario: scenarioWords,
      hint: 'Do not catch PostgreSQL\'s error (or rethrow it): the API then answers 503 "try again", not 404 "no such order".',
      runs: 70,
    },
    async (ctx, c) => {
      const { s, ids, results, situation } = await play(ctx, c);
      results.forEach((r, i) => {
        if (!r.ok) return; // failing loudly is right when nobody could check
        if ((r.value === null || r.value === undefined) && (c.pgSlowMs === null || s.truth.has(ids[i]))) {
          ctx.fail(
            c.pgSlowMs !== null
              ? `A customer was told order ${ids[i]} does not exist, but PostgreSQL, which has it, was only slow: wait for its answer, or throw if you give up on it (the API answers 503, not 404); ${situation}`
              : `A customer was told order ${ids[i]} does not exist, but PostgreSQL was down: nobody could check. Throw instead (the API answers 503, not 404); ${situation}`,
          );
        }
        expectTruth(ctx, s, ids[i], r, situation);
      });
    },
  );

  // Named by the lesson's rule; the task: "Ask PostgreSQL whenever Cassandra errors, times out, …", not a
  // copy an earlier read left in memory.
  // The module is loaded afresh for each case, so the copy is made and used within the case: read
  // while Cassandra is healthy, someone else changes the order in PostgreSQL, Cassandra fails, read again.
  t.property(
    'Fall back to PostgreSQL when Cassandra errors, times out, or does not have the order.',
    {
      cases: fc.record({
        orders: fc.array(fc.constantFrom<OrderState>('model', 'stale'), { minLength: 1, maxLength: 3 }),
        changes: fc.integer({ min: 1, max: 2 }),
        processed: fc.boolean(),
        outage: failingOutage,
        readAt: fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 20_000, max: 30_000 })),
      }),
      scenario: (c) =>
        `${words.list(c.orders.map((st, i) => `order #${i + 1} is ${STATE_WORDS[st]}`))}; a customer in zone A reads ${c.orders.length > 1 ? 'each of them' : 'it'} while Cassandra is healthy; then the warehouse changes ${c.orders.length > 1 ? 'each' : 'it'} in PostgreSQL (${c.changes === 1 ? 'once' : 'twice'}) and the processor has ${c.processed ? 'already applied' : 'not yet applied'} the change${c.changes > 1 ? 's' : ''} to the read model; then Cassandra cannot answer at QUORUM (${words.outage(c.outage)}), and the customer reads ${c.orders.length > 1 ? 'them' : 'it'} again ${words.ms(c.readAt)} after it began.`,
      hint: 'When Cassandra errors or times out, ask PostgreSQL in that call: an order kept in memory from an earlier read is as old as that read, and someone may have changed the order since.',
      runs: 20, // every case has the copy or the row this catches: 20 cover the outages and states
    },
    async (ctx, c) => {
      const order = c.orders.map((st, i) => ({ st, i })).sort((a, b) => Number(b.st === 'stale') - Number(a.st === 'stale'));
      const s = setup(ctx, { ids: order.map(({ i }) => `o-${100 + i * 7 + (ctx.seed % 5)}`), staleOnA: c.orders.filter((st) => st === 'stale').length });
      const ids = [...s.truth.keys()];
      const situation = `the customer read the order while Cassandra was healthy, then the warehouse changed it in PostgreSQL, then Cassandra could not answer (${words.outage(c.outage)})`;
      (await readAll(s, ids)).forEach((r, i) => expectTruth(ctx, s, ids[i], r, 'Cassandra is healthy'));
      const seen = new Map(ids.map((id) => [id, s.truth.get(id)!]));
      await s.world.run(async () => {
        for (const id of ids) for (let k = 0; k < c.changes; k++) await changeElsewhere(s, id, c.processed);
      });
      s.world.schedule(gen.outageFaults(c.outage, s.world.now));
      await s.world.run(() => s.world.sleep(c.readAt));
      (await readAll(s, ids)).forEach((r, i) => {
        const id = ids[i];
        const now = s.truth.get(id)!;
        const before = seen.get(id)!;
        if (r.ok && r.value && r.value.version === before.version && r.value.status === before.status && !r.queries.some((q) => q.driver === 'pg')) {
          ctx.fail(
            `A customer was shown order ${id} as ${show(r.value)}, the copy an earlier read got from Cassandra, while Cassandra could not answer; PostgreSQL, which was not asked, has ${show(now)}: the warehouse changed it since. Ask PostgreSQL whenever Cassandra errors or times out: a copy kept in memory is as old as the read that made it; ${situation} (seed ${ctx.seed}).`,
          );
        }
        expectTruth(ctx, s, id, r, situation);
      });
    },
  );
}

/** An outage after which a QUORUM read from zone A cannot succeed: two or three nodes crashed, slow or paused, or zone A cut off. */
const failingOutage = fc.oneof(
  gen.outage({ kinds: ['crash', 'slow', 'pause'], nodes: [2, 3], at: [0, 0], forMs: [40_000, 40_000], extraMs: [300, 5000] }),
  gen.outage({ kinds: ['isolate'], zones: ['A'], at: [0, 0], forMs: [40_000, 40_000] }),
);
