/// <reference lib="webworker" />
/**
 * Run worker: the only place learner code executes. The grader loads the learner module fresh for
 * every test and puts back whatever learner code changed in built-ins (src/grading/intrinsics.ts).
 * A worker serves the next run too — its JIT is warm, which makes a warm Run a few milliseconds —
 * but only while runs leave its realm as they found it: when the grader had to repair a built-in, or
 * learner code left a real timer or a MessageChannel behind, the page throws this worker away and
 * the next run gets a fresh one (the page keeps a warmed spare). The page also terminates it when it
 * exceeds its wall-clock limit.
 *
 * Before any learner code can run, this module:
 *  - keeps the reply channel (a MessagePort the page transfers in the first message) in module
 *    scope, with a pre-bound `postMessage`, so learner code can neither reach nor forge it;
 *  - removes the network and escape hatches — `fetch`, `XMLHttpRequest`, `WebSocket`,
 *    `EventSource`, `WebTransport`, `importScripts`, nested `Worker`/`SharedWorker`,
 *    `BroadcastChannel` — from the global object and every prototype on its chain, and replaces
 *    `postMessage` / `close` with functions that throw a clear error.
 * The compiled learner module also cannot `import()` (esbuild rewrites it to `require`), and the
 * page's Content-Security-Policy applies here because the page starts this worker from a `blob:`
 * URL (see run-client.ts): `import('https://…')` from `eval`'d code is refused as well.
 */
import type { Mode, RunInit, RunReply, RunRequest } from './protocol';
import type { Results } from './results';

declare const self: DedicatedWorkerGlobalScope;

// ---- capture what the worker itself needs, before anything else can run --------------------------
const now = performance.now.bind(performance);
/** An absolute time (ms since the epoch, sub-millisecond) the page can place on its own timeline. */
const abs = () => performance.timeOrigin + now();
/** When this worker was created, and when its script began to run (after its fetch and compile). */
const startedAt = { created: performance.timeOrigin, script: abs() };
const jsonStringify = JSON.stringify;
const jsonParse = JSON.parse;
const addListener = self.addEventListener.bind(self);
const ErrorCtor = Error;
const StringCtor = String;

const BLOCKED_NETWORK = ['fetch', 'XMLHttpRequest', 'WebSocket', 'WebSocketStream', 'EventSource', 'WebTransport', 'importScripts', 'Worker', 'SharedWorker', 'BroadcastChannel'] as const;

function lockDown(): void {
  const g = globalThis as unknown as Record<string, unknown>;
  const blocked = (name: string, why: string) =>
    function blockedApi(): never {
      throw new ErrorCtor(`${name}() is not available in exercises: ${why}`);
    };
  // Walk the global's prototype chain (DedicatedWorkerGlobalScope → WorkerGlobalScope → EventTarget …).
  const chain: object[] = [];
  for (let o: object | null = globalThis; o; o = Object.getPrototypeOf(o)) chain.push(o);
  const remove = (name: string) => {
    for (const o of chain) {
      if (Object.prototype.hasOwnProperty.call(o, name)) {
        try {
          delete (o as Record<string, unknown>)[name];
        } catch {
          /* non-configurable: shadowed below */
        }
      }
    }
  };
  for (const name of BLOCKED_NETWORK) {
    remove(name);
    Object.defineProperty(g, name, {
      value: blocked(name, 'the exercise sandbox has no network and cannot load scripts'),
      writable: false,
      configurable: false,
      enumerable: false,
    });
  }
  for (const name of ['postMessage', 'close'] as const) {
    remove(name);
    Object.defineProperty(g, name, {
      value: blocked(name, 'exercise code cannot talk to the page or stop the test runner'),
      writable: false,
      configurable: false,
      enumerable: false,
    });
  }
  // `self.onmessage = …` from learner code is harmless (the page never sends there after init),
  // but keep `navigator.sendBeacon`-style leftovers out too, where a browser has them.
  const nav = (g.navigator ?? null) as Record<string, unknown> | null;
  if (nav && 'sendBeacon' in nav) {
    try {
      Object.defineProperty(nav, 'sendBeacon', { value: blocked('sendBeacon', 'no network'), configurable: false });
    } catch {
      /* ignore */
    }
  }
}

