/**
 * The grader: runs an exercise's tests against a learner module and returns Exercism v3 results
 * (docs/CONTRACTS.md "Results" and "Grader entry"). Same code in the browser run worker and in the
 * Node CLIs. Pure TypeScript: no DOM, no Node built-ins, no esbuild.
 *
 *   const results = await runExercise({ exercise, learnerJs, mode: 'submit' });
 *
 * - The learner module (compiled CJS) runs in a compartment of its own on a hardened realm
 *   (sandbox.ts): once up front (to report load errors and missing exports as `status: 'error'`)
 *   and again for every `ctx.load()`: no state leaks between tests, built-ins are frozen.
 * - `require` maps only 'cassandra-driver', 'pg', 'kafkajs' to the simulator's driver modules.
 * - Console output (the `console` argument and the global `console`) is captured per test,
 *   capped at `limits.outputBytesPerTest` (64 KB, at most MAX_TEXT_CHARS) with a "… output
 *   truncated" note; every test's `message` and the whole results are capped too (caps.ts).
 * - Tests with `seeds` run once per seed; the first failing seed is reported with its seed and
 *   the trace of the world it used.
 * - A test whose code never settles fails with a clear message: the simulator's deadlock/budget
 *   verdict inside `world.run`, or after `limits.settleMs` (wall clock) outside any world.
 *   Synchronous infinite loops cannot be stopped from inside: the host (run worker / CLI worker)
 *   terminates the thread on its wall-clock limit and reports the test `onTestStart` named last.
 */
import {
  isAssertionFailure,
  isTestModule,
  fail,
  type TestContext,
  type TestEntry,
  type TestModule,
} from './suite';
import { DEFAULT_OUTPUT_BYTES, OutputBuffer, captureConsole, describeThrown } from './format';
import { boundResults, capText, MAX_TEXT_CHARS, MAX_TRACE_CHARS } from './caps';
import { evaluateLearnerModule, explainReadOnly, hardenRealm, isRealmHardened, type LearnerModule } from './sandbox';
import type { Meta } from './schema';
import { summarize } from './merge';
import { caseSeeds, runProperty } from './property';
import { testSource } from './source';
import { inlineSourceMap, learnerLocation, type SourceMap } from './sourcemap';
import { createWorld, isSimulationError, type World, type WorldOptions } from './world';
import { DEFAULT_SETTLE_MS, errorResults, type PlannedTest } from './host';

export type { Meta } from './schema';
export type { PlannedTest } from './host';
export { mergeShards } from './merge';
export { parseMeta, validateExercise, parseRejects, MetaSchema, ExerciseFormatError } from './schema';
export { hardenRealm, isRealmHardened } from './sandbox';
export { MAX_TEXT_CHARS, MAX_RESULTS_CHARS } from './caps';

export type Status = 'pass' | 'fail' | 'error';

export interface TestResult {
  name: string;
  status: Status;
  message?: string;
  output?: string;
  test_code?: string;
  visibility: 'visible' | 'hidden';
  scenario?: string;
  hint?: string;
  seed?: number;
  trace?: unknown;
  duration_ms?: number;
}

export interface Results {
  version: 3;
  status: Status;
  message?: string;
  tests: TestResult[];
}

export interface ExerciseBundle {
  id: string;
  meta: Meta;
  /** Default export of `exercises/<id>/visible.test.ts`. */
  visible: TestModule;
  /** Default export of `exercises/<id>/hidden.test.ts`. */
  hidden: TestModule;
  /**
   * Optional: the text of `visible.test.ts`, so `test_code` shows the TypeScript as written.
   * Without it `test_code` is the (compiled) test function's own source.
   */
  visibleSource?: string;
}

export interface Limits {
  /** Virtual-time budget per simulator world (ms). Default: the simulator's. */
  maxVirtualMs?: number;
  /** Event budget per simulator world. Default: the simulator's. */
  maxEvents?: number;
  /** Console bytes kept per test. Default 64 KB. */
  outputBytesPerTest?: number;
  /** Wall-clock ms a test may stay pending outside `world.run` before it is failed. Default 3000. */
  settleMs?: number;
}

