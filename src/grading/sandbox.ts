/**
 * The in-realm sandbox: learner code runs in a compartment of Hardened JavaScript (SES, the `ses`
 * package) and can touch nothing but what it is handed (docs/CONTRACTS.md "Sandbox").
 *
 *   hardenRealm();                              // once per realm (thread), before any learner code
 *   const mod = evaluateLearnerModule(js);      // one compartment per run; throws on a syntax error
 *   const exports = mod.load(console);          // the module's top level again: fresh state
 *   mod.endAttempt();                           // a test ends: cancels the real timers it left
 *   mod.close();                                // cancels real timers learner code left behind
 *
 * - `hardenRealm()` = SES `lockdown()`: every shared intrinsic (Object, Array, Promise, JSON, Math,
 *   Reflect, their prototypes, …) is frozen, so learner code cannot patch what the grader and the
 *   tests use, nor leave anything behind for a later run.
 * - A learner module gets a compartment of its own: a global object holding the JavaScript
 *   intrinsics (no `process`, `scheduler`, `MessageChannel`, `postMessage`, `fetch`, `Intl`,
 *   `SharedArrayBuffer`, …) plus `console` (captured per test), the simulator's timers, `Date`,
 *   `performance.now` and `Math` (see src/sim/realm.ts). That global object is frozen too: nothing
 *   a load does survives into the next load. `require` reaches only hardened copies of the driver
 *   modules.
 *
 * Pure TypeScript: no DOM, no Node built-ins.
 */
import './before-ses'; // first: SES reads some globals as it loads
import 'ses';
import { AssertionError } from 'chai';
import { SimulationError, createWorld, drivers, forgetLastRun, learnerGlobals, setFallbackHost } from '../sim/index';
import { RealTimers, unseenFallbackWorld } from './outside-world';
import { TestFailure } from './suite';
import { removeNewerBuiltIns } from './language-level';
import { pinLocaleAndTimeZone } from './pinned-locale';
import { hideForeignSources, learnerSource } from './function-source';
import { learnerOnlyStacks } from './learner-stacks';

/** The options of `lockdown()` (SES), and why. */
const LOCKDOWN_OPTIONS = {
  errorTaming: 'unsafe', // keep `error.stack`: the grader maps learner errors to lines of their TypeScript
  stackFiltering: 'verbose',
  consoleTaming: 'unsafe', // the host's console stays the host's (learner code never gets it)
  localeTaming: 'unsafe', // `toLocaleString` and friends behave as without the sandbox
  overrideTaming: 'moderate', // `err.name = …`, `obj.toString = …` on plain objects keep working
  errorTrapping: 'none', // hosts have their own handlers for uncaught errors
  unhandledRejectionTrapping: 'none',
  reporting: 'none',
} as const;

let hardened = false;
let hardenError: string | null = null;

/**
 * `Error` as this module saw it when it was evaluated: in every host that is before `lockdown()`,
 * so it is the realm's original Error constructor, which `lockdown()` leaves unfrozen on purpose
 * (V8 reads `Error.stackTraceLimit` from it; the start compartment's `Error` sets it through an
 * accessor). Classes loaded before lockdown (the simulator's errors) extend it.
 */
const FeralError = Error;

/**
 * Freeze this realm's built-ins (SES `lockdown`). Hosts call it once, before any learner code runs;
 * the grader calls it too (a no-op then). Returns null, or why the realm could not be hardened.
 */
export function hardenRealm(): string | null {
  if (hardened || hardenError) return hardenError;
  try {
    removeNewerBuiltIns(); // the grader's language level, not the engine's (./language-level.ts)
    pinLocaleAndTimeZone(); // en-US and UTC, not the learner's machine's (./pinned-locale.ts)
    hideForeignSources(); // learner code reads only its own functions' source (./function-source.ts)
    lockdown(LOCKDOWN_OPTIONS);
  } catch (e) {
    // already locked down (e.g. by another copy of the grader in this realm): fine if the built-ins are frozen
    if (!(Object.isFrozen(Object.prototype) && Object.isFrozen(Array.prototype) && typeof harden === 'function')) {
      hardenError = `The exercise sandbox could not be set up: ${e instanceof Error ? e.message : String(e)}`;
      return hardenError;
    }
  }
  try {
    learnerOnlyStacks(LEARNER_SOURCE_URL); // a stack learner code reads shows its own frames only (./learner-stacks.ts)
    reparentErrorClasses();
    hardenedDrivers();
    hardenSimulatorPrototypes();
    for (const C of catchableErrorClasses()) harden(C);
    hardened = true;
  } catch (e) {
    hardenError = `The exercise sandbox could not be set up: ${e instanceof Error ? e.message : String(e)}`;
  }
  return hardenError;
}

