/**
 * Page side of the run worker.
 *
 * - The worker lives in an opaque origin (run-sandbox.ts): a sandboxed frame without
 *   `allow-same-origin` starts it, so learner code has no CacheStorage, IndexedDB, localStorage,
 *   cookies or service worker to reach. The frame inherits the page's Content-Security-Policy and
 *   the worker the frame's (it is started from a `blob:` URL).
 * - A worker serves run after run (its JIT stays warm) as long as each run leaves its realm as it
 *   found it — the worker says so in its reply (`reusable`: the grader reports nothing changed or
 *   left pending, no real timer or MessageChannel left behind). Otherwise, and after a timeout or
 *   crash, it is thrown away and the next run uses a warmed spare (grader and the exercise's test
 *   modules already imported), so nothing a learner module did survives into the next run.
 * - A Submit is split over two workers when two clean ones are up (the kept one and the spare) and
 *   the device has more than one core: each runs part of the tests (the grader's `shard`: every
 *   other test, or — after a first Submit — parts balanced by how long each test took then), and
 *   `mergeShards` puts the results back in order. Each test still runs alone in a
 *   fresh compartment with its own seeds, so the verdicts do not depend on the split; it only lets
 *   the two halves use two cores. Each worker is then kept or thrown away by the same rule.
 * - Replies are accepted only on the private `MessagePort` whose other end went to the worker in
 *   its first message; nothing the frame or the worker posts anywhere else is listened to.
 * - A run that exceeds its wall-clock limit is ended (its frame removed, which ends the worker) and
 *   reported as timed out; the next run uses a new worker.
 */
import type { Mode, RunReply, RunRequest } from './protocol';
import { DEFAULT_WALL_MS_PER_TEST, RunWatch, balancedShards, isTestResult, mergeShards, settleMsFor, stoppedResults } from '../grading/host';
import { errorResults, isResults, type Results } from './results';
import { startRunSandbox, type RunSandbox } from './run-sandbox';
import { mark } from './timing';

/**
 * Wall-clock limit per test (and for loading the learner module before the first test), counted
 * from the moment the already warmed worker receives the run; the clock restarts at every test.
 * The same default and the same timeout results as the Node host (src/grading/host.ts). An exercise
 * may raise it with `meta.limits.wallMsPerTest`.
 */
export { DEFAULT_WALL_MS_PER_TEST };

export interface RunOutcome {
  results: Results;
  /** `timeout` when the worker was terminated at the wall-clock limit */
  kind: 'graded' | 'timeout' | 'crash';
  ms: number;
}

type Slot = RunSandbox;
const spawn = (exerciseId: string): Slot => startRunSandbox(exerciseId);
const dispose = (slot: Slot): void => slot.dispose();

/** One runner per exercise element. */
export class ExerciseRunner {
  private spare: Slot | null = null;
  /** the worker of the last run, kept because that run left it clean */
  private kept: Slot | null = null;
  /** the worker(s) of the run in progress */
  private current: Slot[] = [];
  private runId = 0;
  /** The rehearsal in progress (see rehearse()). */
  private rehearsal: Promise<void> | null = null;
  /** A learner's run is on its way (pressed, its code compiling): a rehearsal not begun yet is skipped. */
  private runExpected = false;
  private learnerRuns = 0;
  /** Per test, ms the last graded Submit took (null: none yet). */
  private submitMs: number[] | null = null;

  constructor(private readonly exerciseId: string, private readonly wallMsPerTest = DEFAULT_WALL_MS_PER_TEST) {}

  /** Starts a spare worker in the background (idempotent). */
  warm(): void {
    if (!this.spare) this.spare = spawn(this.exerciseId);
  }

  /** Whether a run is in progress. */
  get busy(): boolean {
    return this.current.length > 0;
  }

  /**
   * Runs `js` (site code: the exercise's starter, never the learner's) once in the worker the next
   * run will use, results discarded, so that the grader's and the simulator's first execution in
   * it — their slowest — is not the learner's. Skipped once any run has started; a run that comes
   * during the rehearsal waits for it. The worker is kept only if the rehearsal left it clean, as
   * after any run.
   */
  rehearse(js: string): Promise<void> {
    if (this.started || this.runId > 0 || this.rehearsal) return this.rehearsal ?? Promise.resolve();
    const p = this.exec(js, 'run', false).then(
      () => mark('rehearsed'),
      () => {},
    );
    this.rehearsal = p;
    void p.then(() => (this.rehearsal = null));
    return p;
  }

