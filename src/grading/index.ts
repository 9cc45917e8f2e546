/**
 * The grader: runs an exercise's tests against a learner module and returns Exercism v3 results
 * (docs/CONTRACTS.md "Results" and "Grader entry"). Same code in the browser run worker and in the
 * Node CLIs. Pure TypeScript: no DOM, no Node built-ins, no esbuild.
 *
 *   const results = await runExercise({ exercise, learnerJs, mode: 'submit' });
 *
 * - The learner module (compiled CJS) runs in a compartment of its own on a hardened realm
 *   (sandbox.ts): once up front (to report load errors and missing exports as `status: 'error'`)
 *   and again for every `ctx.load()`: no state leaks between tests, built-ins are frozen. Every
 *   host (the browser's run worker, the Node grading process's realm) gets the same sandbox: the
 *   run hardens the realm it runs in before any learner code is evaluated.
 * - `require` maps only 'cassandra-driver', 'pg', 'kafkajs' to the simulator's driver modules.
 * - Console output (the `console` argument and the global `console`) is captured per test,
 *   capped at `limits.outputBytesPerTest` (64 KB, at most MAX_TEXT_CHARS) with a "… output
 *   truncated" note; every test's `message` and the whole results are capped too (caps.ts).
 * - Tests with `seeds` run once per seed; the first failing seed is reported with its seed and
 *   the trace of the world it used.
 * - A test whose code never settles fails with a clear message: the simulator's deadlock/budget
 *   verdict inside `world.run`, or after `limits.settleMs` (wall clock) outside any world.
 *   Synchronous infinite loops cannot be stopped from inside: the host (run worker / grading
 *   process) stops it on its wall-clock limit and reads the run with src/grading/host.ts.
 * - A promise learner code leaves rejected with no handler (or an error thrown from one of its real
 *   timers), reported by the host through `reportUncaught`, fails the test during which it surfaced.
 * - Times in messages are rounded (messages.ts `roundTimes`).
 * One attempt (one seed of one test) is attempt.ts; the wording is messages.ts.
 */
import { isTestModule, type TestEntry, type TestModule } from './suite';
import { collectUncaught, drainUncaught, runAttempt, stopSettleWatch, type Attempt, type AttemptEnv, type Uncaught } from './attempt';
import { DEFAULT_OUTPUT_BYTES, OutputBuffer, captureConsole, describeThrown } from './format';
import { DEFAULT_SETTLE_MS, errorResults, type PlannedTest } from './host';
import { boundResults, capText, MAX_TEXT_CHARS } from './caps';
import { evaluateLearnerModule, explainReadOnly, hardenRealm, isRealmHardened, type LearnerModule } from './sandbox';
import { missingExportsMessage, roundTimes, thrownMessage, uncaughtMessage, withOutput } from './messages';
import type { Meta } from './schema';
import { shardFilter, summarize, type Shard } from './merge';
import { caseSeeds, runProperty } from './property';
import { testSource } from './source';
import { sourceOf } from './function-source';
import { inlineSourceMap, learnerLocation, type SourceMap } from './sourcemap';
import { learnerCodeMayRun } from './learner-stacks';

export type { Meta } from './schema';
export type { PlannedTest } from './host';
export { mergeShards, shardFilter, type Shard } from './merge';
export { reportUncaught } from './attempt';
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
  shard?: Shard;
  /**
   * Replay one seed (`npm run grade -- <id> <file> --seed <n>`): every test with `seeds` runs only
   * this seed, and every property only the case with this seed (generated from it and shrunk as in
   * the Submit that reported it). Tests without `seeds` run as always.
   */
  seed?: number;
  /**
   * Run only the test (or property) with this full name, as results name it
   * (`npm run grade -- <id> <file> --test <name>`; `npm run verify` checks a known-wrong file against
   * the test it names). Default: every test of the mode.
   */
  only?: string;
  /**
   * Filled in when the run ends: `repaired` = real timers learner code left pending (outside any
   * simulator world) that the grader cancelled; `broken` = 1 when the realm is not hardened (see
   * sandbox.ts), so learner code could have changed it. A host that reuses its realm for the next
   * run does so only when both stay 0.
   */
  realm?: { repaired: number; broken: number };
  /**
   * The host passes every rejection left unhandled (and every error thrown from a real timer) to
   * `reportUncaught`, as the browser's run worker and `npm run grade` do. The grader then waits after
   * each test until the host has reported what that test left (see `drainUncaught`); without it, one
   * turn of the event loop.
   */
  reportsUncaught?: boolean;
}

