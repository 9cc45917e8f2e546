import { describe, expect, it } from 'vitest';
import { mergeShards } from '../../src/grading/merge';
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
