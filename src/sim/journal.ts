/**
 * The network journal (every send, delivery and drop), stored column-wise: recording an entry
 * appends to a few arrays and allocates nothing, and the entry objects readers see
 * (`JournalEntry`) are built only when someone reads the journal, once each.
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

/** Entries per chunk: chunks are small fixed-size typed arrays, so recording never copies or grows a large array. */
const CHUNK = 2048;
/** Int32 fields per entry: kind + 4 × reason, message id, from, to, type (the last three as name indices) */
const W = 5;

export class Journal {
  private readonly times: Float64Array[] = [];
  private readonly ints: Int32Array[] = [];
  private n = 0;
  /** endpoint ids and message types, by index */
  private readonly names: string[] = [];
  private readonly nameIx = new Map<string, number>();
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

  add(timeUs: number, kind: number, id: number, from: string, to: string, type: string, reason?: JournalEntry['reason']): void {
    this.addIx(timeUs, kind, id, this.ix(from), this.ix(to), this.ix(type), reason);
  }

  /** `add` with names given by their `ix()` (callers that record the same names often cache them). */
  addIx(timeUs: number, kind: number, id: number, from: number, to: number, type: number, reason?: JournalEntry['reason']): void {
    const c = this.n >> 11, k = this.n & (CHUNK - 1);
    if (k === 0) {
      this.times.push(new Float64Array(CHUNK));
      this.ints.push(new Int32Array(CHUNK * W));
    }
    this.times[c][k] = timeUs;
    const a = this.ints[c], o = k * W;
    a[o] = kind + 4 * (reason ? REASONS.indexOf(reason) : 0);
    a[o + 1] = id;
    a[o + 2] = from;
    a[o + 3] = to;
    a[o + 4] = type;
    this.n++;
  }

  /** Every entry so far as objects (the same array, extended, on every call). */
  entries(): JournalEntry[] {
    const out = this.built, names = this.names;
    for (let i = out.length; i < this.n; i++) {
      const a = this.ints[i >> 11], o = (i & (CHUNK - 1)) * W;
      const e: JournalEntry = { time: this.times[i >> 11][i & (CHUNK - 1)] / 1000, kind: KINDS[a[o] & 3], id: a[o + 1], from: names[a[o + 2]], to: names[a[o + 3]], type: names[a[o + 4]] };
      const reason = REASONS[a[o] >> 2];
      if (reason) e.reason = reason;
      out.push(e);
    }
    return out;
  }
}
