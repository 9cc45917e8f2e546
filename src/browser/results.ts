/**
 * The results object (docs/CONTRACTS.md "Results": Exercism test-runner v3 + our fields), as the page
 * sees it. Kept structural here so the page code does not import the grader (which stays in the run
 * worker's bundle); the grader's own type must stay assignable to this one.
 */
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
