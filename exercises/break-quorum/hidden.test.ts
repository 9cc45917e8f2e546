// Hidden tests for break-quorum: the same workload with the timeline drawn from the seed: which zone writes
// first, the gap between the writes (tens of ms to seconds), which zone reads, and who stamps the writes
// (the writing client or the coordinator node). A few seeds per named scenario, then the property phase:
// each task sentence over generated plans (docs/grading/break-quorum.md).
import { defineTests, fc, seeds, type TestContext } from '../../src/grading/api';
import meta from './meta.json';

import {
  between, describeSetup, expectBroken, expectStale, pick, planOf, prng, runPlan, scheduleOf, statusPair, threeZones, VISIBLE,
  type Setup, type Zone,
} from './harness';


/** A setup drawn from the seed; `over` fixes what the scenario is about. */
function drawn(seed: number, gap: [number, number], over: (z: [Zone, Zone, Zone]) => Partial<Setup>): Setup {
  const r = prng(seed);
  const z = threeZones(r);
  return {
    timestamps: 'client',
    firstZone: z[0],
    secondZone: z[1],
    readZone: z[2],
    firstAt: between(r, 200, 3000),
    gapMs: between(r, gap[0], gap[1]),
    readAfterMs: between(r, 20, 400),
    statuses: statusPair(r),
    ...over(z),
  };
}

const HINT_STAMP =
  'Which write wins is decided by write timestamps, and a timestamp is read from a clock. Whose clock stamped the first write here?';

export default defineTests((t) => {
  t.test(
    'client-side timestamps, writes tens of ms apart',
    {
      scenario:
        'A processor in one zone writes the order status at QUORUM; tens of milliseconds later, after that write was acknowledged, a support tool in another zone writes a newer status. The order page in the third zone then reads at QUORUM. The driver stamps writes from the client clock.',
      hint: HINT_STAMP,
      seeds: seeds(1, 4),
    },
    (ctx) => expectBroken(ctx, drawn(ctx.seed, [15, 99], () => ({}))),
  );

  t.test(
    'client-side timestamps, writes hundreds of ms apart',
    {
      scenario:
        'The same three clients, but the newer status is written a few hundred milliseconds after the first one. Timestamps come from the writing client clocks.',
      hint: 'How far ahead must the first writer clock be for its older write to carry the higher timestamp? Read the gap from the plan.',
      seeds: seeds(101, 4),
    },
    (ctx) => expectBroken(ctx, drawn(ctx.seed, [100, 990], () => ({}))),
  );

  t.test(
    'client-side timestamps, writes seconds apart',
    {
      scenario:
        'The newer status is written one to six seconds after the first, as when a customer pays a while after placing the order. Timestamps come from the writing client clocks.',
      hint: 'A clock that is a few milliseconds off is not enough when the writes are seconds apart: the skew must exceed plan.second.at - plan.first.at.',
      seeds: seeds(201, 4),
    },
    (ctx) => expectBroken(ctx, drawn(ctx.seed, [1000, 6000], () => ({}))),
  );

  t.test(
    'the order page reads in the zone of the later writer',
    {
      scenario:
        'The order page runs in the same zone as the client that wrote the newer status, so its QUORUM read is coordinated by the node that coordinated the newer write. Client-side timestamps.',
      hint: 'Where the read runs does not matter: the coordinator merges the replies, and the highest timestamp wins wherever the read runs.',
      seeds: seeds(301, 4),
    },
    (ctx) => expectBroken(ctx, drawn(ctx.seed, [15, 3000], (z) => ({ readZone: z[1] }))),
  );

  t.test(
    'the order page reads in the zone of the first writer',
    {
      scenario:
        'The order page runs in the same zone as the client that wrote the older status; the newer status comes from another zone. Client-side timestamps.',
      hint: HINT_STAMP,
      seeds: seeds(401, 4),
    },
    (ctx) => expectBroken(ctx, drawn(ctx.seed, [15, 3000], (z) => ({ readZone: z[0] }))),
  );

  t.test(
    'coordinator-side timestamps, writes tens of ms apart',
    {
      scenario:
        'The clients send writes without a timestamp, so the coordinator node stamps each write from its own clock. The two writes are tens of milliseconds apart, each through the node in its own zone.',
      hint: 'With server-side timestamps the client clocks play no part: the node that coordinated the first write chose its timestamp.',
      seeds: seeds(501, 4),
    },
    (ctx) => expectBroken(ctx, drawn(ctx.seed, [15, 99], () => ({ timestamps: 'coordinator' }))),
  );

  t.test(
    'coordinator-side timestamps, writes seconds apart',
    {
      scenario:
        'Coordinator nodes stamp the writes from their own clocks, and the newer status is written one to six seconds after the first.',
      hint: 'Skew the clock of plan.first.coordinator, by more than the gap between the writes.',
      seeds: seeds(601, 4),
    },
    (ctx) => expectBroken(ctx, drawn(ctx.seed, [1000, 6000], () => ({ timestamps: 'coordinator' }))),
  );

  t.test(
    'coordinator-side timestamps, the order page reads through the first writer node',
    {
      scenario:
        'Coordinator nodes stamp the writes, and the order page runs in the zone of the first writer, so the node that stamped the older status also coordinates the read.',
      hint: 'The read coordinator does not stamp anything; only the clock that stamped the first write matters.',
      seeds: seeds(701, 4),
    },
    (ctx) => expectBroken(ctx, drawn(ctx.seed, [15, 3000], (z) => ({ timestamps: 'coordinator', readZone: z[0] }))),
  );

  t.test(
    'later in the day: writes half a minute in, either kind of timestamp',
    {
      scenario:
        'The writes happen 20 to 40 seconds into the run, from any zones, and the plan says whether the clients or the coordinators stamp them.',
      hint: 'Read plan.timestamps, plan.first and plan.second: every number you need is in the plan.',
      seeds: seeds(801, 4),
    },
    (ctx) => {
      const r = prng(ctx.seed * 7 + 3);
      return expectBroken(ctx, drawn(ctx.seed, [15, 5000], () => ({ timestamps: pick(r, ['client', 'coordinator'] as const), firstAt: between(r, 20_000, 40_000) })));
    },
  );

  // ── Properties: each task sentence over generated plans ──────────────────────────────────────────
  properties(t);
});

