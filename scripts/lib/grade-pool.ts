/**
 * Grading learner code in a sandboxed process: one fresh Node process per grading
 * (scripts/grade-worker.cjs), under Node's permission model with only that script and the
 * exercise's bundle readable, an empty environment, no child processes and no workers; inside it the
 * grader and the learner module run in a realm without Node's globals. The shared host logic
 * (src/grading/host.ts) watches the wall clock: a test (or loading the module) that overruns its
 * limit has the process killed, and the run reads as the browser reads it.
 *
 * What comes back is accepted only from the grading process's own channel (IPC, unreachable from
 * the grading realm), only with the token sent with the job, and only when it has the shape of
 * results and agrees with the tests the grader announced; the exit code and the process's output
 * are never trusted.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Limits, PlannedTest, Results, TestResult } from '#grading';
import {
  DEFAULT_WALL_MS_PER_TEST,
  RunWatch,
  boundResults,
  errorResults,
  isResults,
  isTestResult,
  settleMsFor,
  stoppedResults,
} from '#grading/host';
import { mergeShards } from '#grading/host';
import { BUNDLE_GLOBAL, bundleExercise, type BundleRef } from './bundle-cache';
import { ROOT } from './exercises';
import { readFileSync } from 'node:fs';

export const DEFAULT_WALL_MS = DEFAULT_WALL_MS_PER_TEST;
/** Starting a grading process and evaluating the exercise's bundle, on a busy machine. */
const BOOT_MS = 60_000;
const WORKER = join(ROOT, 'scripts', 'grade-worker.cjs');

export interface Job {
  exerciseId: string;
  learnerJs: string;
  mode: 'run' | 'submit';
  limits?: Limits;
  shard?: { index: number; count: number };
  /** Run every seeded test with only this seed (replaying one failing case). */
  seed?: number;
  /** Run only the test with this name. */
  only?: string;
}

export interface GradeOptions extends Job {
  /** Wall-clock ms per test (and for loading the module). Default: meta.limits.wallMsPerTest or 10000. */
  wallMs?: number;
}

/**
 * V8 flags of a grading process. It grades one Submit and exits: most of the simulator's code gets
 * optimised while the suite runs, so optimising is part of what the learner waits for. A TurboFan
 * that skips its costliest work (inlining, loop peeling, escape analysis, load elimination) has
 * optimised code ready sooner; for these short runs that is faster overall. A young generation big
 * enough for a scenario's short-lived objects means fewer, cheaper scavenges.
 */
const GRADING_V8_FLAGS = ['--no-turbo-inlining', '--no-turbo-loop-peeling', '--no-turbo-escape', '--no-turbo-load-elimination', '--max-semi-space-size=32'];

/**
 * The sandbox: Node's permission model with only the grading script itself readable (the bundle's
 * text comes over IPC), no file writable, no child process, no worker.
 */
export const SANDBOX_FLAGS = [
  '--experimental-permission',
  `--allow-fs-read=${WORKER}`,
  // lets the grading realm answer `import()` itself (scripts/grade-worker.cjs `noImport`)
  '--experimental-vm-modules',
  '--no-warnings',
  '--max-old-space-size=2048',
];

/** Grading processes told to stop (or finished) that have not exited yet. */
const exiting = new Set<Promise<unknown>>();

/** Resolves once every grading process has exited (a benchmark waits for this between runs). */
export async function gradersExited(): Promise<void> {
  await Promise.allSettled([...exiting]);
}

type ChildMessage = { token?: unknown; type?: unknown; [k: string]: unknown };

function isPlan(v: unknown): v is PlannedTest[] {
  return (
    Array.isArray(v) &&
    v.every((t) => typeof t === 'object' && t !== null && Number.isInteger(t.index) && typeof t.name === 'string' && (t.visibility === 'visible' || t.visibility === 'hidden'))
  );
}

/**
 * Why final results are refused, or null: they must list exactly the announced tests, the ones the
 * process reported as finished, and a status that follows from them.
 */
export function refuseResults(r: Results, plan: PlannedTest[] | null, done: TestResult[]): string | null {
  if (r.tests.length === 0) return r.status === 'error' ? null : 'no tests, yet not an error';
  if (!plan) return 'results before the tests were announced';
  const names = r.tests.map((t) => t.name);
  if (names.length !== plan.length || names.some((n, i) => n !== plan[i].name)) return 'not the announced tests';
  // the grader caps its final results (src/grading/caps.ts `boundResults`: traces, then texts, go
  // when the whole is too large); the tests as they finished, capped the same way, must be them
  if (JSON.stringify(r.tests) !== JSON.stringify(boundResults({ ...r, tests: done }).tests)) return 'not the tests reported as they finished';
  const expected = r.tests.every((t) => t.status === 'pass') ? 'pass' : 'fail';
  if (r.status !== expected) return `status "${r.status}" although the tests say "${expected}"`;
  return null;
}

