/** Putting results together (pure; also used by the CLI's main thread without loading the grader). */
import type { Results, Status, TestResult } from './index';

/** Results of these tests, in this order: pass when all passed, else "N of M tests failed.". */
export function summarize(results: TestResult[]): Results {
  const status: Status = results.every((r) => r.status === 'pass') ? 'pass' : 'fail';
  const out: Results = { version: 3, status, tests: results };
  if (status === 'fail') {
    const failed = results.filter((r) => r.status !== 'pass').length;
    out.message = `${failed} of ${results.length} test${results.length === 1 ? '' : 's'} failed.`;
  }
  return out;
}

/**
 * One Results from the parts of a sharded run (part k ran the tests at positions k, k + n, k + 2n, …
 * of n parts), tests back in their original order. A part that ended in an error without tests (the
 * module did not load) is the answer. A part cut short by a timeout reads as a sequential run would:
 * the tests before the one that timed out, that one, and its message ("the remaining tests did not
 * run").
 */
export function mergeShards(parts: Results[]): Results {
  const broken = parts.find((p) => p.status === 'error' && p.tests.length === 0);
  if (broken) return broken;
  const n = parts.length;
  const placed: Array<{ at: number; test: TestResult }> = [];
  let cutAt = Infinity;
  let cutMessage: string | undefined;
  parts.forEach((p, k) => {
    p.tests.forEach((test, j) => placed.push({ at: j * n + k, test }));
    if (p.message?.startsWith('Timed out') && p.tests.length > 0) {
      const at = (p.tests.length - 1) * n + k;
      if (at < cutAt) {
        cutAt = at;
        cutMessage = p.message;
      }
    }
  });
  placed.sort((a, b) => a.at - b.at);
  const merged = summarize(placed.filter((x) => x.at <= cutAt).map((x) => x.test));
  if (cutMessage) merged.message = cutMessage;
  return merged;
}
