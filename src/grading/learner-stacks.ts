/**
 * A stack trace learner code can read shows learner code's frames only. Tests hand learner code their
 * own callbacks and call it from their checks; with the whole stack, `new Error().stack` in learner code
 * named the check that was calling (`at expectAtLeast (…)`) — enough to answer each check differently.
 * And an error a test makes and hands to learner code (a rejected promise it awaits) carried the frames
 * of the test that made it, whose place in the grader's bundle names the hidden test.
 *
 * `learnerOnlyStacks()` (after `lockdown()`, in every host) formats every stack of this realm: one with
 * a frame of learner code (its module's, `sourceUrl`, or code it made with `eval`/`Function`) shows only
 * those frames; one without shows no frame while learner code may run (`learnerCodeMayRun`: from the
 * learner module's load to its close) — V8 formats a stack once, when it is first read, so the rule
 * cannot depend on who reads it — and every frame otherwise (the host's own errors: a test runner's, the
 * CLI's). The grader reads only the first learner frame, for the learner's line (./sourcemap.ts), which
 * stays. The format is SES's own (`${error}` and `\n  at <frame>` lines). Pure TypeScript.
 */

/** Learner modules loaded and not yet closed in this realm. */
let learnerModulesOpen = 0;

/** Learner code may run from now until the returned function is called (once). */
export function learnerCodeMayRun(): () => void {
  learnerModulesOpen++;
  let open = true;
  return () => {
    if (open) {
      open = false;
      learnerModulesOpen--;
    }
  };
}

/** The part of V8's CallSite this reads (SES hands over a facet of it). */
interface CallSiteLike {
  getScriptNameOrSourceURL(): unknown;
  isEval(): boolean;
  toString(): string;
}

export function learnerOnlyStacks(sourceUrl: string): void {
  const E = Error as unknown as { prepareStackTrace?: (error: unknown, sites: CallSiteLike[]) => string };
  // Learner code's frames: its module's, and code it made with `eval` or `Function` (nothing else in a
  // grading realm evaluates code at run time).
  const isLearners = (s: CallSiteLike) => s.getScriptNameOrSourceURL() === sourceUrl || s.isEval();
  E.prepareStackTrace = function prepareStackTrace(error, sites) {
    const learners = sites.filter(isLearners);
    const shown = learners.length > 0 || learnerModulesOpen > 0 ? learners : sites;
    return `${error}${shown.map((s) => `\n  at ${s}`).join('')}`;
  };
}
