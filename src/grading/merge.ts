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

/**
 * One part of a run split over several hosts: part `index` of `count` runs the tests at positions
 * i with `assign[i] === index` (`assign`: a part number per test, e.g. to balance the parts by how
 * long each test took last time); a position `assign` does not cover, or every position without
 * `assign`, goes to part i % count.
 */
export interface Shard {
  index: number;
  count: number;
  assign?: number[];
}

/** The part that runs the test at position i. */
function partOf(count: number, assign: number[] | undefined): (i: number) => number {
  return (i) => assign?.[i] ?? i % count;
}

/** Whether the test at position i runs in `shard` (every test without one). */
export function shardFilter(shard: Shard | undefined): (i: number) => boolean {
  if (!shard) return () => true;
  const part = partOf(shard.count, shard.assign);
  return (i) => part(i) === shard.index;
}

/**
 * One Results from the parts of a sharded run (part k ran the tests of shard k of n, in order: the
 * positions i with assign[i] === k; without `assign`, k, k + n, k + 2n, …), tests back in their
 * original order. A part that ended in an error without tests (the module did not load) is the
 * answer. A part cut short by a timeout reads as a sequential run would (src/grading/host.ts
 * `timeoutResults`): the tests before the one that timed out, that one, every later test listed as
 * not run, and the timeout's message counting them all.
 */
export function mergeShards(parts: Results[], assign?: number[]): Results {
  const broken = parts.find((p) => p.status === 'error' && p.tests.length === 0);
  if (broken) return broken;
  const part = partOf(parts.length, assign);
  const total = parts.reduce((n, p) => n + p.tests.length, 0);
  const positions: number[][] = parts.map(() => []);
  for (let i = 0; i < total; i++) positions[part(i)]?.push(i);
  const placed: Array<{ at: number; test: TestResult }> = [];
  let cut: { at: number; name: string; message?: string } | null = null;
  parts.forEach((p, k) => {
    p.tests.forEach((test, j) => {
      const at = positions[k][j] ?? total + j; // (a part with more tests than its positions: after the rest)
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
  if (c?.message) merged.message = withLaterCount(c.message, tests.length - 1 - placed.findIndex(({ at }) => at === c.at));
  return merged;
}

/**
 * A part number per test (`Shard.assign`) so that the parts take about as long as each other: the
 * longest test first, each to the part with the least time so far (`ms`: how long each test took
 * last time — a Submit's tests are the same from one Submit to the next).
 */
export function balancedShards(ms: readonly number[], count: number): number[] {
  const load = new Array<number>(count).fill(0);
  const assign = new Array<number>(ms.length).fill(0);
  const order = ms.map((_, i) => i).sort((a, b) => ms[b] - ms[a] || a - b);
  for (const i of order) {
    let k = 0;
    for (let j = 1; j < count; j++) if (load[j] < load[k]) k = j;
    assign[i] = k;
    load[k] += ms[i];
  }
  return assign;
}
