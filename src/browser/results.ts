/**
 * The results object (docs/CONTRACTS.md "Results": Exercism test-runner v3 + our fields), as the page
 * sees it. The types are the grader's own; `export type` is erased at build time, so the page bundle
 * does not pull the grader in (it stays in the run worker's bundle).
 */
export type { Status, TestResult, Results } from '../grading/index';

/** One constructor for error results and one shape check, shared with the Node host (src/grading/host.ts). */
export { errorResults, isResults } from '../grading/host';
