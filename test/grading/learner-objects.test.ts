/**
 * Exercise checks read what learner code returns once: an object whose getters or `toJSON` answer
 * differently each time it is read cannot pass a check with one answer and give the simulator another.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TestModule } from '../../src/grading/api';
import { runExercise } from '../../src/grading/index';
import { parseMeta } from '../../src/grading/schema';
import { compile } from './helpers';

const ROOT = resolve(__dirname, '../..');

async function exercise(id: string) {
  const dir = join(ROOT, 'exercises', id);
  const mod = async (f: string) => ((await import(join(dir, f))) as { default: TestModule }).default;
  return { id, meta: parseMeta(`exercises/${id}/meta.json`, readFileSync(join(dir, 'meta.json'), 'utf8')), visible: await mod('visible.test.ts'), hidden: await mod('hidden.test.ts') };
}

describe('break-quorum: the schedule the checks see is the schedule the simulator runs', () => {
  it('a fault that reads as an allowed kind but serialises as another is refused by the kind check', async () => {
    const r = await runExercise({
      exercise: await exercise('break-quorum'),
      learnerJs: compile(`export function schedule() {
        return [{ at: 0, kind: 'heal', toJSON() { return { at: 0, kind: 'latency', link: ['A', 'B'], dist: 'const:5000' }; } }];
      }`),
      mode: 'run',
    });
    expect(r.tests.length).toBeGreaterThan(0);
    for (const t of r.tests) expect(t.message, t.name).toMatch(/^Fault 1 of your schedule, \{"at":0,"kind":"latency".*has an unknown kind/);
  });
});
