/**
 * `npm run verify` over every exercise, as `npm test` runs it (slow tier, beside the other slow files):
 * each exercise's files and meta.json are valid and agree with the course, its tests type-check, its
 * starter fails a hidden test, its solution passes every test, and each wrong/*.ts is rejected by the
 * test its first line names. One run of `verify` for all exercises (one grading pool, one type-check
 * of every exercise's tests), then one test per exercise: a failure names the exercise and shows its
 * rows of verify's table.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { exerciseIds } from '../../scripts/lib/exercises';
import { runScript, type Spawned } from '../support/spawn';

const ids = exerciseIds();
let run: Spawned;

beforeAll(async () => {
  run = await runScript('verify', [], {}, 590_000); // under the hook's own limit, for a busy machine
}, 600_000);

describe('npm run verify', () => {
  it('finds the exercises, and verifies them all', () => {
    expect(ids.length).toBeGreaterThanOrEqual(8);
    expect(run.stdout, run.stderr).toContain(`All ${ids.length} exercise(s) verified.`);
    expect(run.code).toBe(0);
  });

  it.each(ids)('%s: the starter fails, the solution passes, every wrong/ file is rejected by the test it names', (id) => {
    const lines = run.stdout.split('\n');
    const okColumn = lines[0].indexOf(' ok ') + 1; // the table's header: exercise, check, ok, detail
    const rows = lines.filter((l) => l.startsWith(`${id} `));
    expect(rows.length, `no row for ${id}:\n${run.stdout}${run.stderr}`).toBeGreaterThan(3);
    expect(rows.filter((l) => l.slice(okColumn, okColumn + 4).trim() !== 'ok'), rows.join('\n')).toEqual([]);
  });
});
