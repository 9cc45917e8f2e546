/**
 * Virtual clock (integer µs) and the events waiting to run, ordered by (time, sequence): FIFO on
 * ties. Most events wait in a binary heap; timers with a fixed delay (timeouts, almost always
 * cancelled before they fire) wait in one first-in-first-out queue per delay instead — such a
 * queue is already in (time, sequence) order, so a timer costs an append and a cancelled one is
 * skipped when it reaches the head, and the heap stays small. The next event is the earliest of
 * the heap's top and the queues' heads, so the order is exactly that of a single heap.
 */

export type EvFn = (ev: Ev) => void;

export class Ev {
  t: number;
  seq: number;
  fn: EvFn;
  arg: unknown;
  cancelled = false;
  /** the fixed-delay queue it waits in, or null (the heap) */
  queue: TimerQueue | null = null;
  constructor(t: number, seq: number, fn: EvFn, arg: unknown) {
    this.t = t;
    this.seq = seq;
    this.fn = fn;
    this.arg = arg;
  }
}

/** Timers scheduled with one fixed delay, in (time, sequence) order; `head` is the next one. */
class TimerQueue {
  evs: Ev[] = [];
  head = 0;
  /** cancelled timers still in `evs` after `head` */
  cancelled = 0;
  constructor(readonly delay: number) {}

  /** The first live timer, dropping cancelled ones on the way. */
  first(): Ev | undefined {
    const evs = this.evs;
    while (this.head < evs.length && evs[this.head].cancelled) { this.head++; if (this.cancelled > 0) this.cancelled--; }
    if (this.head >= 1024 && this.head * 2 >= evs.length) {
      this.evs = evs.slice(this.head);
      this.head = 0;
    }
    return this.evs[this.head];
  }

  /** One of its timers was cancelled: when cancelled ones dominate, drop them (the order of the rest is kept). */
  onCancel(): void {
    if (++this.cancelled > 1024 && this.cancelled * 2 > this.evs.length - this.head) {
      const live: Ev[] = [];
      const evs = this.evs;
      for (let i = this.head; i < evs.length; i++) if (!evs[i].cancelled) live.push(evs[i]);
      this.evs = live;
      this.head = 0;
      this.cancelled = 0;
    }
  }
}

const NOOP: EvFn = () => {};

function before(a: Ev, b: Ev): boolean {
  return a.t < b.t || (a.t === b.t && a.seq < b.seq);
}

export class Scheduler {
  /** current virtual time, µs */
  now = 0;
  private heap: Ev[] = [];
  private seq = 0;
  private cancelledCount = 0;
  private queues: TimerQueue[] = [];
  /** where the event `peek()` returned waits: a queue, or null for the heap's top */
  private nextFrom: TimerQueue | null = null;
  /** events executed so far */
  executed = 0;

  /** Events waiting in the heap (fixed-delay timers not counted). */
  get size(): number {
    return this.heap.length;
  }

  at(t: number, fn: EvFn, arg?: unknown): Ev {
    return this.insert(new Ev(t, 0, fn, arg));
  }

  after(dt: number, fn: EvFn, arg?: unknown): Ev {
    return this.at(this.now + (dt > 0 ? dt : 0), fn, arg);
  }

  /**
   * Like `after`, for a timer whose delay is one of a few fixed values (a configured timeout): it
   * waits in that delay's queue instead of the heap. Runs in exactly the order `after` would give.
   */
  afterFixed(dt: number, fn: EvFn, arg?: unknown): Ev {
    return this.insertFixed(new Ev(0, 0, fn, arg), dt);
  }

