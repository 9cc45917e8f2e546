/**
 * Learner code outside any simulator world (a module's top level, a getter a test reads between runs):
 * what its clocks read, where its timers go, its random stream, and which world a driver made there
 * binds to. Used by the learner sandbox (./sandbox.ts) as the realm's fallback host.
 */
import { DEFAULT_EPOCH_MS, OUTSIDE_TIMER_IDS, Rng, blankWorldNext, lastRunClock, type RealmHost } from '../sim/index';

const G = globalThis as unknown as Record<string, any>;
const realSetTimeout = G.setTimeout as (f: () => void, ms: number) => unknown;
const realClearTimeout = G.clearTimeout as (h: unknown) => void;

/**
 * A driver constructed outside any test's world (at a module's top level) binds to the world created
 * last. Before a run and after each attempt, that is a new blank world, never the world of an earlier
 * test or run (whose hosts, faults and state learner code could otherwise read or change). It is made
 * only when such a driver is: creating one per attempt cost about 5% of a Submit.
 */
export function unseenFallbackWorld(): void {
  blankWorldNext({ seed: 1 });
}

/** How often learner code may read a clock that stands still outside any run before it is stopped. */
const MAX_STILL_READS = 2_000_000;

/** A timer learner code set outside any world. */
interface HeldTimer {
  fn: (...a: unknown[]) => void;
  args: unknown[];
  repeat: boolean;
  api: string;
  /** virtual ms at which it is due (the standing clock when it was set, plus its delay) */
  dueMs: number;
  /** a 0 ms one-shot timer: the machine's, due at the next task as in any JavaScript host */
  real?: unknown;
  /** once a run adopted it: that run's host and the timer's id there */
  adopted?: { host: RealmHost; id: number };
}

/**
 * Learner code outside any world:
 * - its clocks read the virtual time of the world that ran last in this attempt (one test, or one
 *   case of a property), standing still between runs, or before any that of a world's start — never
 *   the host machine's, so a verdict cannot depend on the day it is given;
 * - its timers with a delay are not the machine's either: time stands still outside a world, so such
 *   a timer is held, and the next run of a world in the same attempt adopts it onto its own clock (due
 *   at the standing time it was set plus its delay) — whether it fired cannot tell learner code how
 *   much real time passed. A 0 ms one-shot timer fires at the next task, as in any host (awaiting
 *   one outside a world works). Timers still held or pending when the attempt ends are cancelled;
 * - its random stream starts afresh at every load: one load cannot tell another anything through it.
 */
export class RealTimers implements RealmHost {
  private live = new Map<number, HeldTimer>();
  private seq = OUTSIDE_TIMER_IDS;
  private closed = false;
  private cancelled = 0;
  private rng = new Rng(1);
  private stillReads = 0;
  /** A new load of the module: the same random numbers as every other load. */
  reseed(): void {
    this.rng = new Rng(1);
  }
  nowUs(): number {
    return lastRunClock()?.nowUs() ?? 0;
  }
  dateNowMs(): number {
    const world = lastRunClock();
    if (world) return world.dateNowMs();
    this.touch();
    return DEFAULT_EPOCH_MS;
  }
  random(): number {
    return this.rng.float(); // seeded: outside a world too, a run repeats exactly
  }
  touch(): void {
    const world = lastRunClock();
    if (world) return world.touch(); // the world's own busy-wait guard
    if (++this.stillReads > MAX_STILL_READS) {
      this.stillReads = 0;
      throw new Error(`Busy-wait detected outside the simulation: the clock was read ${MAX_STILL_READS.toLocaleString('en-US')} times and time does not move there. Wait with await/setTimeout instead of spinning on Date.now().`);
    }
  }
  setTimer(fn: (...a: unknown[]) => void, delayMs: number, args: unknown[], repeat: boolean, api = 'setTimeout'): number {
    const id = ++this.seq;
    if (this.closed) return id; // the run is over: code still running from it schedules nothing
    const t: HeldTimer = { fn, args, repeat, api, dueMs: this.nowUs() / 1000 + delayMs };
    if (delayMs <= 0 && !repeat) {
      t.real = realSetTimeout(() => {
        this.live.delete(id);
        fn(...args);
      }, 0);
    }
    this.live.set(id, t);
    return id;
  }
  clearTimer(id: number): void {
    const t = this.live.get(id);
    if (!t) return;
    this.live.delete(id);
    if (t.real !== undefined) realClearTimeout(t.real);
    if (t.adopted) t.adopted.host.clearTimer(t.adopted.id);
  }
  /** A world's run starts: it takes over every timer held here, due on its clock when this one said. */
  adopt(into: RealmHost): void {
    for (const [id, t] of this.live) {
      if (t.adopted || t.real !== undefined) continue;
      const fire = (...a: unknown[]) => {
        if (!t.repeat) this.live.delete(id);
        t.fn(...a);
      };
      const delay = Math.max(0, t.dueMs - into.nowUs() / 1000);
      t.adopted = { host: into, id: into.setTimer(fire, delay, t.args, t.repeat, t.api) };
    }
  }
  /** An attempt is over: cancel every timer still pending (nothing of it runs in the next one). */
  cancelLive(): void {
    this.cancelled += this.live.size;
    for (const id of [...this.live.keys()]) this.clearTimer(id);
  }
  /** The run is over: cancel every timer still pending, accept no more; how many were cancelled in all. */
  cancelAll(): number {
    this.cancelLive();
    this.closed = true;
    return this.cancelled;
  }
}
