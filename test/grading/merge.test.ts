import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mergeShards, summarize } from '../../src/grading/merge';
import { newProgress, stoppedResults, timeoutResults, type PlannedTest, type RunProgress } from '../../src/grading/host';
import type { Results, TestResult } from '../../src/grading/index';

const t = (name: string, status: TestResult['status'] = 'pass'): TestResult => ({ name, status, visibility: 'hidden' });
const part = (tests: TestResult[], extra: Partial<Results> = {}): Results => ({ version: 3, status: tests.every((x) => x.status === 'pass') ? 'pass' : 'fail', tests, ...extra });

describe('mergeShards', () => {
  it('puts the tests of interleaved parts back in their original order and recounts', () => {
    const r = mergeShards([part([t('t0'), t('t2', 'fail'), t('t4')]), part([t('t1'), t('t3')])]);
    expect(r.tests.map((x) => x.name)).toEqual(['t0', 't1', 't2', 't3', 't4']);
    expect(r.status).toBe('fail');
    expect(r.message).toBe('1 of 5 tests failed.');
  });

  it('passes when every part passed', () => {
    const r = mergeShards([part([t('a')]), part([t('b')]), part([])]);
    expect(r).toEqual({ version: 3, status: 'pass', tests: [t('a'), t('b')] });
  });

  it('reads like a sequential run when a part timed out: later tests are listed as not run and counted in the timeout message', () => {
    const timeout = 'Timed out in "t3" after 1 s: the runner was stopped; 1 later test did not run.';
    const timedOut: TestResult = { ...t('t3', 'fail'), message: 'Timed out: this test ran for more than 1 s of real time and was stopped.' };
    const r = mergeShards([part([t('t0'), t('t2'), t('t4'), t('t6')]), part([t('t1'), timedOut, t('t5', 'error')], { status: 'fail', message: timeout })]);
    expect(r.tests.map((x) => x.name)).toEqual(['t0', 't1', 't2', 't3', 't4', 't5', 't6']);
    expect(r.tests.slice(0, 3).every((x) => x.status === 'pass')).toBe(true);
    expect(r.tests[3]).toEqual(timedOut);
    for (const later of r.tests.slice(4)) expect(later).toMatchObject({ status: 'error', message: 'Not run: the run was stopped when "t3" timed out.' });
    expect(r.message).toBe('Timed out in "t3" after 1 s: the runner was stopped; 3 later tests did not run.');
    expect(r.status).toBe('fail');
  });

  it('returns the error of a part whose module did not load', () => {
    const broken: Results = { version: 3, status: 'error', message: 'Your module threw while loading: boom', tests: [] };
    expect(mergeShards([part([t('t0')]), broken])).toBe(broken);
  });
});

describe('mergeShards reads like one sequential run, whatever stopped it (property)', () => {
  type Stop = { kind: 'none' } | { kind: 'timeout' | 'crash'; at: number };
  const WALL_MS = 1500;
  const CRASH = 'The test runner stopped: RangeError: Maximum call stack size exceeded';

  /** What a host that saw `planned` (in order) make these results, and then `stop` at one of them, reports. */
  function hostResults(planned: PlannedTest[], results: TestResult[], stop: Stop): Results {
    const at = stop.kind === 'none' ? -1 : planned.findIndex((p) => p.index === stop.at);
    if (stop.kind === 'none' || at < 0) return summarize(planned.map((p) => results[p.index]));
    const progress: RunProgress = { ...newProgress(), plan: planned };
    for (const p of planned.slice(0, at)) {
      progress.done.push(results[p.index]);
      progress.lastIndex = p.index;
    }
    progress.running = planned[at];
    return stop.kind === 'timeout' ? timeoutResults(progress, WALL_MS) : stoppedResults(progress, CRASH);
  }

  const run = fc.integer({ min: 1, max: 24 }).chain((n) =>
    fc.record({
      statuses: fc.array(fc.constantFrom<TestResult['status']>('pass', 'pass', 'fail', 'error'), { minLength: n, maxLength: n }),
      hidden: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
      stop: fc.oneof(
        fc.constant<Stop>({ kind: 'none' }),
        fc.record({ kind: fc.constantFrom<'timeout' | 'crash'>('timeout', 'crash'), at: fc.integer({ min: 0, max: n - 1 }) }),
      ),
      parts: fc.integer({ min: 1, max: 4 }),
    }),
  );

  it('for any test statuses, any stop (a timeout or a crash at any test) and 1–4 parts', () => {
    fc.assert(
      fc.property(run, ({ statuses, hidden, stop, parts }) => {
        const planned: PlannedTest[] = statuses.map((_, i) => ({ index: i, name: `t${i}`, visibility: hidden[i] ? 'hidden' : 'visible' }));
        const results: TestResult[] = planned.map((p, i) => ({ name: p.name, status: statuses[i], visibility: p.visibility }));
        const sequential = hostResults(planned, results, stop);
        const split = Array.from({ length: parts }, (_, k) => hostResults(planned.filter((p) => p.index % parts === k), results, stop));
        expect(mergeShards(split)).toEqual(sequential);
      }),
      { seed: 17, numRuns: 500 },
    );
  });
});