const perf = typeof performance === 'object' && performance ? performance : null;
const perfNow = perf ? perf.now.bind(perf) : Date.now;

const DEFAULT_SEED = 1;

/**
 * Harden the realm this run runs in (a no-op after the first run) and evaluate `learnerJs` in a
 * compartment of its own, or say why it cannot run.
 */
function learnerModuleOrProblem(js: string): LearnerModule | string {
  const problem = hardenRealm();
  if (problem) return problem;
  try {
    return evaluateLearnerModule(js);
  } catch (e) {
    return `Your code could not be compiled: ${describeThrown(e)}`;
  }
}

type Planned = { entry: TestEntry; visibility: 'visible' | 'hidden' };

/** The tests of this run, collected before learner code can touch anything. */
function collectTests(exercise: ExerciseBundle, mode: 'run' | 'submit', only?: string): Planned[] | string {
  const files = mode === 'submit' ? (['visible', 'hidden'] as const) : (['visible'] as const);
  const all: Planned[] = [];
  for (const visibility of files) {
    const file = `exercises/${exercise.id}/${visibility}.test.ts`;
    const module = exercise[visibility];
    if (!isTestModule(module)) return `The tests in ${file} could not be loaded: it must \`export default defineTests(...)\`.`;
    try {
      for (const entry of module.collect()) {
        const twin = all.find((p) => p.entry.name === entry.name);
        if (twin) return `Two tests are named "${entry.name}": in exercises/${exercise.id}/${twin.visibility}.test.ts and in ${file}; test names must be unique.`;
        all.push({ entry, visibility });
      }
    } catch (e) {
      return `The tests in ${file} could not be loaded: ${describeThrown(e)}`;
    }
  }
  if (only === undefined) return all;
  const picked = all.filter(({ entry }) => entry.name === only);
  return picked.length ? picked : `No test named "${only}" runs on ${mode === 'run' ? 'Run' : 'Submit'} in exercise "${exercise.id}".`;
}

/** Everything a run keeps between its tests. */
interface RunState {
  opts: RunOptions;
  env: AttemptEnv;
}

/** Load the module once: its load errors and missing exports are reported before any test. */
function preflight(run: RunState): string | null {
  const { env } = run;
  const loadOut = new OutputBuffer(env.outputCap);
  let problem: string | null = null;
  try {
    const exports = env.load(captureConsole(loadOut));
    const missing = run.opts.exercise.meta.exports.filter((name) => {
      try {
        return exports[name] === undefined;
      } catch {
        return true;
      }
    });
    if (missing.length) problem = missingExportsMessage(missing);
  } catch (e) {
    problem = `Your module threw while loading: ${env.explain(e)}`;
  }
  env.endAttempt?.(); // timers the module's top level started are not the first test's
  return problem ? withOutput(problem, loadOut.text()) : null;
}

/** How a test went: its attempt (the failing one, or the last), the seed it used, its scenario. */
interface Ran {
  attempt: Attempt;
  seedUsed?: number;
  seeds: number[];
  scenario?: string;
}

