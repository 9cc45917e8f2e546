/**
 * One script per exercise holding the grader, the simulator and the exercise's visible and hidden
 * tests, built with esbuild (as the site's run worker gets them from Vite) and written once per
 * content hash to the OS temp directory. A grading process gets its text and evaluates it in a fresh realm without
 * Node's globals (scripts/grade-worker.cjs): it is an IIFE that leaves its exports in one global,
 * `__qcGrader`. While none of the files the last build read has changed (mtime and size), the bundle
 * is reused without running esbuild. A test file that does not compile gives an error naming
 * file:line:column. The bundle carries its own copy of `ses` (the sandbox, src/grading/sandbox.ts):
 * a grading realm evaluates exactly one bundle, so SES sets up that realm once.
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createContext, runInContext } from 'node:vm';
import type { Message } from 'esbuild';
import type { ExerciseBundle, runExercise as RunExercise } from '#grading';
import { parseMeta, type Meta } from '#grading/schema';
import { formatEsbuildMessage } from './compile';
import { EXERCISES_DIR, ROOT } from './exercises';

/** The global the bundle's exports land in. */
export const BUNDLE_GLOBAL = '__qcGrader';

export type BundleRef = { bundle: string; meta: Meta; visibleSourcePath: string };
export type Bundled = { ok: true; ref: BundleRef } | { ok: false; message: string };

/** What the bundle exports (the grading realm's entry points). */
export interface GraderBundle {
  runExercise: typeof RunExercise;
  reportUncaught: (reason: unknown, kind: 'rejection' | 'exception') => void;
  /** SES `lockdown` of the realm the bundle was evaluated in (src/grading/sandbox.ts); null or why not. */
  hardenRealm: () => string | null;
  visible: ExerciseBundle['visible'];
  hidden: ExerciseBundle['hidden'];
}

const nodeRequire = createRequire(import.meta.url);
const bundles = new Map<string, Promise<Bundled>>();

export function bundleExercise(id: string): Promise<Bundled> {
  let p = bundles.get(id);
  if (!p) bundles.set(id, (p = buildBundle(id)));
  return p;
}

/** Events enough for chai in an in-process realm (it announces its plugins; nothing listens). */
const IN_PROCESS_EVENTS = `globalThis.Event = class Event { constructor(type) { this.type = String(type); } };
globalThis.EventTarget = class EventTarget { addEventListener() {} removeEventListener() {} dispatchEvent() { return true; } };`;

/**
 * The bundle evaluated in this process (bench/ times the grader in-process), in a `vm` realm of its
 * own: the bundle's `ses` sets up (locks down) the realm it is evaluated in, once, so every bundle
 * gets a fresh realm, with this process's timers, clock and console. Trusted code only: grading
 * learner code goes through a grading process instead (scripts/lib/grade-pool.ts).
 */
export function loadBundleInProcess(ref: BundleRef): GraderBundle {
  const g = globalThis as unknown as Record<string, unknown>;
  const names = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'queueMicrotask', 'performance', 'console'];
  const context = createContext({ ...Object.fromEntries(names.map((n) => [n, g[n]])), process: { nextTick: process.nextTick } });
  // chai announces its plugins on an EventTarget; lockdown accepts only the realm's own classes
  runInContext(IN_PROCESS_EVENTS, context);
  runInContext(readFileSync(ref.bundle, 'utf8'), context, { filename: ref.bundle });
  return (context as Record<string, GraderBundle>)[BUNDLE_GLOBAL];
}

/** What the last build of an exercise's bundle read, with each file's mtime and size. */
type Manifest = { format: string; esbuild: string; bundle: string; inputs: [file: string, mtimeMs: number, size: number][] };
/** Changes whenever the bundle's shape changes (a manifest of another shape is not reused). */
const FORMAT = `iife-strict:${BUNDLE_GLOBAL}`;

/** Where bundles and their manifests are kept (the OS temp directory: shared by every checkout). */
const CACHE_DIR = join(tmpdir(), 'quorum-course-grader');

/** The bundle the last build of exercise `id` (in folder `dir`) wrote, as its manifest names it; null if none. */
export function cachedBundle(id: string, dir = join(EXERCISES_DIR, id)): string | null {
  try {
    return (JSON.parse(readFileSync(manifestPath(id, dir), 'utf8')) as Manifest).bundle;
  } catch {
    return null;
  }
}

function manifestPath(id: string, dir: string): string {
  return join(CACHE_DIR, `${id}-${createHash('sha256').update(dir).digest('hex').slice(0, 12)}.inputs.json`);
}

function bundleFromManifest(path: string, esbuildVersion: string): string | null {
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    if (m.format !== FORMAT || m.esbuild !== esbuildVersion) return null;
    for (const [file, mtimeMs, size] of m.inputs) {
      const st = statSync(file);
      if (st.mtimeMs !== mtimeMs || st.size !== size) return null;
    }
    return markInUse(m.bundle) ? m.bundle : null;
  } catch {
    return null; // no manifest yet, an input gone, or a half-written file: build
  }
}

