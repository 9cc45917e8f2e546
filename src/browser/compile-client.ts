/**
 * Page side of the compile worker: one shared worker for every exercise on the page, started once
 * (`warmCompiler()` — called while the learner reads) and kept alive while it works.
 *
 * A compiler that failed internally is replaced before the next compile: esbuild-wasm does not
 * survive some inputs (e.g. 100 000 nested brackets overflow its stack, after which every later
 * transform fails or never answers). When the worker reports such a failure, throws, or does not
 * answer within COMPILE_LIMIT_MS, the compiles waiting on it get a clear error, the worker is
 * terminated, and the next compile starts a fresh one.
 *
 * The same code is compiled once: a Run and then a Submit of unchanged code (or a second Submit)
 * reuse the first compile's result (the last few results are kept, keyed by file name and code).
 * esbuild's output depends on nothing else; what the compiler failed on internally, or did not
 * answer in time, is never kept. The build's compile of the exercise's starter (the same esbuild
 * and options, src/browser/build/starter-js.mjs) is kept from the start (`knownCompile`), and so are
 * the last few clean compiles of earlier visits (compile-store.ts): reopening an exercise, a Run of
 * code compiled before does not wait for esbuild-wasm's start.
 *
 * A Run pressed while esbuild-wasm is still starting does not wait for it either: the quick compiler
 * (sucrase, quick-compile.ts, in a worker of its own started as the editor is created and ended once
 * esbuild is up) compiles it, when it can say for sure how esbuild would (else the Run waits for
 * esbuild). Its output serves Runs only (the last few are kept for a Run of the same code again): a
 * Submit is always compiled by esbuild. The page starts esbuild-wasm after the learner's first Run
 * (warm-up.ts `warmCompilerFor`).
 *
 * Code is also compiled while the learner pauses typing (`precompile`, called by boot.ts), so that
 * the Run that follows finds it compiled.
 */
import CompileWorker from './compile-worker?worker';
import QuickCompileWorker from './quick-compile-worker?worker';
import { namedWorker } from './worker-ctor';
import { mark } from './timing';
import type { CompileDiagnostic, CompileReply, QuickCompileReply } from './protocol';
import { loadCompiles, pageStorage, saveCompile } from './compile-store';

/** The file name learner code has in the site's editor (in compile errors and stack traces). */
export { SITE_LEARNER_FILE } from '../grading/compile-options';

export type CompileResult =
  | { ok: true; js: string; warnings: CompileDiagnostic[]; ms: number }
  /** `internal`: the compiler failed or did not answer — not a verdict on the code (never kept). */
  | { ok: false; errors: CompileDiagnostic[]; ms: number; internal?: boolean };

/** A compile that takes longer than this is treated as a compiler that stopped answering. */
export const COMPILE_LIMIT_MS = 20_000;

interface Compiler {
  worker: Worker;
  ready: Promise<void>;
  /** esbuild-wasm has started in it (its `ready` resolved) */
  started: boolean;
  pending: Map<number, { resolve: (r: CompileResult) => void; timer: ReturnType<typeof setTimeout>; t0: number }>;
}

let current: Compiler | null = null;
let nextId = 1;
/** How many times a broken compiler was replaced on this page (a test hook, see compilerRestarts()). */
let restarts = 0;

/** Compiles kept for the same code again: the most recently used last. */
const CACHE_SIZE = 8;
const cache = new Map<string, CompileResult>();
const cacheKey = (code: string, file: string) => `${file}\u0000${code}`;

/** Puts `key` last in `map` (the most recently used), dropping the oldest entries past `max`. */
function keepRecent<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) map.delete(map.keys().next().value as string);
}

function remember(key: string, result: CompileResult): void {
  keepRecent(cache, key, result, CACHE_SIZE);
}

// What earlier visits compiled, as if compiled on this page.
for (const e of loadCompiles(pageStorage())) knownCompile(e.code, e.file, e.js);

const failure = (text: string): CompileDiagnostic[] => [{ text, line: 1, column: 1, endLine: 1, endColumn: 2 }];

/** Ends `c` (if it is still the current compiler): every waiting compile gets `why`, the next compile starts afresh. */
function retire(c: Compiler, why: string): void {
  if (current !== c) return;
  current = null;
  restarts++;
  c.worker.terminate();
  for (const [, p] of c.pending) {
    clearTimeout(p.timer);
    p.resolve({ ok: false, ms: performance.now() - p.t0, errors: failure(why), internal: true });
  }
  c.pending.clear();
}

const BROKEN = (detail: string) =>
  `The compiler failed on this code (${detail}) — for example, expressions nested too deeply. It has been restarted: change the code and run again.`;

/** What the learner reads when the worker's esbuild failed (`text`: its own words, from compile-worker.ts). */
const internalFailure = (text = 'internal error') => (text.startsWith('The compiler could not start') ? text : BROKEN(text));

