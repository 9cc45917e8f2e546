/**
 * The run path first: a learner's first Run should cost about what a warm Run costs, whether they
 * press it the moment the editor appears or a little later.
 *
 * `warmRunPath` starts esbuild-wasm (compile worker) and the exercise's run worker, has the run
 * worker rehearse one Run of the exercise's starter code (site content, never the learner's),
 * results discarded, and has esbuild compile the starter once — so that esbuild's first transform
 * and the grader's and the simulator's first execution (their slowest: lazily compiled wasm, cold
 * JIT) are not the learner's. The build compiled the starter already (src/browser/build/
 * starter-js.mjs): the rehearsal runs that, beside esbuild-wasm's start instead of after it (a
 * starter the build could not compile is compiled here first, then rehearsed).
 * A Run pressed before the rehearsal began takes its place; one pressed during it waits for it
 * (it warms the same worker the Run then uses).
 *
 * The editor's own workers (TypeScript type-checking the driver declarations is the heaviest work
 * on the page) wait for `runPathIdle()`: they start once the warm-up is over, and their requests wait
 * while a Run or Submit is in progress (`holdRunPath`), so type-checking yields to a Run.
 */
import { compile, rehearseCompile, warmCompiler } from './compile-client';
import type { ExerciseRunner } from './run-client';
import { mark } from './timing';

/** The editor's workers never wait longer than this for the run path (a warm-up that hangs must not hide type errors). */
const GATE_CAP_MS = 15_000;

let held = 0;
let waiting: Array<() => void> = [];

function release(): void {
  if (--held > 0) return;
  const w = waiting;
  waiting = [];
  w.forEach((resolve) => resolve());
}

/** Keeps the editor's workers waiting until `work` settles (a warm-up, a Run, a Submit). */
export function holdRunPath<T>(work: Promise<T>): Promise<T> {
  held++;
  work.then(release, release);
  return work;
}

/** Resolves when no warm-up, Run or Submit is in progress (or GATE_CAP_MS after the call). */
export function runPathIdle(): Promise<void> {
  if (held === 0) return Promise.resolve();
  return new Promise<void>((resolve) => {
    waiting.push(resolve);
    setTimeout(resolve, GATE_CAP_MS);
  });
}

/** The exercise's starter code, its file name in the editor, and its build-time compile if it has one. */
export interface Starter {
  code: string;
  file: string;
  js?: string;
}

/**
 * Warms `runner`'s run path with `starter` (see above). Resolves when it is warm, also when a part
 * failed (the learner's Run then reports the failure itself). The caller holds the run path
 * (`holdRunPath`) from before the editor's workers can start until this resolves.
 */
export function warmRunPath(runner: ExerciseRunner, starter: Starter): Promise<void> {
  mark('warm-up');
  // A Run pressed already has started its own worker and compile: then only the compiler is awaited.
  if (!runner.started) runner.warm();
  const { code, file, js } = starter;
  const parts =
    js === undefined
      ? [
          warmCompiler()
            .then(() => (runner.started ? null : compile(code, file)))
            .then((c) => (c?.ok ? runner.rehearse(c.js) : undefined)),
        ]
      : [runner.rehearse(js), warmCompiler().then(() => (runner.started ? undefined : rehearseCompile(code, file)))];
  return Promise.allSettled(parts).then(() => mark('warm'));
}
