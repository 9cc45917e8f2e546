/**
 * Learner code that tampers with built-ins (Object.prototype, Math, JSON, Promise, …) cannot forge a
 * pass, and leaves nothing behind for the next test or run. The cases run through the grader in a
 * child process (test/grading/fixtures/tamper-run.ts), so the tampering cannot disturb vitest:
 * a spawned process, hence the slow tier.
 */
import { describe, expect as vexpect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import type { Results } from '../../src/grading/index';
import { CASES } from './fixtures/tamper-cases';

describe('bad input: tampering with built-ins (in a process of its own)', () => {
  // The grader runs in a dedicated worker in production; here the cases run in a child process so
  // the tampering cannot disturb vitest. All cases share that process, in order: each case also
  // proves the previous ones left nothing behind.
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

  for (const line of lines.slice(0, -1)) {
    it(`${line.name}: a wrong answer still fails, the next test and the next run are unaffected`, () => {
      const r = line.results;
      vexpect(r.status).toBe('fail');
      vexpect(r.tests[0]).toMatchObject({ name: 'f doubles', status: 'fail', message: 'expected 5 to equal 4' });
      vexpect(r.tests[1]).toMatchObject({ name: 'f doubles again', status: 'pass' });
      vexpect(Object.entries(line.sane).filter(([, ok]) => !ok)).toEqual([]);
      vexpect(line.after).toBe('pass');
    });
  }

  it('Object.freeze(Object.prototype) after polluting it: nothing passes, a clear verdict', () => {
    const last = lines[lines.length - 1];
    const r = last.results;
    vexpect(r.status).toBe('fail');
    vexpect(r.tests.map((t) => t.status)).toEqual(['error', 'error']);
    vexpect(r.tests[1].message).toMatch(/^Not run: an earlier test's code changed built-ins in a way that cannot be undone \(Object\.prototype\.negate\)/);
  });
});
