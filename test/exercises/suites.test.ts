/**
 * The shape every core exercise's suite has (README, "Adding an exercise"): 3–6 visible tests a learner reads; at least
 * 8 distinct hidden fault scenarios, each described in plain words with a hint, over at least 200
 * simulator runs (seeds) in all; 3–5 hints; at least 8 known-wrong solutions, each naming the test
 * that rejects it (`npm run verify` proves the rejection itself).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestModule } from '../../src/grading/api';
import { parseMeta } from '../../src/grading/schema';

const ROOT = resolve(__dirname, '../..');
// the three core exercises, and the later ones held to the same bar
const CORE = ['read-fallback', 'dlq-processor', 'health-check', 'read-your-writes', 'circuit-breaker', 'hint-alerts', 'break-quorum'];

async function load(id: string) {
  const dir = join(ROOT, 'exercises', id);
  const mod = async (f: string) => ((await import(join(dir, f))) as { default: TestModule }).default.collect();
  return {
    meta: parseMeta(`exercises/${id}/meta.json`, readFileSync(join(dir, 'meta.json'), 'utf8')),
    visible: await mod('visible.test.ts'),
    hidden: await mod('hidden.test.ts'),
    wrong: readdirSync(join(dir, 'wrong')).filter((f) => f.endsWith('.ts')),
  };
}

describe.each(CORE)('%s', (id) => {
  it('has 3–6 visible tests and 3–5 hints', async () => {
    const { meta, visible } = await load(id);
    expect(visible.length).toBeGreaterThanOrEqual(3);
    expect(visible.length).toBeLessThanOrEqual(6);
    expect(meta.hints.length).toBeGreaterThanOrEqual(3);
    expect(meta.hints.length).toBeLessThanOrEqual(5);
  });

  it('has at least 8 distinct hidden scenarios, each in plain words with a hint, over at least 200 seeded runs', async () => {
    const { hidden } = await load(id);
    const scenarios = new Set(hidden.map((t) => t.options.scenario?.trim()).filter((s): s is string => !!s && s.length > 20));
    expect(scenarios.size).toBeGreaterThanOrEqual(8);
    for (const t of hidden) {
      expect(t.options.scenario, t.name).toBeTruthy();
      expect(t.options.hint, t.name).toBeTruthy();
    }
    const runs = hidden.reduce((n, t) => n + (t.options.seeds?.length ?? 1), 0);
    expect(runs).toBeGreaterThanOrEqual(200);
  });

  it('has at least 8 known-wrong solutions', async () => {
    const { wrong } = await load(id);
    expect(wrong.length).toBeGreaterThanOrEqual(8);
  });
});
