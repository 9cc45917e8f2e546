/**
 * The network journal's compact storage gives back exactly what was recorded: every field of every
 * entry, in order, across chunk boundaries, for times that need whole storage (hours of virtual
 * time, fractions of a µs, time going back), with drop reasons, whether read once or while it grows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DELIVER, DROP, Journal, type JournalEntry, SEND } from '../../src/sim/journal';

const REASONS = [undefined, 'partition', 'loss', 'crashed', 'down'] as const;
const KIND = ['send', 'deliver', 'drop'] as const;

interface Rec { timeUs: number; kind: number; id: number; from: string; to: string; type: string; reason?: JournalEntry['reason'] }

const timeStep = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 2000 }) },
  { weight: 1, arbitrary: fc.constantFrom(2 ** 31, 3 * 3600e6, 2 ** 40) }, // hours of virtual time in one step
  { weight: 1, arbitrary: fc.double({ min: -5000, max: 5000, noNaN: true }) }, // fractions, and time going back
);

const recs = fc.array(
  fc.record({
    step: timeStep,
    kind: fc.constantFrom(SEND, DELIVER, DROP),
    id: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    from: fc.constantFrom('A', 'B', 'C', 'api-1', 'pg'),
    to: fc.constantFrom('A', 'B', 'C', 'api-1', 'kafka'),
    type: fc.constantFrom('mutation', 'mutation-ack', 'read-data', 'execute', 'result'),
    reason: fc.constantFrom(...REASONS),
  }),
  { maxLength: 5000 },
);

function expected(r: Rec): JournalEntry {
  const e: JournalEntry = { time: r.timeUs / 1000, kind: KIND[r.kind], id: r.id, from: r.from, to: r.to, type: r.type };
  if (r.reason) e.reason = r.reason;
  return e;
}

describe('network journal storage', () => {
  it('reads back every recorded entry exactly, across chunks and time ranges, read at once or while growing', () => {
    fc.assert(
      fc.property(recs, fc.integer({ min: 1, max: 4000 }), (xs, readEvery) => {
        const j = new Journal();
        const want: JournalEntry[] = [];
        let t = 1_000;
        xs.forEach((x, i) => {
          t += x.step;
          const r: Rec = { timeUs: t, kind: x.kind, id: x.id, from: x.from, to: x.to, type: x.type, reason: x.kind === DROP ? x.reason : undefined };
          j.add(r.timeUs, r.kind, r.id, r.from, r.to, r.type, r.reason);
          want.push(expected(r));
          if ((i + 1) % readEvery === 0) expect(j.entries()).toEqual(want);
        });
        expect(j.length).toBe(want.length);
        expect(j.entries()).toEqual(want);
      }),
      { numRuns: 60, seed: 17 },
    );
  });

  it('keeps apart routes that share names in other roles', () => {
    const j = new Journal();
    j.add(0, SEND, 1, 'A', 'B', 'x');
    j.add(1, SEND, 2, 'B', 'A', 'x');
    j.add(2, SEND, 3, 'A', 'x', 'B');
    expect(j.entries().map((e) => [e.from, e.to, e.type])).toEqual([['A', 'B', 'x'], ['B', 'A', 'x'], ['A', 'x', 'B']]);
  });
});