/** One grading in one fresh, sandboxed process. */
function gradeInProcess(job: Job, ref: BundleRef, wallMs: number): Promise<Results> {
  const token = randomBytes(16).toString('hex');
  const child: ChildProcess = fork(WORKER, [], {
    execArgv: [...SANDBOX_FLAGS, ...GRADING_V8_FLAGS],
    env: { TZ: 'UTC' }, // nothing of this machine's, not even its time zone: the browser's worker reads UTC too
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'json',
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  exiting.add(exited);
  void exited.finally(() => exiting.delete(exited));
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-2000);
  });

  return new Promise<Results>((resolve) => {
    let finished = false;
    const finish = (r: Results) => {
      if (finished) return;
      finished = true;
      watch.stop();
      child.removeAllListeners('message');
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      // a stopped run's results are made here from the tests as they finished: capped like the grader's
      resolve(boundResults(r));
    };
    const watch = new RunWatch({
      wallMs,
      startMs: BOOT_MS,
      timers: { set: (fn, ms) => setTimeout(fn, ms), clear: (t) => clearTimeout(t as NodeJS.Timeout) },
      onTimeout: (r, planned) =>
        finish(planned ? r : errorResults(`The grader did not start (or load exercise "${job.exerciseId}") within ${BOOT_MS / 1000} s.`)),
    });
    const refuse = (why: string) => finish(stoppedResults(watch.progress, `The grading process sent something it should not (${why}): its results are not accepted.`));

    child.on('message', (raw: unknown) => {
      const m = raw as ChildMessage;
      if (typeof m !== 'object' || m === null) return;
      if (m.type === 'ready') {
        const code = readOptional(ref.bundle);
        if (code === undefined) return finish(errorResults(`The grader's bundle of exercise "${job.exerciseId}" vanished (${ref.bundle}); run again.`));
        const visibleSource = readOptional(ref.visibleSourcePath);
        child.send({ type: 'job', token, code, bundleGlobal: BUNDLE_GLOBAL, meta: ref.meta, visibleSource, ...job, limits: { settleMs: settleMsFor(wallMs), ...job.limits } });
        return;
      }
      if (m.token !== token) return refuse('a message without the job token');
      if (m.type === 'loaded') return;
      if (m.type === 'plan') return isPlan(m.tests) && !watch.progress.plan ? watch.planned(m.tests) : refuse('a malformed test plan');
      if (m.type === 'start') return typeof m.index === 'number' && typeof m.name === 'string' ? watch.started(m.index, m.name) : refuse('a malformed test start');
      if (m.type === 'result') return isTestResult(m.result) && typeof m.index === 'number' ? watch.finished(m.result, m.index) : refuse('a malformed test result');
      if (m.type === 'crash') return finish(stoppedResults(watch.progress, typeof m.message === 'string' ? m.message : 'The grader failed.'));
      if (m.type === 'done') {
        if (!isResults(m.results)) return refuse('malformed results');
        const why = refuseResults(m.results, watch.progress.plan, watch.progress.done);
        return why ? refuse(why) : finish(m.results);
      }
      refuse('an unknown message');
    });
    // 'close', not 'exit': 'exit' can come while messages the process sent are still unread in its
    // IPC pipe (Node: "the child process stdio streams might still be open"); 'close' comes after them
    child.once('close', (code, signal) => {
      const how = signal ? `signal ${signal}` : `exit code ${code}`;
      const oom = /heap out of memory|Allocation failed/i.test(stderr) ? ' It ran out of memory: does your code build an ever-growing structure?' : '';
      finish(stoppedResults(watch.progress, `The grader stopped before it finished (${how}).${oom}`));
    });
    child.once('error', (e) => finish(errorResults(`The grader could not start: ${e.message}`)));
  });
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Grades at most `size` jobs at a time, each in its own grading process. */
export class GradePool {
  private busy = 0;
  private waiting: (() => void)[] = [];
  constructor(private readonly size = Math.max(1, Math.min(4, availableParallelism()))) {}

  async grade(opts: GradeOptions): Promise<Results> {
    if (this.busy >= this.size) await new Promise<void>((r) => this.waiting.push(r));
    this.busy++;
    try {
      const bundled = await bundleExercise(opts.exerciseId);
      if (!bundled.ok) return errorResults(bundled.message);
      const { wallMs: _wall, ...job } = opts;
      const wallMs = opts.wallMs ?? bundled.ref.meta.limits?.wallMsPerTest ?? DEFAULT_WALL_MS;
      return await gradeInProcess(job, bundled.ref, wallMs);
    } finally {
      this.busy--;
      this.waiting.shift()?.();
    }
  }

  /** Nothing stays running between gradings; kept for callers that close a pool when done. */
  close(): void {}
}

/**
 * Grade compiled learner JS in a fresh grading process with a wall-clock limit per test. A Submit can
 * be split over `threads` processes (test i on process i % threads, parts merged back in order), but
 * by default is not: each process is a cold isolate that pays for optimising the simulator again.
 */
export async function gradeInWorker(opts: GradeOptions, threads = 1): Promise<Results> {
  const count = opts.mode === 'submit' ? Math.max(1, threads) : 1;
  const pool = new GradePool(count);
  if (count === 1) return pool.grade(opts);
  const parts = await Promise.all(Array.from({ length: count }, (_, index) => pool.grade({ ...opts, shard: { index, count } })));
  return mergeShards(parts);
}

export function exitCode(r: Results): number {
  return r.status === 'pass' ? 0 : r.status === 'fail' ? 1 : 2;
}
