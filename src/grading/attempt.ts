/**
 * One attempt: a test's hooks and body run once, with one seed, against a fresh load of the learner
 * module — and how it ended (pass, an assertion, a simulator verdict, a learner error, a promise that
 * never settles). Also the log of what learner code left uncaught (rejected promises nobody handled,
 * errors thrown from real timers), which the host reports through `reportUncaught`.
 * Pure TypeScript: no DOM, no Node built-ins.
 */
import { fail, isAssertionFailure, type TestContext, type TestEntry } from './suite';
import { OutputBuffer, captureConsole } from './format';
import { MAX_OUTPUT_ATTEMPTED_BYTES, MAX_TRACE_CHARS } from './caps';
import { assertionMessage, settleTimeoutMessage, simulationKind, simulationMessage } from './messages';
import { createWorld, isSimulationError, type World, type WorldOptions } from './world';
import type { Status } from './index';

const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const jsonStringify = JSON.stringify;
const jsonParse = JSON.parse;
const promiseReject = Promise.reject.bind(Promise);
const freeze = Object.freeze;

export interface Attempt {
  usedWorld?: boolean;
  status: Status;
  /** The console flooded: a property reports this case as it is (shrinking would flood again and again). */
  unshrinkable?: boolean;
  message?: string;
  output: string;
  trace?: unknown;
}

/** What an attempt needs from its run. */
export interface AttemptEnv {
  /** Evaluate the learner module afresh with this console. */
  load(console: Console): Record<string, unknown>;
  budget: { maxVirtualMs?: number; maxEvents?: number };
  settleMs: number;
  outputCap: number;
  /** What learner code threw, said plainly, with its place in the learner's TypeScript. */
  explain(e: unknown): string;
  /** The attempt is over: cancel what learner code left scheduled outside any world. */
  endAttempt?(): void;
}

// ---- what learner code leaves uncaught ------------------------------------------------------------

export type Uncaught = { reason: unknown; kind: 'rejection' | 'exception' };
let uncaughtSink: Uncaught[] | null = null;
const MAX_UNCAUGHT = 20;
/**
 * The grader's own rejections (`drainUncaught`), each with what ends its wait. Never learner code's,
 * also when the host reports one after its wait gave up (ending it again does nothing).
 */
const markers = new WeakMap<object, () => void>();

/**
 * The host reports a promise rejected with no handler (`unhandledrejection`, Node's
 * `unhandledRejection`) or an error thrown from a real timer: the test running when it is reported
 * fails with it.
 */
export function reportUncaught(reason: unknown, kind: 'rejection' | 'exception' = 'rejection'): void {
  const marker = typeof reason === 'object' && reason !== null ? markers.get(reason) : undefined;
  if (marker) return marker();
  if (uncaughtSink && uncaughtSink.length < MAX_UNCAUGHT) uncaughtSink.push({ reason, kind });
}

/** From now on uncaught reports go into `log` (null: dropped). */
export function collectUncaught(log: Uncaught[] | null): void {
  uncaughtSink = log;
}

/**
 * Resolves once the host has reported every rejection left unhandled before this call, so that a
 * test's rejections are counted in that test and never in the next one.
 *
 * A host that reports rejections (`reporting`: the browser's run worker, `npm run grade`) reports
 * them in the order they happened (the HTML event loop fires `unhandledrejection` from one task
 * source, in order; Node processes its rejection queue in order) but not within a fixed number of
 * turns (Chromium fires them from a task that a timer set during the test can precede). So the grader
 * leaves one rejection of its own unhandled and waits until the host reports it: everything left
 * before it has been reported by then. `backstopMs` of wall clock ends the wait if the host never
 * does. Without a reporting host: one macrotask.
 */
export function drainUncaught(reporting: boolean, backstopMs: number): Promise<void> {
  if (!reporting) return new Promise<void>((resolve) => void realSetTimeout(() => resolve(undefined), 0));
  return new Promise<void>((resolve) => {
    const token = freeze({ grader: 'barrier' });
    const timer = realSetTimeout(() => resolve(undefined), backstopMs);
    markers.set(token, () => {
      realClearTimeout(timer);
      resolve(undefined);
    });
    void promiseReject(token); // left unhandled on purpose: the host reports it after the test's own
  });
}

