/**
 * The learner realm: what time, timers and randomness are while a world runs.
 *
 * - Learner code runs in a compartment of its own (src/grading/sandbox.ts) and never sees the host's
 *   globals. Its `setTimeout`/`setInterval`/clears, `queueMicrotask`, `Date`, `performance`, `Math`,
 *   `AbortSignal` and `AbortController` (src/sim/abort.ts) come from `learnerGlobals()`: functions
 *   that follow the world whose run is in progress (virtual time, the world's seeded random), and the
 *   grader's fallback host outside any run.
 * - Code of the host itself that a world runs (the simulator's own tests, benchmarks, the labs) gets
 *   the same through the host's globals: while a world runs, `installRealm` points the global timer
 *   functions, `Date`, `performance.now`, `AbortSignal.timeout` and `Math` (a copy with the world's
 *   `random`) at the simulator, and the function it returns puts every original back. It replaces
 *   global bindings only, never a property of a built-in, so it works on frozen built-ins too.
 */

import { makeAbortApis } from './abort';

export interface RealmHost {
  /** virtual time since the world's start, µs */
  nowUs(): number;
  /** Date.now() for the learner, ms (epoch + virtual time, skew of the current caller) */
  dateNowMs(): number;
  random(): number;
  setTimer(fn: (...a: unknown[]) => void, delayMs: number, args: unknown[], repeat: boolean, api: string): number;
  clearTimer(id: number): void;
  /** called on every clock read: counter-based busy-wait guard */
  touch(): void;
  /**
   * A world's run starts (`into`): the fallback host (outside any world) hands it the timers learner
   * code set outside, to fire on that world's clock (see src/grading/outside-world.ts).
   */
  adopt?(into: RealmHost): void;
}

/**
 * Timer ids of the host outside any world start here, above any world's own, so that a number
 * passed to clearTimeout says which host's timer it is.
 */
export const OUTSIDE_TIMER_IDS = 1_000_000_000;

