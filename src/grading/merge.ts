/** Putting results together (pure; also used by the CLI's main thread without loading the grader). */
import type { Results, Status, TestResult } from './index';
import { STOPPED_DURING, notRun, withLaterCount } from './host';

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

/** Where a part of a split run was stopped: tests from position `from` on did not run. */
interface Cut {
  from: number;
  /** why the later tests did not run, as `notRun` words it */
  why: string;
  /** the part's own summary, recounted or kept */
  message: string;
  timedOut: boolean;
}

/**
 * Where part `p` (part k of n) was stopped, if it was: at a test that timed out (`timeoutResults`:
 * that test fails, the later ones did not run), or — the host stopped it another way (a crash, a
 * lost channel: `stoppedResults`, status error) — after the test it stopped in, else at its first
 * test listed as not run, or after its last test when none is.
 */
function cutOf(p: Results, k: number, n: number): Cut | null {
  const at = (j: number) => j * n + k;
  if (p.message?.startsWith('Timed out')) {
    const j = p.tests.findIndex((t) => t.message?.startsWith('Timed out'));
    if (j >= 0) return { from: at(j) + 1, why: `the run was stopped when "${p.tests[j].name}" timed out.`, message: p.message, timedOut: true };
  }
  if (p.status !== 'error' || p.message === undefined) return null;
  const s = p.tests.findIndex((t) => t.message?.startsWith(STOPPED_DURING));
  const j = p.tests.findIndex((t) => t.message?.startsWith('Not run:'));
  const from = s >= 0 ? at(s) + 1 : j >= 0 ? at(j) : at(p.tests.length);
  return { from, why: 'the test runner stopped before this test finished.', message: p.message, timedOut: false };
}

/**
 * One Results from the parts of a sharded run (part k ran the tests at positions k, k + n, k + 2n, …
 * of n parts), tests back in their original order. A part that ended in an error without tests (the
 * module did not load) is the answer. A part that was stopped reads as a sequential run stopped at
 * the same test would (src/grading/host.ts): after a timeout (`timeoutResults`), the tests before the
 * one that timed out, that one, every later test listed as not run and the timeout's message
 * counting them all; after a crash (`stoppedResults`), the tests that finished, the one it stopped in,
 * every later one not run, and the crash's message. The earliest stop in test order is the one reported.
 */
export function mergeShards(parts: Results[]): Results {
  const broken = parts.find((p) => p.status === 'error' && p.tests.length === 0);
  if (broken) return broken;
  const n = parts.length;
  const placed = parts.flatMap((p, k) => p.tests.map((test, j) => ({ at: j * n + k, test })));
  placed.sort((a, b) => a.at - b.at);
  const cut = parts
    .map((p, k) => cutOf(p, k, n))
    .filter((c): c is Cut => c !== null)
    .sort((a, b) => a.from - b.from)[0];
  if (!cut) return summarize(placed.map(({ test }) => test));
  const tests = placed.map(({ at, test }) => (at >= cut.from ? notRun(test, cut.why) : test));
  const later = placed.filter(({ at }) => at >= cut.from).length;
  if (!cut.timedOut) return { version: 3, status: 'error', message: cut.message, tests };
  return { ...summarize(tests), message: withLaterCount(cut.message, later) };
}