// ---- one attempt ----------------------------------------------------------------------------------

/** An attempt waiting to settle: when its wall-clock wait started, and what ends it. */
interface Watched {
  since: number;
  settleMs: number;
  /** Whether the test's world is running now, and how many runs it has started (null: no world). */
  world: () => { running: boolean; runs: number } | null;
  /** `runs` at the last check */
  runsSeen: number;
  timeOut: () => void;
}
const realNow = typeof performance === 'object' && performance ? performance.now.bind(performance) : Date.now;
/** The attempts waiting to settle (one at a time, unless a host overlaps runs in one realm). */
const watched = new Set<Watched>();
/**
 * The one real timer that watches them, armed only while none is pending: arming and clearing a timer
 * for every attempt cost about 4% of a Submit in the run worker (a Submit makes hundreds of attempts).
 * An attempt that settles just leaves the set; a timer with nothing left to watch is not re-armed.
 */
let watchTimer: ReturnType<typeof realSetTimeout> | null = null;

function armWatch(ms: number): void {
  watchTimer = realSetTimeout(checkWatched, Math.max(0, ms));
}

function checkWatched(): void {
  watchTimer = null;
  const now = realNow();
  let next = Infinity;
  for (const w of watched) {
    // While its world runs, or has started another run since the last check, the test is using it (the
    // simulator's own verdicts end a run): wait again. Pending with its world idle, it is stuck.
    const world = w.world();
    if (world && (world.running || world.runs !== w.runsSeen)) {
      w.since = now;
      w.runsSeen = world.runs;
    }
    const left = w.since + w.settleMs - now;
    if (left > 0) {
      next = Math.min(next, left);
      continue;
    }
    watched.delete(w);
    w.timeOut();
  }
  if (next !== Infinity) armWatch(next);
}

/** A run is over: unless another run's attempt still waits, no timer of the grader's outlives it (a Node host could not exit until it fired). */
export function stopSettleWatch(): void {
  if (watched.size > 0 || watchTimer === null) return;
  realClearTimeout(watchTimer);
  watchTimer = null;
}

/**
 * Wait for `p`, but give up after `settleMs` of wall clock while no simulator world is running (inside
 * one, the simulator's deadlock/budget verdicts end the run; the host's wall clock is the backstop).
 * `settled` is set only by our own callbacks (a test passes only once its promise has settled).
 */
function settle(p: Promise<void>, settleMs: number, world: Watched['world']): Promise<{ settled: boolean; ok: boolean; error?: unknown; timedOut: boolean }> {
  const outcome = { ok: true, settled: false, timedOut: false, error: undefined as unknown };
  return new Promise((resolve) => {
    const w: Watched = {
      since: realNow(),
      settleMs,
      world,
      runsSeen: 0,
      timeOut: () => {
        outcome.timedOut = true;
        resolve(outcome);
      },
    };
    watched.add(w);
    if (watchTimer === null) armWatch(settleMs);
    p.then(
      () => {
        watched.delete(w);
        outcome.settled = true;
        resolve(outcome);
      },
      (e) => {
        watched.delete(w);
        outcome.settled = true;
        outcome.ok = false;
        outcome.error = e;
        resolve(outcome);
      },
    );
  });
}

/** beforeEach hooks, the body (a property's check, with its case), then every afterEach hook; the first error wins. */
async function runHooksAndBody(entry: TestEntry, ctx: TestContext, value: unknown): Promise<void> {
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
}

