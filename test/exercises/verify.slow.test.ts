/**
 * `npm run verify` over every exercise, as `npm test` runs it (slow tier, beside the other slow files):
 * each exercise's files and meta.json are valid, its starter fails a hidden test, its solution passes
 * every test, and each wrong/*.ts is rejected by the test its first line names. One test per
 * exercise: a failure names the exercise and shows verify's table.
 */
import { describe, expect, it } from 'vitest';
import { exerciseIds } from '../../scripts/lib/exercises';
import { runScript } from '../support/spawn';

describe('npm run verify', () => {
  it('finds the exercises', () => {
    expect(exerciseIds().length).toBeGreaterThanOrEqual(8);
  });

  it.each(exerciseIds())('%s: the starter fails, the solution passes, every wrong/ file is rejected by the test it names', { timeout: 300_000 }, async (id) => {
    const r = await runScript('verify', [id], {}, 290_000); // under the test's own limit, for a busy machine
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('All 1 exercise(s) verified.');
  });
});