/** A task sentence by its id in meta.json: each property is named by the sentence it checks. */
function task(id: string): string {
  const x = meta.tasks.find((k: { id: string }) => k.id === id);
  if (!x) throw new Error(`exercises/break-quorum/meta.json has no task "${id}"`);
  return x.text;
}

const ZONES: Zone[] = ['A', 'B', 'C'];
/** Which zone writes first, which writes second (another zone), and which reads (any zone). */
const zoneTriples = fc.constantFrom(...ZONES.flatMap((a) => ZONES.filter((b) => b !== a).flatMap((b) => ZONES.map((c): [Zone, Zone, Zone] => [a, b, c]))));
const writerPairs = fc.constantFrom(...ZONES.flatMap((a) => ZONES.filter((b) => b !== a).map((b): [Zone, Zone] => [a, b])));
/** "tens of ms to seconds" between the writes. */
const gaps = fc.oneof(fc.integer({ min: 15, max: 99 }), fc.integer({ min: 100, max: 999 }), fc.integer({ min: 1000, max: 6000 }));
/** When the first write starts: early in the run (after the clients connected), or half a minute in. */
const firstAts = fc.oneof(fc.integer({ min: 100, max: 3000 }), fc.integer({ min: 20_000, max: 40_000 }));
const stampers = fc.constantFrom<Setup['timestamps']>('client', 'coordinator');
const STATUSES = ['placed', 'pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded'];
const statusPairs = fc.constantFrom(...STATUSES.flatMap((a) => STATUSES.filter((b) => b !== a).map((b): [string, string] => [a, b])));

/** Any plan the task allows: every dimension it names, and when the run starts reading. */
const plans: fc.Arbitrary<Setup> = fc
  .record({ zones: zoneTriples, timestamps: stampers, firstAt: firstAts, gapMs: gaps, readAfterMs: fc.integer({ min: 20, max: 1000 }), statuses: statusPairs })
  .map(({ zones: [firstZone, secondZone, readZone], ...rest }) => ({ ...rest, firstZone, secondZone, readZone }));

