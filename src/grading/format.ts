/**
 * Turning learner values into text: console output (captured per test, capped) and readable
 * messages for whatever learner code throws. Never throws itself, whatever it is given
 * (proxies, throwing getters, cycles, huge strings), and never runs a getter, `toString` or
 * `Symbol.toStringTag` of the value (thrown.ts): a getter is shown as `[Getter]`.
 *
 * Pure TypeScript: no DOM, no Node built-ins.
 */

import { constructorName, errorText, lookup } from './thrown';
import { MAX_OUTPUT_ATTEMPTED_BYTES } from './caps';
import { sourceOf } from './function-source';

const objToString = Object.prototype.toString;
const apply = Reflect.apply;
const ownKeys = Reflect.ownKeys;
const getDesc = Reflect.getOwnPropertyDescriptor;
const getProto = Reflect.getPrototypeOf;
const isArray = Array.isArray;
const StringCtor = String;
const jsonStringify = JSON.stringify;
const ErrorProto = Error.prototype;
const MapProto = Map.prototype;
const SetProto = Set.prototype;
const DateProto = Date.prototype;
const RegExpProto = RegExp.prototype;
const dateToISOString = Date.prototype.toISOString;
const regexpSource = getDesc(RegExp.prototype, 'source')!.get!;
/** The flags' own getters, in the order `flags` lists them: each reads the RegExp's internal slot. */
const regexpFlags = (
  [['hasIndices', 'd'], ['global', 'g'], ['ignoreCase', 'i'], ['multiline', 'm'], ['dotAll', 's'], ['unicode', 'u'], ['unicodeSets', 'v'], ['sticky', 'y']] as const
).flatMap(([key, flag]) => {
  const get = getDesc(RegExp.prototype, key)?.get;
  return get ? [{ get, flag }] : [];
});
const mapEntries = Map.prototype.entries;
const setValues = Set.prototype.values;
const mapSize = getDesc(Map.prototype, 'size')!.get!;
const setSize = getDesc(Set.prototype, 'size')!.get!;

/** `Object.prototype.toString` of `v`, unless a getter would give its `Symbol.toStringTag`. */
function tag(v: object): string {
  const t = lookup(v, Symbol.toStringTag);
  if (t && !('value' in t)) return '[object Object]';
  try {
    return apply(objToString, v, []) as string;
  } catch {
    return '[object Object]';
  }
}

/** `/source/flags` from the RegExp's internal slots (`toString` and `flags` read overridable properties). */
function regexpText(o: object): string {
  let flags = '';
  for (const { get, flag } of regexpFlags) if (apply(get, o, [])) flags += flag;
  return `/${apply(regexpSource, o, []) as string}/${flags}`;
}

function hasProto(v: object, proto: object): boolean {
  try {
    let p = getProto(v);
    for (let i = 0; p && i < 50; i++) {
      if (p === proto) return true;
      p = getProto(p);
    }
  } catch {
    /* proxy trap threw */
  }
  return false;
}

function quote(s: string): string {
  try {
    return jsonStringify(s) as string;
  } catch {
    return `'${s}'`;
  }
}

const MAX_ITEMS = 50;
const MAX_STRING_IN_OBJECT = 2000;