  /**
   * `afterFixed` for an event object built by the caller (a subclass of Ev that carries its own
   * data): it runs `dt` from now; its time and sequence number are assigned here.
   */
  insertFixed<E extends Ev>(ev: E, dt: number): E {
    const d = dt > 0 ? dt : 0;
    let q: TimerQueue | undefined;
    for (let i = 0; i < this.queues.length; i++) if (this.queues[i].delay === d) { q = this.queues[i]; break; }
    if (!q) {
      ev.t = this.now + d;
      if (this.queues.length >= 8) return this.insert(ev); // a few delays only: peek looks at every queue
      q = new TimerQueue(d);
      this.queues.push(q);
    }
    ev.t = this.now + d;
    ev.seq = this.seq++;
    ev.queue = q;
    q.evs.push(ev);
    return ev;
  }

  /**
   * Schedule an event object built by the caller (a subclass of Ev that carries its own data, so a
   * message needs one allocation instead of an event plus a closure). Its time is `ev.t` (not
   * before now); its sequence number is assigned here.
   */
  insert<E extends Ev>(ev: E): E {
    let t = ev.t;
    if (t < this.now) ev.t = t = this.now;
    ev.seq = this.seq++;
    const h = this.heap;
    let i = h.length;
    h.push(ev);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pe = h[p];
      if (pe.t < t || (pe.t === t && pe.seq < ev.seq)) break;
      h[i] = pe;
      i = p;
    }
    h[i] = ev;
    return ev;
  }

  /** Cancel an event: it will not run, and what it referenced is released now. */
  cancel(ev: Ev | undefined | null): void {
    if (!ev || ev.cancelled) return;
    ev.cancelled = true;
    ev.fn = NOOP;
    ev.arg = undefined;
    if (ev.queue) return ev.queue.onCancel(); // skipped when it reaches its queue's head, or dropped with others
    // rebuild when cancelled shells dominate the heap
    if (++this.cancelledCount > 1024 && this.cancelledCount * 2 > this.heap.length) this.compact();
  }

  private compact(): void {
    const live = this.heap.filter((e) => !e.cancelled);
    live.sort((a, b) => a.t - b.t || a.seq - b.seq);
    this.heap = live; // a sorted array is a valid binary heap
    this.cancelledCount = 0;
  }

  /** Next live event without removing it (drops cancelled ones on the way). */
  peek(): Ev | undefined {
    const h = this.heap;
    while (h.length > 0 && h[0].cancelled) {
      this.pop();
      if (this.cancelledCount > 0) this.cancelledCount--;
    }
    let best: Ev | undefined = h[0];
    let from: TimerQueue | null = null;
    const qs = this.queues;
    for (let i = 0; i < qs.length; i++) {
      const e = qs[i].first();
      if (e && (!best || before(e, best))) { best = e; from = qs[i]; }
    }
    this.nextFrom = from;
    return best;
  }

  private pop(): Ev | undefined {
    const h = this.heap;
    const n = h.length;
    if (n === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (n > 1) {
      let i = 0;
      const m = n - 1;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= m) break;
        const r = l + 1;
        let c = l;
        let ce = h[l];
        if (r < m) {
          const re = h[r];
          if (re.t < ce.t || (re.t === ce.t && re.seq < ce.seq)) {
            c = r;
            ce = re;
          }
        }
        if (last.t < ce.t || (last.t === ce.t && last.seq < ce.seq)) break;
        h[i] = ce;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }

  /** Run one live event; returns false when none is left. */
  step(): boolean {
    const ev = this.peek();
    if (!ev) return false;
    this.runTop(ev);
    return true;
  }

  /**
   * Run `ev`, which `peek()` has just returned (callers that peek to decide whether to run the next
   * event use this instead of `step()`, which would peek again).
   */
  runTop(ev: Ev): void {
    let q = this.nextFrom;
    if (q ? q.evs[q.head] !== ev : this.heap[0] !== ev) {
      this.peek(); // something was scheduled since: find where the next event waits again
      q = this.nextFrom;
    }
    if (q) q.head++;
    else this.pop();
    this.now = ev.t;
    this.executed++;
    ev.fn(ev);
  }
}