export interface RunOptions {
  exercise: ExerciseBundle;
  learnerJs: string;
  mode: 'run' | 'submit';
  limits?: Limits;
  /**
   * Called once, before learner code is loaded, with the tests this run will run (hosts use it to
   * list the tests a wall-clock timeout kept from running).
   */
  onPlan?: (tests: PlannedTest[]) => void;
  /** Called before each test starts (hosts use it to name the test a wall-clock timeout hit). */
  onTestStart?: (name: string, index: number) => void;
  /** Called with each finished test result, in order. */
  onTestResult?: (result: TestResult, index: number) => void;
  /**
   * Run only the tests at positions i with i % count === index (a host grading one Submit on
   * several threads; `mergeShards` puts the parts back together). Default: every test.
   */
  shard?: { index: number; count: number };
  /**
   * Filled in when the run ends: `repaired` = real timers learner code left pending (outside any
   * simulator world) that the grader cancelled; `broken` = 1 when the realm is not hardened (see
   * sandbox.ts), so learner code could have changed it. A host that reuses its realm for the next
   * run does so only when both stay 0.
   */
  realm?: { repaired: number; broken: number };
  /**
   * Replay one seed (`npm run grade -- … --seed <n>`): every test with `seeds` runs only this seed,
   * and every property only the case with this seed (generated from it and shrunk as in the Submit
   * that reported it). Default: every seed and every generated case.
   */
  seed?: number;
}

const FunctionCtor = Function;
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const perf = typeof performance === 'object' && performance ? performance : null;
const perfNow = perf ? perf.now.bind(perf) : Date.now;
const jsonStringify = JSON.stringify;
const jsonParse = JSON.parse;

const DEFAULT_SEED = 1;

/** Evaluate `learnerJs` in a compartment of its own, or say why it cannot run. */
function learnerModuleOrProblem(js: string): LearnerModule | string {
  const problem = hardenRealm();
  if (problem) return problem;
  try {
    return evaluateLearnerModule(js);
  } catch (e) {
    return `Your code could not be compiled: ${describeThrown(e)}`;
  }
}

/** Make a value safe to post/serialize (traces from the simulator, thrown values). */
function plain(v: unknown): unknown {
  try {
    const s = jsonStringify(v);
    return s === undefined ? undefined : jsonParse(s);
  } catch {
    return undefined;
  }
}

interface Attempt {
  usedWorld?: boolean;
  status: Status;
  message?: string;
  output: string;
  trace?: unknown;
}

export async function runExercise(opts: RunOptions): Promise<Results> {
  const { learnerJs } = opts;
  if (typeof learnerJs !== 'string') return errorResults('No code to run.');
  const learner = learnerModuleOrProblem(learnerJs);
  if (typeof learner === 'string') return errorResults(learner);
  try {
    return boundResults(await runLoaded(opts, learner));
  } finally {
    const leftover = learner.close();
    if (opts.realm) {
      opts.realm.repaired += leftover;
      if (!isRealmHardened()) opts.realm.broken += 1;
    }
  }
}

