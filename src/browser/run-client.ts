/**
 * Page side of the run worker.
 *
 * - A worker serves run after run (its JIT stays warm) as long as each run leaves its realm as it
 *   found it — the worker says so in its reply (`reusable`: no built-in had to be repaired, no real
 *   timer or MessageChannel left behind). Otherwise, and after a timeout or crash, it is thrown
 *   away and the next run uses a warmed spare (grader and the exercise's test modules already
 *   imported), so nothing a learner module did survives into the next run.
 * - The worker is started from a `blob:` URL that imports the real worker script, so it inherits the
 *   page's Content-Security-Policy (a worker loaded from its own URL would be governed only by that
 *   script's response headers, which static hosting does not set).
 * - Replies are accepted only on the `MessagePort` handed to the worker in its first message; what
 *   arrives on the Worker object itself (where learner `postMessage` would land) is ignored.
 * - A run that exceeds its wall-clock limit is terminated and reported as timed out; the next run
 *   uses a new worker.
 */
import runWorkerUrl from './run-worker?worker&url';
import type { Mode, RunReply, RunRequest } from './protocol';
import { errorResults, isResults, type Results } from './results';

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

interface Slot {
  worker: Worker;
  port: MessagePort;
  ready: Promise<void>;
  url: string;
}

function spawn(exerciseId: string): Slot {
  const abs = new URL(runWorkerUrl, location.href).href;
  const url = URL.createObjectURL(new Blob([`import ${JSON.stringify(abs)};\n`], { type: 'text/javascript' }));
  const worker = new Worker(url, { type: 'module', name: `exercise-run-${exerciseId}` });
  // Whatever arrives on the worker object itself is not ours (learner code would post there).
  worker.onmessage = null;
  const channel = new MessageChannel();
  const port = channel.port1;
  const ready = new Promise<void>((resolve) => {
    const onReady = (ev: MessageEvent<RunReply>) => {
      if (ev.data?.type === 'ready') {
        port.removeEventListener('message', onReady);
        resolve();
      }
    };
    port.addEventListener('message', onReady);
    port.start();
    // A worker that fails to load still counts as "ready": the run then reports the failure.
    worker.addEventListener('error', () => resolve(), { once: true });
  });
  worker.postMessage({ type: 'init', port: channel.port2, exerciseId }, [channel.port2]);
  return { worker, port, ready, url };
}

function dispose(slot: Slot): void {
  slot.worker.terminate();
  slot.port.close();
  URL.revokeObjectURL(slot.url);
}

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
    let onError: ((ev: ErrorEvent) => void) | null = null;
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
      onError = (ev: ErrorEvent) => {
        clearTimeout(timer);
        ev.preventDefault();
        resolve({ kind: 'crash', ms: performance.now() - t0, results: errorResults(`The test runner could not start: ${ev.message || 'worker error'}`) });
      };
      slot.worker.addEventListener('error', onError, { once: true });
      // The grader fails a test that stays pending (a promise that never settles) with its own clear
      // message a second before the page would have to kill the worker.
      const req: RunRequest = { type: 'run', runId, exerciseId: this.exerciseId, learnerJs, mode, settleMs: Math.max(500, limit - 1000) };
      slot.port.postMessage(req);
    });
    if (onError) slot.worker.removeEventListener('error', onError);
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
