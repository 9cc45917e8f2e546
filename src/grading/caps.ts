/**
 * Size caps on what a run reports: learner code decides how long its error messages and its
 * console output are, and results travel to the page (postMessage) or to stdout as JSON.
 *
 * - MAX_TEXT_CHARS: every test's `message` (and the top-level `message`) keeps at most this many
 *   characters, then "… N more characters"; console output is cut as it is written, at
 *   `limits.outputBytesPerTest` but never past this many bytes, then "… output truncated (N bytes
 *   dropped)".
 * - MAX_TRACE_CHARS: a failed test's trace (JSON) larger than this loses its network journal past
 *   the first entries.
 * - MAX_OUTPUT_ATTEMPTED_BYTES: what one test may try to print in all, kept or dropped. Past it the
 *   console throws at every call and the test fails, saying so: output dropped past the cap is
 *   still counted (and built by the learner's code), so a test printing gigabytes would otherwise run
 *   into the wall-clock limit and be reported as an infinite loop, with every later test "Not run".
 * - MAX_RESULTS_CHARS: the whole results JSON. Past it, traces go first (the last test's first),
 *   then every test's message and output are cut to an equal share.
 *
 * Pure TypeScript: no DOM, no Node built-ins.
 */
import type { Results, TestResult } from './index';

export const MAX_TEXT_CHARS = 64 * 1024;
export const MAX_TRACE_CHARS = 1_000_000;
export const MAX_RESULTS_CHARS = 4_000_000;
export const MAX_OUTPUT_ATTEMPTED_BYTES = 64 * 1024 * 1024;

const jsonStringify = JSON.stringify;

/** `s` cut to `max` characters, with "… N more characters" when it was longer. */
export function capText(s: string, max = MAX_TEXT_CHARS): string {
  if (s.length <= max) return s;
  let cut = max;
  const c = s.charCodeAt(cut - 1);
  if (c >= 0xd800 && c <= 0xdbff) cut--; // do not split a surrogate pair
  return `${s.slice(0, cut)}\n… ${s.length - cut} more characters`;
}

function size(v: unknown): number {
  try {
    return jsonStringify(v)?.length ?? 0;
  } catch {
    return 0;
  }
}

/** The results, made to fit MAX_RESULTS_CHARS (see the top of this file). */
export function boundResults(r: Results, max = MAX_RESULTS_CHARS): Results {
  let total = size(r);
  if (total <= max) return r;
  const tests: TestResult[] = r.tests.map((t) => ({ ...t }));
  for (let i = tests.length - 1; i >= 0 && total > max; i--) {
    const t = tests[i];
    if (t.trace === undefined) continue;
    total -= size(t.trace);
    delete t.trace;
  }
  if (total > max && tests.length > 0) {
    const share = Math.max(200, Math.floor(max / (4 * tests.length)));
    for (const t of tests) {
      if (t.message !== undefined) t.message = capText(t.message, share);
      if (t.output !== undefined) t.output = capText(t.output, share);
      if (t.test_code !== undefined) t.test_code = capText(t.test_code, share);
    }
  }
  const out: Results = { ...r, tests };
  if (out.message !== undefined) out.message = capText(out.message);
  return out;
}