async function runLoaded(opts: RunOptions, learner: LearnerModule): Promise<Results> {
  const { exercise, learnerJs, mode } = opts;
  const meta = exercise.meta;
  const limits: Limits = { ...meta.limits, ...opts.limits };
  const outputCap = Math.min(limits.outputBytesPerTest ?? DEFAULT_OUTPUT_BYTES, MAX_TEXT_CHARS);
  const settleMs = limits.settleMs ?? DEFAULT_SETTLE_MS;

  // Collect the tests before learner code can touch anything.
  let entries: { entry: TestEntry; visibility: 'visible' | 'hidden' }[];
  try {
    if (!isTestModule(exercise.visible) || !isTestModule(exercise.hidden))
      throw new Error('visible.test.ts and hidden.test.ts must `export default defineTests(...)`');
    entries = exercise.visible.collect().map((entry) => ({ entry, visibility: 'visible' as const }));
    if (mode === 'submit') entries = entries.concat(exercise.hidden.collect().map((entry) => ({ entry, visibility: 'hidden' as const })));
  } catch (e) {
    return errorResults(`The tests of exercise "${exercise.id}" could not be loaded: ${describeThrown(e)}`);
  }
  const shard = opts.shard;
  const inShard = (i: number) => !shard || i % shard.count === shard.index;
  opts.onPlan?.(entries.flatMap(({ entry, visibility }, index) => (inShard(index) ? [{ index, name: entry.name, visibility }] : [])));

  let sourceMap: SourceMap | null | undefined;
  const withLocation = (message: string, e: unknown): string => {
    sourceMap ??= inlineSourceMap(learnerJs);
    const at = learnerLocation(e, sourceMap);
    const text = explainReadOnly(message);
    return at && !message.startsWith('Unbounded recursion') ? `${text} (at ${at})` : text;
  };

  // Preflight: load once to report load errors and missing exports before any test.
  const loadOut = new OutputBuffer(outputCap);
  let preflightError: string | null = null;
  try {
    const exports = learner.load(captureConsole(loadOut));
    const missing = meta.exports.filter((name) => {
      try {
        return exports[name] === undefined;
      } catch {
        return true;
      }
    });
    if (missing.length) {
      preflightError = `Your module does not export ${missing.map((m) => `\`${m}\``).join(', ')}: the tests call ${
        missing.length > 1 ? 'them' : 'it'
      }. Add \`export\` in front of ${missing.length > 1 ? 'each' : 'its'} declaration, e.g. \`export function ${missing[0]}(…)\`.`;
    }
  } catch (e) {
    preflightError = `Your module threw while loading: ${withLocation(describeThrown(e), e)}`;
  }
  if (preflightError) {
    const out = loadOut.text();
    return { version: 3, status: 'error', message: capText(out ? `${preflightError}\n\nOutput:\n${out}` : preflightError), tests: [] };
  }

  const results: TestResult[] = [];
  for (let i = 0; i < entries.length; i++) {
    if (!inShard(i)) continue;
    const { entry, visibility } = entries[i];
    opts.onTestStart?.(entry.name, i);
    const started = perfNow();
    const seeds = opts.seed !== undefined ? [opts.seed] : entry.options.seeds ?? [DEFAULT_SEED];
    let attempt: Attempt = { status: 'pass', output: '' };
    let seedUsed: number | undefined;
    let scenario = entry.options.scenario;
    if (entry.property) {
      const spec = entry.property;
      const found = await runProperty(spec, opts.seed !== undefined ? [opts.seed] : caseSeeds(entry.name, spec.runs), (seed, value) =>
        runAttempt(entry, seed, value),
      );
      if (!found.ok && 'broken' in found) attempt = { status: 'error', message: found.broken, output: '' };
      else if (!found.ok) {
        const f = found.failure;
        attempt = f.outcome;
        seedUsed = f.seed;
        // the same words on a replay (`seed`): where the case was found is not part of them
        scenario = `${f.words} (the smallest failing case found${f.shrinks ? `: made smaller ${f.shrinks} time${f.shrinks === 1 ? '' : 's'}` : ''})`;
      }
    } else {
      for (let k = 0; k < seeds.length; k++) {
        attempt = await runAttempt(entry, seeds[k]);
        seedUsed = seeds[k];
        if (attempt.status !== 'pass') break;
      }
    }
    const r: TestResult = { name: entry.name, status: attempt.status, visibility };
    if (attempt.message !== undefined) r.message = capText(attempt.message);
    if (attempt.output) r.output = attempt.output; // capped as it is written (OutputBuffer, at most MAX_TEXT_CHARS bytes)
    if (visibility === 'visible') r.test_code = testCode(exercise, entry);
    if (entry.property) {
      if (attempt.status !== 'pass' && scenario) r.scenario = scenario;
      if (seedUsed !== undefined) r.seed = seedUsed;
    } else {
      if (scenario) r.scenario = scenario;
      if (entry.options.seeds || attempt.usedWorld) r.seed = attempt.status === 'pass' ? seeds[0] : seedUsed;
    }
    if (entry.options.hint && attempt.status !== 'pass') r.hint = entry.options.hint;
    if (attempt.trace !== undefined && attempt.status !== 'pass') r.trace = attempt.trace;
    r.duration_ms = Math.round((perfNow() - started) * 100) / 100;
    results.push(r);
    opts.onTestResult?.(r, i);
  }

  return summarize(results);

  /** One run of a test (or of one case of a property, `value` being its scenario) on a fresh context. */
  async function runAttempt(entry: TestEntry, seed: number, value?: unknown): Promise<Attempt> {
    const out = new OutputBuffer(outputCap);
    const learnerConsole = captureConsole(out);
    let world: World | null = null; // the last world the test created (its trace goes into the results)
    const ctx: TestContext = {
      seed,
      name: entry.name,
      load<M>() {
        return learner.load(learnerConsole) as M;
      },
      world(options?: WorldOptions) {
        const budget = {
          maxVirtualMs: entry.options.maxVirtualMs ?? limits.maxVirtualMs,
          maxEvents: entry.options.maxEvents ?? limits.maxEvents,
        };
        world = createWorld(options ?? {}, seed, budget);
        return world;
      },
      fail,
    };

    // `settled` is set only by our own callbacks (a test passes only once its promise has settled).
    const outcome: { ok: boolean; settled: boolean; error?: unknown } = { ok: true, settled: false };
    let timedOut = false;
    try {
      const body = async () => {
        let firstError: { error: unknown } | null = null;
        try {
          for (const h of entry.beforeEach) await h(ctx);
          if (entry.property) await entry.property.body(ctx, value);
          else await entry.body(ctx);
        } catch (e) {
          firstError = { error: e };
        }
        for (const h of entry.afterEach) {
          try {
            await h(ctx);
          } catch (e) {
            firstError ??= { error: e };
          }
        }
        if (firstError) throw firstError.error;
      };
      let p: Promise<void>;
      try {
        p = body();
      } catch (e) {
        p = Promise.reject(e);
      }
      await new Promise<void>((resolve) => {
        // Outside a simulator world nothing else notices a promise that never settles. Inside one,
        // the simulator's deadlock/budget verdicts end the run; the host's wall clock is the backstop.
        let timer: ReturnType<typeof realSetTimeout>;
        const arm = () => {
          timer = realSetTimeout(() => {
            if (world) return arm();
            timedOut = true;
            resolve(undefined);
          }, settleMs);
        };
        arm();
        p.then(
          () => {
            realClearTimeout(timer);
            outcome.settled = true;
            resolve(undefined);
          },
          (e) => {
            realClearTimeout(timer);
            outcome.settled = true;
            outcome.ok = false;
            outcome.error = e;
            resolve(undefined);
          },
        );
      });
    } finally {
      // (the learner's console is captured by its compartment: nothing to put back)
    }

    const output = out.text();
    const w = world as World | null;
    // traces only for failures (what the UI draws); passing scenarios skip the serialisation cost
    if (!timedOut && !outcome.settled) {
      outcome.ok = false;
      outcome.error = new Error('The test ended before its code settled.');
    }
    const failed = timedOut || !outcome.ok;
    const trace = w && failed ? safeTrace(w) : undefined;
    const usedWorld = w !== null;
    if (timedOut) {
      return {
        usedWorld,
        status: 'fail',
        message: `The test did not finish within ${settleMs} ms: your code is waiting for something that never happens (a promise that never resolves?).`,
        output,
        trace,
      };
    }
    if (outcome.ok) return { usedWorld, status: 'pass', output };
    const err = outcome.error;
    if (isAssertionFailure(err)) return { usedWorld, status: 'fail', message: assertionMessage(err), output, trace };
    if (isSimulationError(err))
      return { usedWorld, status: err.kind === 'usage' ? 'error' : 'fail', message: simulationMessage(err), output, trace };
    return { usedWorld, status: 'error', message: withLocation(describeThrown(err), err), output, trace };
  }
}

