/**
 * npm run grade -- <exercise-id> <file.ts> [--submit|--run] [--timeout <ms per test>] [--seed <n>]
 *   --seed <n>: replay one seed a failed test reported (seeded tests run only that seed, properties
 *   only that generated case, shrunk again to the same minimal case)
 *
 * Compiles <file.ts> with esbuild (the options in docs/CONTRACTS.md), grades it
 * against exercises/<exercise-id>/ with `runExercise` in a worker thread, prints the results JSON
 * (Exercism v3 + ours) and exits 0 on pass, 1 on fail, 2 on error. A
 * worker is terminated when one test (or loading the module) runs longer than the wall-clock limit
 * (default 10000 ms), so `while (true) {}` gives a timeout verdict instead of a hang.
 *
 * Also a library for scripts/verify.ts and bench/. The workers run scripts/grade-worker.cjs.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { Worker, isMainThread } from 'node:worker_threads';
import type { Message, Plugin } from 'esbuild';
import type { Results, TestResult, Limits, PlannedTest } from '../src/grading/index';
import { mergeShards } from '../src/grading/merge';
import { DEFAULT_WALL_MS_PER_TEST, RunWatch, errorResults, settleMsFor, stoppedResults } from '../src/grading/host';
import { learnerCompileOptions } from '../src/grading/compile-options';
import { parseMeta, type Meta } from '../src/grading/schema';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** `QC_EXERCISES_DIR` overrides where exercises are read from (used by the CLI tests). */
export const EXERCISES_DIR = process.env.QC_EXERCISES_DIR ? resolve(process.env.QC_EXERCISES_DIR) : join(ROOT, 'exercises');
export const DEFAULT_WALL_MS = DEFAULT_WALL_MS_PER_TEST;
/** Starting a worker (tsx, the grader, the simulator, the exercise's tests) on a busy machine. */
const BOOT_MS = 60_000;

/** All files of an exercise folder, relative path → text. */
export function readExerciseFiles(id: string): Record<string, string> {
  const dir = join(EXERCISES_DIR, id);
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files[relative(dir, p).split('\\').join('/')] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return files;
}

export function exerciseIds(): string[] {
  return readdirSync(EXERCISES_DIR)
    .filter((n) => statSync(join(EXERCISES_DIR, n)).isDirectory())
    .sort();
}

export type Compiled = { ok: true; js: string } | { ok: false; message: string };

function formatEsbuildMessage(file: string, m: Message): string {
  const loc = m.location;
  return loc ? `${file}:${loc.line}:${loc.column + 1}: ${m.text}` : `${file}: ${m.text}`;
}

/** Compile learner TypeScript as the contract says; syntax errors name file:line:column. */
const nodeRequire = createRequire(import.meta.url);

export function compileLearnerTs(code: string, file: string): Compiled {
  // loaded lazily: the grading worker does not need esbuild
  const { transformSync } = nodeRequire('esbuild') as typeof import('esbuild');
  try {
    // the same options as the browser's compile worker (docs/CONTRACTS.md "Learner code ↔ simulator")
    const r = transformSync(code, learnerCompileOptions(file));
    return { ok: true, js: r.code };
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors;
    if (errors?.length) return { ok: false, message: errors.map((m) => formatEsbuildMessage(file, m)).join('\n') };
    return { ok: false, message: `${file}: ${(e as Error).message}` };
  }
}

type Job = { exerciseId: string; learnerJs: string; mode: 'run' | 'submit'; limits?: Limits; shard?: { index: number; count: number }; seed?: number };
type WorkerIn = { type: 'job'; id: number; bundle: string; meta: Meta; visibleSourcePath: string } & Job;
type WorkerOut =
  | { type: 'ready' }
  | { type: 'loaded'; id: number }
  | { type: 'plan'; id: number; tests: PlannedTest[] }
  | { type: 'start'; id: number; name: string; index: number }
  | { type: 'result'; id: number; result: TestResult; index: number }
  | { type: 'done'; id: number; results: Results }
  | { type: 'crash'; id?: number; message: string };