/** A visible test's plan with some of the dimensions the task names changed (at least one). */
type Variant = { test: string; setup: Setup; changed: string[] };
const half = <T,>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null, freq: 2 });
const variants: fc.Arbitrary<Variant> = fc
  .record({
    test: fc.constantFrom(...Object.keys(VISIBLE)),
    writers: half(writerPairs),
    gapMs: half(gaps),
    readZone: half(fc.constantFrom(...ZONES)),
    timestamps: half(stampers),
    firstAt: half(firstAts),
  })
  .map(({ test, writers, gapMs, readZone, timestamps, firstAt }): Variant => {
    const base = VISIBLE[test];
    const setup: Setup = {
      ...base,
      ...(writers && { firstZone: writers[0], secondZone: writers[1] }),
      ...(gapMs !== null && { gapMs }),
      ...(readZone && { readZone }),
      ...(timestamps && { timestamps }),
      ...(firstAt !== null && { firstAt }),
    };
    const changed: string[] = [];
    if (setup.firstZone !== base.firstZone || setup.secondZone !== base.secondZone) changed.push(`zone ${setup.firstZone} writes first and zone ${setup.secondZone} second`);
    if (setup.gapMs !== base.gapMs) changed.push(`the writes are ${setup.gapMs} ms apart`);
    if (setup.readZone !== base.readZone) changed.push(`the order page reads in zone ${setup.readZone}`);
    if (setup.timestamps !== base.timestamps) changed.push(setup.timestamps === 'client' ? 'the writing clients stamp the writes' : 'the coordinator nodes stamp the writes');
    if (setup.firstAt !== base.firstAt) changed.push(`the first write starts at ${setup.firstAt} ms`);
    return { test, setup, changed };
  })
  .filter((v) => v.changed.length > 0);

const words = {
  variant: (v: Variant) => `The plan of the visible test "${v.test}", except that ${v.changed.join('; ')}: ${describeSetup(v.setup)}.`,
};

type T = Parameters<Parameters<typeof defineTests>[0]>[0];

function properties(t: T): void {
  t.property(
    task('schedule'),
    {
      cases: plans,
      scenario: (s) => `${describeSetup(s)}.`,
      hint: "Return an array of fault objects, each with `at` (virtual ms since the run began, 0 or more) and the fields of its kind (see the `Fault` type), naming only this plan's nodes, zones and clients.",
      runs: 100,
    },
    async (ctx: TestContext, s: Setup) => {
      // Fails with what is wrong in a fault, or with the simulator's refusal; the outcome is the next property's.
      const plan = planOf(s, ctx.seed);
      await runPlan(ctx, plan, scheduleOf(ctx, plan));
    },
  );

  t.property(
    task('stale'),
    {
      cases: plans,
      scenario: (s) => `${describeSetup(s)}.`,
      hint: 'In this simulator, partitions, crashes, pauses and message loss make a QUORUM request fail or wait; they do not make an acknowledged QUORUM write disappear. Which write wins is decided by write timestamps, and a timestamp is read from a clock.',
      runs: 130,
    },
    async (ctx: TestContext, s: Setup) => {
      const plan = planOf(s, ctx.seed);
      expectStale(ctx, await runPlan(ctx, plan, scheduleOf(ctx, plan)), `Plan: ${describeSetup(s)}. `);
    },
  );

  t.property(
    task('every-plan'),
    {
      cases: variants,
      scenario: words.variant,
      hint: 'Every number and name you need is in the plan: plan.timestamps says whose clock stamps, plan.first names that client and its coordinator, and plan.second.at - plan.first.at is the gap to beat.',
      runs: 100,
    },
    async (ctx: TestContext, v: Variant) => {
      const plan = planOf(v.setup, ctx.seed);
      expectStale(ctx, await runPlan(ctx, plan, scheduleOf(ctx, plan)), `${words.variant(v)} `);
    },
  );
}