/**
 * The world's trace as plain JSON data; a huge network journal is cut to keep results small (the
 * whole results are bounded too: caps.ts).
 */
function safeTrace(w: World): unknown {
  try {
    const t = plain(w.trace()) as { journal?: unknown[]; journalTruncated?: number } | undefined;
    if (t && Array.isArray(t.journal) && jsonStringify(t).length > MAX_TRACE_CHARS) {
      const keep = 2000;
      t.journalTruncated = t.journal.length - keep;
      t.journal = t.journal.slice(0, keep);
    }
    return t;
  } catch {
    return undefined;
  }
}

function assertionMessage(e: unknown): string {
  try {
    const m = (e as { message?: unknown }).message;
    return typeof m === 'string' && m ? m : 'Assertion failed';
  } catch {
    return 'Assertion failed';
  }
}

function simulationMessage(e: { kind?: string; message?: string }): string {
  const what =
    e.kind === 'deadlock'
      ? 'Your code is waiting for something that can never happen (the simulation deadlocked)'
      : e.kind === 'busy-wait'
        ? 'Your code spins on the clock (busy-wait) instead of awaiting a timer'
        : e.kind === 'budget'
          ? 'The scenario ran out of its time/event budget: your code keeps going without finishing'
          : e.kind === 'uncaught'
            ? 'An error escaped from a timer callback in your code'
            : 'The simulation stopped';
  return `${what}. ${e.message ?? ''}`.trim();
}

function testCode(exercise: ExerciseBundle, entry: TestEntry): string | undefined {
  if (exercise.visibleSource) {
    const code = testSource(exercise.visibleSource, entry.ownName, entry.ownNameIndex);
    if (code) return code;
  }
  try {
    return FunctionCtor.prototype.toString.call(entry.body) as string;
  } catch {
    return undefined;
  }
}
