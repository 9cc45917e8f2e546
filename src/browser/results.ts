/**
 * The results object (docs/CONTRACTS.md "Results": Exercism test-runner v3 + our fields), as the page
 * sees it. The types are the grader's own; `export type` is erased at build time, so the page bundle
 * does not pull the grader in (it stays in the run worker's bundle).
 */
import type { Results } from '../grading/index';

export type { Status, TestResult, Results } from '../grading/index';

/** Results for a run that never reached the grader (compile error, timeout, crashed worker). */
export function errorResults(message: string): Results {
  return { version: 3, status: 'error', message, tests: [] };
}

/** Checks the shape of a results object coming from a worker before the page renders it. */
export function isResults(v: unknown): v is Results {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  if (r.version !== 3 || !['pass', 'fail', 'error'].includes(r.status as string) || !Array.isArray(r.tests)) return false;
  return r.tests.every((t) => {
    if (typeof t !== 'object' || t === null) return false;
    const x = t as Record<string, unknown>;
    return typeof x.name === 'string' && ['pass', 'fail', 'error'].includes(x.status as string);
  });
}
