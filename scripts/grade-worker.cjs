'use strict';
// The grading process of `npm run grade` / `npm run verify` (started by scripts/lib/grade-pool.ts,
// one process per grading). Plain JavaScript: it starts without a TypeScript loader.
//
// Two walls between learner code and the machine:
//  1. The process runs under Node's permission model, started with `--experimental-permission` and
//     `--allow-fs-read` naming only this file (the exercise's bundle comes over IPC): no other file
//     can be read, none written, no child process or worker started (the runtime refuses), and the
//     environment is empty.
//  2. The grader, the simulator, the exercise's tests and the learner module all run in a fresh
//     realm (a `vm` context) that has JavaScript's built-ins and nothing of Node's: no `process`, no
//     `require`, no `import()`, no `fetch`/sockets, no `Buffer`. Inside it the grader hardens the
//     realm (SES lockdown) and evaluates learner code in a compartment of its own, exactly as in the
//     browser's run worker (src/grading/sandbox.ts). It gets a browser-like set of
//     globals (timers, queueMicrotask, performance.now, console, TextEncoder/TextDecoder, atob),
//     implemented inside the realm over one function, `host(op, a, b)`, that takes and returns only
//     primitives — no object of this realm ever reaches learner code (its constructor would be this
//     realm's `Function`, and with it `process`).
// Results leave only through this process's IPC channel, held here, out of the grading realm's reach,
// each message carrying the token the parent sent with the job; the parent validates what it gets
// and trusts neither this process's exit code nor its stdout.
//
// Why this file is over 400 lines: the permission model lets this process read only this one file,
// so everything the grading process runs before the bundle arrives (the realm's browser-like
// globals, the IPC protocol, the job runner) must live here; it cannot require sibling modules.
const vm = require('node:vm');

const ipcSend = process.send.bind(process);
const hostSetTimeout = setTimeout;
const hostSetInterval = setInterval;
const hostClearTimeout = clearTimeout;
const hostClearInterval = clearInterval;
const hostSetImmediate = setImmediate;
const hostNextTick = process.nextTick;
const hostNow = performance.now.bind(performance);
const jsonParse = JSON.parse;

let token = '';
const post = (m) => ipcSend({ ...m, token });

/**
 * Evaluated inside the grading realm (as source text): what the browser has and the grader and its
 * libraries use — UTF-8, base64 and events — defined on the realm's global with `def`. An error
 * thrown by an event listener goes to `reportError`.
 */
