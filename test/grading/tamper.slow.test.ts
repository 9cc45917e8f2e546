/**
 * Learner code that tampers with built-ins (Object.prototype, Math, JSON, Promise, …) cannot forge a
 * pass, and leaves nothing behind for the next test or run. The cases run through the grader in a
 * child process (test/grading/fixtures/tamper-run.ts), which the grader hardens (lockdown) as a host
 * would: a spawned process, hence the slow tier.
 */
import { describe, expect as vexpect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import type { Results } from '../../src/grading/index';
import { CASES } from './fixtures/tamper-cases';

describe('bad input: tampering with built-ins (in a process of its own)', () => {
  // All cases share that process, in order: each case also proves the previous ones left nothing
  // behind. Built-ins are frozen: the tampering throws, and the learner code swallows that.
  const lines = execFileSync(process.execPath, ['--import', 'tsx', 'test/grading/fixtures/tamper-run.ts'], {
    encoding: 'utf8',
    timeout: 120_000,
  })
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { name: string; results: Results; sane: Record<string, boolean>; after: string; afterTests: string[] });

  it('ran every case', () => {
    vexpect(lines.map((l) => l.name)).toEqual(CASES.map((c) => c[0]));
  });

  for (const line of lines) {
    it(`${line.name}: a wrong answer still fails, the next test and the next run are unaffected`, () => {
      const r = line.results;
      vexpect(r.status).toBe('fail');
      vexpect(r.tests[0]).toMatchObject({ name: 'f doubles', status: 'fail', message: 'expected 5 to equal 4' });
      vexpect(r.tests[1]).toMatchObject({ name: 'f doubles again', status: 'pass' });
      vexpect(Object.entries(line.sane).filter(([, ok]) => !ok)).toEqual([]);
      vexpect(line.after).toBe('pass');
    });
  }
});
