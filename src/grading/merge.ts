/** Putting results together (pure; also used by the CLI's main thread without loading the grader). */
import type { Results, Status, TestResult } from './index';
import { notRun, withLaterCount } from './host';

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

/** One part of a run split over several hosts: part `index` of `count` runs the tests at positions i % count === index. */
export interface Shard {
  index: number;
  count: number;
}

/** Whether the test at position i runs in `shard` (every test without one). */
export function shardFilter(shard: Shard | undefined): (i: number) => boolean {
  if (!shard) return () => true;
  return (i) => i % shard.count === shard.index;
}

/**
 * One Results from the parts of a sharded run (part k ran the tests at positions k, k + n, k + 2n, …
 * of n parts), tests back in their original order. A part that ended in an error without tests (the
 * module did not load) is the answer. A part cut short by a timeout reads as a sequential run would
 * (src/grading/host.ts `timeoutResults`): the tests before the one that timed out, that one, every
 * later test listed as not run, and the timeout's message counting them all.
 */
export function mergeShards(parts: Results[]): Results {
  const broken = parts.find((p) => p.status === 'error' && p.tests.length === 0);
  if (broken) return broken;
  const n = parts.length;
  const placed: Array<{ at: number; test: TestResult }> = [];
  let cut: { at: number; name: string; message?: string } | null = null;
  parts.forEach((p, k) => {
    p.tests.forEach((test, j) => {
      const at = j * n + k;
      placed.push({ at, test });
      const timedOut = p.message?.startsWith('Timed out') && test.message?.startsWith('Timed out');
      if (timedOut && (!cut || at < cut.at)) cut = { at, name: test.name, message: p.message };
    });
  });
  placed.sort((a, b) => a.at - b.at);
  const c = cut as { at: number; name: string; message?: string } | null;
  const tests = placed.map(({ at, test }) =>
    c && at > c.at ? notRun(test, `the run was stopped when "${c.name}" timed out.`) : test,
  );
  const merged = summarize(tests);
  if (c?.message) merged.message = withLaterCount(c.message, placed.filter(({ at }) => at > c.at).length);
  return merged;
}
