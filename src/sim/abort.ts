/**
 * `AbortSignal` and `AbortController` for learner code (src/sim/realm.ts `learnerGlobals`).
 *
 * The host's classes cannot be handed to a compartment: they are host objects whose prototypes
 * (EventTarget's) are not hardened, and `AbortSignal.timeout` would start a real timer. These follow
 * the same timers as the learner's `setTimeout` (virtual time while a world runs) and cover what
 * timeout code uses: `AbortSignal.timeout(ms)`, `.abort(reason)`, `.any(signals)`, `new
 * AbortController()`, and on a signal `aborted`, `reason`, `throwIfAborted()`, `onabort` and
 * `addEventListener('abort', listener, { once, signal })` / `removeEventListener`.
 * A listener that throws does not stop the others (as in the DOM, where the error is only reported).
 */

type Listener = ((this: unknown, ev: { type: 'abort'; target: unknown }) => unknown) | { handleEvent(ev: { type: 'abort'; target: unknown }): unknown };
type State = { aborted: boolean; reason: unknown; listeners: { fn: Listener; once: boolean }[]; onabort: unknown };

/** Starts a timer on the learner's clock (the same as its `setTimeout`). */
export type StartTimer = (fn: () => void, ms: number) => void;

function named(name: string, message: string): Error {
  const e = new Error(message);
  Object.defineProperty(e, 'name', { value: name, writable: true, configurable: true, enumerable: false });
  return e;
}

export function makeAbortApis(startTimer: StartTimer, freeze: <T>(x: T) => T): { AbortSignal: unknown; AbortController: unknown } {
  const states = new WeakMap<object, State>();
  const stateOf = (s: unknown, what: string): State => {
    const st = typeof s === 'object' && s !== null ? states.get(s) : undefined;
    if (!st) throw new TypeError(`${what} called on an object that is not an AbortSignal`);
    return st;
  };
  let creating = false;

  const AbortSignal = function AbortSignal(this: object) {
    if (!creating) throw new TypeError('Illegal constructor: use AbortSignal.timeout(ms) or new AbortController().signal');
    states.set(this, { aborted: false, reason: undefined, listeners: [], onabort: null });
  } as unknown as { new (): object; prototype: object };

  const create = (): object => {
    creating = true;
    try {
      return new AbortSignal();
    } finally {
      creating = false;
    }
  };

  const abort = (signal: object, reason: unknown) => {
    const st = stateOf(signal, 'abort');
    if (st.aborted) return;
    st.aborted = true;
    st.reason = reason === undefined ? named('AbortError', 'This operation was aborted') : reason;
    const ev = freeze({ type: 'abort' as const, target: signal });
    const calls: Listener[] = [];
    if (typeof st.onabort === 'function') calls.push(st.onabort as Listener);
    for (const l of st.listeners) calls.push(l.fn);
    st.listeners = st.listeners.filter((l) => !l.once);
    for (const fn of calls) {
      try {
        if (typeof fn === 'function') fn.call(signal, ev);
        else fn.handleEvent(ev);
      } catch {
        // as in the DOM: one listener's error does not keep the others from running
      }
    }
  };

  signalPrototype(AbortSignal.prototype as Record<string, unknown>, stateOf);

  Object.defineProperties(AbortSignal, {
    timeout: {
      value(ms: unknown) {
        const d = Number(ms);
        if (!Number.isFinite(d) || d < 0) throw new TypeError(`AbortSignal.timeout: ${String(ms)} is not a number of milliseconds`);
        const signal = create();
        startTimer(() => abort(signal, named('TimeoutError', 'The operation was aborted due to timeout')), d);
        return freeze(signal);
      },
      writable: true,
      configurable: true,
    },
    abort: {
      value(reason?: unknown) {
        const signal = create();
        abort(signal, reason);
        return freeze(signal);
      },
      writable: true,
      configurable: true,
    },
    any: {
      value(signals: unknown) {
        const list = Array.from(signals as Iterable<unknown>);
        const signal = create();
        const done = list.find((s) => stateOf(s, 'AbortSignal.any').aborted);
        if (done !== undefined) abort(signal, stateOf(done, 'AbortSignal.any').reason);
        else for (const s of list) stateOf(s, 'AbortSignal.any').listeners.push({ fn: () => abort(signal, stateOf(s, 'AbortSignal.any').reason), once: true });
        return freeze(signal);
      },
      writable: true,
      configurable: true,
    },
  });

  class AbortController {
    readonly #signal = freeze(create());
    get signal(): object {
      return this.#signal;
    }
    abort(reason?: unknown): void {
      abort(this.#signal, reason);
    }
  }
  Object.defineProperty(AbortController.prototype, Symbol.toStringTag, { value: 'AbortController', configurable: true });

  return { AbortSignal: freeze(AbortSignal), AbortController: freeze(AbortController) };
}

/** The instance side of the learner's AbortSignal: accessors and methods over the state a WeakMap keeps. */
function signalPrototype(proto: Record<string, unknown>, stateOf: (s: unknown, what: string) => State): void {
  Object.defineProperties(proto, {
    aborted: { get(this: object) { return stateOf(this, 'aborted').aborted; }, enumerable: true, configurable: true },
    reason: { get(this: object) { return stateOf(this, 'reason').reason; }, enumerable: true, configurable: true },
    onabort: {
      get(this: object) { return stateOf(this, 'onabort').onabort; },
      set(this: object, v: unknown) { stateOf(this, 'onabort').onabort = typeof v === 'function' ? v : null; },
      enumerable: true,
      configurable: true,
    },
    throwIfAborted: { value(this: object) { const st = stateOf(this, 'throwIfAborted'); if (st.aborted) throw st.reason; }, writable: true, configurable: true },
    addEventListener: {
      value(this: object, type: unknown, fn: unknown, options?: unknown) {
        const st = stateOf(this, 'addEventListener');
        if (type !== 'abort' || (typeof fn !== 'function' && !(typeof fn === 'object' && fn !== null))) return;
        if (st.listeners.some((l) => l.fn === fn)) return;
        const opts = typeof options === 'object' && options !== null ? (options as { once?: unknown; signal?: unknown }) : {};
        const entry = { fn: fn as Listener, once: opts.once === true };
        if (opts.signal !== undefined) {
          const other = stateOf(opts.signal, 'addEventListener({ signal })');
          if (other.aborted) return;
          const self = this;
          other.listeners.push({ fn: () => void (st.listeners = stateOf(self, 'removeEventListener').listeners.filter((l) => l !== entry)), once: true });
        }
        st.listeners.push(entry);
      },
      writable: true,
      configurable: true,
    },
    removeEventListener: {
      value(this: object, type: unknown, fn: unknown) {
        const st = stateOf(this, 'removeEventListener');
        if (type === 'abort') st.listeners = st.listeners.filter((l) => l.fn !== fn);
      },
      writable: true,
      configurable: true,
    },
  });
  Object.defineProperty(proto, Symbol.toStringTag, { value: 'AbortSignal', configurable: true });
}