  /** Whether a run (not a rehearsal) has been asked for on this runner. */
  get started(): boolean {
    return this.runExpected || this.learnerRuns > 0;
  }

  /**
   * Says a run is on its way (its code is compiling): its worker starts now, beside the compile, if
   * none is up or starting, and a rehearsal not begun yet is skipped.
   */
  expectRun(): void {
    this.runExpected = true;
    if (!this.kept && !this.current.length) this.warm();
  }

  async run(learnerJs: string, mode: Mode): Promise<RunOutcome> {
    this.learnerRuns++;
    if (this.rehearsal) await this.rehearsal;
    const pair = mode === 'submit' ? this.takePair() : null;
    if (pair) return this.execSplit(learnerJs, pair);
    const outcome = await this.exec(learnerJs, mode, true);
    if (mode === 'submit') this.noteSubmit(outcome);
    return outcome;
  }

  /**
   * The two workers a Submit is split over: the kept one and a spare that is up, both clean (a
   * spare is a fresh worker; a kept one was left clean by its last run). Null when there are not
   * two, or the device has a single core (the halves would only take turns).
   */
  private takePair(): [Slot, Slot] | null {
    const { kept, spare } = this;
    if (!kept || !spare || !spare.up || kept.crashed !== null || spare.crashed !== null || this.current.length) return null;
    if (!(typeof navigator === 'object' && navigator.hardwareConcurrency >= 2)) return null;
    this.kept = this.spare = null;
    return [kept, spare];
  }

  /** `spareAfter`: start a spare worker after this run even when its worker was kept (not after a rehearsal). */
  private async exec(learnerJs: string, mode: Mode, spareAfter: boolean): Promise<RunOutcome> {
    this.current.forEach(dispose);
    let slot: Slot;
    if (this.kept) {
      slot = this.kept;
      this.kept = null;
    } else {
      this.warm();
      slot = this.spare!;
      this.spare = null;
    }
    this.current = [slot];
    const { outcome, reusable } = await this.runOn(slot, learnerJs, mode);
    this.current = [];
    this.afterRun(slot, outcome, reusable);
    // A spare stays warm for the run after a worker had to be replaced (after a rehearsal only when
    // it was: a spare starting then would compete with the learner's first Run).
    if (spareAfter || !this.kept) setTimeout(() => this.warm(), 50);
    return outcome;
  }

  /**
   * A Submit split over two workers, each running every other test (`shard`, as the Node host can):
   * the tests are the same, each in a fresh compartment with the same seeds, so the verdicts are
   * too; `mergeShards` puts the results back in order (a timeout reads as in one worker).
   */
  private async execSplit(learnerJs: string, pair: [Slot, Slot]): Promise<RunOutcome> {
    this.current = [...pair];
    const count = pair.length;
    const assign = this.submitMs ? balancedShards(this.submitMs, count) : undefined;
    const parts = await Promise.all(pair.map((slot, index) => this.runOn(slot, learnerJs, 'submit', { index, count, ...(assign ? { assign } : {}) })));
    this.current = [];
    pair.forEach((slot, k) => this.afterRun(slot, parts[k].outcome, parts[k].reusable));
    if (!this.spare) setTimeout(() => this.warm(), 50);
    const outcome = mergeOutcomes(parts.map((p) => p.outcome), assign);
    this.noteSubmit(outcome);
    return outcome;
  }

  /** How long each test of the last graded Submit took (the next split is balanced by it). */
  private noteSubmit(o: RunOutcome): void {
    const ms = o.results.tests.map((t) => t.duration_ms);
    this.submitMs = o.kind === 'graded' && ms.length > 0 && ms.every((x) => typeof x === 'number' && x >= 0) ? (ms as number[]) : null;
  }