/** util.inspect-like rendering, depth-limited and defensive. */
export function inspect(v: unknown, depth = 2, seen: object[] = []): string {
  try {
    switch (typeof v) {
      case 'string':
        return seen.length === 0 ? v : quote(v.length > MAX_STRING_IN_OBJECT ? `${v.slice(0, MAX_STRING_IN_OBJECT)}…` : v);
      case 'number':
        return v === 0 && 1 / v < 0 ? '-0' : StringCtor(v);
      case 'bigint':
        return `${StringCtor(v)}n`;
      case 'boolean':
      case 'undefined':
        return StringCtor(v);
      case 'symbol':
        return v.toString();
      case 'function': {
        const name = (getDesc(v, 'name')?.value as string) || '(anonymous)';
        let isClass = false;
        try {
          isClass = sourceOf(v).startsWith('class');
        } catch {
          /* proxy */
        }
        return isClass ? `[class ${name}]` : `[Function: ${name}]`;
      }
    }
    if (v === null) return 'null';
    const o = v as object;
    if (seen.includes(o)) return '[Circular]';
    if (hasProto(o, ErrorProto) || tag(o) === '[object Error]') return errorText(o);
    if (hasProto(o, DateProto)) {
      try {
        return apply(dateToISOString, o, []) as string;
      } catch {
        return 'Invalid Date';
      }
    }
    if (hasProto(o, RegExpProto)) return regexpText(o);
    if (depth < 0) return isArray(o) ? '[Array]' : '[Object]';
    const next = [...seen, o];
    if (hasProto(o, MapProto)) {
      const parts: string[] = [];
      const it = apply(mapEntries, o, []) as Iterator<[unknown, unknown]>;
      for (let r = it.next(); !r.done && parts.length < MAX_ITEMS; r = it.next())
        parts.push(`${inspect(r.value[0], depth - 1, next)} => ${inspect(r.value[1], depth - 1, next)}`);
      return `Map(${apply(mapSize, o, [])}) {${parts.length ? ` ${parts.join(', ')} ` : ''}}`;
    }
    if (hasProto(o, SetProto)) {
      const parts: string[] = [];
      const it = apply(setValues, o, []) as Iterator<unknown>;
      for (let r = it.next(); !r.done && parts.length < MAX_ITEMS; r = it.next()) parts.push(inspect(r.value, depth - 1, next));
      return `Set(${apply(setSize, o, [])}) {${parts.length ? ` ${parts.join(', ')} ` : ''}}`;
    }
    if (isArray(o)) {
      const len = getDesc(o, 'length');
      const n = len && typeof len.value === 'number' ? len.value : 0;
      const parts: string[] = [];
      for (let i = 0; i < n && i < MAX_ITEMS; i++) {
        const d = getDesc(o, i); // an index can be a getter too; a hole reads as undefined
        parts.push(d && !('value' in d) ? '[Getter]' : inspect(d?.value, depth - 1, next));
      }
      if (n > MAX_ITEMS) parts.push(`… ${n - MAX_ITEMS} more items`);
      return `[${parts.length ? ` ${parts.join(', ')} ` : ''}]`;
    }
    const keys = ownKeys(o);
    const parts: string[] = [];
    for (let i = 0; i < keys.length && parts.length < MAX_ITEMS; i++) {
      const k = keys[i];
      const d = getDesc(o, k);
      if (!d || !d.enumerable) continue;
      const ks = typeof k === 'symbol' ? `[${k.toString()}]` : /^[A-Za-z_$][\w$]*$/.test(k) ? k : quote(k);
      parts.push(`${ks}: ${'value' in d ? inspect(d.value, depth - 1, next) : '[Getter]'}`);
    }
    if (keys.length > MAX_ITEMS) parts.push('…');
    let prefix = '';
    try {
      const p = getProto(o);
      if (p === null) prefix = '[Object: null prototype] ';
      else {
        const cn = constructorName(p);
        if (cn && cn !== 'Object') prefix = `${cn} `;
      }
    } catch {
      /* proxy */
    }
    return `${prefix}{${parts.length ? ` ${parts.join(', ')} ` : ''}}`;
  } catch {
    return '[unprintable value]';
  }
}

function isErrorLike(e: unknown): e is object {
  return typeof e === 'object' && e !== null && (hasProto(e, ErrorProto) || tag(e) === '[object Error]');
}

/** A readable message for anything learner code threw (an Error, a string, null, an object…). */
export function describeThrown(e: unknown): string {
  if (isErrorLike(e)) {
    const text = errorText(e);
    if (/Maximum call stack size exceeded|too much recursion/i.test(text)) {
      return 'Unbounded recursion: the call stack overflowed (RangeError: Maximum call stack size exceeded). A function keeps calling itself — check that it has a base case that stops the recursion.';
    }
    return text;
  }
  if (e === null) return 'Your code threw null instead of an Error. Throw an Error with a message, e.g. throw new Error("…").';
  if (e === undefined) return 'Your code threw undefined instead of an Error. Throw an Error with a message, e.g. throw new Error("…").';
  if (typeof e === 'string') return `Your code threw a string instead of an Error: ${quote(e.length > 500 ? `${e.slice(0, 500)}…` : e)}`;
  if (typeof e === 'object' || typeof e === 'function')
    return `Your code threw a value that is not an Error: ${inspect(e, 1, [{}])}`;
  return `Your code threw ${typeof e} ${inspect(e)} instead of an Error.`;
}

/** UTF-8 length of a string without TextEncoder allocations. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Cut a string to at most `bytes` UTF-8 bytes. */
function cutToBytes(s: string, bytes: number): string {
  let n = 0;
  let i = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const w = c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? 4 : 3;
    if (n + w > bytes) break;
    n += w;
    if (w === 4) i++;
  }
  return s.slice(0, i);
}

export const DEFAULT_OUTPUT_BYTES = 64 * 1024;

/** Group levels `console.group()` indents; deeper groups are shown at this depth. */
export const MAX_GROUP_INDENT = 16;

const ErrorCtor = Error;
const defineProperty = Object.defineProperty;

/**
 * What the console of a test that tried to print more than MAX_OUTPUT_ATTEMPTED_BYTES throws (at that
 * call and every later one); the test fails saying so, whatever became of this error (attempt.ts).
 * A plain Error: no class of the grader's own reaches learner code to be changed.
 */
function outputFlood(): Error {
  const e = new ErrorCtor(`console output stopped: this test tried to print more than ${MAX_OUTPUT_ATTEMPTED_BYTES / (1024 * 1024)} MB`);
  defineProperty(e, 'name', { value: 'OutputFlood', configurable: true, writable: true });
  return e;
}

/** Console output of one test, capped at `cap` UTF-8 bytes. */
export class OutputBuffer {
  private parts: string[] = [];
  private bytes = 0;
  private dropped = 0;
  private depth = 0;
  private indent = '';
  constructor(private readonly cap: number) {}