/** A test's seeds in order until one fails. */
async function runSeeds(run: RunState, entry: TestEntry): Promise<Ran> {
  const listed = entry.options.seeds;
  const seeds = listed ? (run.opts.seed !== undefined ? [run.opts.seed] : listed) : [DEFAULT_SEED];
  let attempt: Attempt = { status: 'pass', output: '' };
  let seedUsed: number | undefined;
  for (const seed of seeds) {
    attempt = await runAttempt(entry, seed, run.env);
    seedUsed = seed;
    if (attempt.status !== 'pass') break;
  }
  return { attempt, seedUsed, seeds, scenario: entry.options.scenario };
}

/** A property's generated cases until one fails, shrunk to the smallest failing case (property.ts). */
async function runPropertyTest(run: RunState, entry: TestEntry): Promise<Ran> {
  const spec = entry.property!;
  const replay = run.opts.seed;
  const found = await runProperty(spec, replay !== undefined ? [replay] : caseSeeds(entry.name, spec.runs), (seed, value) =>
    runAttempt(entry, seed, run.env, value),
  );
  if (found.ok) return { attempt: { status: 'pass', output: '' }, seeds: [] };
  if ('broken' in found) return { attempt: { status: 'error', message: found.broken, output: '' }, seeds: [] };
  const f = found.failure;
  return {
    attempt: f.outcome,
    seedUsed: f.seed,
    seeds: [f.seed],
    // the same words on a replay (`seed`): where the case was found is not part of them
    scenario: f.outcome.unshrinkable
      ? `${f.words} (the first failing case, not made smaller: it failed on its console output, not on the scenario)`
      : `${f.words} (the smallest failing case found${f.shrinks ? `: made smaller ${f.shrinks} time${f.shrinks === 1 ? '' : 's'}` : ''})`,
  };
}

function runTest(run: RunState, entry: TestEntry): Promise<Ran> {
  return entry.property ? runPropertyTest(run, entry) : runSeeds(run, entry);
}

/**
 * What learner code left uncaught while the test ran fails it (a test that failed anyway keeps its
 * own verdict, with the uncaught error added: it is often the real cause).
 */
function withUncaught(attempt: Attempt, uncaught: Uncaught[], env: AttemptEnv): Attempt {
  if (!uncaught.length) return attempt;
  const message = uncaughtMessage(uncaught, (e) => env.explain(e));
  if (attempt.status === 'pass') return { ...attempt, status: 'fail', message };
  return { ...attempt, message: `${attempt.message ?? ''}\n\n${message}`.trim() };
}

function testResult(exercise: ExerciseBundle, p: Planned, ran: Ran, ms: number): TestResult {
  const { entry, visibility } = p;
  const { attempt } = ran;
  const r: TestResult = { name: entry.name, status: attempt.status, visibility };
  if (attempt.message !== undefined) r.message = roundTimes(capText(attempt.message)); // cut first: rounding only shortens
  if (attempt.output) r.output = attempt.output; // capped as it is written (OutputBuffer, at most MAX_TEXT_CHARS bytes)
  if (visibility === 'visible') r.test_code = testCode(exercise, entry);
  if (entry.property) {
    // a property's scenario is its minimal failing case, its seed that case's
    if (attempt.status !== 'pass' && ran.scenario) r.scenario = ran.scenario;
    if (ran.seedUsed !== undefined) r.seed = ran.seedUsed;
  } else {
    if (ran.scenario) r.scenario = ran.scenario;
    if (entry.options.seeds || attempt.usedWorld) r.seed = attempt.status === 'pass' ? ran.seeds[0] : ran.seedUsed;
  }
  if (entry.options.hint && attempt.status !== 'pass') r.hint = entry.options.hint;
  if (attempt.trace !== undefined && attempt.status !== 'pass') r.trace = attempt.trace;
  r.duration_ms = Math.round(ms * 100) / 100;
  return r;
}