/** One run of a test (or of one case of a property, `value` being its scenario) on a fresh context. */
export async function runAttempt(entry: TestEntry, seed: number, env: AttemptEnv, value?: unknown): Promise<Attempt> {
  const out = new OutputBuffer(env.outputCap);
  const learnerConsole = captureConsole(out);
  let world: World | null = null; // the last world the test created (its trace goes into the results)
  const ctx: TestContext = {
    seed,
    name: entry.name,
    load<M>() {
      return env.load(learnerConsole) as M;
    },
    world(options?: WorldOptions) {
      world = createWorld(options ?? {}, seed, {
        maxVirtualMs: entry.options.maxVirtualMs ?? env.budget.maxVirtualMs,
        maxEvents: entry.options.maxEvents ?? env.budget.maxEvents,
      });
      return world;
    },
    fail,
  };

  // (the learner's global console is its compartment's: `ctx.load()` points it at this test's output)
  let p: Promise<void>;
  try {
    p = runHooksAndBody(entry, ctx, value);
  } catch (e) {
    p = Promise.reject(e);
  }
  const outcome = await settle(p, env.settleMs, () => (world ? { running: world.isRunning, runs: world.runs } : null));
  // Described while the attempt still owns what learner code does: describing a thrown value runs none
  // of its code (thrown.ts), but a Proxy's traps run on any read, and a timer one starts is this
  // attempt's to cancel (a trap that loops is this test's timeout, not a hang between tests).
  const attempt = describeOutcome(outcome, out, world, env);
  env.endAttempt?.(); // a real timer of this attempt must not run in the next one
  return attempt;
}

function describeOutcome(outcome: Awaited<ReturnType<typeof settle>>, out: OutputBuffer, w: World | null, env: AttemptEnv): Attempt {
  const failed = outcome.timedOut || !outcome.ok || out.flooded;
  // traces only for failures (what the UI draws); passing scenarios skip the serialisation cost
  const trace = w && failed ? safeTrace(w) : undefined;
  const usedWorld = w !== null;
  const described = (status: Status, message?: string): Attempt => ({ usedWorld, status, message, output: out.text(), trace });
  // whatever the test made of the console's OutputFlood (caught, thrown on, "failing loudly"): it fails
  if (out.flooded) return { ...described('fail', floodMessage(env.outputCap)), unshrinkable: true };
  if (outcome.timedOut) return described('fail', settleTimeoutMessage(env.settleMs));
  if (outcome.ok) return { usedWorld, status: 'pass', output: out.text() };
  const err = outcome.error;
  if (isAssertionFailure(err)) return described('fail', assertionMessage(err as object));
  if (isSimulationError(err)) return described(simulationKind(err) === 'usage' ? 'error' : 'fail', simulationMessage(err));
  return described('error', env.explain(err));
}

function floodMessage(cap: number): string {
  const mb = MAX_OUTPUT_ATTEMPTED_BYTES / (1024 * 1024);
  return `This test printed more than ${mb} MB to the console: from then on every console call threw an OutputFlood error, and the test fails. Print less (e.g. only when something changes); a test's output keeps its first ${Math.round(cap / 1024)} KB.`;
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

/**
 * The world's trace as plain JSON data, at most MAX_TRACE_CHARS of it: a huge network journal is
 * cut first, then a huge history (learner code decides how many requests it sends and how long its
 * keys and values are); a trace still too large after that is left out.
 */
function safeTrace(w: World): unknown {
  try {
    const t = plain(w.trace()) as { journal?: unknown[]; journalTruncated?: number; history?: unknown[]; historyTruncated?: number } | undefined;
    const keep = 2000;
    if (t && Array.isArray(t.journal) && t.journal.length > keep && jsonStringify(t).length > MAX_TRACE_CHARS) {
      t.journalTruncated = t.journal.length - keep;
      t.journal = t.journal.slice(0, keep);
    }
    if (t && Array.isArray(t.history) && t.history.length > keep && jsonStringify(t).length > MAX_TRACE_CHARS) {
      t.historyTruncated = t.history.length - keep;
      t.history = t.history.slice(0, keep);
    }
    return t === undefined || jsonStringify(t).length > MAX_TRACE_CHARS ? undefined : t;
  } catch {
    return undefined;
  }
}