export interface GradeOptions extends Job {
  /** Wall-clock ms per test (and for loading the module). Default: meta.limits.wallMsPerTest or 10000. */
  wallMs?: number;
}

type BundleRef = { bundle: string; meta: Meta; visibleSourcePath: string };
type Bundled = { ok: true; ref: BundleRef } | { ok: false; message: string };
const bundles = new Map<string, Promise<Bundled>>();

/**
 * One ES module holding the grader, the simulator and an exercise's visible and hidden tests, built
 * with esbuild (as the site's run worker gets them from Vite) and written once per content hash to
 * the OS temp directory. The worker imports it: no TypeScript loader in the grading path. A test
 * file that does not compile gives an error naming file:line:column.
 */
export function bundleExercise(id: string): Promise<Bundled> {
  let p = bundles.get(id);
  if (!p) bundles.set(id, (p = buildBundle(id)));
  return p;
}

/**
 * meta.json is validated here, in the main thread, and the worker gets it parsed: marking the
 * schema module free of side effects lets esbuild leave it, and zod with it (a quarter of the
 * bundle), out of what every grading worker has to parse.
 */
const schemaWithoutSideEffects: Plugin = {
  name: 'schema-without-side-effects',
  setup(b) {
    b.onResolve({ filter: /^\.\/schema$/ }, (args) =>
      args.importer.startsWith(join(ROOT, 'src', 'grading')) ? { path: join(args.resolveDir, 'schema.ts'), sideEffects: false } : undefined,
    );
  },
};

/**
 * `ses` (the sandbox, src/grading/sandbox.ts) sets up the realm it is loaded in and must be loaded
 * only once per realm, while a grading worker imports the bundles of several exercises: the bundles
 * import it by its absolute file URL instead of each carrying a copy, so Node evaluates it once.
 */
const sesOncePerRealm: Plugin = {
  name: 'ses-once-per-realm',
  setup(b) {
    b.onResolve({ filter: /^ses$/ }, () => ({ path: pathToFileURL(nodeRequire.resolve('ses')).href, external: true }));
  },
};

/**
 * What the last build of an exercise's bundle read, with each file's mtime and size: while none of
 * them changed, the bundle is reused without running esbuild (which takes ~50 ms of every CLI run).
 */
type Manifest = { esbuild: string; bundle: string; inputs: [file: string, mtimeMs: number, size: number][] };

function manifestPath(cacheDir: string, id: string, dir: string): string {
  return join(cacheDir, `${id}-${createHash('sha256').update(dir).digest('hex').slice(0, 12)}.inputs.json`);
}

function bundleFromManifest(path: string, esbuildVersion: string): string | null {
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    if (m.esbuild !== esbuildVersion || !existsSync(m.bundle)) return null;
    for (const [file, mtimeMs, size] of m.inputs) {
      const st = statSync(file);
      if (st.mtimeMs !== mtimeMs || st.size !== size) return null;
    }
    return m.bundle;
  } catch {
    return null; // no manifest yet, an input gone, or a half-written file: build
  }
}