/** The grader's state for one run: limits, the learner module, the source map for locations. */
function startRun(opts: RunOptions, learner: LearnerModule): RunState {
  const limits: Limits = { ...opts.exercise.meta.limits, ...opts.limits };
  let sourceMap: SourceMap | null | undefined;
  const env: AttemptEnv = {
    load: (console) => learner.load(console),
    endAttempt: () => learner.endAttempt(),
    budget: { maxVirtualMs: limits.maxVirtualMs, maxEvents: limits.maxEvents },
    settleMs: limits.settleMs ?? DEFAULT_SETTLE_MS,
    outputCap: Math.min(limits.outputBytesPerTest ?? DEFAULT_OUTPUT_BYTES, MAX_TEXT_CHARS),
    explain(e) {
      const message = thrownMessage(e, opts.learnerJs);
      sourceMap ??= inlineSourceMap(opts.learnerJs);
      const at = learnerLocation(e, sourceMap);
      const text = explainReadOnly(message);
      return at && !message.startsWith('Unbounded recursion') ? `${text} (at ${at})` : text;
    },
  };
  return { opts, env };
}

/** The tests of the run, one after the other (the shard's only), each with what it left uncaught. */
async function runTests(run: RunState, entries: Planned[], inShard: (i: number) => boolean): Promise<Results> {
  const { opts } = run;
  const uncaught: Uncaught[] = [];
  collectUncaught(uncaught);
  try {
    const problem = preflight(run);
    if (problem) return errorResults(roundTimes(capText(problem)));
    const results: TestResult[] = [];
    for (let i = 0; i < entries.length; i++) {
      if (!inShard(i)) continue;
      opts.onTestStart?.(entries[i].entry.name, i);
      const started = perfNow();
      uncaught.length = 0;
      const ran = await runTest(run, entries[i].entry);
      // every rejection this test left unhandled is reported (to `uncaught`) before the next test starts
      await drainUncaught(opts.reportsUncaught === true, run.env.settleMs);
      ran.attempt = withUncaught(ran.attempt, uncaught, run.env);
      if (uncaught.length) {
        // (described after the attempt ended: a timer a Proxy's trap started meanwhile ends here too)
        run.env.endAttempt?.();
        // Describing a reason can run learner code (a Proxy's traps) that leaves more rejections: they
        // are reported now and dropped with the rest, so that none is blamed on the next test.
        await drainUncaught(opts.reportsUncaught === true, run.env.settleMs);
        uncaught.length = 0;
      }
      const r = testResult(opts.exercise, entries[i], ran, perfNow() - started);
      results.push(r);
      opts.onTestResult?.(r, i);
    }
    return summarize(results);
  } finally {
    collectUncaught(null);
    stopSettleWatch();
  }
}

export async function runExercise(opts: RunOptions): Promise<Results> {
  const { exercise, learnerJs, mode } = opts;
  if (typeof learnerJs !== 'string') return errorResults('No code to run.');
  const entries = collectTests(exercise, mode, opts.only);
  if (typeof entries === 'string') return errorResults(entries);
  const closed = learnerCodeMayRun(); // until then every stack shows learner frames only (./learner-stacks.ts)
  const learner = learnerModuleOrProblem(learnerJs);
  if (typeof learner === 'string') {
    closed();
    return errorResults(learner);
  }
  const inShard = shardFilter(opts.shard);
  opts.onPlan?.(entries.flatMap(({ entry, visibility }, index) => (inShard(index) ? [{ index, name: entry.name, visibility }] : [])));
  try {
    return boundResults(await runTests(startRun(opts, learner), entries, inShard));
  } finally {
    closed();
    const leftover = learner.close();
    if (opts.realm) {
      opts.realm.repaired += leftover;
      if (!isRealmHardened()) opts.realm.broken += 1;
    }
  }
}

function testCode(exercise: ExerciseBundle, entry: TestEntry): string | undefined {
  if (exercise.visibleSource) {
    const code = testSource(exercise.visibleSource, entry.ownName, entry.ownNameIndex);
    if (code) return code;
  }
  try {
    return sourceOf(entry.body);
  } catch {
    return undefined;
  }
}