const getProto = Reflect.getPrototypeOf;

/**
 * Error classes defined before lockdown (the simulator's, the drivers') extend the original `Error`:
 * hardening them would freeze it (its `stackTraceLimit` with it), and leaving it reachable would let
 * learner code change it (e.g. `prepareStackTrace`) for later runs. They are made to extend
 * `sharedErrorFast` instead: a hardened constructor under the `Error` that compartments share (same
 * `Error.prototype`: `instanceof` and stacks are unchanged).
 */
function reparentErrorClasses(): void {
  if (FeralError === (globalThis as { Error: unknown }).Error) return; // loaded after lockdown: nothing to do
  const SharedError = (Error.prototype as { constructor: unknown }).constructor as object;
  const parent = sharedErrorFast(SharedError);
  walkGraph([...simulatorRoots(), ...catchableErrorClasses()], (v) => {
    if (typeof v === 'function' && getProto(v) === FeralError) Reflect.setPrototypeOf(v, parent);
    return true;
  });
}

/**
 * Makes the errors SES's shared `Error` makes (its [[Prototype]] is that constructor), at a tenth of
 * the cost when stacks are off: SES's constructor builds the error and then always captures its stack
 * again (to leave itself out of it), about 3.5 µs even while a simulated driver suspends stacks
 * (src/sim/errors.ts `suspendStack`), and a Submit raises thousands of driver errors. This one
 * captures the stack again only when there is one. The original `Error` stays in this closure.
 */
function sharedErrorFast(SharedError: object): object {
  const construct = Reflect.construct;
  const Feral = FeralError as ErrorConstructor & { stackTraceLimit?: unknown; captureStackTrace?: (e: object, f: object) => void };
  const capture = Feral.captureStackTrace;
  // A derived class that returns the error it makes: V8 allocates no `this` for it (a plain function
  // constructor under a class costs as much as SES's).
  class FastError extends (SharedError as ErrorConstructor) {
    // @ts-expect-error TS2377: no `super()` on purpose; the constructor returns the error it makes
    constructor(...args: unknown[]) {
      const e = construct(Feral, args, new.target) as Error;
      const limit = Feral.stackTraceLimit;
      if (capture && typeof limit === 'number' && limit > 0) capture(e, FastError); // as SES does: this frame left out
      return e;
    }
  }
  Object.defineProperty(FastError, 'name', { value: 'Error' }); // what code walking the class chain expects to read
  return harden(FastError);
}

/**
 * Error classes defined before lockdown whose instances learner code can catch although no driver
 * module exports them: the simulator's `SimulationError` (a driver call outside `world.run`, a
 * deadlock, …), and the tests' assertion errors (a check inside a callback learner code calls).
 * Reparented like the drivers' errors and hardened: otherwise `Object.getPrototypeOf(e.constructor)`
 * is the realm's original `Error`, whose `prepareStackTrace` and `stackTraceLimit` V8 and SES read
 * for every later error of every later run in this realm.
 */
function catchableErrorClasses(): object[] {
  return [SimulationError, TestFailure, AssertionError];
}

/** Visit everything reachable from `roots` (own data properties, Map and Set entries, prototypes) once. */
function walkGraph(roots: unknown[], visit: (v: object) => boolean): void {
  const seen = new WeakSet<object>();
  const stack = [...roots];
  while (stack.length > 0) {
    const v = stack.pop();
    if ((typeof v !== 'object' && typeof v !== 'function') || v === null || seen.has(v) || v === FeralError) continue;
    seen.add(v);
    if (!visit(v)) continue;
    stack.push(getProto(v));
    if (v instanceof Map) for (const [k, x] of v) stack.push(k, x);
    else if (v instanceof Set) for (const x of v) stack.push(x);
    for (const key of ownKeys(v)) {
      const d = getDesc(v, key);
      if (d && 'value' in d) stack.push(d.value);
    }
  }
}
const ownKeys = Reflect.ownKeys;
const getDesc = Reflect.getOwnPropertyDescriptor;

