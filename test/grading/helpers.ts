import { transformSync } from 'esbuild';
import { defineTests, type TestBuilder } from '../../src/grading/api';
import { runExercise, type ExerciseBundle, type Limits, type Results } from '../../src/grading/index';
import type { Meta } from '../../src/grading/schema';

/** Compile learner TypeScript exactly as the contract says. */
export function compile(ts: string): string {
  return transformSync(ts, { loader: 'ts', format: 'cjs', target: 'es2022', sourcemap: 'inline', sourcefile: 'learner.ts' }).code;
}

export function meta(exports: string[] = ['f']): Meta {
  return {
    title: 'Test exercise',
    lesson: 'demo',
    difficulty: 'intro',
    tasks: [{ id: 'a', text: 'do it' }],
    hints: ['think'],
    exports,
  };
}

export function bundle(
  visible: (t: TestBuilder) => void,
  hidden: (t: TestBuilder) => void = () => {},
  opts: { exports?: string[]; visibleSource?: string } = {},
): ExerciseBundle {
  return {
    id: 'unit',
    meta: meta(opts.exports),
    visible: defineTests(visible),
    hidden: defineTests(hidden),
    visibleSource: opts.visibleSource,
  };
}

export function grade(
  exercise: ExerciseBundle,
  learnerTs: string,
  mode: 'run' | 'submit' = 'submit',
  limits?: Limits,
): Promise<Results> {
  return runExercise({ exercise, learnerJs: compile(learnerTs), mode, limits });
}

export function byName(r: Results, name: string) {
  const t = r.tests.find((x) => x.name === name);
  if (!t) throw new Error(`no test "${name}" in ${JSON.stringify(r.tests.map((x) => x.name))}`);
  return t;
}
