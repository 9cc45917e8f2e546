/**
 * The run loop and the learner realm's host: running async learner code against a world in virtual
 * time (`run`, `sleep`, `waitFor`, `advance`), the timers and clock the realm gives learner code,
 * busy-wait detection, and the registry of what learner code may be waiting for (the deadlock and
 * budget verdicts read it). One `RunLoop` per world; the world delegates to it.
 */
import { currentRunning, setActive } from './active';
import { SimulationError } from './errors';
import { installRealm } from './realm';
import type { Rng } from './rng';
import type { Ev } from './sched';
import type { World } from './world';
import type { RunBudget } from './world-public';

/**
 * One thing learner code may be waiting for: since when, and what it is (its text is made only when
 * a verdict names it). A driver call can be its own entry (no object per call for the registry).
 */
export interface Pending {
  readonly sinceUs: number;
  pendingText(): string;
}

/** A pending entry described by a text, or by a function that makes it. */
class Described implements Pending {
  constructor(readonly desc: string | (() => string), readonly sinceUs: number) {}
  pendingText(): string {
    return typeof this.desc === 'function' ? this.desc() : this.desc;
  }
}

const MC = (globalThis as unknown as { MessageChannel?: new () => { port1: { onmessage: ((e: unknown) => void) | null; close(): void }; port2: { postMessage(x: unknown): void; close(): void } } }).MessageChannel;
const REAL_SET_TIMEOUT = (globalThis as unknown as { setTimeout: (f: () => void, ms: number) => unknown }).setTimeout;

/**
 * Waiting until the learner's microtasks have all run (before the simulated clock moves), cheapest
 * first for the host:
 *   - `scheduler.yield()` (Chromium 129+, in workers too): a macrotask at about half the cost of a
 *     message to ourselves, and a Submit yields tens of thousands of times;
 *   - Node: `setImmediate` (microtasks drain before the check phase), and once the run loop itself
 *     resumes from a microtask, `process.nextTick`: queued from a microtask, it runs only when the
 *     whole microtask queue has drained (Node empties V8's queue, then its tick queue), without a
 *     turn of the event loop. (Learner code that calls `process.nextTick` itself, which only Node
 *     has, may see the clock move before that tick's own continuations have run.)
 *   - other browsers: a message on one MessageChannel for the realm (runs are serialized).
 * All captured at load, so learner code replacing them later changes nothing.
 */