  /** `console.group()` / `console.groupEnd()`: the indentation of later lines (at most MAX_GROUP_INDENT levels). */
  group(delta: 1 | -1): void {
    this.depth = Math.max(0, this.depth + delta);
    this.indent = '  '.repeat(Math.min(this.depth, MAX_GROUP_INDENT));
  }

  /** This test tried to print more than MAX_OUTPUT_ATTEMPTED_BYTES: its console throws (outputFlood()). */
  get flooded(): boolean {
    return this.bytes + this.dropped > MAX_OUTPUT_ATTEMPTED_BYTES;
  }

  write(line: string): void {
    if (this.flooded) throw outputFlood();
    this.add(line);
    if (this.flooded) throw outputFlood();
  }

  private add(line: string): void {
    // the line's size as it would be kept (indented), counted without building it: a line can be
    // hundreds of MB that learner code made cheaply ('\n'.repeat), and indenting all of it here
    // took the grader seconds (reported as the learner's infinite loop) to keep a few KB of it
    let lines = 1;
    if (this.indent) for (let i = line.indexOf('\n'); i >= 0; i = line.indexOf('\n', i + 1)) lines++;
    const len = utf8Length(line) + (this.indent ? lines * this.indent.length : 0) + 1;
    if (this.dropped > 0) {
      // past the cap: count what is dropped without building it (the work stays linear in the line)
      this.dropped += len;
      return;
    }
    if (this.bytes + len > this.cap) {
      const room = this.cap - this.bytes;
      if (this.dropped === 0 && room > 1) {
        // every character is at least one byte: the first room + 1 of them hold all that is kept
        const kept = cutToBytes(this.indented(line.length > room + 1 ? line.slice(0, room + 1) : line), room - 1);
        this.parts.push(kept);
        const keptLen = utf8Length(kept) + 1;
        this.bytes += keptLen;
        this.dropped += len - keptLen;
      } else this.dropped += len;
      return;
    }
    this.parts.push(this.indented(line));
    this.bytes += len;
  }

  private indented(line: string): string {
    return this.indent ? this.indent + line.split('\n').join(`\n${this.indent}`) : line;
  }

  /** The captured text, with a note when output was dropped. */
  text(): string {
    const body = this.parts.join('\n');
    if (this.dropped === 0) return body;
    return `${body}\n… output truncated (${this.dropped} bytes dropped)`;
  }

  get droppedBytes(): number {
    return this.dropped;
  }
}

/** printf-style `%s %d %i %f %o %O %j %%` as console.log does, then the remaining args. */
export function formatArgs(args: unknown[]): string {
  let first = args[0];
  let rest = 1;
  let head: string;
  if (typeof first === 'string' && first.includes('%')) {
    head = first.replace(/%[sdifoOjc%]/g, (m) => {
      if (m === '%%') return '%';
      if (rest >= args.length) return m;
      const a = args[rest++];
      switch (m) {
        case '%s':
          return typeof a === 'string' ? a : inspect(a, 1);
        case '%d':
        case '%i': {
          const n = typeof a === 'bigint' ? a : Number(a);
          return typeof n === 'bigint' ? `${n}n` : StringCtor(m === '%i' ? Math.trunc(n) : n);
        }
        case '%f':
          return StringCtor(Number(a));
        case '%c':
          return '';
        default:
          return inspect(a, 2, [{}]);
      }
    });
  } else {
    head = inspect(first);
  }
  if (args.length === 0) return '';
  const tail: string[] = [];
  for (let i = rest; i < args.length; i++) tail.push(inspect(args[i]));
  return tail.length ? `${head} ${tail.join(' ')}` : head;
}

/** A console whose output goes to `out` (what the learner module and the global `console` see). */
export function captureConsole(out: OutputBuffer): Console {
  const counts = new Map<string, number>();
  const log = (prefix: string) => (...args: unknown[]) => {
    if (out.flooded) throw outputFlood();
    let line: string;
    try {
      line = formatArgs(args);
    } catch {
      line = '[unprintable value]';
    }
    out.write(prefix + line);
  };
  const c = {
    log: log(''),
    info: log(''),
    debug: log(''),
    warn: log('Warning: '),
    error: log('Error: '),
    trace: log('Trace: '),
    dir: (v: unknown) => out.write(inspect(v)),
    table: log(''),
    assert: (cond: unknown, ...args: unknown[]) => {
      if (!cond) out.write(`Assertion failed${args.length ? `: ${formatArgs(args)}` : ''}`);
    },
    count: (label = 'default') => {
      const n = (counts.get(label) ?? 0) + 1;
      counts.set(label, n);
      out.write(`${label}: ${n}`);
    },
    countReset: (label = 'default') => void counts.delete(label),
    group: (...args: unknown[]) => {
      if (args.length) out.write(formatArgs(args));
      out.group(1);
    },
    groupCollapsed: (...args: unknown[]) => c.group(...args),
    groupEnd: () => out.group(-1),
    time: () => {},
    timeEnd: () => {},
    timeLog: () => {},
  };
  return c as unknown as Console;
}