async function buildBundle(id: string): Promise<Bundled> {
  const { build, version: esbuildVersion } = nodeRequire('esbuild') as typeof import('esbuild');
  const dir = join(EXERCISES_DIR, id);
  const cacheDir = join(tmpdir(), 'quorum-course-grader');
  const manifest = manifestPath(cacheDir, id, dir);
  const reused = bundleFromManifest(manifest, esbuildVersion);
  if (reused) return withMeta(id, dir, reused);
  const q = (f: string) => JSON.stringify(f);
  const entry = [
    `export { runExercise, hardenRealm } from ${q(join(ROOT, 'src/grading/index.ts'))};`,
    `export { default as visible } from ${q(join(dir, 'visible.test.ts'))};`,
    `export { default as hidden } from ${q(join(dir, 'hidden.test.ts'))};`,
  ].join('\n');
  let text: string;
  let inputs: string[];
  try {
    const r = await build({
      stdin: { contents: entry, resolveDir: ROOT, sourcefile: `grader-${id}.js`, loader: 'js' },
      absWorkingDir: ROOT,
      metafile: true,
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'es2022',
      logLevel: 'silent',
      plugins: [schemaWithoutSideEffects, sesOncePerRealm],
    });
    text = r.outputFiles[0].text;
    inputs = Object.keys(r.metafile.inputs).filter((p) => p !== `grader-${id}.js` && !p.startsWith('<')).map((p) => resolve(ROOT, p));
    inputs.push(join(ROOT, 'scripts', 'grade.ts')); // how the bundle is built (its plugins) is an input too
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors;
    const message = errors?.length
      ? errors.map((m) => formatEsbuildMessage(m.location?.file ?? `exercises/${id}`, m)).join('\n')
      : (e as Error).message;
    return { ok: false, message: `The tests of exercise "${id}" do not compile:\n${message}` };
  }
  const file = join(cacheDir, `${id}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.mjs`);
  if (!existsSync(file)) {
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, file); // atomic: a concurrent grader never imports half a file
    // Older bundles of this exercise (edited since) go once nobody can still be loading them.
    const mine = (name: string) => name.length === id.length + 21 && name.startsWith(`${id}-`) && /^-[0-9a-f]{16}\.mjs$/.test(name.slice(id.length));
    for (const name of readdirSync(cacheDir)) {
      const old = join(cacheDir, name);
      if (old !== file && mine(name)) {
        try {
          if (Date.now() - statSync(old).mtimeMs > 3_600_000) rmSync(old, { force: true });
        } catch {
          // another grader removed it first
        }
      }
    }
  }
  try {
    const m: Manifest = { esbuild: esbuildVersion, bundle: file, inputs: inputs.map((p) => { const st = statSync(p); return [p, st.mtimeMs, st.size]; }) };
    const tmp = `${manifest}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(m));
    renameSync(tmp, manifest);
  } catch {
    // an input vanished while we built: the next run builds again
  }
  return withMeta(id, dir, file);
}

function withMeta(id: string, dir: string, bundle: string): Bundled {
  let meta: Meta;
  try {
    meta = parseMeta(`exercises/${id}/meta.json`, readFileSync(join(dir, 'meta.json'), 'utf8'));
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
  return { ok: true, ref: { bundle, meta, visibleSourcePath: join(dir, 'visible.test.ts') } };
}

/**
 * A grading worker is a fresh V8 isolate that grades one Submit and exits: most of the simulator's
 * code gets optimised while the suite runs, so optimising is part of what the learner waits for.
 * A TurboFan that skips its costliest work (inlining, loop peeling, escape analysis, load
 * elimination) has optimised code ready sooner; for these short runs that is faster overall
 * (dlq-processor's Submit through gradeInWorker, median of 9 on 2 cores: 287 ms with V8's
 * defaults, 251 ms without inlining, 242 ms with all four off). V8 flags are process-wide: set
 * once, before the first worker starts.
 */
const GRADING_V8_FLAGS = ['--no-turbo-inlining', '--no-turbo-loop-peeling', '--no-turbo-escape', '--no-turbo-load-elimination'];
let flagsSet = false;
function setGradingFlags(): void {
  if (flagsSet) return;
  flagsSet = true;
  for (const f of GRADING_V8_FLAGS) setFlagsFromString(f);
}

/** Worker threads told to stop that have not exited yet. */
const exiting = new Set<Promise<unknown>>();

/**
 * Resolves once every grading worker told to stop has exited. The CLI grades once and exits; a
 * benchmark that grades again and again waits for this between runs, or each run would share the
 * CPU with the teardown of the previous run's isolate.
 */
export async function gradersExited(): Promise<void> {
  await Promise.allSettled([...exiting]);
}

/** A grading worker thread: runs jobs one at a time; killed (never reused) when a job overruns. */
class GradeWorker {
  private worker: Worker;
  private listener: ((m: WorkerOut) => void) | null = null;
  private ready: Promise<void>;
  dead = false;

  constructor() {
    setGradingFlags();
    // Plain JavaScript: no TypeScript loader to start. The grader, the simulator and the exercise's
    // tests arrive as one esbuild bundle per exercise (bundleExercise), imported by the worker.
    this.worker = new Worker(join(ROOT, 'scripts', 'grade-worker.cjs'), {
      execArgv: [],
      // a young generation big enough for a scenario's short-lived objects: fewer, cheaper scavenges
      resourceLimits: { maxYoungGenerationSizeMb: 96 },
      stdout: true, // learner output that escapes capture must not corrupt our JSON
      stderr: true,
    });
    this.worker.stdout.resume();
    this.worker.stderr.resume();
    let readyResolve!: () => void;
    this.ready = new Promise((r) => (readyResolve = r));
    this.worker.on('message', (m: WorkerOut) => {
      if (m.type === 'ready') readyResolve();
      else this.listener?.(m);
    });
    const died = (message: string) => {
      if (this.dead) return;
      this.dead = true;
      readyResolve();
      this.listener?.({ type: 'crash', message });
    };
    this.worker.on('error', (e) => died(`The grader crashed: ${e instanceof Error ? e.message : String(e)}`));
    this.worker.on('exit', (code) => died(`The grader stopped unexpectedly (exit code ${code}).`));
  }

  /** Stop the thread (gradersExited() waits until it has exited). */
  kill(): void {
    this.dead = true;
    const exited = this.worker.terminate();
    exiting.add(exited);
    void exited.finally(() => exiting.delete(exited));
  }

  run(job: Job & BundleRef, wallMs: number, id: number): Promise<Results> {
    return new Promise((resolvePromise) => {
      let finished = false;
      const finish = (r: Results, kill: boolean) => {
        if (finished) return;
        finished = true;
        watch.stop();
        this.listener = null;
        if (kill) this.kill();
        resolvePromise(r);
      };
      // Before the plan arrives the clock allows for starting the worker and loading the exercise;
      // from then on it is the shared per-test limit (src/grading/host.ts).
      const watch = new RunWatch({
        wallMs,
        startMs: BOOT_MS,
        timers: { set: (fn, ms) => setTimeout(fn, ms), clear: (t) => clearTimeout(t as NodeJS.Timeout) },
        onTimeout: (r, planned) =>
          finish(planned ? r : errorResults(`The grader did not start (or load exercise "${job.exerciseId}") within ${BOOT_MS / 1000} s.`), true),
      });
      this.listener = (m) => {
        if (m.type === 'crash') return finish(stoppedResults(watch.progress, m.message), true);
        if (m.type === 'ready' || m.id !== id) return;
        if (m.type === 'plan') watch.planned(m.tests);
        else if (m.type === 'start') watch.started(m.index, m.name);
        else if (m.type === 'result') watch.finished(m.result, m.index);
        else if (m.type === 'done') finish(m.results, false);
      };
      if (this.dead) return finish(errorResults('The grader is not running.'), true);
      const limits: Limits = { settleMs: settleMsFor(wallMs), ...job.limits };
      void this.ready.then(() => this.worker.postMessage({ type: 'job', id, ...job, limits } satisfies WorkerIn));
    });
  }
}

/** Grading workers, at most `size` at a time, reused across jobs; a worker that overruns is replaced. */
export class GradePool {
  private idle: GradeWorker[] = [];
  private busy = 0;
  private waiting: (() => void)[] = [];
  private nextId = 1;
  constructor(private readonly size = Math.max(1, Math.min(4, availableParallelism()))) {}

  async grade(opts: GradeOptions): Promise<Results> {
    if (this.busy >= this.size) await new Promise<void>((r) => this.waiting.push(r));
    this.busy++;
    let w = this.idle.pop();
    while (w?.dead) w = this.idle.pop();
    const worker = w ?? new GradeWorker(); // starts booting while the exercise is bundled
    try {
      const bundled = await bundleExercise(opts.exerciseId);
      if (!bundled.ok) return errorResults(bundled.message);
      const { wallMs: _wall, ...job } = opts;
      const wallMs = opts.wallMs ?? bundled.ref.meta.limits?.wallMsPerTest ?? DEFAULT_WALL_MS;
      return await worker.run({ ...job, ...bundled.ref }, wallMs, this.nextId++);
    } finally {
      if (!worker.dead) this.idle.push(worker);
      this.busy--;
      this.waiting.shift()?.();
    }
  }

  close(): void {
    for (const w of this.idle) w.kill();
    this.idle = [];
  }
}

/**
 * Grade compiled learner JS in a fresh worker thread with a wall-clock limit per test. A Submit can
 * be split over `threads` workers (test i on worker i % threads, parts merged back in order), but
 * by default is not: each worker is a cold isolate that pays for optimising the simulator again,
 * and on two cores V8's background compiler already uses the other one (dlq-processor's Submit,
 * median of 9: 230 ms on one worker, 244 ms on two).
 */
export async function gradeInWorker(opts: GradeOptions, threads = 1): Promise<Results> {
  const count = opts.mode === 'submit' ? Math.max(1, threads) : 1;
  const pool = new GradePool(count);
  try {
    if (count === 1) return await pool.grade(opts);
    const parts = await Promise.all(Array.from({ length: count }, (_, index) => pool.grade({ ...opts, shard: { index, count } })));
    return mergeShards(parts);
  } finally {
    pool.close();
  }
}

export function exitCode(r: Results): number {
  return r.status === 'pass' ? 0 : r.status === 'fail' ? 1 : 2;
}

const USAGE = 'usage: npm run grade -- <exercise-id> <file.ts> [--submit|--run] [--timeout <ms per test>] [--seed <n>]';

async function cliMain(argv: string[]): Promise<number> {
  let mode: 'run' | 'submit' = 'submit';
  let wallMs: number | undefined;
  let seed: number | undefined;
  const pos: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--submit') mode = 'submit';
    else if (a === '--run') mode = 'run';
    else if (a === '--timeout') {
      wallMs = Number(argv[++i]);
      if (!Number.isFinite(wallMs) || wallMs <= 0) {
        console.error(`--timeout needs a positive number of milliseconds\n${USAGE}`);
        return 2;
      }
    } else if (a === '--seed') {
      seed = Number(argv[++i]);
      if (!Number.isSafeInteger(seed)) {
        console.error(`--seed needs an integer (the seed a failed test reported)\n${USAGE}`);
        return 2;
      }
    } else if (a === '-h' || a === '--help') {
      console.log(USAGE);
      return 0;
    } else if (a.startsWith('--')) {
      console.error(`unknown option ${a}\n${USAGE}`);
      return 2;
    } else pos.push(a);
  }
  const print = (r: Results) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  if (pos.length !== 2) {
    console.error(USAGE);
    return 2;
  }
  const [id, file] = pos;
  if (!exerciseIds().includes(id)) {
    print(errorResults(`No exercise "${id}" (known: ${exerciseIds().join(', ')}).`));
    return 2;
  }
  let code: string;
  try {
    code = readFileSync(file, 'utf8');
  } catch (e) {
    print(errorResults(`Cannot read ${file}: ${(e as Error).message}`));
    return 2;
  }
  const compiled = compileLearnerTs(code, file);
  if (!compiled.ok) {
    print(errorResults(compiled.message));
    return 2;
  }
  const results = await gradeInWorker({ exerciseId: id, learnerJs: compiled.js, mode, wallMs, seed });
  print(results);
  return exitCode(results);
}

// (by path: bench/ bundles this module into its own scripts)
const isEntry = process.argv[1] !== undefined && resolve(process.argv[1]) === join(ROOT, 'scripts', 'grade.ts');
if (isMainThread && isEntry) {
  cliMain(process.argv.slice(2)).then(
    // exit once stdout is flushed: results with traces are large, and a pipe is written asynchronously
    (code) => process.stdout.write('', () => process.exit(code)),
    (e) => {
      console.error(e);
      process.exit(2);
    },
  );
}
