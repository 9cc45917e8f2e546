/**
 * Reading what learner code threw without running any of its code. The grader describes a failure
 * after the test that failed, so a getter, a `toString` or a `Symbol.toPrimitive` of the thrown value
 * that it ran then would run outside the test's bounds: a timer it started would live on into the next
 * test, and one that loops would hang the run. So properties are read only through their descriptors
 * (found on the value or its prototype chain with primordials captured when this module loads), and an
 * accessor is never called: it is reported as one.
 *
 * A Proxy runs its traps on every read, and JavaScript cannot tell one from an object; the grader
 * therefore also describes an attempt's failure before it cancels the attempt's timers (attempt.ts).
 *
 * Pure TypeScript: no DOM, no Node built-ins.
 */

const apply = Reflect.apply;
const getDesc = Reflect.getOwnPropertyDescriptor;
const getProto = Reflect.getPrototypeOf;
const errorToString = Error.prototype.toString;
const objectToString = Object.prototype.toString;
const toPrimitive = Symbol.toPrimitive;

/** How deep a prototype chain is searched. */
const MAX_CHAIN = 50;

/**
 * The realm's own prototypes whose data properties SES's `lockdown()` turns into accessors (its
 * `overrideTaming`, so that `err.name = …` still works on a frozen realm): each such getter only
 * returns the property's value, which SES keeps on it as `originalValue`. They are read as that
 * value. Only on these objects: they are frozen, so the getter found there is SES's own, while a
 * getter on a learner's object could carry an `originalValue` of its own.
 */
const INTRINSIC_PROTOTYPES: ReadonlySet<object> = new Set(
  [Object, Function, Array, Promise, Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, (globalThis as { AggregateError?: { prototype: object } }).AggregateError]
    .flatMap((C) => (C ? [C.prototype as object] : [])),
);

/** A data property SES turned into an accessor on an intrinsic prototype: its value, or null. */
function overrideTamedValue(owner: object, get: unknown): { value: unknown } | null {
  if (typeof get !== 'function' || !INTRINSIC_PROTOTYPES.has(owner)) return null;
  const original = getDesc(get, 'originalValue');
  return original && 'value' in original ? { value: original.value } : null;
}

/** `stack` of an error made here: where it is an accessor (newer V8s), its getter is the engine's own. */
const NATIVE_STACK_GETTER = ((): unknown => {
  try {
    return getDesc(new Error('probe'), 'stack')?.get;
  } catch {
    return undefined;
  }
})();

/** How `key` reads on `o`: a data property's value, an accessor (never called), or nothing. */
export type Found = { value: unknown } | { accessor: true } | null;

/** The first property `key` on `o` or its prototype chain, from its descriptor (no getter runs). */
export function lookup(o: object, key: PropertyKey): Found {
  try {
    let p: object | null = o;
    for (let i = 0; p !== null && i < MAX_CHAIN; i++) {
      const d = getDesc(p, key);
      if (d) return 'value' in d ? { value: d.value } : (overrideTamedValue(p, d.get) ?? { accessor: true });
      p = getProto(p);
    }
  } catch {
    /* a Proxy trap threw */
  }
  return null;
}

/** A data property's string value, or undefined (absent, an accessor, not a string). */
export function dataString(o: object, key: PropertyKey): string | undefined {
  const f = lookup(o, key);
  return f && 'value' in f && typeof f.value === 'string' ? f.value : undefined;
}

/** The name of `o`'s constructor, read from data properties only ('' if there is none). */
export function constructorName(o: object): string {
  const c = lookup(o, 'constructor');
  if (!c || !('value' in c) || typeof c.value !== 'function') return '';
  try {
    const n = getDesc(c.value, 'name');
    return n && 'value' in n && typeof n.value === 'string' ? n.value : '';
  } catch {
    return '';
  }
}

/**
 * How many characters of a thrown value's name and message are kept (then "…"). Far more than a result
 * shows (caps.ts MAX_TEXT_CHARS, which then says how many more there were), and far less than the
 * longest string the engine allows: a message that long (`'x'.repeat(…)` makes one cheaply) would
 * make `Name: message`, or the two texts of a test that also left a rejection, too long a string to
 * build, and the grader fail with "Invalid string length" (every test "Not run").
 */
export const MAX_THROWN_TEXT_CHARS = 1 << 26;

function bounded(s: string): string {
  return s.length > MAX_THROWN_TEXT_CHARS ? `${s.slice(0, MAX_THROWN_TEXT_CHARS)}…` : s;
}

/** `Name: message` for an error-like object; a getter for either is never run, but said. */
export function errorText(e: object): string {
  const n = lookup(e, 'name');
  const name = bounded(n && 'value' in n ? (typeof n.value === 'string' && n.value ? n.value : 'Error') : constructorName(e) || 'Error');
  const m = lookup(e, 'message');
  if (m && !('value' in m)) return `${name} (its message is a getter, which the grader does not run)`;
  const message = m && typeof m.value === 'string' ? bounded(m.value) : '';
  return message ? `${name}: ${message}` : name;
}

const inertPart = (f: Found) => f === null || ('value' in f && (f.value === undefined || (typeof f.value !== 'object' && typeof f.value !== 'function' && typeof f.value !== 'symbol')));

/**
 * Can the engine format `e.stack` without running learner code? V8 formats a stack the first time it
 * is read, and the header calls `${e}` (SES's prepareStackTrace; V8's own reads `name` and `message`):
 * `Symbol.toPrimitive`, `toString`, and getters or objects for `name` and `message` are learner code.
 */
function stackIsInert(e: object): boolean {
  if (lookup(e, toPrimitive) !== null) return false;
  const ts = lookup(e, 'toString');
  if (!ts || !('value' in ts) || (ts.value !== errorToString && ts.value !== objectToString)) return false;
  return inertPart(lookup(e, 'name')) && inertPart(lookup(e, 'message'));
}

/**
 * The thrown value's own stack trace, when reading it runs none of the learner's code (see
 * `stackIsInert`); otherwise undefined (the failure is then described without its place in the code).
 */
export function stackOf(e: unknown): string | undefined {
  if ((typeof e !== 'object' && typeof e !== 'function') || e === null) return undefined;
  if (!stackIsInert(e)) return undefined;
  try {
    const d = getDesc(e, 'stack');
    if (!d) return undefined;
    if ('value' in d) return typeof d.value === 'string' ? d.value : undefined;
    if (NATIVE_STACK_GETTER !== undefined && d.get === NATIVE_STACK_GETTER) {
      const s: unknown = apply(d.get, e, []);
      return typeof s === 'string' ? s : undefined;
    }
  } catch {
    /* a Proxy trap threw */
  }
  return undefined;
}
