/**
 * The run path first: a learner's first Run should cost about what a warm Run costs, whether they
 * press it the moment the editor appears or a little later.
 *
 * `warmRunPath` has the exercise's run worker (started, with the quick compiler, as the editor is
 * created: boot.ts) rehearse one Run of the exercise's starter code (site content, never the
 * learner's), results discarded, so that the grader's and the simulator's first execution (cold
 * JIT) is not the learner's. The build compiled the starter already (src/browser/build/
 * starter-js.mjs): the rehearsal runs that (a starter the build could not compile is compiled by
 * the quick compiler first). A Run needs no esbuild-wasm (the quick compiler compiles it while
 * esbuild is not up), so esbuild starts later (`warmCompilerFor`): once the learner's first Run is
 * over, or a few seconds after the warm-up without one, instead of competing with it for the CPU.
 * A Run pressed before the rehearsal began takes its place; one pressed during it waits for it
 * (it warms the same worker the Run then uses).
 *
 * The editor's own workers (TypeScript type-checking the driver declarations is the heaviest work
 * on the page) wait for `runPathIdle()`: they start once the warm-up is over (TypeScript's not before
 * the learner works with the code: components/exercise/monaco.ts `wantTypes`), and their requests wait
 * while a Run or Submit is in progress (`holdRunPath`), so type-checking yields to a Run.
 */
import { compile, isCompiled, rehearseCompile, warmCompiler } from './compile-client';
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
  // A Run pressed already has started its own worker and compile.
  if (!runner.started) runner.warm();
  const { code, file, js } = starter;
  const rehearsed =
    js === undefined
      ? compile(code, file, { quick: true }).then((c) => (c.ok && !runner.started ? runner.rehearse(c.js) : undefined))
      : runner.rehearse(js);
  return rehearsed.then(
    () => mark('warm'),
    () => mark('warm'),
  );
}

/**
 * How long after the warm-up the page starts esbuild-wasm when no Run or Submit has started it:
 * late enough that a learner who presses Run in the first seconds has the CPU to themselves, early
 * enough that one who reads, types and then presses Submit finds it up. Tests can set
 * `window.__qcCompilerIdleStartMs` before the page loads to make the moment deterministic.
 */
export function compilerIdleStartMs(): number {
  const set = (globalThis as { __qcCompilerIdleStartMs?: unknown }).__qcCompilerIdleStartMs;
  return typeof set === 'number' && set >= 0 ? set : 5_000;
}

/**
 * Starts esbuild-wasm and has it compile `code` (the editor's code: that of the learner's last Run) —
 * kept, as any compile, for a Submit or Run of the same code and for later visits; compiled again,
 * the result discarded, if a compile of it is at hand (e.g. the build's of the starter) — so that esbuild's first
 * transform (its slowest: lazily compiled wasm) is not one the learner waits for. Resolves when that
 * is done (also when esbuild could not start: the next compile reports it). The page calls it once
 * the learner's first Run is over, or `compilerIdleStartMs()` after the warm-up without one:
 * esbuild's start (about 2 CPU s, its wasm compiled on every core) would otherwise compete with that
 * Run, which the quick compiler serves without it; a Submit starts it itself if it comes first.
 */
export function warmCompilerFor(code: string, file: string): Promise<void> {
  return warmCompiler()
    .then(() => (isCompiled(code, file) ? rehearseCompile(code, file) : compile(code, file).then(() => {})))
    .then(
      () => mark('compiler-warm'),
      () => {},
    );
}
