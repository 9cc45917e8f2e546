/**
 * Messages between the page and the exercise workers (src/browser/*-worker.ts).
 *
 * Compile worker (kept alive while it works; replaced after esbuild fails internally): page → worker
 * `CompileRequest` via `postMessage`; worker → page `CompileReply`. Only the compile worker's own code
 * posts there: learner code never runs in it.
 *
 * Run worker (kept for the next run while learner code leaves its realm as it found it; replaced on
 * timeout, crash, or when a run changed built-ins or left real timers behind): the page creates a
 * `MessageChannel`, transfers `port2` in the very first message (`RunInit`) and from then on listens
 * ONLY on `port1`. The worker keeps the port in module scope (out of reach of learner code) with a
 * pre-bound `postMessage`, so learner code calling `self.postMessage(...)` cannot forge a result:
 * the page ignores everything that arrives on the worker object itself.
 */
import type { PlannedTest } from '../grading/host';
import type { Results, TestResult } from './results';

export type Mode = 'run' | 'submit';

export interface CompileRequest {
  type: 'compile';
  id: number;
  code: string;
  /** file name shown in error messages, e.g. "solution.ts" */
  file: string;
}

/** One esbuild message mapped to editor coordinates (1-based line, 1-based UTF-16 column). */
export interface CompileDiagnostic {
  text: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  lineText?: string;
}

export type CompileReply =
  | { type: 'ready'; ms: number }
  | { type: 'init-failed'; message: string }
  | { type: 'compiled'; id: number; ok: true; js: string; warnings: CompileDiagnostic[]; ms: number }
  /** `internal`: esbuild itself failed (not a diagnostic about the code); the page replaces the worker. */
  | { type: 'compiled'; id: number; ok: false; errors: CompileDiagnostic[]; ms: number; internal?: boolean }
  /** esbuild failed outside a transform (uncaught error): the page replaces the worker. */
  | { type: 'broken'; message: string };

/** The quick compile worker's answer: CommonJS, or null when esbuild should compile it (quick-compile.ts). */
export interface QuickCompileReply {
  type: 'quick-compiled';
  id: number;
  js: string | null;
  ms: number;
  /** When the worker replied (its `performance.timeOrigin + now()`), for the page's timing marks. */
  at: number;
}

export interface RunInit {
  type: 'init';
  port: MessagePort;
}

export interface RunRequest {
  type: 'run';
  runId: number;
  exerciseId: string;
  learnerJs: string;
  mode: Mode;
  /** Wall-clock ms the grader lets a test stay pending before failing it (below the page's kill limit). */
  settleMs: number;
}

export type RunReply =
  /** `at`: when the worker got its init, had the grader / the exercise loaded and its realm hardened (absolute ms, for timing marks) */
  | { type: 'ready'; runIdle: true; at?: Record<string, number> }
  /** the tests this run will run, before learner code loads */
  | { type: 'plan'; runId: number; tests: PlannedTest[] }
  | { type: 'test-start'; runId: number; name: string; index: number }
  /** a finished test (kept when a later test times out) */
  | { type: 'test-result'; runId: number; result: TestResult; index: number }
  /**
   * `reusable`: the run left the worker's realm as it found it (the grader repaired no built-in,
   * learner code left no real timer or MessageChannel behind), so the next run may use this worker.
   */
  | { type: 'result'; runId: number; results: Results; ms: number; reusable: boolean; startedAt?: number }
  | { type: 'crash'; runId: number; message: string };
