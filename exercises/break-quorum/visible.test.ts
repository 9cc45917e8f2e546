// Visible tests for break-quorum: schedule(plan) returns faults that make a QUORUM read, started after a
// newer QUORUM write was acknowledged, return the older status. Both writes must be acknowledged and the
// read must succeed. The hidden tests vary who writes first, the gap, the reader's zone and who stamps.
import { defineTests } from '../../src/grading/api';

import { expectBroken, play, type Setup } from './harness';

const base: Setup = {
  timestamps: 'client',
  firstZone: 'A',
  secondZone: 'B',
  readZone: 'C',
  firstAt: 1000,
  gapMs: 50,
  readAfterMs: 100,
  statuses: ['pending', 'paid'],
};

export default defineTests((t) => {
  t.test('client-side timestamps, writes 50 ms apart: the read returns the older status', async (ctx) => {
    // processor-a writes 'pending' at 1000 ms; support-b writes 'paid' at 1050 ms; web-c reads at 1150 ms.
    await expectBroken(ctx, base);
  });

  t.test('client-side timestamps, writes 2 s apart, the first from zone C', async (ctx) => {
    await expectBroken(ctx, { ...base, firstZone: 'C', secondZone: 'A', readZone: 'B', gapMs: 2000, statuses: ['paid', 'shipped'] });
  });

  t.test('coordinator-side timestamps: the coordinator node stamps each write', async (ctx) => {
    await expectBroken(ctx, { ...base, timestamps: 'coordinator', firstZone: 'B', secondZone: 'C', readZone: 'A', gapMs: 300 });
  });

  t.test("every fault has a known kind and names this plan's nodes, zones or clients", async (ctx) => {
    // play() checks the schedule before running it and fails with what is wrong in it.
    const o = await play(ctx, { ...base, firstZone: 'B', secondZone: 'A' });
    if (!o.faults.length) ctx.fail('The schedule is empty: without faults QUORUM keeps its promise.');
  });
});
