/** Virtual clock (integer µs) and an event heap ordered by (time, sequence): FIFO on ties. */

export type EvFn = (ev: Ev) => void;

export class Ev {
  t: number;
  seq: number;
  fn: EvFn;
  arg: unknown;
  cancelled = false;
  constructor(t: number, seq: number, fn: EvFn, arg: unknown) {
    this.t = t;
    this.seq = seq;
    this.fn = fn;
    this.arg = arg;
  }
}

const NOOP: EvFn = () => {};

export class Scheduler {
  /** current virtual time, µs */
  now = 0;
  private heap: Ev[] = [];
  private seq = 0;
  private cancelledCount = 0;
  /** events executed so far */
  executed = 0;

  get size(): number {
    return this.heap.length;
  }

  at(t: number, fn: EvFn, arg?: unknown): Ev {
    if (t < this.now) t = this.now;
    const ev = new Ev(t, this.seq++, fn, arg);
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

  after(dt: number, fn: EvFn, arg?: unknown): Ev {
    return this.at(this.now + (dt > 0 ? dt : 0), fn, arg);
  }

  /** Cancel an event: it will not run, and what it referenced is released now. */
  cancel(ev: Ev | undefined | null): void {
    if (!ev || ev.cancelled) return;
    ev.cancelled = true;
    ev.fn = NOOP;
    ev.arg = undefined;
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
    return h[0];
  }

  pop(): Ev | undefined {
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
    this.pop();
    this.now = ev.t;
    this.executed++;
    ev.fn(ev);
    return true;
  }
}
