/**
 * What both hosts of the grader share — the browser's run worker (src/browser/run-client.ts) and
 * the Node grading process (scripts/lib/grade-pool.ts): one default wall-clock limit per test, one
 * watchdog, one way to read a run that had to be stopped (finished tests kept, the running test
 * named, the rest listed as not run), one constructor for results that carry an error, and one check
 * of the results a host receives. Pure TypeScript: the host passes in its own timer functions.
 */
import type { Results, Status, TestResult } from './index';

/**
 * Wall-clock limit per test (and for loading the learner module before the first test), in both
 * hosts; the clock restarts at every test. An exercise may raise it with `meta.limits.wallMsPerTest`.
 */
export const DEFAULT_WALL_MS_PER_TEST = 10_000;

/** Wall-clock ms a test may stay pending outside a simulator world before the grader fails it. */
export const DEFAULT_SETTLE_MS = 3000;

/**
 * The settle limit a host gives the grader for a wall-clock limit: the grader fails a test that
 * stays pending (a promise that never settles) with its own message before the host has to stop it.
 */
export function settleMsFor(wallMs: number): number {
  return Math.max(200, Math.min(DEFAULT_SETTLE_MS, wallMs - 1000));
}

/** A test the grader is about to run: announced before learner code is loaded (`onPlan`). */
export interface PlannedTest {
  /** Position in the run's full test list (visible tests first, then hidden). */
  index: number;
  name: string;
  visibility: 'visible' | 'hidden';
}

/** Results for a run that produced no test results of its own (or only these). */
export function errorResults(message: string, tests: TestResult[] = []): Results {
  return { version: 3, status: 'error', message, tests };
}

/** "1.5 s", "10 s": a wall-clock limit as the messages show it. */
export function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

const STATUSES: readonly Status[] = ['pass', 'fail', 'error'];

/** Is `v` a test result as the grader makes them (name, status, visibility; optional text fields)? */
export function isTestResult(v: unknown): v is TestResult {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const t = v as Record<string, unknown>;
  if (typeof t.name !== 'string' || !STATUSES.includes(t.status as Status)) return false;
  if (t.visibility !== 'visible' && t.visibility !== 'hidden') return false;
  for (const k of ['message', 'output', 'test_code', 'scenario', 'hint'] as const) {
    if (t[k] !== undefined && typeof t[k] !== 'string') return false;
  }
  for (const k of ['seed', 'duration_ms'] as const) {
    if (t[k] !== undefined && typeof t[k] !== 'number') return false;
  }
  return true;
}

/** Checks the shape of a results object coming from a worker or a grading process. */
export function isResults(v: unknown): v is Results {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  if (r.version !== 3 || !STATUSES.includes(r.status as Status) || !Array.isArray(r.tests)) return false;
  if (r.message !== undefined && typeof r.message !== 'string') return false;
  return r.tests.every(isTestResult);
}

/** A test that was planned but never ran because the run was stopped earlier. */
export function notRun(t: Pick<PlannedTest, 'name' | 'visibility'>, why: string): TestResult {
  return { name: t.name, status: 'error', message: `Not run: ${why}`, visibility: t.visibility };
}

/** What a host has heard of a run so far. */
export interface RunProgress {
  /** The tests of this run, once the grader announced them. */
  plan: PlannedTest[] | null;
  /** Finished tests, in order. */
  done: TestResult[];
  /** The test that started last and has not finished. */
  running: PlannedTest | null;
  /** `index` of the last finished test (-1: none yet). */
  lastIndex: number;
}

export function newProgress(): RunProgress {
  return { plan: null, done: [], running: null, lastIndex: -1 };
}

/** The planned tests after position `from`. */
function after(p: RunProgress, from: number): PlannedTest[] {
  return (p.plan ?? []).filter((t) => t.index > from);
}

/**
 * The results of a run stopped at its wall-clock limit: before the first test started, an error
 * ("loading your module"); otherwise the finished tests, the running one failed as timed out, and
 * every later test listed as not run.
 */