function browserShims(def, reportError) {
  'use strict';
  const TypeErrorCtor = TypeError;
  const ErrorCtor = Error;
  const apply = Reflect.apply;
  // UTF-8 and base64, as the browser has them (the grader decodes inline source maps with them).
  class TextEncoder {
    get encoding() { return 'utf-8'; }
    encode(s = '') {
      const str = `${s}`;
      const out = [];
      for (let i = 0; i < str.length; i++) {
        let c = str.charCodeAt(i);
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < str.length) {
          const d = str.charCodeAt(i + 1);
          if (d >= 0xdc00 && d <= 0xdfff) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); i++; }
        }
        if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
        if (c < 0x80) out.push(c);
        else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
        else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
        else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      }
      return new Uint8Array(out);
    }
  }
  class TextDecoder {
    get encoding() { return 'utf-8'; }
    decode(input) {
      const b = input instanceof Uint8Array ? input : input === undefined ? new Uint8Array(0) : new Uint8Array(input.buffer ?? input);
      let s = '';
      for (let i = 0; i < b.length; ) {
        const c = b[i];
        const n = c < 0x80 ? 0 : c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : -1;
        if (n < 0 || i + n >= b.length + (n ? 0 : 1)) { s += '\ufffd'; i++; continue; }
        let cp = n === 0 ? c : c & (0x3f >> n);
        for (let k = 1; k <= n; k++) cp = (cp << 6) | (b[i + k] & 63);
        s += String.fromCodePoint(cp);
        i += n + 1;
      }
      return s;
    }
  }
  // Events, as the browser has them (chai announces its plugins with them).
  class Event {
    constructor(type, init) {
      if (arguments.length === 0) throw new TypeErrorCtor("Failed to construct 'Event': 1 argument required.");
      Object.defineProperty(this, 'type', { value: `${type}`, enumerable: true });
      this.bubbles = !!(init && init.bubbles);
      this.cancelable = !!(init && init.cancelable);
      this.defaultPrevented = false;
      this.target = null;
      this.currentTarget = null;
    }
    preventDefault() {
      if (this.cancelable) this.defaultPrevented = true;
    }
    stopPropagation() {}
    stopImmediatePropagation() {}
  }
  const listenersOf = new WeakMap();
  class EventTarget {
    addEventListener(type, fn) {
      if (typeof fn !== 'function' && !(fn && typeof fn.handleEvent === 'function')) return;
      let m = listenersOf.get(this);
      if (!m) listenersOf.set(this, (m = new Map()));
      const list = m.get(`${type}`) ?? [];
      if (!list.includes(fn)) list.push(fn);
      m.set(`${type}`, list);
    }
    removeEventListener(type, fn) {
      const list = listenersOf.get(this)?.get(`${type}`);
      const i = list ? list.indexOf(fn) : -1;
      if (i >= 0) list.splice(i, 1);
    }
    dispatchEvent(ev) {
      if (!(ev instanceof Event)) throw new TypeErrorCtor("Failed to execute 'dispatchEvent': parameter 1 is not of type 'Event'.");
      ev.target = this;
      ev.currentTarget = this;
      for (const fn of [...(listenersOf.get(this)?.get(ev.type) ?? [])]) {
        try {
          if (typeof fn === 'function') apply(fn, this, [ev]);
          else fn.handleEvent(ev);
        } catch (e) {
          reportError(e);
        }
      }
      return !ev.defaultPrevented;
    }
  }
  def('Event', Event);
  def('EventTarget', EventTarget);
  def('TextEncoder', TextEncoder);
  def('TextDecoder', TextDecoder);
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  def('atob', function atob(data) {
    const s = `${data}`.replace(/[\t\n\f\r ]+/g, '').replace(/=+$/, '');
    let out = '';
    let bits = 0;
    let acc = 0;
    for (const ch of s) {
      const v = B64.indexOf(ch);
      if (v < 0) throw new ErrorCtor('atob: the string to be decoded is not correctly encoded.');
      acc = (acc << 6) | v;
      bits += 6;
      if (bits >= 8) { bits -= 8; out += String.fromCharCode((acc >> bits) & 255); }
    }
    return out;
  });
}

/**
 * Evaluated inside the grading realm (as source text): one job graded by the bundle's grader, every
 * report sent as JSON text through `send(kind, json)`.
 */
function runJob(grader, job, send) {
  'use strict';
  const ErrorCtor = Error;
  const then = Promise.prototype.then;
  const apply = Reflect.apply;
  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const report = (kind, value) => send(kind, stringify(value));
  const crash = (e) => report('crash', `The grader failed: ${e instanceof ErrorCtor ? e.message : 'unknown error'}`);
  // The sandbox (src/grading/sandbox.ts), as in the browser's run worker: SES lockdown of this
  // realm, before any learner code; each run's learner module then gets a compartment of its own.
  const problem = grader.hardenRealm();
  if (problem) {
    report('crash', problem);
    return;
  }
  const meta = parse(job.meta);
  const exercise = { id: job.exerciseId, meta, visible: grader.visible, hidden: grader.hidden, visibleSource: job.visibleSource };
  report('loaded', null);
  let p;
  try {
    p = grader.runExercise({
      exercise,
      learnerJs: job.learnerJs,
      mode: job.mode,
      limits: parse(job.limits),
      shard: parse(job.shard) ?? undefined,
      seed: parse(job.seed) ?? undefined,
      only: parse(job.only) ?? undefined,
      reportsUncaught: true, // process.on('unhandledRejection') in the host, through realm.uncaught
      onPlan: (tests) => report('plan', tests),
      onTestStart: (name, index) => report('start', { name, index }),
      onTestResult: (result, index) => report('result', { result, index }),
    });
  } catch (e) {
    crash(e);
    return;
  }
  apply(then, p, [(results) => report('done', results), crash]);
}