// ---- exercise modules, loaded lazily (only the exercise this worker was started for) ------------
type Loader = () => Promise<unknown>;
const visibleTests = import.meta.glob('/exercises/*/visible.test.ts', { import: 'default' }) as Record<string, Loader>;
const hiddenTests = import.meta.glob('/exercises/*/hidden.test.ts', { import: 'default' }) as Record<string, Loader>;
const metas = import.meta.glob('/exercises/*/meta.json', { import: 'default' }) as Record<string, Loader>;
const visibleSources = import.meta.glob('/exercises/*/visible.test.ts', { query: '?raw', import: 'default' }) as Record<string, Loader>;

interface Bundle {
  id: string;
  meta: unknown;
  visible: unknown;
  hidden: unknown;
  visibleSource?: string;
}

async function loadBundle(id: string): Promise<Bundle> {
  const key = (f: string) => `/exercises/${id}/${f}`;
  const m = metas[key('meta.json')];
  const v = visibleTests[key('visible.test.ts')];
  const h = hiddenTests[key('hidden.test.ts')];
  if (!m || !v || !h) throw new ErrorCtor(`Exercise "${id}" is not part of this site (no meta.json / visible.test.ts / hidden.test.ts).`);
  const src = visibleSources[key('visible.test.ts')];
  const [meta, visible, hidden, visibleSource] = await Promise.all([m(), v(), h(), src ? src() : undefined]);
  return { id, meta, visible, hidden, visibleSource: typeof visibleSource === 'string' ? visibleSource : undefined };
}

let grader: Promise<typeof import('../grading/index')> | null = null;
let bundle: Promise<Bundle> | null = null;
let send: ((m: RunReply) => void) | null = null;
let running = false;

// ---- what learner code leaves behind between runs ------------------------------------------------
/** Real (host) timers learner code created and that have neither fired (one-shot) nor been cleared. */
const liveTimers = new Set<unknown>();
/** Something learner code did outlives the run by design (a channel, a listener on the worker, a queued task). */
let channelsMade = false;

/**
 * Count learner code's real timers and MessageChannels. Installed after the grader and the
 * simulator are loaded (they keep the originals), before any learner code runs. Inside a scenario
 * the simulator swaps in its virtual timers and restores these wrappers afterwards.
 */
function trackLeftovers(): void {
  const g = globalThis as unknown as Record<string, unknown>;
  const realSet = g.setTimeout as (f: unknown, ms?: number, ...a: unknown[]) => unknown;
  const realInterval = g.setInterval as (f: unknown, ms?: number, ...a: unknown[]) => unknown;
  const realClear = g.clearTimeout as (id: unknown) => void;
  const realClearInterval = g.clearInterval as (id: unknown) => void;
  const RealChannel = g.MessageChannel as typeof MessageChannel;
  g.setTimeout = function setTimeout(fn: unknown, ms?: number, ...args: unknown[]) {
    const id: unknown = realSet(function fire(this: unknown) {
      liveTimers.delete(id);
      if (typeof fn === 'function') (fn as (...a: unknown[]) => void)(...args);
    }, ms);
    liveTimers.add(id);
    return id;
  };
  g.setInterval = function setInterval(fn: unknown, ms?: number, ...args: unknown[]) {
    const id = realInterval(fn, ms, ...args);
    liveTimers.add(id);
    return id;
  };
  g.clearTimeout = function clearTimeout(id: unknown) {
    liveTimers.delete(id);
    realClear(id);
  };
  g.clearInterval = function clearInterval(id: unknown) {
    liveTimers.delete(id);
    realClearInterval(id);
  };
  g.MessageChannel = class MessageChannel extends RealChannel {
    constructor() {
      super();
      channelsMade = true;
    }
  };
  // Other ways to be called back after the run: prioritized tasks, animation frames, listeners on
  // the worker itself. Any use makes the worker single-use.
  const sched = g.scheduler as { postTask?: (...a: unknown[]) => unknown } | undefined;
  if (sched && typeof sched.postTask === 'function') {
    const realPostTask = sched.postTask.bind(sched);
    try {
      Object.defineProperty(sched, 'postTask', {
        value: function postTask(...a: unknown[]) {
          channelsMade = true;
          return realPostTask(...a);
        },
        configurable: true,
        writable: true,
      });
    } catch {
      /* not replaceable: then it is not trackable either — leave as is */
    }
  }
  for (const name of ['requestAnimationFrame', 'addEventListener'] as const) {
    const real = g[name];
    if (typeof real !== 'function') continue;
    g[name] = function (this: unknown, ...a: unknown[]) {
      channelsMade = true;
      return (real as (...x: unknown[]) => unknown).apply(this === undefined ? globalThis : this, a);
    };
  }
  for (const name of ['onmessage', 'onerror', 'onunhandledrejection', 'onrejectionhandled', 'onmessageerror'] as const) {
    const d = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(globalThis), name) ??
      Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Object.getPrototypeOf(globalThis)), name);
    if (!d?.set || !d.get) continue;
    const { get, set } = d;
    Object.defineProperty(globalThis, name, {
      get() {
        return get.call(globalThis);
      },
      set(v: unknown) {
        channelsMade = true;
        set.call(globalThis, v);
      },
      configurable: true,
    });
  }
}

