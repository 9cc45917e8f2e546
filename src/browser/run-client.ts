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
import { errorResults, isResults, type Results } from './results';
import { startRunSandbox, type RunSandbox } from './run-sandbox';

/**
 * Wall-clock limit per test (and for loading the learner module before the first test), counted
 * from the moment the already warmed worker receives the run; the clock restarts at every test.
 * An exercise may raise it with `meta.limits.wallMsPerTest`.
 */
export const DEFAULT_WALL_MS_PER_TEST = 5000;

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
  private current: Slot | null = null;
  private runId = 0;

  constructor(private readonly exerciseId: string, private readonly wallMsPerTest = DEFAULT_WALL_MS_PER_TEST) {}

  /** Starts a spare worker in the background (idempotent). */
  warm(): void {
    if (!this.spare) this.spare = spawn(this.exerciseId);
  }

  /** Whether a run is in progress. */
  get busy(): boolean {
    return this.current !== null;
  }

  async run(learnerJs: string, mode: Mode): Promise<RunOutcome> {
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
    let lastTest: string | null = null;
    const outcome = await new Promise<RunOutcome>((resolve) => {
      let timer: ReturnType<typeof setTimeout>;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          resolve({
            kind: 'timeout',
            ms: performance.now() - t0,
            results: errorResults(
              `Timed out after ${(limit / 1000).toFixed(limit % 1000 ? 1 : 0)} s — possible infinite loop ${lastTest ? `in test "${lastTest}"` : 'while loading your module'} (or a promise that never settles). The runner was stopped; fix the code and run again.`,
            ),
          });
        }, limit);
      };
      arm();
      slot.port.onmessage = (ev: MessageEvent<RunReply>) => {
        const m = ev.data;
        if (m?.type === 'test-start' && m.runId === runId) {
          lastTest = typeof m.name === 'string' ? m.name : null;
          arm();
          return;
        }
        if (!m || (m.type !== 'result' && m.type !== 'crash') || m.runId !== runId) return;
        clearTimeout(timer);
        if (m.type === 'crash') {
          resolve({ kind: 'crash', ms: performance.now() - t0, results: errorResults(`The test runner stopped: ${m.message}`) });
        } else if (!isResults(m.results)) {
          resolve({ kind: 'crash', ms: performance.now() - t0, results: errorResults('The test runner returned malformed results.') });
        } else {
          reusable = m.reusable === true;
          resolve({ kind: 'graded', ms: performance.now() - t0, results: m.results });
        }
      };
      const onCrash = (message: string) => {
        clearTimeout(timer);
        resolve({ kind: 'crash', ms: performance.now() - t0, results: errorResults(`The test runner stopped: ${message}`) });
      };
      if (slot.crashed !== null) return onCrash(slot.crashed);
      slot.onCrash = onCrash;
      // The grader fails a test that stays pending (a promise that never settles) with its own clear
      // message a second before the page would have to kill the worker.
      const req: RunRequest = { type: 'run', runId, exerciseId: this.exerciseId, learnerJs, mode, settleMs: Math.max(500, limit - 1000) };
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
    // A spare stays warm for the run after a worker had to be replaced.
    setTimeout(() => this.warm(), 50);
    return outcome;
  }

  dispose(): void {
    if (this.spare) dispose(this.spare);
    if (this.kept) dispose(this.kept);
    if (this.current) dispose(this.current);
    this.spare = this.kept = this.current = null;
  }
}
