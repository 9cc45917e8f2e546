/** An exercise folder loaded as the grader takes it (`runExercise({ exercise })`): its meta and both test modules. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestModule } from '../../src/grading/api';
import { parseMeta } from '../../src/grading/schema';

const EXERCISES = resolve(import.meta.dirname, '../../exercises');

export async function loadExercise(id: string) {
  const dir = join(EXERCISES, id);
  const mod = async (f: string) => ((await import(join(dir, f))) as { default: TestModule }).default;
  return { id, meta: parseMeta(`exercises/${id}/meta.json`, readFileSync(join(dir, 'meta.json'), 'utf8')), visible: await mod('visible.test.ts'), hidden: await mod('hidden.test.ts') };
}
