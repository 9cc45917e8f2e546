/**
 * A stack trace with learner code on it shows learner code's frames only. Tests hand learner code their
 * own callbacks and call it from their checks; with the whole stack, `new Error().stack` in learner code
 * named the check that was calling (`at expectAtLeast (…)`) — enough to answer each check differently.
 * `learnerOnlyStacks()` (after `lockdown()`, in every host) formats every stack of this realm: when one of
 * its frames is learner code's (the module's, `sourceUrl`, or code it made with `eval`/`Function`), the
 * others are left out; a stack without learner code (the grader's own errors, a failing check) keeps every
 * frame. The grader reads the first learner frame for the learner's line (./sourcemap.ts), which stays.
 * The format is SES's own (`${error}` and `\n  at <frame>` lines). Pure TypeScript.
 */

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
    const shown = learners.length > 0 ? learners : sites;
    return `${error}${shown.map((s) => `\n  at ${s}`).join('')}`;
  };
}
