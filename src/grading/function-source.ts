/**
 * Learner code reads the source text of its own functions, and of no one else's. Tests hand their own
 * closures to learner code (an operation for a circuit breaker, an `isFailure` predicate): before this,
 * `String(fn)` in learner code printed a hidden test's source — which test was running and what it
 * checks. `hideForeignSources()` (before `lockdown()`, in every host) makes `Function.prototype.toString`
 * answer a function's source only when that text is part of a learner module being graded
 * (`learnerSource(js)` registers it while it runs); any other function reads as a built-in does,
 * `function name() { [native code] }`. The grader itself reads sources with `sourceOf` (the original).
 * Pure TypeScript.
 */
const originalToString = Function.prototype.toString;
const apply = Reflect.apply;
const getOwnDesc = Reflect.getOwnPropertyDescriptor;

/** The learner modules being graded in this realm (compiled JavaScript as evaluated). */
const learnerTexts = new Set<string>();

/** `fn`'s source text as the engine has it (for the grader's own use: a test's code in the results). */
export function sourceOf(fn: unknown): string {
  return apply(originalToString, fn, []) as string;
}

/** Registers a learner module's text while it is graded; the returned function ends that. */
export function learnerSource(js: string): () => void {
  const entry = String(js); // a primitive of its own: the set holds exactly what was registered
  learnerTexts.add(entry);
  return () => learnerTexts.delete(entry);
}

const isLearnerText = (text: string) => {
  for (const js of learnerTexts) if (js.includes(text)) return true;
  return false;
};

/** A function's own `name` as data (never a getter's answer), for the `[native code]` form. */
function nameOf(fn: object): string {
  const d = getOwnDesc(fn, 'name');
  return d && typeof d.value === 'string' && /^[\w$]*$/.test(d.value) ? d.value : '';
}

let installed = false;

/** Replaces `Function.prototype.toString` (once per realm, before `lockdown()` freezes it). */
export function hideForeignSources(): void {
  if (installed) return;
  installed = true;
  const toString = function toString(this: unknown): string {
    const text = sourceOf(this); // throws the engine's TypeError for a non-function, as the original does
    if (text.endsWith('{ [native code] }') || isLearnerText(text)) return text;
    return `function ${nameOf(this as object)}() { [native code] }`;
  };
  Object.defineProperty(toString, 'name', { value: 'toString' }); // whatever a minifier named it
  Object.defineProperty(Function.prototype, 'toString', { ...getOwnDesc(Function.prototype, 'toString'), value: toString });
}