/** Handle returned by setTimeout/setInterval: works where Node code expects a Timeout and where browser code expects a number. */
export class SimTimer {
  readonly id: number;
  constructor(id: number) {
    this.id = id;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  hasRef(): boolean {
    return true;
  }
  [Symbol.toPrimitive](): number {
    return this.id;
  }
}

type AnyFn = (...a: unknown[]) => unknown;
const G = globalThis as unknown as Record<string, unknown>;
const RealDate = Date;
const RealMath = Math;
const construct = Reflect.construct;
const defineProperty = Object.defineProperty;
const hostQueueMicrotask = typeof G.queueMicrotask === 'function' ? (G.queueMicrotask as (f: () => void) => void) : null;

/**
 * Learner code reads dates as a UTC host does, whatever the host's zone (src/grading/pinned-locale.ts
 * pins the rest): an ISO date-time without an offset ("2026-01-01T10:00", also with a space or a lowercase
 * "t" for the "T"), which the engine reads in the host's zone, is read as UTC; so are a date's fields
 * (`new Date(2026, 0, 1)`). Not pinned: other strings without a zone ("Jan 1 2026 10:00"), a String
 * object, and dates made through `date.constructor` (the shared Date's; it is frozen) are read as the
 * host reads them.
 */
const LOCAL_ISO_DATE_TIME = /^[+-]?\d{4,6}-\d\d-\d\d[Tt ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?$/;
/** As ISO text with a "Z": V8 also reads "2026-01-01 10:00" (a space, as SQL and logs write it) and a lowercase "t". */
const utcText = (text: string): string => (LOCAL_ISO_DATE_TIME.test(text) ? `${text.replace(/[t ]/, 'T')}Z` : text);
function asUtc(args: unknown[]): unknown[] {
  if (args.length >= 2) return [RealDate.UTC(...(args as [number, number]))];
  return typeof args[0] === 'string' ? [utcText(args[0])] : args;
}

/** The world whose run is in progress (set by `installRealm`). */
let active: RealmHost | null = null;
/** What learner code's timers and clocks use outside any run (the grader sets it per run). */
let fallback: RealmHost | null = null;

/**
 * The world whose run ended last: between runs its clock stands still, and learner code read outside
 * any run (a getter a test reads after `world.run`) sees that time, not the host machine's.
 */
let lastRun: RealmHost | null = null;

/** The clocks of the world that ran last (`null`: none since `forgetLastRun`). */
export function lastRunClock(): RealmHost | null {
  return lastRun;
}

/** A new test starts: no world of its own has run yet. */
export function forgetLastRun(): void {
  lastRun = null;
}

/** Where learner code's timers and clocks go when no world is running; `null` = nowhere (they throw). */
export function setFallbackHost(host: RealmHost | null): void {
  fallback = host;
}

function current(api: string): RealmHost {
  const h = active ?? fallback;
  if (!h) throw new Error(`${api} is not available here: it only works while a test runs your code`);
  return h;
}

/**
 * `Date.now()` as learner code would read it now — the running world's clock, or outside any run the
 * grader's standing clock — for simulator code that answers learner code with the time (the driver's
 * timestamp generator without a client). Never the machine's clock: throws where learner code's own
 * `Date.now()` would.
 */
export function learnerDateNow(): number {
  return current('Date.now').dateNowMs();
}

function timerId(h: unknown): number {
  if (h instanceof SimTimer) return h.id;
  if (typeof h === 'number') return h;
  return -1;
}

/** The host each handle came from: a timer is cleared there, wherever the handle is cleared. */
const timerHosts = new WeakMap<SimTimer, RealmHost>();

function timerHandle(h: RealmHost, id: number): SimTimer {
  const t = new SimTimer(id);
  timerHosts.set(t, h);
  return t;
}

/** Where `clearTimeout(handle)` goes: the handle's own host, an outside id's host, else the current one. */
function clearingHost(handle: unknown, id: number, current: () => RealmHost): RealmHost | null {
  const own = handle instanceof SimTimer ? timerHosts.get(handle) : undefined;
  if (own) return own;
  if (id >= OUTSIDE_TIMER_IDS && fallback) return fallback;
  return current();
}

/** Timer functions, `Date` and the `performance.now`/`Math.random` replacements, bound to a host lookup. */
function makeTimeApis(host: (api: string) => RealmHost) {
  const mkSet = (repeat: boolean, api: string) =>
    function (fn: unknown, delay?: unknown, ...args: unknown[]) {
      if (typeof fn !== 'function') throw new TypeError(`${api}: the callback must be a function (strings are not evaluated)`);
      const d = Number(delay);
      const h = host(api);
      return timerHandle(h, h.setTimer(fn as AnyFn, Number.isFinite(d) && d > 0 ? d : 0, args, repeat, api));
    };
  const clear = function (h?: unknown) {
    const id = timerId(h);
    if (id >= 0) clearingHost(h, id, () => host('clearTimeout'))?.clearTimer(id);
  };
  const now = () => {
    const h = host('performance.now');
    h.touch();
    return h.nowUs() / 1000;
  };
  // Date: same prototype (instanceof works both ways), "now" from the host, read as a UTC host reads it.
  const SimDate = function (this: unknown, ...args: unknown[]) {
    if (!new.target) return new RealDate(host('Date').dateNowMs()).toString();
    if (args.length === 0) return construct(RealDate, [host('Date').dateNowMs()], new.target);
    return construct(RealDate, asUtc(args), new.target);
  } as unknown as DateConstructor;
  defineProperty(SimDate, 'prototype', { value: RealDate.prototype, writable: false });
  defineProperty(SimDate, 'now', { value: () => host('Date.now').dateNowMs(), writable: true, configurable: true });
  defineProperty(SimDate, 'parse', { value: function parse(text: unknown) { return RealDate.parse(utcText(String(text))); }, writable: true, configurable: true });
  defineProperty(SimDate, 'UTC', { value: RealDate.UTC, writable: true, configurable: true });
  defineProperty(SimDate, 'name', { value: 'Date' });
  defineProperty(SimDate, 'length', { value: 7 });
  return {
    setTimeout: mkSet(false, 'setTimeout'),
    setInterval: mkSet(true, 'setInterval'),
    clearTimeout: clear,
    clearInterval: clear,
    Date: SimDate,
    now,
    random: () => host('Math.random').random(),
  };
}

/** A copy of `Math` whose `random` is `random` (the real `Math` is never changed). */
function mathWith(random: () => number): Math {
  const m = Object.create(Object.getPrototypeOf(RealMath)) as Record<PropertyKey, unknown>;
  for (const key of Reflect.ownKeys(RealMath)) {
    const d = Object.getOwnPropertyDescriptor(RealMath, key)!;
    defineProperty(m, key, { ...d, configurable: true });
  }
  defineProperty(m, 'random', { value: random, writable: true, enumerable: false, configurable: true });
  return m as unknown as Math;
}

/**
 * The globals a learner compartment gets for time, timers and randomness. Every function follows the
 * running world, or the fallback host outside any run. `freeze` (the sandbox's `harden`) is applied
 * to everything handed out, including the prototype of the timer handles.
 */
export function learnerGlobals(freeze: <T>(x: T) => T): Record<string, unknown> {
  const t = makeTimeApis(current);
  freeze(SimTimer);
  return freeze({
    setTimeout: t.setTimeout,
    setInterval: t.setInterval,
    clearTimeout: t.clearTimeout,
    clearInterval: t.clearInterval,
    queueMicrotask: function queueMicrotask(fn: unknown) {
      if (typeof fn !== 'function') throw new TypeError('queueMicrotask: the callback must be a function');
      if (hostQueueMicrotask) hostQueueMicrotask(fn as () => void);
      else void Promise.resolve().then(fn as () => void);
    },
    Date: t.Date,
    performance: { now: t.now },
    Math: mathWith(t.random),
    ...makeAbortApis((fn, ms) => void current('AbortSignal.timeout').setTimer(fn, ms, [], false, 'AbortSignal.timeout'), freeze),
  });
}

/** Host globals the realm points at the running world (see the top of this file). */
let hostApis: ReturnType<typeof makeTimeApis> | null = null;
let hostMath: Math | null = null;
/** The world that installed the realm last (for host code that kept a swapped function past its run). */
let lastInstalled: RealmHost | null = null;

export function installRealm(host: RealmHost): () => void {
  active = host;
  lastInstalled = host;
  lastRun = host;
  fallback?.adopt?.(host);
  hostApis ??= makeTimeApis((api) => active ?? lastInstalled ?? current(api));
  hostMath ??= mathWith(hostApis.random);
  const apis = hostApis;
  const restores: Array<() => void> = [];
  const swap = (obj: Record<string, unknown>, key: string, value: unknown) => {
    const had = Object.prototype.hasOwnProperty.call(obj, key);
    const desc = had ? Object.getOwnPropertyDescriptor(obj, key) : undefined;
    if (desc && !desc.configurable) return; // frozen (e.g. a hardened host object): left as it is
    if (desc && desc.writable) {
      // a plain store: far cheaper than redefining a property of the global object on every run
      obj[key] = value;
      restores.push(() => {
        try {
          obj[key] = desc.value;
        } catch {
          defineProperty(obj, key, desc); // made read-only during the run
        }
      });
      return;
    }
    defineProperty(obj, key, { value, writable: true, configurable: true, enumerable: desc ? desc.enumerable : false });
    restores.push(() => {
      if (desc) defineProperty(obj, key, desc);
      else delete obj[key];
    });
  };

  swap(G, 'setTimeout', apis.setTimeout);
  swap(G, 'setInterval', apis.setInterval);
  swap(G, 'clearTimeout', apis.clearTimeout);
  swap(G, 'clearInterval', apis.clearInterval);
  if (typeof G.setImmediate === 'function') {
    swap(G, 'setImmediate', function (fn: unknown, ...args: unknown[]) {
      if (typeof fn !== 'function') throw new TypeError('setImmediate: the callback must be a function');
      return timerHandle(host, host.setTimer(fn as AnyFn, 0, args, false, 'setImmediate'));
    });
    swap(G, 'clearImmediate', apis.clearTimeout);
  }
  swap(G, 'Date', apis.Date);
  swap(G, 'Math', hostMath);

  const perf = G.performance as Record<string, unknown> | undefined;
  if (perf && typeof perf === 'object') swap(perf, 'now', apis.now);

  const AS = G.AbortSignal as unknown as Record<string, unknown> | undefined;
  const AC = G.AbortController as unknown as (new () => { signal: unknown; abort(r?: unknown): void }) | undefined;
  if (AS && AC) {
    swap(AS, 'timeout', (ms: number) => {
      const c = new AC();
      const d = Number(ms);
      host.setTimer(
        () => {
          const DE = G.DOMException as undefined | (new (m: string, n: string) => Error);
          const reason = DE ? new DE('The operation was aborted due to timeout', 'TimeoutError') : Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
          c.abort(reason);
        },
        Number.isFinite(d) && d > 0 ? d : 0,
        [],
        false,
        'AbortSignal.timeout',
      );
      return c.signal;
    });
  }

  return () => {
    for (let i = restores.length - 1; i >= 0; i--) restores[i]();
    if (active === host) active = null;
  };
}
