/**
 * The grader host's shared pieces (src/grading/host.ts): what a run stopped by the wall clock reads
 * like, in the browser and in the Node host alike.
 */
import { describe, expect, it } from 'vitest';
import { RunWatch, errorResults, isResults, seconds, settleMsFor, stoppedResults, timeoutResults, type PlannedTest } from '../../src/grading/host';
import type { Results, TestResult } from '../../src/grading/index';

const plan: PlannedTest[] = [
  { index: 0, name: 'a', visibility: 'visible' },
  { index: 1, name: 'b', visibility: 'visible' },
  { index: 2, name: 'c', visibility: 'hidden' },
  { index: 3, name: 'd', visibility: 'hidden' },
];
const passed = (name: string): TestResult => ({ name, status: 'pass', visibility: 'visible' });

/** Timers the test fires by hand. */
function manualTimers() {
  const pending = new Map<number, { fn: () => void; ms: number }>();
  let next = 1;
  return {
    timers: { set: (fn: () => void, ms: number) => (pending.set(next, { fn, ms }), next++), clear: (id: unknown) => void pending.delete(id as number) },
    fire() {
      const [id, t] = [...pending][0] ?? [];
      if (id === undefined || !t) throw new Error('no timer armed');
      pending.delete(id);
      t.fn();
    },
    armed: () => [...pending.values()].map((t) => t.ms),
  };
}

describe('timeoutResults', () => {
  it('keeps finished tests, fails the running one as timed out and lists the rest as not run', () => {
    const r = timeoutResults({ plan, done: [passed('a')], running: plan[1], lastIndex: 0 }, 1500);
    expect(r.status).toBe('fail');
    expect(r.message).toBe('Timed out in "b" after 1.5 s: the runner was stopped; 2 later tests did not run.');
    expect(r.tests.map((t) => [t.name, t.status])).toEqual([['a', 'pass'], ['b', 'fail'], ['c', 'error'], ['d', 'error']]);
    expect(r.tests[1].message).toMatch(/^Timed out: this test ran for more than 1\.5 s of real time and was stopped\./);
    expect(r.tests[2]).toEqual({ name: 'c', status: 'error', visibility: 'hidden', message: 'Not run: the run was stopped when "b" timed out.' });
    expect(isResults(r)).toBe(true);
  });

  it('an overrun before any test started is an error about loading the module', () => {
    const r = timeoutResults({ plan, done: [], running: null, lastIndex: -1 }, 10_000);
    expect(r).toEqual(errorResults('Timed out: loading your module took more than 10 s of real time. Look for an infinite loop (e.g. while (true) {}) at the top level of your code.'));
  });

  it('between two tests, the next planned test is the one named', () => {
    const r = timeoutResults({ plan, done: [passed('a'), passed('b')], running: null, lastIndex: 1 }, 2000);
    expect(r.tests.map((t) => t.name)).toEqual(['a', 'b', 'c', 'd']);
    expect(r.message).toBe('Timed out in "c" after 2 s: the runner was stopped; 1 later test did not run.');
  });
});

describe('stoppedResults', () => {
  it('keeps what finished, names the test it stopped in, and lists the later tests as not run', () => {
    const r: Results = stoppedResults({ plan, done: [passed('a')], running: plan[1], lastIndex: 0 }, 'The grader crashed: out of memory.');
    expect(r.status).toBe('error');
    expect(r.message).toBe('The grader crashed: out of memory. It stopped in "b".');
    expect(r.tests.map((t) => [t.name, t.status, t.message])).toEqual([
      ['a', 'pass', undefined],
      ['b', 'error', 'The test runner stopped while this test ran: The grader crashed: out of memory.'],
      ['c', 'error', 'Not run: the test runner stopped before this test finished.'],
      ['d', 'error', 'Not run: the test runner stopped before this test finished.'],
    ]);
  });

  it('between tests (none running): the finished ones, and the later ones as not run', () => {
    const r: Results = stoppedResults({ plan, done: [passed('a')], running: null, lastIndex: 0 }, 'The channel was lost.');
    expect(r.message).toBe('The channel was lost.');
    expect(r.tests.map((t) => [t.name, t.status])).toEqual([['a', 'pass'], ['b', 'error'], ['c', 'error'], ['d', 'error']]);
    expect(r.tests[1].message).toBe('Not run: the test runner stopped before this test finished.');
  });
});

describe('RunWatch', () => {
  it('starts with the start limit, then re-arms the per-test limit at every sign of progress', () => {
    const t = manualTimers();
    const seen: Results[] = [];
    const w = new RunWatch({ wallMs: 1000, startMs: 60_000, timers: t.timers, onTimeout: (r) => seen.push(r) });
    expect(t.armed()).toEqual([60_000]);
    w.planned(plan);
    expect(t.armed()).toEqual([1000]);
    w.started(0, 'a');
    w.finished(passed('a'), 0);
    w.started(1, 'b');
    expect(t.armed()).toEqual([1000]);
    t.fire();
    expect(seen).toHaveLength(1);
    expect(seen[0].message).toBe('Timed out in "b" after 1 s: the runner was stopped; 2 later tests did not run.');
    expect(w.stopped).toBe(true);
    expect(t.armed()).toEqual([]);
  });

  it('stop() disarms it: a finished run never times out', () => {
    const t = manualTimers();
    const w = new RunWatch({ wallMs: 1000, timers: t.timers, onTimeout: () => { throw new Error('timed out'); } });
    w.stop();
    expect(t.armed()).toEqual([]);
  });
});

describe('limits', () => {
  it('one default, and a settle limit below the wall-clock limit', () => {
    expect(seconds(1500)).toBe('1.5 s');
    expect(settleMsFor(10_000)).toBe(3000);
    expect(settleMsFor(1500)).toBe(500);
  });
});
