// Hidden tests for break-quorum: the same workload with the timeline drawn from the seed: which zone writes
// first, the gap between the writes (tens of ms to seconds), which zone reads, and who stamps the writes
// (the writing client or the coordinator node). Many seeds each.
import { defineTests, seeds } from '../../src/grading/api';

import { between, expectBroken, pick, prng, statusPair, threeZones, type Setup, type Zone } from './harness';


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
      seeds: seeds(1, 30),
    },
    (ctx) => expectBroken(ctx, drawn(ctx.seed, [15, 99], () => ({}))),
  );

  t.test(
    'client-side timestamps, writes hundreds of ms apart',
    {
      scenario:
        'The same three clients, but the newer status is written a few hundred milliseconds after the first one. Timestamps come from the writing client clocks.',
      hint: 'How far ahead must the first writer clock be for its older write to carry the higher timestamp? Read the gap from the plan.',
      seeds: seeds(101, 25),
    },
    (ctx) => expectBroken(ctx, drawn(ctx.seed, [100, 990], () => ({}))),
  );

  t.test(
    'client-side timestamps, writes seconds apart',
    {
      scenario:
        'The newer status is written one to six seconds after the first, as when a customer pays a while after placing the order. Timestamps come from the writing client clocks.',
      hint: 'A clock that is a few milliseconds off is not enough when the writes are seconds apart: the skew must exceed plan.second.at - plan.first.at.',
      seeds: seeds(201, 25),
    },
    (ctx) => expectBroken(ctx, drawn(ctx.seed, [1000, 6000], () => ({}))),
  );

  t.test(
    'the order page reads in the zone of the later writer',
    {
      scenario:
        'The order page runs in the same zone as the client that wrote the newer status, so its QUORUM read is coordinated by the node that coordinated the newer write. Client-side timestamps.',
      hint: 'Where the read runs does not matter: the coordinator merges the replies, and the highest timestamp wins wherever the read runs.',
      seeds: seeds(301, 20),
    },
    (ctx) => expectBroken(ctx, drawn(ctx.seed, [15, 3000], (z) => ({ readZone: z[1] }))),
  );

  t.test(
    'the order page reads in the zone of the first writer',
    {
      scenario:
        'The order page runs in the same zone as the client that wrote the older status; the newer status comes from another zone. Client-side timestamps.',
      hint: HINT_STAMP,
      seeds: seeds(401, 20),
    },
    (ctx) => expectBroken(ctx, drawn(ctx.seed, [15, 3000], (z) => ({ readZone: z[0] }))),
  );

  t.test(
    'coordinator-side timestamps, writes tens of ms apart',
    {
      scenario:
        'The clients send writes without a timestamp, so the coordinator node stamps each write from its own clock. The two writes are tens of milliseconds apart, each through the node in its own zone.',
      hint: 'With server-side timestamps the client clocks play no part: the node that coordinated the first write chose its timestamp.',
      seeds: seeds(501, 30),
    },
    (ctx) => expectBroken(ctx, drawn(ctx.seed, [15, 99], () => ({ timestamps: 'coordinator' }))),
  );

  t.test(
    'coordinator-side timestamps, writes seconds apart',
    {
      scenario:
        'Coordinator nodes stamp the writes from their own clocks, and the newer status is written one to six seconds after the first.',
      hint: 'Skew the clock of plan.first.coordinator, by more than the gap between the writes.',
      seeds: seeds(601, 25),
    },
    (ctx) => expectBroken(ctx, drawn(ctx.seed, [1000, 6000], () => ({ timestamps: 'coordinator' }))),
  );

  t.test(
    'coordinator-side timestamps, the order page reads through the first writer node',
    {
      scenario:
        'Coordinator nodes stamp the writes, and the order page runs in the zone of the first writer, so the node that stamped the older status also coordinates the read.',
      hint: 'The read coordinator does not stamp anything; only the clock that stamped the first write matters.',
      seeds: seeds(701, 20),
    },
    (ctx) => expectBroken(ctx, drawn(ctx.seed, [15, 3000], (z) => ({ timestamps: 'coordinator', readZone: z[0] }))),
  );

  t.test(
    'later in the day: writes half a minute in, either kind of timestamp',
    {
      scenario:
        'The writes happen 20 to 40 seconds into the run, from any zones, and the plan says whether the clients or the coordinators stamp them.',
      hint: 'Read plan.timestamps, plan.first and plan.second: every number you need is in the plan.',
      seeds: seeds(801, 25),
    },
    (ctx) => {
      const r = prng(ctx.seed * 7 + 3);
      return expectBroken(ctx, drawn(ctx.seed, [15, 5000], () => ({ timestamps: pick(r, ['client', 'coordinator'] as const), firstAt: between(r, 20_000, 40_000) })));
    },
  );
});