lockDown();

// A promise learner code leaves rejected with no handler, or an error thrown from one of its real
// timers, fails the test that is running (the grader's `reportUncaught`), as in the Node host.
let reportUncaught: ((reason: unknown, kind: 'rejection' | 'exception') => void) | null = null;
addListener('unhandledrejection', (ev: PromiseRejectionEvent) => {
  if (!running || !reportUncaught) return;
  ev.preventDefault();
  reportUncaught(ev.reason, 'rejection');
});
addListener('error', (ev: ErrorEvent) => {
  if (!running || !reportUncaught) return;
  ev.preventDefault();
  reportUncaught(ev.error, 'exception');
});

async function run(req: RunRequest): Promise<void> {
  const t0 = now();
  const reply = send!;
  try {
    const [{ runExercise }, exercise] = await Promise.all([grader!, bundle ?? loadBundle(req.exerciseId)]);
    const realm = { repaired: 0, broken: 0 };
    const results: Results = (await runExercise({
      exercise: exercise as Parameters<typeof runExercise>[0]['exercise'],
      learnerJs: req.learnerJs,
      mode: req.mode as Mode,
      limits: { settleMs: req.settleMs },
      realm,
      reportsUncaught: true, // the listeners above
      onTestStart: (name: string, index: number) => reply({ type: 'test-start', runId: req.runId, name: StringCtor(name), index }),
      onPlan: (tests) => reply({ type: 'plan', runId: req.runId, tests: jsonParse(jsonStringify(tests)) as typeof tests }),
      onTestResult: (result, index) => reply({ type: 'test-result', runId: req.runId, result: jsonParse(jsonStringify(result)) as typeof result, index }),
    })) as unknown as Results;
    const ms = now() - t0;
    const reusable = realm.repaired === 0 && realm.broken === 0 && liveTimers.size === 0 && !channelsMade;
    try {
      reply({ type: 'result', runId: req.runId, results, ms, reusable, startedAt: abs() - ms });
    } catch {
      // Not structured-cloneable (e.g. learner values inside a message): send a JSON copy.
      reply({ type: 'result', runId: req.runId, results: jsonParse(jsonStringify(results)) as Results, ms, reusable, startedAt: abs() - ms });
    }
  } catch (e: unknown) {
    let message: string;
    try {
      message = e instanceof ErrorCtor ? `${e.name}: ${e.message}` : StringCtor(e);
    } catch {
      message = 'The test runner failed with an unprintable value.';
    }
    reply({ type: 'crash', runId: req.runId, message });
  }
}

addListener('message', function onInit(ev: MessageEvent) {
  if (send) return; // only the first message (from the page, before any learner code) counts
  const init = ev.data as RunInit & { exerciseId?: string };
  if (!init || init.type !== 'init' || !(init.port instanceof MessagePort)) return;
  const port = init.port;
  const portPost = port.postMessage.bind(port);
  send = (m: RunReply) => portPost(m);
  // Warm everything a run needs while the learner is still typing.
  grader = import('../grading/index');
  grader.then((g) => (reportUncaught = g.reportUncaught), () => {});
  if (init.exerciseId) bundle = loadBundle(init.exerciseId);
  bundle?.catch(() => {});
  port.onmessage = (e: MessageEvent<RunRequest>) => {
    const req = e.data;
    if (!req || req.type !== 'run' || running) return;
    running = true;
    void run(req).finally(() => {
      running = false;
    });
  };
  const at: Record<string, number> = { ...startedAt, init: abs() };
  grader.then(() => (at.grader = abs()), () => {});
  bundle?.then(() => (at.bundle = abs()), () => {});
  Promise.all([grader, bundle]).then(
    async () => {
      // The sandbox (src/grading/sandbox.ts): freeze this worker's built-ins before any learner code runs.
      (await grader!).hardenRealm();
      trackLeftovers();
      at.hardened = abs();
      send!({ type: 'ready', runIdle: true, at });
    },
    () => send!({ type: 'ready', runIdle: true, at }), // the run reports the load error itself
  );
});
