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
 * - Replies are accepted only on the private `MessagePort` whose other end went to the worker in
 *   its first message; nothing the frame or the worker posts anywhere else is listened to.
 * - A run that exceeds its wall-clock limit is ended (its frame removed, which ends the worker) and
 *   reported as timed out; the next run uses a new worker.
 */
import type { Mode, RunReply, RunRequest } from './protocol';
import { DEFAULT_WALL_MS_PER_TEST, RunWatch, isTestResult, settleMsFor, stoppedResults } from '../grading/host';
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
  /** The test runner never started (its script could not be loaded): the results say nothing of the code. */
  unavailable?: true;
}

type Slot = RunSandbox;
const spawn = (exerciseId: string): Slot => startRunSandbox(exerciseId);
const dispose = (slot: Slot): void => slot.dispose();

/** One runner per exercise element. */
export class ExerciseRunner {
  private spare: Slot | null = null;
  /** the worker of the last run, kept because that run left it clean */
  private kept: Slot | null = null;
  private current: Slot | null = null;
  private runId = 0;
  /** The rehearsal in progress (see rehearse()). */
  private rehearsal: Promise<void> | null = null;
  /** A learner's run is on its way (pressed, its code compiling): a rehearsal not begun yet is skipped. */
  private runExpected = false;
  private learnerRuns = 0;

  constructor(private readonly exerciseId: string, private readonly wallMsPerTest = DEFAULT_WALL_MS_PER_TEST) {}

  /** Starts a spare worker in the background (idempotent). */
  warm(): void {
    if (!this.spare) this.spare = spawn(this.exerciseId);
  }

  /** Whether a run is in progress. */
  get busy(): boolean {
    return this.current !== null;
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
    if (!this.kept && !this.current) this.warm();
  }

  async run(learnerJs: string, mode: Mode): Promise<RunOutcome> {
    this.learnerRuns++;
    if (this.rehearsal) await this.rehearsal;
    return this.exec(learnerJs, mode, true);
  }

  /** `spareAfter`: start a spare worker after this run even when its worker was kept (not after a rehearsal). */
  private async exec(learnerJs: string, mode: Mode, spareAfter: boolean): Promise<RunOutcome> {
    if (this.current) dispose(this.current);
    let slot: Slot;
    if (this.kept) {
      slot = this.kept;
      this.kept = null;
    } else {
      this.warm();
      slot = this.spare!;
      this.spare = null;
    }
    this.current = slot;
    let reusable = false;
    const runId = ++this.runId;
    const limit = this.wallMsPerTest;
    const t0 = performance.now();
    await slot.ready;
    mark('run-posted');
    const neverStarted = slot.crashed !== null;
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
      const req: RunRequest = { type: 'run', runId, exerciseId: this.exerciseId, learnerJs, mode, settleMs: settleMsFor(limit) };
      slot.port.postMessage(req);
    });
    slot.onCrash = null;
    if (this.current === slot) this.current = null;
    if (reusable && outcome.kind === 'graded' && !this.kept) {
      slot.port.onmessage = null;
      this.kept = slot;
    } else {
      // Throw this one away (in a later task, so the results are rendered first).
      setTimeout(() => dispose(slot), 0);
    }
    // A spare stays warm for the run after a worker had to be replaced (after a rehearsal only when
    // it was: a spare starting then would compete with the learner's first Run).
    if (spareAfter || !this.kept) setTimeout(() => this.warm(), 50);
    return neverStarted ? { ...outcome, unavailable: true } : outcome;
  }

  dispose(): void {
    if (this.spare) dispose(this.spare);
    if (this.kept) dispose(this.kept);
    if (this.current) dispose(this.current);
    this.spare = this.kept = this.current = null;
  }
}
