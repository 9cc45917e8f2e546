/**
 * The quick compiler (src/browser/quick-compile.ts: sucrase, for a Run pressed while esbuild-wasm is
 * starting) gives the same Run as esbuild: every reference solution, starter, wrong answer and other
 * correct answer of every exercise, compiled both ways, has the same visible tests' results — status,
 * messages with the learner's line numbers, console output — or the quick compiler declines it.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExercise } from '../../src/grading/index';
import { loadExercise } from '../support/exercise';
import { quickCompile } from '../../src/browser/quick-compile';
import { SITE_LEARNER_FILE } from '../../src/grading/compile-options';
import { compileLearnerTs } from '../../scripts/lib/compile';

const ROOT = resolve(__dirname, '../..');
const IDS = readdirSync(join(ROOT, 'exercises'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

/** Every learner file on record for `id`, relative to the repo. */
function learnerFiles(id: string): string[] {
  const dirs = [`exercises/${id}/wrong`, `test/fixtures/${id}`].filter((d) => existsSync(join(ROOT, d)));
  return [`exercises/${id}/solution.ts`, `exercises/${id}/starter.ts`, ...dirs.flatMap((d) => readdirSync(join(ROOT, d)).filter((f) => f.endsWith('.ts')).map((f) => `${d}/${f}`))];
}

/** What a learner sees of a Run: everything but how long it took. */
const seen = (r: unknown) => JSON.parse(JSON.stringify(r, (k, v) => (/^(ms|duration_ms)$/.test(k) ? undefined : v)));

describe.each(IDS)('%s', (id) => {
  it.each(learnerFiles(id))('%s: the same Run either way', { timeout: 120_000 }, async (file) => {
    const code = readFileSync(join(ROOT, file), 'utf8');
    const quick = quickCompile(code, SITE_LEARNER_FILE);
    const esbuild = compileLearnerTs(code, SITE_LEARNER_FILE);
    expect(esbuild.ok, 'every file on record compiles').toBe(true);
    expect(quick, 'the quick compiler takes every file on record').not.toBeNull();
    if (!esbuild.ok || quick === null) return;
    const ex = await loadExercise(id);
    const [a, b] = [await runExercise({ exercise: ex, learnerJs: esbuild.js, mode: 'run' }), await runExercise({ exercise: ex, learnerJs: quick, mode: 'run' })];
    expect(seen(b)).toEqual(seen(a));
  });
});
