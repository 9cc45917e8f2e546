/**
 * What a check sees of a value learner code produced: a copy, read once. Pure TypeScript.
 *
 * A check that reads a learner's object directly reads it again and again — and every read can run
 * learner code: a getter (which may look at the stack to tell which check is asking, and answer each
 * one differently), a Proxy trap, an array's own `filter` or `[Symbol.iterator]` shadowing the frozen
 * built-in. Checks that see only the copy see one answer, made of plain arrays and objects whose
 * methods are the realm's own.
 */
import { fail } from './suite';
import { restoreStack, suspendStack } from '../sim/index';

/** Deeper than this, a value is not an answer but a trap (and copying it would exhaust the stack). */
const MAX_DEPTH = 100;
/** More elements than this, likewise (an array's `length` can claim four billion). */
const MAX_ELEMENTS = 1_000_000;

const getTime = Date.prototype.getTime;

/**
 * A copy of `value` made of plain data, each property read exactly once: arrays become new arrays
 * of their elements (own properties besides the elements are dropped), Dates new Dates, any other
 * object a new plain object of its own enumerable string-keyed properties (a getter among them runs
 * once, for its value; functions are dropped, so nothing in the copy calls learner code). Primitives
 * and a function given itself are returned as they are; shared and circular references are kept.
 * `what` names the value in the message of a test it fails (too deep, too large).
 */
export function learnerData<T>(value: T, what = 'Your code'): T {
  return copy(value, new Map(), 0, what) as T;
}

function copy(v: unknown, seen: Map<object, unknown>, depth: number, what: string): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (seen.has(v)) return seen.get(v);
  if (depth > MAX_DEPTH) fail(`${what} returned data nested more than ${MAX_DEPTH} levels deep: return plain data (an object or array of values).`);
  if (Array.isArray(v)) return copyArray(v, seen, depth, what);
  const time = dateTime(v);
  if (time !== null) return new Date(time);
  const out: Record<string, unknown> = {};
  seen.set(v, out);
  for (const key of Object.keys(v)) {
    const x = readOwn(v, key);
    if (typeof x !== 'function') define(out, key, copy(x, seen, depth + 1, what));
  }
  return out;
}

function copyArray(v: unknown[], seen: Map<object, unknown>, depth: number, what: string): unknown[] {
  const out: unknown[] = [];
  seen.set(v, out);
  const raw = readOwn(v, 'length');
  const length = typeof raw === 'number' ? raw : Number.NaN;
  if (!(length <= MAX_ELEMENTS)) fail(`${what} returned an array of ${String(length)} elements: more than ${MAX_ELEMENTS.toLocaleString('en')}.`);
  for (let i = 0; i < length; i++) {
    const x = readOwn(v, String(i));
    out.push(typeof x === 'function' ? undefined : copy(x, seen, depth + 1, what));
  }
  return out;
}

/** An own property's value, read once: its data, or what its getter returns (undefined when absent). */
function readOwn(o: object, key: string): unknown {
  const d = Object.getOwnPropertyDescriptor(o, key);
  if (!d) return undefined;
  return 'value' in d ? d.value : d.get ? d.get.call(o) : undefined;
}

/** A plain property (also one named `__proto__`, which assignment would take for the prototype). */
function define(o: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * The time of a real Date (its internal slot, not a method it may have), else null. Without a stack:
 * the TypeError thrown for every non-Date the copy meets would capture one each time (5 % of a Submit)
 * for a value nobody reads, and getTime runs no learner code that could see the limit changed.
 */
function dateTime(v: object): number | null {
  const limit = suspendStack();
  try {
    return getTime.call(v);
  } catch {
    return null;
  } finally {
    restoreStack(limit);
  }
}