  /** Keeps a worker its run left clean (as the kept worker, else as the spare); throws the others away. */
  private afterRun(slot: Slot, outcome: RunOutcome, reusable: boolean): void {
    slot.onCrash = null;
    if (reusable && outcome.kind === 'graded' && (!this.kept || !this.spare)) {
      slot.port.onmessage = null;
      if (!this.kept) this.kept = slot;
      else this.spare = slot;
    } else {
      // Throw this one away (in a later task, so the results are rendered first).
      setTimeout(() => dispose(slot), 0);
    }
  }

  /** One run request on `slot`, watched against the wall-clock limit. */
  private async runOn(slot: Slot, learnerJs: string, mode: Mode, shard?: RunRequest['shard']): Promise<{ outcome: RunOutcome; reusable: boolean }> {
    let reusable = false;
    const runId = ++this.runId;
    const limit = this.wallMsPerTest;
    const t0 = performance.now();
    await slot.ready;
    mark('run-posted');
    const outcome = await new Promise<RunOutcome>((resolve) => {
      const ms = () => performance.now() - t0;
      const watch = new RunWatch({
        wallMs: limit,
        timers: { set: (fn, after) => setTimeout(fn, after), clear: (id) => clearTimeout(id as ReturnType<typeof setTimeout>) },
        onTimeout: (results) => resolve({ kind: 'timeout', ms: ms(), results }),
      });
      const settle = (o: RunOutcome) => {
        watch.stop();
        resolve(o);
      };
      slot.port.onmessage = (ev: MessageEvent<RunReply>) => {
        const m = ev.data;
        if (!m || m.type === 'ready' || m.runId !== runId || watch.stopped) return;
        if (m.type === 'plan' && Array.isArray(m.tests)) return watch.planned(m.tests);
        if (m.type === 'test-start') return watch.started(m.index, typeof m.name === 'string' ? m.name : '');
        if (m.type === 'test-result') return void (isTestResult(m.result) && watch.finished(m.result, m.index));
        if (m.type === 'crash') {
          settle({ kind: 'crash', ms: ms(), results: stoppedResults(watch.progress, `The test runner stopped: ${m.message}`) });
        } else if (m.type === 'result') {
          if (!isResults(m.results)) {
            settle({ kind: 'crash', ms: ms(), results: errorResults('The test runner returned malformed results.') });
          } else {
            reusable = m.reusable === true;
            if (typeof m.startedAt === 'number') mark('run-worker-started', m.startedAt);
            mark('run-result');
            settle({ kind: 'graded', ms: ms(), results: m.results });
          }
        }
      };
      const onCrash = (message: string) => {
        settle({ kind: 'crash', ms: ms(), results: stoppedResults(watch.progress, `The test runner stopped: ${message}`) });
      };
      if (slot.crashed !== null) return onCrash(slot.crashed);
      slot.onCrash = onCrash;
      // The grader fails a test that stays pending (a promise that never settles) with its own clear
      // message before the page would have to kill the worker.
      const req: RunRequest = { type: 'run', runId, exerciseId: this.exerciseId, learnerJs, mode, settleMs: settleMsFor(limit), ...(shard ? { shard } : {}) };
      slot.port.postMessage(req);
    });
    return { outcome, reusable };
  }

  dispose(): void {
    if (this.spare) dispose(this.spare);
    if (this.kept) dispose(this.kept);
    this.current.forEach(dispose);
    this.spare = this.kept = null;
    this.current = [];
  }
}

/**
 * One outcome from the halves of a split Submit: the results merged in the tests' order (`assign`:
 * which half ran which test, as requested); timed out
 * or crashed if a half did (a crash's message kept: the tests it stopped say only "not run").
 */
function mergeOutcomes(parts: RunOutcome[], assign: number[] | undefined): RunOutcome {
  const results = mergeShards(parts.map((p) => p.results), assign);
  const ms = Math.max(...parts.map((p) => p.ms));
  const timedOut = parts.find((p) => p.kind === 'timeout');
  if (timedOut) return { kind: 'timeout', ms, results };
  const crashed = parts.find((p) => p.kind === 'crash');
  if (crashed) return { kind: 'crash', ms, results: crashed.results.message ? { ...results, status: 'error', message: crashed.results.message } : results };
  return { kind: 'graded', ms, results };
}