/**
 * Objects of the simulator's own classes (a client's world, its cluster and network, a stream, a
 * processor, …) can reach learner code through what tests hand it. Their prototypes (and with them
 * the classes and their statics) are hardened too, found by walking a sample world with one of each
 * client: learner code cannot patch a simulator method for later runs.
 */
function hardenSimulatorPrototypes(): void {
  walkGraph(simulatorRoots(), (v) => {
    for (let p = getProto(v); p !== null && !Object.isFrozen(p); p = getProto(p)) harden(p);
    return true;
  });
}

let sample: unknown[] | null = null;
/** A sample world with one of each client, and the driver modules: what learner code can be handed. */
function simulatorRoots(): unknown[] {
  if (sample) return sample;
  const w = createWorld({ seed: 1 });
  const kafka = w.kafka();
  const stream = w.stream('sandbox');
  return (sample = [
    driverCopies(),
    w,
    w.cassandraClient(),
    w.pgPool(),
    kafka,
    kafka.producer(),
    kafka.consumer({ groupId: 'sandbox' }),
    kafka.admin(),
    stream,
    w.processor({ stream, handler: () => {} }),
  ]);
}

/** Has `hardenRealm()` succeeded in this realm? */
export function isRealmHardened(): boolean {
  return hardened;
}

/** Name of the learner module in stack traces, and how many lines precede its first line. */
export const LEARNER_SOURCE_URL = 'learner-module.js';
export const LEARNER_LINE_OFFSET = 1;

/** Built-in read-only errors (V8's and SpiderMonkey's wording), explained to the learner. */
const READ_ONLY = /Cannot assign to read only property|Cannot add property .*not extensible|Cannot (re)?define property|Cannot delete property|object is not extensible|is read-only|is non-writable|not extensible/;

/** A learner's error message; if it came from changing a frozen built-in, say so plainly. */
export function explainReadOnly(message: string): string {
  return READ_ONLY.test(message.slice(0, 500))
    ? `Built-ins are read-only in exercises (Object, Array, Promise, Math, JSON, the driver modules, the global object, …): ${message}`
    : message;
}

type Freeze = <T>(x: T) => T;
const freeze: Freeze = (x) => harden(x);

let learnerModules: Record<string, unknown> | null = null;
/** The driver modules as learner code gets them: plain objects of each module's exports. */
function driverCopies(): Record<string, unknown> {
  if (learnerModules) return learnerModules;
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(drivers)) {
    const ns = (drivers as Record<string, Record<string, unknown>>)[name];
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(ns)) copy[key] = ns[key];
    out[name] = copy;
  }
  return (learnerModules = out);
}
/** The same, hardened (deep-frozen: classes, prototypes, statics, constants). */
function hardenedDrivers(): Record<string, unknown> {
  return freeze(driverCopies());
}

const hasOwn = Object.prototype.hasOwnProperty;
function makeRequire(): (name: string) => unknown {
  const modules = hardenedDrivers();
  return freeze(function require(name: string): unknown {
    if (typeof name === 'string' && hasOwn.call(modules, name)) return modules[name];
    throw new Error(
      `Module '${String(name)}' is not available in this exercise (only 'cassandra-driver', 'pg' and 'kafkajs' can be imported).`,
    );
  });
}

// ---- the learner module ----------------------------------------------------------------------------
export interface LearnerModule {
  /** Run the module's top level afresh (new `module`/`exports`), its output going to `console`. */
  load(console: Console): Record<string, unknown>;
  /** An attempt is over: cancel the real timers learner code left behind (counted in `close`). */
  endAttempt(): void;
  /** The run is over: cancel the real timers learner code left behind; returns how many there were in all. */
  close(): number;
}