const schedulerObj = (globalThis as unknown as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
const SCHEDULER_YIELD = typeof schedulerObj?.yield === 'function' ? schedulerObj.yield.bind(schedulerObj) : null;
const REAL_SET_IMMEDIATE = (globalThis as unknown as { setImmediate?: (f: () => void) => unknown }).setImmediate;
const nodeProcess = (globalThis as unknown as { process?: { nextTick?: (f: () => void) => void } }).process;
const REAL_NEXT_TICK = typeof nodeProcess?.nextTick === 'function' ? nodeProcess.nextTick.bind(nodeProcess) : null;
type Port = { onmessage: ((e: unknown) => void) | null; postMessage(x: unknown): void };
let channel: { port1: Port; port2: Port } | null = null;
let macroResolve: (() => void) | null = null;

/** A macrotask yield: everything queued as a microtask has run when it resolves. */
function macroYield(): Promise<void> {
  if (SCHEDULER_YIELD) return SCHEDULER_YIELD();
  if (REAL_SET_IMMEDIATE) return new Promise<void>((res) => void REAL_SET_IMMEDIATE(res));
  return new Promise<void>((res) => {
    if (!MC) { REAL_SET_TIMEOUT(res, 0); return; }
    if (!channel) {
      channel = new MC() as unknown as { port1: Port; port2: Port };
      channel.port1.onmessage = () => { const r = macroResolve; macroResolve = null; r?.(); };
    }
    macroResolve = res;
    channel.port2.postMessage(0);
  });
}

/** The same guarantee, for a caller already running as a microtask. */
function drainYield(): Promise<void> {
  if (REAL_NEXT_TICK) return new Promise<void>((res) => REAL_NEXT_TICK(res));
  return macroYield();
}

/** One run at a time per JS realm: the learner realm patches globals. */
let lock: Promise<void> = Promise.resolve();

function busyWait(now: number, pending: string[]): SimulationError {
  return new SimulationError('busy-wait', `Busy-wait detected at ${now} ms: the clock was read 2,000,000 times without virtual time moving. Wait with await/setTimeout instead of spinning on Date.now().`, now, pending);
}

function fmtMs(us: number): string {
  return `${us / 1000} ms`;
}

/** A timer learner code set (setTimeout / setInterval): the scheduler event's argument. */
class LearnerTimer {
  ev: Ev | undefined;
  constructor(
    readonly loop: RunLoop,
    readonly id: number,
    readonly fn: (...a: unknown[]) => void,
    readonly args: unknown[],
    readonly repeat: boolean,
    readonly delayUs: number,
    readonly token: number,
  ) {}
}

function fireTimer(ev: Ev): void {
  const t = ev.arg as LearnerTimer;
  t.loop.fire(t);
}

export class RunLoop {
  /** set when an event resolved a learner-facing promise or called learner code */
  woke = false;
  running = false;
  /** runs started */
  runs = 0;
  /** by id (`addPending`), or by the entry itself (`addPendingEntry`), in the order added */
  private pending = new Map<number | Pending, Pending>();
  private pendingSeq = 0;
  private timers = new Map<number, LearnerTimer>();
  private timerSeq = 0;
  private uncaught: unknown = undefined;
  private clockReads = 0;
  private clockReadsAt = -1;
  private busy = false;

  constructor(
    private readonly w: World,
    private readonly learnerRng: Rng,
  ) {}

  assertRunning(api: string): void {
    if (!this.running) throw new SimulationError('usage', `${api} was called outside world.run(…): driver calls only work while the simulation runs`, this.w.now);
  }

  addPending(desc: string | (() => string)): number {
    const id = ++this.pendingSeq;
    this.pending.set(id, new Described(desc, this.w.sched.now));
    return id;
  }

  /** Registers `p` (its `sinceUs` is now) as pending, until `removePending(p)`. */
  addPendingEntry(p: Pending): void {
    this.pending.set(p, p);
  }

  removePending(id: number | Pending): void {
    this.pending.delete(id);
  }


  pendingList(): string[] {
    return [...this.pending.values()].map((p) => `${p.pendingText()} (since ${fmtMs(p.sinceUs)})`);
  }

  // ---- learner realm host -------------------------------------------------------------------------
  touch(): void {
    this.w.activity++;
    if (this.clockReadsAt !== this.w.sched.now) {
      this.clockReadsAt = this.w.sched.now;
      this.clockReads = 0;
    }
    if (++this.clockReads > 2_000_000) {
      this.busy = true;
      throw busyWait(this.w.now, this.pendingList());
    }
  }

  setTimer(fn: (...a: unknown[]) => void, delayMs: number, args: unknown[], repeat: boolean, api: string): number {
    this.w.activity++;
    const id = ++this.timerSeq;
    const delayUs = Math.max(repeat ? 1000 : 0, Math.round(delayMs * 1000));
    const token = this.addPending(`${api}(${delayUs / 1000} ms) #${id}`);
    const t = new LearnerTimer(this, id, fn, args, repeat, delayUs, token);
    t.ev = this.w.sched.after(delayUs, fireTimer, t);
    this.timers.set(id, t);
    return id;
  }

  /** A learner timer fired (`fireTimer`): re-arm or forget it, then call the learner's function. */
  fire(t: LearnerTimer): void {
    if (!t.repeat) {
      this.timers.delete(t.id);
      this.removePending(t.token);
    } else {
      t.ev = this.w.sched.after(t.delayUs, fireTimer, t);
    }
    this.woke = true;
    try {
      t.fn(...t.args);
    } catch (e) {
      if (this.uncaught === undefined) this.uncaught = e;
    }
  }

  clearTimer(id: number): void {
    this.w.activity++;
    const t = this.timers.get(id);
    if (!t) return;
    this.w.sched.cancel(t.ev);
    this.removePending(t.token);
    this.timers.delete(id);
  }

  // ---- running ----------------------------------------------------------------------------------
  /**
   * Run async code against the world. Inside, timers, Date, performance.now, AbortSignal.timeout
   * and Math.random follow the simulation. Resolves/rejects like `fn`; rejects with
   * SimulationError on deadlock, budget exhaustion or busy-waiting.
   */
  async run<T>(fn: () => T | Promise<T>, opts: RunBudget = {}): Promise<T> {
    if (typeof fn !== 'function') throw new TypeError('world.run(fn) needs a function');
    if (currentRunning()) {
      throw new SimulationError('usage', 'world.run() was called while a run is in progress (nested runs would wait for each other forever); inside a run, just await the code, or use world.sleep(ms)', this.w.now);
    }
    const prev = lock;
    let release!: () => void;
    lock = new Promise<void>((r) => (release = r));
    await prev;
    const restore = this.enter();
    const sched = this.w.sched;
    const maxUs = sched.now + Math.round((opts.maxVirtualMs ?? this.w.limits.maxVirtualMs) * 1000);
    const maxEvents = sched.executed + (opts.maxEvents ?? this.w.limits.maxEvents);
    const w = this.w;
    let macro = macroYield;
    let settled = false, ok = false;
    let value: T | undefined, error: unknown;
    try {
      let p: Promise<T>;
      try {
        p = Promise.resolve(fn());
      } catch (e) {
        p = Promise.reject(e);
      }
      p.then((v) => { settled = true; ok = true; value = v; w.activity++; }, (e) => { settled = true; error = e; w.activity++; });
      // `dirty`: an event may have resumed learner code since the learner's microtasks last ran out.
      let dirty = true;
      for (;;) {
        if (dirty) {
          const next = sched.peek();
          if (!next || next.t > sched.now || this.pending.size === 0) {
            // Time is about to move (or nothing is pending): one macrotask guarantees that every
            // microtask the learner's code queued, however long its await chain, has run.
            dirty = false;
            await macro();
            macro = drainYield; // from here on this loop always resumes as a microtask
          } else {
            // More events at this same instant: let the learner's continuations run between them by
            // hopping microtasks until two hops pass with no learner activity (no macrotask needed:
            // whatever is still queued runs before the clock moves, by the branch above).
            let last = w.activity, idle = 0, hops = 0;
            while (idle < 2) {
              await undefined;
              if (w.activity !== last) { last = w.activity; idle = 0; } else idle++;
              if (++hops > 100_000) break;
            }
          }
        }
        if (settled || this.uncaught !== undefined || this.busy) break;
        // verdicts about what is pending only once the learner's microtasks have surely run out
        if (dirty && (this.pending.size === 0 || !sched.peek())) continue;
        this.checkProgress(maxUs);
        dirty = this.step(maxUs, maxEvents, dirty);
        if (sched.executed > maxEvents) throw this.pastEventBudget(opts.maxEvents ?? w.limits.maxEvents);
      }
      this.checkEnd();
    } finally {
      restore();
      this.running = false;
      setActive(null);
      release();
    }
    if (ok) return value as T;
    throw error;
  }

  /** Start a run: this world is the active one and the learner realm follows its clock. */
  private enter(): () => void {
    setActive(this.w);
    this.running = true;
    this.runs++;
    this.uncaught = undefined;
    this.busy = false;
    return installRealm({
      nowUs: () => this.w.sched.now,
      dateNowMs: () => { this.touch(); return this.w.epochMs + Math.floor(this.w.sched.now / 1000); },
      random: () => { this.w.activity++; return this.learnerRng.float(); },
      setTimer: (f, d, a, r, api) => this.setTimer(f, d, a, r, api),
      clearTimer: (id) => this.clearTimer(id),
      touch: () => this.touch(),
    });
  }

  /** The learner's microtasks have run out and the run has not settled: can anything still happen? */
  private checkProgress(maxUs: number): void {
    // (each verdict's message is made in its own method: one conversion of the time to text shared
    // by the branches would be made by the optimising compiler before them, on every call)
    const next = this.w.sched.peek();
    if (this.pending.size === 0) throw this.nothingPending();
    if (!next) throw this.nothingScheduled();
    if (next.t > maxUs) throw this.pastTimeBudget(maxUs);
  }

  private nothingPending(): SimulationError {
    const now = this.w.now;
    return new SimulationError('deadlock', `Deadlock at ${now} ms: the code under test is still awaiting, but nothing it could be waiting for is pending (no driver call in flight, no timer, no world.sleep). Something awaits a promise that never settles.`, now, []);
  }

  private nothingScheduled(): SimulationError {
    const now = this.w.now;
    return new SimulationError('deadlock', `Deadlock at ${now} ms: nothing is scheduled, but these are still pending: ${this.pendingList().join('; ')}`, now, this.pendingList());
  }

  private pastTimeBudget(maxUs: number): SimulationError {
    return new SimulationError('budget', `Virtual time budget exceeded: the run would pass ${maxUs / 1000} ms. Still pending: ${this.pendingList().join('; ') || 'nothing'}`, this.w.now, this.pendingList());
  }

  private pastEventBudget(maxEvents: number): SimulationError {
    const now = this.w.now;
    return new SimulationError('budget', `Event budget exceeded at ${now} ms (${maxEvents} events). Still pending: ${this.pendingList().join('; ') || 'nothing'}`, now, this.pendingList());
  }

  /**
   * Run simulator events until one wakes learner code (returns true: let it run), time would pass
   * the budget, or — while learner code may still be running (`dirty`) — time would move.
   */
  private step(maxUs: number, maxEvents: number, dirty: boolean): boolean {
    const sched = this.w.sched;
    for (;;) {
      const ev = sched.peek();
      if (!ev || ev.t > maxUs || (dirty && ev.t > sched.now)) return dirty;
      sched.runTop(ev);
      if (this.woke) { this.woke = false; return true; }
      if (sched.executed > maxEvents) return dirty;
    }
  }

  /** The run stopped: a busy-wait or an uncaught timer error is the verdict, not the code's result. */
  private checkEnd(): void {
    const now = this.w.now;
    if (this.busy) throw busyWait(now, this.pendingList());
    if (this.uncaught !== undefined) {
      const u = this.uncaught as { message?: string };
      throw new SimulationError('uncaught', `Uncaught error in a timer callback at ${now} ms: ${u && u.message ? u.message : String(u)}`, now, this.pendingList(), { cause: this.uncaught });
    }
  }

  /** Resolve after `ms` of virtual time (only inside run). */
  sleep(ms: number): Promise<void> {
    this.assertRunning('world.sleep');
    const token = this.addPending(`world.sleep(${ms} ms)`);
    return new Promise((res) => {
      this.w.sched.after(Math.round(ms * 1000), () => {
        this.removePending(token);
        this.woke = true;
        res();
      });
    });
  }

  /** Resolve when `pred()` holds, checking every `pollMs` (default 10) of virtual time; rejects after timeoutMs. */
  waitFor(pred: () => boolean, opts: { timeoutMs?: number; pollMs?: number; what?: string } = {}): Promise<void> {
    this.assertRunning('world.waitFor');
    const poll = Math.max(1, Math.round((opts.pollMs ?? 10) * 1000));
    const deadline = opts.timeoutMs === undefined ? Infinity : this.w.sched.now + Math.round(opts.timeoutMs * 1000);
    const token = this.addPending(`world.waitFor(${opts.what ?? 'condition'})`);
    return new Promise((res, rej) => {
      const check = () => {
        if (pred()) { this.removePending(token); this.woke = true; return res(); }
        if (this.w.sched.now >= deadline) {
          this.removePending(token);
          this.woke = true;
          return rej(new Error(`world.waitFor(${opts.what ?? 'condition'}) timed out after ${opts.timeoutMs} ms`));
        }
        this.w.sched.after(poll, check);
      };
      check();
    });
  }

  /**
   * Advance virtual time by `ms` running only simulator events (no learner code may be waiting).
   * Synchronous; for use between runs (settling, hint replay, …).
   */
  advance(ms: number): void {
    if (this.running) throw new SimulationError('usage', 'world.advance() cannot be used inside world.run(); await world.sleep(ms) instead', this.w.now);
    const until = this.w.sched.now + Math.round(ms * 1000);
    const s = this.w.sched;
    for (;;) {
      const ev = s.peek();
      if (!ev || ev.t > until) break;
      s.runTop(ev);
    }
    s.now = until;
  }

}
