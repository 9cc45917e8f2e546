/**
 * The learner realm: while a world runs, the global timer functions, Date, performance.now,
 * AbortSignal.timeout and Math.random follow the simulator. `install` returns a function that
 * restores every original exactly.
 */

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
}

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

function timerId(h: unknown): number {
  if (h instanceof SimTimer) return h.id;
  if (typeof h === 'number') return h;
  return -1;
}

export function installRealm(host: RealmHost): () => void {
  const restores: Array<() => void> = [];
  const swap = (obj: Record<string, unknown>, key: string, value: unknown) => {
    const had = Object.prototype.hasOwnProperty.call(obj, key);
    const desc = had ? Object.getOwnPropertyDescriptor(obj, key) : undefined;
    Object.defineProperty(obj, key, { value, writable: true, configurable: true, enumerable: desc ? desc.enumerable : false });
    restores.push(() => {
      if (desc) Object.defineProperty(obj, key, desc);
      else delete obj[key];
    });
  };

  const mkSet = (repeat: boolean, api: string) =>
    function (fn: unknown, delay?: unknown, ...args: unknown[]) {
      if (typeof fn !== 'function') throw new TypeError(`${api}: the callback must be a function (strings are not evaluated)`);
      const d = Number(delay);
      return new SimTimer(host.setTimer(fn as AnyFn, Number.isFinite(d) && d > 0 ? d : 0, args, repeat, api));
    };
  const clear = function (h?: unknown) {
    const id = timerId(h);
    if (id >= 0) host.clearTimer(id);
  };
  swap(G, 'setTimeout', mkSet(false, 'setTimeout'));
  swap(G, 'setInterval', mkSet(true, 'setInterval'));
  swap(G, 'clearTimeout', clear);
  swap(G, 'clearInterval', clear);
  if (typeof G.setImmediate === 'function') {
    swap(G, 'setImmediate', function (fn: unknown, ...args: unknown[]) {
      if (typeof fn !== 'function') throw new TypeError('setImmediate: the callback must be a function');
      return new SimTimer(host.setTimer(fn as AnyFn, 0, args, false, 'setImmediate'));
    });
    swap(G, 'clearImmediate', clear);
  }

  // Date: same prototype (instanceof keeps working both ways), virtual "now".
  const RealDate = Date;
  const SimDate = function (this: unknown, ...args: unknown[]) {
    if (!new.target) return new RealDate(host.dateNowMs()).toString();
    if (args.length === 0) return Reflect.construct(RealDate, [host.dateNowMs()], new.target);
    return Reflect.construct(RealDate, args, new.target);
  } as unknown as DateConstructor;
  Object.defineProperty(SimDate, 'prototype', { value: RealDate.prototype, writable: false });
  Object.defineProperty(SimDate, 'now', { value: () => host.dateNowMs(), writable: true, configurable: true });
  Object.defineProperty(SimDate, 'parse', { value: RealDate.parse, writable: true, configurable: true });
  Object.defineProperty(SimDate, 'UTC', { value: RealDate.UTC, writable: true, configurable: true });
  Object.defineProperty(SimDate, 'name', { value: 'Date' });
  swap(G, 'Date', SimDate);

  const perf = G.performance as Record<string, unknown> | undefined;
  if (perf && typeof perf === 'object') {
    swap(perf, 'now', () => {
      host.touch();
      return host.nowUs() / 1000;
    });
  }

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

  swap(G.Math as Record<string, unknown>, 'random', () => host.random());

  return () => {
    for (let i = restores.length - 1; i >= 0; i--) restores[i]();
  };
}
