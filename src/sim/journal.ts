/**
 * The network journal (every send, delivery and drop), stored compactly: recording an entry writes
 * three 32-bit integers and allocates nothing, and the entry objects readers see (`JournalEntry`)
 * are built only when someone reads the journal, once each.
 *
 * Why compact: a journal only grows, so every entry is new memory, and first-touching memory is a
 * large part of what recording costs. An entry is its time (µs, relative to its chunk's base time),
 * its kind, drop reason and route (the (from, to, type) triple, interned: a run has few routes),
 * and its message id — 12 bytes.
 */

export interface JournalEntry {
  /** virtual ms */
  time: number;
  kind: 'send' | 'deliver' | 'drop';
  id: number;
  from: string;
  to: string;
  type: string;
  reason?: 'partition' | 'loss' | 'crashed' | 'down';
}

const KINDS: readonly JournalEntry['kind'][] = ['send', 'deliver', 'drop'];
const REASONS: readonly (JournalEntry['reason'] | undefined)[] = [undefined, 'partition', 'loss', 'crashed', 'down'];
export const SEND = 0, DELIVER = 1, DROP = 2;

/**
 * Entries per chunk: chunks are fixed-size typed arrays, so recording never copies or grows a large
 * array. A journal's first chunk is small (most worlds of a Submit record a few hundred entries, and
 * allocating and zeroing typed arrays is a large part of what a world costs); each next one is twice
 * the size of the last, up to `CHUNK`.
 */
const CHUNK = 2048;
const FIRST_CHUNK = 64;
/** Int32 fields per entry: time − base, kind + 4 × reason + 32 × route, message id */
const W = 3;
/** Routes fit in the 27 bits above kind and reason. */
const MAX_ROUTES = 1 << 26;

/**
 * A run of consecutive entries. Times are stored as offsets from `base` while they fit an Int32;
 * a time that does not (over 35 virtual minutes from the base, or not an integer) starts a new
 * chunk that stores whole times (`wide`).
 */
class Chunk {
  n = 0;
  readonly ints: Int32Array;
  readonly wide: Float64Array | null;
  constructor(readonly base: number, wide: boolean, readonly cap: number) {
    this.ints = new Int32Array(cap * W);
    this.wide = wide ? new Float64Array(cap) : null;
  }
}

/** Does `t` fit a narrow chunk with this base (an Int32 offset that gives `t` back exactly)? */
function fits(t: number, base: number): boolean {
  const d = t - base;
  return (d | 0) === d && base + d === t;
}

export class Journal {
  private readonly chunks: Chunk[] = [];
  private cur: Chunk | null = null;
  private n = 0;
  /** endpoint ids and message types, by index */
  private readonly names: string[] = [];
  private readonly nameIx = new Map<string, number>();
  /** routes: (from, to, type) name indices, by route index */
  private readonly routeFrom: number[] = [];
  private readonly routeTo: number[] = [];
  private readonly routeType: number[] = [];
  /** per `from` name index: (to, type) → route index (keys `to * 4096 + type` when that is exact, else a string) */
  private readonly routeIx: Array<Map<number | string, number> | undefined> = [];
  /** the entries built so far (the array readers get; it grows as they read again) */
  private readonly built: JournalEntry[] = [];

  get length(): number {
    return this.n;
  }

  /** The index of an endpoint id or message type in the journal's name table. */
  ix(name: string): number {
    let i = this.nameIx.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.nameIx.set(name, i);
    }
    return i;
  }

  /** The index of the route (from, to, type), given as name indices. */
  route(from: number, to: number, type: number): number {
    let m = this.routeIx[from];
    if (!m) this.routeIx[from] = m = new Map();
    const key = type < 4096 && to < 262144 ? to * 4096 + type : to + '/' + type;
    let r = m.get(key);
    if (r === undefined) {
      r = this.routeFrom.length;
      if (r >= MAX_ROUTES) throw new Error(`The network journal supports at most ${MAX_ROUTES} distinct (from, to, type) routes`);
      this.routeFrom.push(from);
      this.routeTo.push(to);
      this.routeType.push(type);
      m.set(key, r);
    }
    return r;
  }

  add(timeUs: number, kind: number, id: number, from: string, to: string, type: string, reason?: JournalEntry['reason']): void {
    this.addRoute(timeUs, kind, id, this.route(this.ix(from), this.ix(to), this.ix(type)), reason);
  }

  /** `add` with the route given by its `route()` index (callers that record the same route often cache it). */
  addRoute(timeUs: number, kind: number, id: number, route: number, reason?: JournalEntry['reason']): void {
    let c = this.cur;
    if (c === null || c.n === c.cap || (c.wide === null && !fits(timeUs, c.base))) c = this.open(timeUs);
    const k = c.n;
    const a = c.ints, o = k * W;
    if (c.wide === null) a[o] = timeUs - c.base;
    else c.wide[k] = timeUs;
    a[o + 1] = (reason ? kind + 4 * REASONS.indexOf(reason) : kind) + 32 * route;
    a[o + 2] = id;
    c.n = k + 1;
    this.n++;
  }

  /** A new chunk for an entry at `timeUs`. */
  private open(timeUs: number): Chunk {
    const c = new Chunk(timeUs, !fits(timeUs, timeUs), this.cur === null ? FIRST_CHUNK : Math.min(CHUNK, 2 * this.cur.cap));
    this.chunks.push(c);
    this.cur = c;
    return c;
  }

  /** Every entry so far as objects (the same array, extended, on every call). */
  entries(): JournalEntry[] {
    const out = this.built, names = this.names;
    let i = 0;
    for (const c of this.chunks) {
      if (i + c.n <= out.length) { i += c.n; continue; }
      for (let k = out.length - i; k < c.n; k++) {
        const a = c.ints, o = k * W;
        const t = c.wide === null ? c.base + a[o] : c.wide[k];
        const kr = a[o + 1] & 31, r = a[o + 1] >>> 5;
        const e: JournalEntry = { time: t / 1000, kind: KINDS[kr & 3], id: a[o + 2], from: names[this.routeFrom[r]], to: names[this.routeTo[r]], type: names[this.routeType[r]] };
        const reason = REASONS[kr >> 2];
        if (reason) e.reason = reason;
        out.push(e);
      }
      i += c.n;
    }
    return out;
  }
}