/** Evaluated inside the grading realm (as source text): its browser-like globals over `host`. */
function realmSetup(host, browserShims, runJob) {
  'use strict';
  const g = globalThis;
  const callbacks = new Map();
  let nextId = 1;
  const apply = Reflect.apply;
  const ErrorCtor = Error;
  const TypeErrorCtor = TypeError;
  const def = (name, value) => Object.defineProperty(g, name, { value, writable: true, configurable: true, enumerable: false });
  const call = (op, a, b) => {
    try {
      return host(op, a, b);
    } catch {
      throw new ErrorCtor(`The grading host refused ${op}.`);
    }
  };
  let onUncaught = null;
  function fire(id) {
    const cb = callbacks.get(id);
    if (!cb) return;
    if (!cb.repeat) callbacks.delete(id);
    try {
      apply(cb.fn, undefined, cb.args);
    } catch (e) {
      if (onUncaught) onUncaught(e, 'exception');
    }
  }
  const schedule = (op, api) =>
    function (fn, ms, ...args) {
      if (typeof fn !== 'function') throw new TypeErrorCtor(`${api}: the callback must be a function (strings are not evaluated)`);
      const id = nextId++;
      callbacks.set(id, { fn, args, repeat: op === 'interval' });
      const d = +ms;
      call(op, id, d > 0 ? d : 0);
      return id;
    };
  const clear = function (id) {
    const n = typeof id === 'number' ? id : -1;
    if (callbacks.delete(n)) call('clear', n, 0);
  };
  def('setTimeout', schedule('timeout', 'setTimeout'));
  def('setInterval', schedule('interval', 'setInterval'));
  def('clearTimeout', clear);
  def('clearInterval', clear);
  // Node's, for the simulator's own yields (captured when it loads), then removed: the browser has neither.
  def('setImmediate', schedule('immediate', 'setImmediate'));
  def('clearImmediate', clear);
  def('process', { nextTick: schedule('tick', 'nextTick') });

  const then = Promise.prototype.then;
  const resolved = Promise.resolve();
  def('queueMicrotask', function queueMicrotask(fn) {
    if (typeof fn !== 'function') throw new TypeErrorCtor('queueMicrotask: the callback must be a function');
    apply(then, resolved, [() => fn()]);
  });
  const perf = {};
  Object.defineProperty(perf, 'now', { value: function now() { return call('now', 0, 0); }, writable: true, configurable: true });
  def('performance', perf);
  const quiet = {};
  for (const k of ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table', 'group', 'groupEnd', 'time', 'timeEnd', 'assert', 'count']) quiet[k] = function () {};
  def('console', quiet);

  browserShims(def, (e) => {
    if (onUncaught) onUncaught(e, 'exception');
  });

  return {
    fire,
    /**
     * An error of this realm (what learner code may catch must never be the host's), made with the
     * `Error` that `Error.prototype` names: after lockdown that is the hardened one learner code
     * shares, never the realm's original constructor (which SES leaves unfrozen).
     */
    error(message) {
      const E = ErrorCtor.prototype.constructor;
      return new E(message);
    },
    /** After the bundle loaded: drop Node's yields from the realm (the simulator keeps its copies). */
    sealNodeGlobals() {
      delete g.setImmediate;
      delete g.clearImmediate;
      delete g.process;
    },
    uncaught(reason, kind) {
      if (onUncaught) onUncaught(reason, kind);
    },
    /** Runs one job with the bundle's grader; reports through `host('report', kind, json)` only. */
    run(bundleName, job) {
      const grader = g[bundleName];
      g[bundleName] = undefined; // a top-level `var`: cannot be deleted, only emptied
      onUncaught = grader.reportUncaught;
      runJob(grader, job, (kind, json) => call('report', kind, json));
    },
  };
}

/** The only door out of the grading realm: primitives in, primitives out, never a throw. */
function makeHost(onReport) {
  const timers = new Map();
  let realm = null;
  const fire = (id) => {
    try {
      realm.fire(id);
    } catch {
      // learner code failed in a way the realm could not even report: nothing of it leaves here
    }
  };
  function host(op, a, b) {
    try {
      if (op === 'now') return hostNow();
      if (typeof a === 'number' && typeof b === 'number') {
        if (op === 'timeout') timers.set(a, hostSetTimeout(() => (timers.delete(a), fire(a)), b));
        else if (op === 'interval') timers.set(a, hostSetInterval(() => fire(a), b));
        else if (op === 'immediate') hostSetImmediate(() => fire(a));
        else if (op === 'tick') hostNextTick(() => fire(a));
        else if (op === 'clear') {
          const t = timers.get(a);
          timers.delete(a);
          hostClearTimeout(t);
          hostClearInterval(t);
        } else return -1;
        return 0;
      }
      if (op === 'report' && typeof a === 'string' && typeof b === 'string') {
        onReport(a, b);
        return 0;
      }
      return -1;
    } catch {
      return -1;
    }
  }
  return { host, attach: (r) => (realm = r) };
}

function onReport(kind, json) {
  let value;
  try {
    value = jsonParse(json);
  } catch {
    post({ type: 'crash', message: 'The grader sent an unreadable report.' });
    return;
  }
  if (kind === 'loaded') post({ type: 'loaded' });
  else if (kind === 'plan') post({ type: 'plan', tests: value });
  else if (kind === 'start') post({ type: 'start', name: value?.name, index: value?.index });
  else if (kind === 'result') post({ type: 'result', result: value?.result, index: value?.index });
  else if (kind === 'done') post({ type: 'done', results: value });
  else if (kind === 'crash') post({ type: 'crash', message: String(value) });
}

function grade(job) {
  const code = String(job.code);
  const { host, attach } = makeHost(onReport);
  let realm = null;
  // `import()` anywhere in the realm (even from `new Function` or `eval`) rejects with an error of
  // the realm itself: Node's own "no callback" error would be an object of this realm, and its
  // constructor a way out (which is why the process runs with --experimental-vm-modules).
  const noImport = () => {
    throw realm.error("import() is not available in exercises: only the modules 'cassandra-driver', 'pg' and 'kafkajs' can be used, with `import … from` or require().");
  };
  // A null-prototype global: nothing on it inherits from this realm's Object.prototype.
  const context = vm.createContext(Object.create(null), {
    name: 'grading realm',
    codeGeneration: { strings: true, wasm: false },
    importModuleDynamically: noImport,
  });
  const inRealm = (f) => vm.runInContext(`(${f})`, context, { importModuleDynamically: noImport });
  realm = inRealm(realmSetup)(host, inRealm(browserShims), inRealm(runJob));
  attach(realm);
  process.on('unhandledRejection', (reason) => {
    try {
      realm.uncaught(reason, 'rejection');
    } catch {
      // ignored: the grader reports what it can
    }
  });
  vm.runInContext(code, context, { filename: 'grader.js', importModuleDynamically: noImport });
  realm.sealNodeGlobals();
  realm.run(job.bundleGlobal, {
    exerciseId: String(job.exerciseId),
    meta: JSON.stringify(job.meta),
    visibleSource: typeof job.visibleSource === 'string' ? job.visibleSource : undefined,
    learnerJs: String(job.learnerJs),
    mode: job.mode === 'run' ? 'run' : 'submit',
    limits: JSON.stringify(job.limits ?? {}),
    shard: JSON.stringify(job.shard ?? null),
    seed: JSON.stringify(typeof job.seed === 'number' ? job.seed : null),
    only: JSON.stringify(typeof job.only === 'string' ? job.only : null),
  });
}

/** A thrown value's message, for a crash report (the value may come from the grading realm). */
function messageOf(e) {
  try {
    const m = e !== null && (typeof e === 'object' || typeof e === 'function') ? e.message : e;
    return typeof m === 'string' ? m : String(m);
  } catch {
    return 'unknown error';
  }
}

process.on('uncaughtException', (e) => {
  post({ type: 'crash', message: `The grader failed: ${messageOf(e)}` });
});
process.once('message', (m) => {
  if (!m || m.type !== 'job' || typeof m.token !== 'string') return;
  token = m.token;
  try {
    grade(m);
  } catch (e) {
    post({ type: 'crash', message: `The grader could not load exercise "${m.exerciseId}": ${messageOf(e)}` });
  }
});
ipcSend({ type: 'ready' });