/**
 * A bundle's mtime is when it was last used: `removeStale` (another copy of the exercise, edited,
 * being bundled) removes only bundles nobody has used for an hour, never one a grader is loading.
 */
function markInUse(bundle: string): boolean {
  try {
    const now = new Date();
    utimesSync(bundle, now, now);
    return true;
  } catch {
    return false; // not there (yet, or any more)
  }
}

function entrySource(dir: string): string {
  const q = (f: string) => JSON.stringify(f);
  return [
    `export { runExercise, reportUncaught, hardenRealm } from ${q(join(ROOT, 'src/grading/index.ts'))};`,
    `export { default as visible } from ${q(join(dir, 'visible.test.ts'))};`,
    `export { default as hidden } from ${q(join(dir, 'hidden.test.ts'))};`,
  ].join('\n');
}

async function esbuildBundle(id: string, dir: string): Promise<{ text: string; inputs: string[] } | { error: string }> {
  const { build } = nodeRequire('esbuild') as typeof import('esbuild');
  try {
    const r = await build({
      stdin: { contents: entrySource(dir), resolveDir: ROOT, sourcefile: `grader-${id}.js`, loader: 'js' },
      absWorkingDir: ROOT,
      metafile: true,
      bundle: true,
      write: false,
      format: 'iife',
      globalName: BUNDLE_GLOBAL,
      // strict, as the ES modules it is made of (and as the browser evaluates them): SES requires it
      banner: { js: '"use strict";' },
      // the grading realm has the browser's JavaScript, not Node's: resolve packages as the site does
      platform: 'browser',
      target: 'es2022',
      // functions keep their names where the bundler renames them: SES's tamed `Error` stays `Error`
      // (learner code saw `Error.name === 'Error4'`, and the grader named errors that way)
      keepNames: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(r.metafile.inputs).filter((p) => p !== `grader-${id}.js` && !p.startsWith('<')).map((p) => resolve(ROOT, p));
    inputs.push(fileURLToPath(import.meta.url)); // how the bundle is built is an input too
    return { text: r.outputFiles[0].text, inputs };
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors;
    const message = errors?.length
      ? errors.map((m) => formatEsbuildMessage(m.location?.file ?? `exercises/${id}`, m)).join('\n')
      : (e as Error).message;
    return { error: `The tests of exercise "${id}" do not compile:\n${message}` };
  }
}

/** Write `text` atomically (a concurrent grader never reads half a file). */
function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Older bundles of this exercise (edited since, or another copy's) go once unused for an hour. */
function removeStale(id: string, keep: string): void {
  const mine = (name: string) => name.length === id.length + 20 && name.startsWith(`${id}-`) && /^-[0-9a-f]{16}\.js$/.test(name.slice(id.length));
  for (const name of readdirSync(CACHE_DIR)) {
    const old = join(CACHE_DIR, name);
    if (old === keep || !mine(name)) continue;
    try {
      if (Date.now() - statSync(old).mtimeMs > 3_600_000) rmSync(old, { force: true });
    } catch {
      // another grader removed it first
    }
  }
}

async function buildBundle(id: string): Promise<Bundled> {
  const { version: esbuildVersion } = nodeRequire('esbuild') as typeof import('esbuild');
  const dir = join(EXERCISES_DIR, id);
  const manifest = manifestPath(id, dir);
  const reused = bundleFromManifest(manifest, esbuildVersion);
  if (reused) return withMeta(id, dir, reused);
  const built = await esbuildBundle(id, dir);
  if ('error' in built) return { ok: false, message: built.error };
  const file = join(CACHE_DIR, `${id}-${createHash('sha256').update(built.text).digest('hex').slice(0, 16)}.js`);
  if (!markInUse(file)) {
    mkdirSync(CACHE_DIR, { recursive: true });
    writeAtomic(file, built.text);
    removeStale(id, file);
  }
  try {
    const inputs = built.inputs.map((p): [string, number, number] => {
      const st = statSync(p);
      return [p, st.mtimeMs, st.size];
    });
    writeAtomic(manifest, JSON.stringify({ format: FORMAT, esbuild: esbuildVersion, bundle: file, inputs } satisfies Manifest));
  } catch {
    // an input vanished while we built: the next run builds again
  }
  return withMeta(id, dir, file);
}

/** meta.json is validated here: the grading process gets it parsed (and no zod to load). */
function withMeta(id: string, dir: string, bundle: string): Bundled {
  let meta: Meta;
  try {
    meta = parseMeta(`exercises/${id}/meta.json`, readFileSync(join(dir, 'meta.json'), 'utf8'));
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
  return { ok: true, ref: { bundle, meta, visibleSourcePath: join(dir, 'visible.test.ts') } };
}
