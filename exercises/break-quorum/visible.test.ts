// Visible tests for break-quorum: schedule(plan) returns faults that make a QUORUM read, started after a
// newer QUORUM write was acknowledged, return the older status. Both writes must be acknowledged and the
// read must succeed. The hidden tests vary who writes first, the gap, the reader's zone and who stamps.
import { defineTests } from '../../src/grading/api';

import { expectBroken, play, VISIBLE } from './harness';

// The three plans are in harness.ts (VISIBLE), under these tests' names.
const base = VISIBLE['client-side timestamps, writes 50 ms apart: the read returns the older status'];

export default defineTests((t) => {
  t.test('client-side timestamps, writes 50 ms apart: the read returns the older status', async (ctx) => {
    // processor-a writes 'pending' at 1000 ms; support-b writes 'paid' at 1050 ms; web-c reads at 1150 ms.
    await expectBroken(ctx, base);
  });

  t.test('client-side timestamps, writes 2 s apart, the first from zone C', async (ctx) => {
    // processor-c writes 'paid' at 1000 ms; support-a writes 'shipped' at 3000 ms; web-b reads at 3100 ms.
    await expectBroken(ctx, VISIBLE['client-side timestamps, writes 2 s apart, the first from zone C']);
  });

  t.test('coordinator-side timestamps: the coordinator node stamps each write', async (ctx) => {
    // processor-b writes through node B at 1000 ms, support-c through node C at 1300 ms; web-a reads.
    await expectBroken(ctx, VISIBLE['coordinator-side timestamps: the coordinator node stamps each write']);
  });

  t.test("every fault has a known kind and names this plan's nodes, zones or clients", async (ctx) => {
    // play() checks the schedule before running it and fails with what is wrong in it.
    const o = await play(ctx, { ...base, firstZone: 'B', secondZone: 'A' });
    if (!o.faults.length) ctx.fail('The schedule is empty: without faults QUORUM keeps its promise.');
  });
});