const CONSOLE_METHODS = ['log', 'info', 'debug', 'warn', 'error', 'trace', 'dir', 'table', 'assert', 'count', 'countReset', 'group', 'groupCollapsed', 'groupEnd', 'time', 'timeEnd', 'timeLog'];

/** A console whose methods write to whichever console the current test captures into. */
function forwardingConsole(target: () => Console): Console {
  const c: Record<string, unknown> = {};
  for (const m of CONSOLE_METHODS) {
    c[m] = (...args: unknown[]) => {
      const t = target() as unknown as Record<string, unknown>;
      const f = t[m];
      if (typeof f === 'function') f(...args);
    };
  }
  return c as unknown as Console;
}

type Factory = (require: (name: string) => unknown, module: { exports: unknown }, exports: unknown, console: Console) => void;

/** Network, script-loading and messaging APIs a learner may try: present only to say plainly why not. */
const UNAVAILABLE: Record<string, string> = {
  'fetch': 'the exercise sandbox has no network and cannot load scripts',
  'XMLHttpRequest': 'the exercise sandbox has no network and cannot load scripts',
  'WebSocket': 'the exercise sandbox has no network and cannot load scripts',
  'WebSocketStream': 'the exercise sandbox has no network and cannot load scripts',
  'EventSource': 'the exercise sandbox has no network and cannot load scripts',
  'WebTransport': 'the exercise sandbox has no network and cannot load scripts',
  'importScripts': 'the exercise sandbox has no network and cannot load scripts',
  'Worker': 'the exercise sandbox has no network and cannot load scripts',
  'SharedWorker': 'the exercise sandbox has no network and cannot load scripts',
  'BroadcastChannel': 'exercise code cannot talk to the page',
  'postMessage': 'exercise code cannot talk to the page or stop the test runner',
  'close': 'exercise code cannot talk to the page or stop the test runner',
};

function unavailableApis(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, why] of Object.entries(UNAVAILABLE)) {
    out[name] = freeze(function unavailable(): never {
      throw new Error(`${name}() is not available in exercises: ${why}`);
    });
  }
  return out;
}

/**
 * Evaluate compiled learner CJS in a new compartment of its own. Throws what the JavaScript parser
 * throws (a SyntaxError) or why the realm is not hardened. Each `load` runs the module's top level
 * afresh; the compartment and its frozen global object serve the whole run.
 */
export function evaluateLearnerModule(js: string): LearnerModule {
  const problem = hardenRealm();
  if (problem) throw new Error(problem);
  unseenFallbackWorld();
  let current: Console | null = null;
  const globalConsole = freeze(forwardingConsole(() => current ?? (nullConsole as Console)));
  const timers = new RealTimers();
  const compartment = new Compartment({
    __options__: true,
    globals: { ...learnerGlobals(freeze), ...unavailableApis(), console: globalConsole },
  });
  (compartment.globalThis as Record<string, unknown>).self = compartment.globalThis;
  freeze(compartment.globalThis);
  // ES modules are strict; strict mode also means the factory has no `arguments.callee` through which
  // learner code could reach it. The module starts on line 2 (LEARNER_LINE_OFFSET).
  const source = `(function (require, module, exports, console) {"use strict";\n${js}\n})\n//# sourceURL=${LEARNER_SOURCE_URL}\n`;
  // `import(` and `<!--` in strings or comments would make SES refuse the source: evaded (rewritten).
  const factory = compartment.evaluate(source, { __evadeImportExpressionTest__: true, __evadeHtmlCommentTest__: true }) as Factory;
  const endSource = learnerSource(source);
  const require = makeRequire();
  return {
    load(console: Console) {
      // Learner code gets the frozen forwarding console, never `console` itself (which need not be
      // hardened, once per load, on this hot path): the forwarder writes to it until the next load.
      current = console;
      const module = { exports: {} as Record<string, unknown> };
      setFallbackHost(timers);
      timers.reseed();
      factory(require, module, module.exports, globalConsole);
      return module.exports;
    },
    endAttempt() {
      timers.cancelLive();
      forgetLastRun(); // the next attempt's clocks start from its own worlds
      unseenFallbackWorld();
    },
    close() {
      current = null;
      endSource();
      return timers.cancelAll();
    },
  };
}

const nullConsole = forwardingConsole(() => ({}) as Console);