function start(): Compiler {
  if (current) return current;
  let worker: Worker;
  try {
    mark('compiler-spawn');
    worker = namedWorker(CompileWorker, 'exercise-compiler');
  } catch (e) {
    const ready = Promise.reject(e instanceof Error ? e : new Error(String(e)));
    ready.catch(() => {});
    return { worker: { terminate() {}, postMessage() {} } as unknown as Worker, ready, pending: new Map(), started: false };
  }
  const pending: Compiler['pending'] = new Map();
  const c: Compiler = { worker, pending, ready: Promise.resolve(), started: false };
  c.ready = new Promise<void>((resolve, reject) => {
    worker.addEventListener('message', (ev: MessageEvent<CompileReply>) => {
      const m = ev.data;
      if (m.type === 'ready') {
        mark('compiler-ready');
        c.started = true;
        if (quick) endQuick(quick); // not needed any more
        resolve();
      } else if (m.type === 'init-failed') reject(new Error(`The compiler could not start: ${m.message}`));
      else if (m.type === 'broken') retire(c, BROKEN(m.message));
      else if (m.type === 'compiled') {
        const p = pending.get(m.id);
        pending.delete(m.id);
        if (p) {
          mark('compiled');
          clearTimeout(p.timer);
          if (m.ok) p.resolve({ ok: true, js: m.js, warnings: m.warnings, ms: m.ms });
          else if (m.internal) p.resolve({ ok: false, errors: failure(internalFailure(m.errors[0]?.text)), ms: m.ms, internal: true });
          else p.resolve({ ok: false, errors: m.errors, ms: m.ms });
        }
        if (!m.ok && m.internal) retire(c, internalFailure(m.errors[0]?.text));
      }
    });
    worker.addEventListener('error', (ev) => {
      ev.preventDefault();
      if (!c.started) reject(new Error(`The compiler could not start: ${ev.message || 'worker error'}`));
      retire(c, BROKEN(ev.message || 'worker error'));
    });
  });
  // Avoid an unhandled rejection when nobody awaits the warm-up; compile() reports the error.
  c.ready.catch(() => {});
  current = c;
  return c;
}

/** Starts esbuild-wasm in its worker if it is not running yet. Safe to call many times. */
export function warmCompiler(): Promise<void> {
  return start().ready;
}

/** How many times this page replaced a compiler that failed (for tests). */
export function compilerRestarts(): number {
  return restarts;
}

export interface CompileOptions {
  /** A Run's compile: the quick compiler may take it while esbuild-wasm is starting. */
  quick?: boolean;
  /** Called (at most once) when this compile is about to wait for esbuild-wasm's start. */
  onWait?: () => void;
}

/**
 * Compiles learner TypeScript to CommonJS (`{loader:'ts', format:'cjs', target:'es2022'}`); code
 * compiled recently gets that compile's result again (its `ms`: the time to find it).
 */
export async function compile(code: string, file: string, opts: CompileOptions = {}): Promise<CompileResult> {
  const key = cacheKey(code, file);
  const known = cache.get(key);
  if (known) {
    mark('compile-reused');
    remember(key, known);
    return { ...known, ms: 0 };
  }
  if (opts.quick && !current?.started) {
    const t0 = performance.now();
    const js = await quickCompileKept(code, file);
    if (js !== null) return { ok: true, js, warnings: [], ms: performance.now() - t0 };
  }
  if (!current?.started) opts.onWait?.();
  // The same code asked for again while it compiles (e.g. a Submit right after the page's compile
  // of the code just run) waits for that compile.
  let compiling = inFlight.get(key);
  if (!compiling) {
    compiling = compileAndKeep(code, file, key);
    inFlight.set(key, compiling);
    const done = () => inFlight.delete(key);
    void compiling.then(done, done);
  }
  return compiling;
}

/** Code longer than this is not compiled ahead of a Run (`precompile`): a pasted megabyte waits for the Run. */
export const PRECOMPILE_MAX_CHARS = 64 * 1024;

/**
 * Compiles `code` ahead of a Run, while the learner pauses typing (boot.ts), so that the Run finds it
 * compiled: by esbuild-wasm if it is up (kept as any compile: for a Submit and later visits too), else
 * by the quick compiler (kept for Runs only). Never starts esbuild-wasm; what neither compiles now is
 * left to the Run, which reports it. Marks `qc:precompiled` once the code is compiled.
 */
export function precompile(code: string, file: string): void {
  const key = cacheKey(code, file);
  if (code.length > PRECOMPILE_MAX_CHARS || cache.has(key) || quickKept.has(key)) return;
  const done = (ok: boolean) => ok && mark('precompiled');
  if (current?.started) {
    compile(code, file).then((r) => done(r.ok || !r.internal), () => {});
  } else {
    void quickCompileKept(code, file).then((js) => done(js !== null));
  }
}

/** Compiles in progress, by cache key. */
const inFlight = new Map<string, Promise<CompileResult>>();

