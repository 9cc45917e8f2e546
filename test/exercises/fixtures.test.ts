/**
 * Correct solutions written in other valid styles (test/fixtures/<id>/*.ts: other structures, driver
 * options, encodings) pass Submit: the hidden suites grade what the task says, not the reference
 * solution's choices.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { runExercise } from '../../src/grading/index';
import { loadExercise } from '../support/exercise';

const ROOT = resolve(__dirname, '../..');
const FIXTURES = join(ROOT, 'test/fixtures');
const IDS = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory() && readdirSync(join(ROOT, 'exercises')).includes(d.name))
  .map((d) => d.name);

const compile = (ts: string, file: string) =>
  transformSync(ts, { loader: 'ts', format: 'cjs', target: 'es2022', sourcemap: 'inline', sourcefile: file, supported: { 'dynamic-import': false } }).code;

describe.each(IDS)('%s: other correct solutions', (id) => {
  const files = readdirSync(join(FIXTURES, id)).filter((f) => f.endsWith('.ts'));

  it('has at least three', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it.each(files)('%s passes Submit', { timeout: 120_000 }, async (file) => {
    const r = await runExercise({ exercise: await loadExercise(id), learnerJs: compile(readFileSync(join(FIXTURES, id, file), 'utf8'), file), mode: 'submit' });
    const failed = r.tests.filter((t) => t.status !== 'pass').map((t) => `${t.name}: ${t.message} [${t.scenario ?? ''}] (seed ${t.seed})`);
    expect(failed, r.message).toEqual([]);
    expect(r.status).toBe('pass');
  });
});