export function timeoutResults(p: RunProgress, wallMs: number): Results {
  const secs = seconds(wallMs);
  const running = p.running ?? (p.done.length ? (after(p, p.lastIndex)[0] ?? null) : null);
  if (!running) {
    return errorResults(
      p.done.length
        ? `Timed out: the grader did not finish within ${secs} of real time after the last test.`
        : `Timed out: loading your module took more than ${secs} of real time. Look for an infinite loop (e.g. while (true) {}) at the top level of your code.`,
      p.done,
    );
  }
  const timedOut: TestResult = {
    name: running.name,
    status: 'fail',
    message: `Timed out: this test ran for more than ${secs} of real time and was stopped. Your code is probably stuck in an infinite loop (e.g. while (true) {}) or a very long computation.`,
    visibility: running.visibility,
  };
  const later = after(p, running.index);
  const why = `the run was stopped when "${running.name}" timed out.`;
  return {
    version: 3,
    status: 'fail',
    message: withLaterCount(`Timed out in "${running.name}" after ${secs}: the runner was stopped.`, later.length),
    tests: [...p.done, timedOut, ...later.map((t) => notRun(t, why))],
  };
}

/**
 * A timeout's summary (`timeoutResults`) saying that `later` tests did not run (recounted when the
 * parts of a split run are put back together: each part counted only its own).
 */
export function withLaterCount(message: string, later: number): string {
  const tail = later ? `; ${later} later test${later === 1 ? '' : 's'} did not run` : '';
  return message.replace(/(?:; \d+ later tests? did not run)?\.$/, `${tail}.`);
}

/** How the message of the test during which the host stopped begins (`stoppedResults`). */
export const STOPPED_DURING = 'The test runner stopped while this test ran: ';

/**
 * The results of a run whose host stopped before the grader finished (a crash — out of memory, say —
 * or a lost channel): the finished tests, the one that was running named as where it stopped (an
 * error), and every later test listed as not run.
 */
export function stoppedResults(p: RunProgress, message: string): Results {
  const why = 'the test runner stopped before this test finished.';
  const running = p.running;
  if (!running) return errorResults(message, [...p.done, ...after(p, p.lastIndex).map((t) => notRun(t, why))]);
  const stopped: TestResult = { name: running.name, status: 'error', message: `${STOPPED_DURING}${message}`, visibility: running.visibility };
  const later = after(p, running.index).map((t) => notRun(t, why));
  return errorResults(`${message} It stopped in "${running.name}".`, [...p.done, stopped, ...later]);
}

export interface HostTimers {
  set(fn: () => void, ms: number): unknown;
  clear(id: unknown): void;
}

/**
 * The host's watchdog: re-armed whenever the grader reports progress, it calls `onTimeout` with
 * `timeoutResults` when a test (or loading the module) overruns `wallMs`. Before the plan arrives
 * the limit is `startMs` (the Node host allows for starting a process; the browser's worker is warm).
 */
export class RunWatch {
  readonly progress: RunProgress = newProgress();
  private timer: unknown = null;
  private over = false;

  constructor(
    private readonly opts: { wallMs: number; startMs?: number; timers: HostTimers; onTimeout: (r: Results, planned: boolean) => void },
  ) {
    this.arm(opts.startMs ?? opts.wallMs);
  }

  get stopped(): boolean {
    return this.over;
  }

  planned(tests: PlannedTest[]): void {
    this.progress.plan = tests;
    this.arm(this.opts.wallMs);
  }

  started(index: number, name: string): void {
    const t = this.progress.plan?.find((x) => x.index === index);
    this.progress.running = t ?? { index, name, visibility: 'visible' };
    this.arm(this.opts.wallMs);
  }

  finished(result: TestResult, index: number): void {
    this.progress.done.push(result);
    this.progress.lastIndex = index;
    this.progress.running = null;
    this.arm(this.opts.wallMs);
  }

  /** Stops the clock (the run finished or failed some other way). */
  stop(): void {
    this.over = true;
    if (this.timer !== null) this.opts.timers.clear(this.timer);
    this.timer = null;
  }

  private arm(ms: number): void {
    if (this.over) return;
    if (this.timer !== null) this.opts.timers.clear(this.timer);
    this.timer = this.opts.timers.set(() => {
      if (this.over) return;
      this.stop();
      this.opts.onTimeout(timeoutResults(this.progress, this.opts.wallMs), this.progress.plan !== null);
    }, ms);
  }
}

/** Putting the parts of a sharded run back together (for hosts that split one Submit). */
export { mergeShards } from './merge';
/**
 * The size cap the grader puts on final results (caps.ts): a host that compares final results with
 * the tests reported as they finished bounds those the same way, and bounds what it reports itself.
 */
export { boundResults } from './caps';