async function compileAndKeep(code: string, file: string, key: string): Promise<CompileResult> {
  const result = await compileInWorker(code, file);
  if (result.ok || !result.internal) remember(key, result);
  // Kept for later visits after this task: the storage write (JSON of up to four compiles) is not the Run's wait.
  if (result.ok && result.warnings.length === 0) setTimeout(() => saveCompile(pageStorage(), { file, code, js: result.js }), 0);
  return result;
}

/** `code` compiled to `js` without errors or warnings elsewhere (at build time): a compile of it is this result. */
export function knownCompile(code: string, file: string, js: string): void {
  remember(cacheKey(code, file), { ok: true, js, warnings: [], ms: 0 });
}

/** Whether a compile of `code` is at hand (a compile of it now would not reach the compiler). */
export function isCompiled(code: string, file: string): boolean {
  return cache.has(cacheKey(code, file));
}

/**
 * Compiles `code` in the worker and discards the result, past the cache: the page's way to have
 * esbuild's first compile of real code (its slowest: lazily compiled wasm) behind it.
 */
export async function rehearseCompile(code: string, file: string): Promise<void> {
  await compileInWorker(code, file);
}

async function compileInWorker(code: string, file: string): Promise<CompileResult> {
  const c = start();
  try {
    await c.ready;
  } catch (e) {
    if (current === c) current = null; // try a fresh start next time
    throw e;
  }
  if (current !== c) return compileInWorker(code, file); // it failed while we waited: use the new one
  const id = nextId++;
  return new Promise<CompileResult>((resolve) => {
    const t0 = performance.now();
    const timer = setTimeout(() => retire(c, BROKEN(`no answer within ${COMPILE_LIMIT_MS / 1000} s`)), COMPILE_LIMIT_MS);
    mark('compile-posted');
    c.pending.set(id, { resolve, timer, t0 });
    c.worker.postMessage({ type: 'compile', id, code, file });
  });
}

/** A quick compile that takes longer than this is given up (and its worker ended): the Run waits for esbuild. */
const QUICK_LIMIT_MS = 5_000;

interface QuickCompiler {
  worker: Worker;
  pending: Map<number, (js: string | null) => void>;
}

let quick: QuickCompiler | null = null;

/** Starts the quick compiler unless esbuild-wasm is up already. Safe to call many times. */
export function warmQuickCompiler(): void {
  startQuick();
}

function startQuick(): QuickCompiler | null {
  if (quick || current?.started) return quick;
  let worker: Worker;
  try {
    worker = namedWorker(QuickCompileWorker, 'exercise-quick-compiler');
  } catch {
    return null;
  }
  const q: QuickCompiler = { worker, pending: new Map() };
  worker.addEventListener('message', (ev: MessageEvent<QuickCompileReply>) => {
    const m = ev.data;
    if (m?.type !== 'quick-compiled') return;
    if (typeof m.at === 'number') mark('quick-compile-replied', m.at);
    const done = q.pending.get(m.id);
    q.pending.delete(m.id);
    done?.(typeof m.js === 'string' ? m.js : null);
  });
  worker.addEventListener('error', (ev) => {
    ev.preventDefault();
    endQuick(q);
  });
  quick = q;
  return q;
}

/** Ends the quick compiler: what waits on it gets null (esbuild compiles it). */
function endQuick(q: QuickCompiler): void {
  if (quick === q) quick = null;
  q.worker.terminate();
  for (const [, done] of q.pending) done(null);
  q.pending.clear();
}

/** Quick compiles of the last few codes (pending or done), kept for Runs of the same code again: never a Submit's. */
const QUICK_KEPT = 4;
const quickKept = new Map<string, Promise<string | null>>();

/**
 * `code` compiled by the quick compiler (marked `qc:quick-compiled`), or the compile of it kept
 * (`qc:compile-reused`); null if it could not say (not kept: the Run then waits for esbuild).
 */
function quickCompileKept(code: string, file: string): Promise<string | null> {
  const key = cacheKey(code, file);
  const kept = quickKept.get(key);
  if (kept) {
    keepRecent(quickKept, key, kept, QUICK_KEPT);
    return kept.then((js) => {
      if (js !== null) mark('compile-reused');
      return js;
    });
  }
  const compiling = quickCompileInWorker(code, file).then((js) => {
    if (js === null) quickKept.delete(key);
    else mark('quick-compiled');
    return js;
  });
  keepRecent(quickKept, key, compiling, QUICK_KEPT);
  return compiling;
}

/** `code` compiled by the quick compiler, or null (it could not say, failed, or esbuild is up). */
function quickCompileInWorker(code: string, file: string): Promise<string | null> {
  const q = startQuick();
  if (!q) return Promise.resolve(null);
  const id = nextId++;
  return new Promise<string | null>((resolve) => {
    const timer = setTimeout(() => endQuick(q), QUICK_LIMIT_MS);
    q.pending.set(id, (js) => {
      clearTimeout(timer);
      resolve(js);
    });
    mark('quick-compile-posted');
    q.worker.postMessage({ type: 'compile', id, code, file });
  });
}
