/** Cassandra-like row storage: per-cell write timestamps, last-write-wins, row tombstones. */
import { hashString } from './rng';

export interface Cell {
  v: unknown;
  /** write timestamp, µs */
  ts: number;
  tomb: boolean;
}

/** A row fragment: what a replica stores for one partition, or what a mutation carries. */
export interface Frag {
  /** row tombstone timestamp (-Infinity: none). A cell with ts <= del is deleted (tie: tombstone wins). */
  del: number;
  /** row marker (written by INSERT) timestamp, -Infinity if none */
  marker: number;
  cells: Record<string, Cell>;
}

export function emptyFrag(): Frag {
  return { del: -Infinity, marker: -Infinity, cells: {} };
}

function typeRank(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'boolean') return 1;
  if (typeof v === 'number') return 2;
  if (typeof v === 'string') return 3;
  return 4;
}

/** Total order on values for the LWW tie-break ("larger value wins"). */
export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a), rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 1 || ra === 2 || ra === 3) return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  if (ra === 4) {
    const sa = JSON.stringify(a), sb = JSON.stringify(b);
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  }
  return 0;
}

/** Cassandra's Cells.resolveRegular: higher timestamp wins; tie: tombstone, then larger value. */
export function reconcile(a: Cell, b: Cell): Cell {
  if (a.ts !== b.ts) return a.ts > b.ts ? a : b;
  if (a.tomb !== b.tomb) return a.tomb ? a : b;
  return compareValues(a.v, b.v) >= 0 ? a : b;
}

/** Merge `src` into `dst` (mutates dst). Returns true if dst changed. */
export function mergeInto(dst: Frag, src: Frag): boolean {
  let changed = false;
  if (src.del > dst.del) { dst.del = src.del; changed = true; }
  if (src.marker > dst.marker) { dst.marker = src.marker; changed = true; }
  for (const col in src.cells) {
    const s = src.cells[col];
    const d = dst.cells[col];
    if (!d) { dst.cells[col] = s; changed = true; continue; }
    const w = reconcile(d, s);
    if (w !== d) { dst.cells[col] = w; changed = true; }
  }
  return changed;
}

export function cloneFrag(f: Frag): Frag {
  const cells: Record<string, Cell> = {};
  for (const c in f.cells) cells[c] = f.cells[c];
  return { del: f.del, marker: f.marker, cells };
}

/** Is the cell visible (live) given the row tombstone? */
export function live(c: Cell | undefined, del: number): boolean {
  return !!c && !c.tomb && c.ts > del;
}

/** The row as the client sees it, or null when nothing is live. */
export function view(f: Frag | undefined, keyCol: string, key: unknown, columns: readonly string[]): Record<string, unknown> | null {
  if (!f) return null;
  let any = f.marker > f.del;
  for (const c in f.cells) if (live(f.cells[c], f.del)) { any = true; break; }
  if (!any) return null;
  const row: Record<string, unknown> = {};
  for (const col of columns) {
    if (col === keyCol) row[col] = key;
    else {
      const c = f.cells[col];
      row[col] = live(c, f.del) ? c.v : null;
    }
  }
  return row;
}

function mixNum(n: number, h: number): number {
  if (!Number.isFinite(n)) return Math.imul(h ^ (n > 0 ? 0x7f800000 : n < 0 ? 0xff800000 : 0x7fc00000), 0x01000193) >>> 0;
  h = Math.imul(h ^ (n | 0), 0x01000193);
  h = Math.imul(h ^ (Math.floor(n / 4294967296) | 0), 0x01000193);
  if (!Number.isInteger(n)) h = hashString(String(n), h);
  return h >>> 0;
}

function mixVal(v: unknown, h: number): number {
  switch (typeof v) {
    case 'string': return hashString(v, Math.imul(h ^ 0x73, 0x01000193) >>> 0);
    case 'number': return mixNum(v, Math.imul(h ^ 0x6e, 0x01000193) >>> 0);
    case 'boolean': return Math.imul(h ^ (v ? 0x74 : 0x66), 0x01000193) >>> 0;
    default: return v === null || v === undefined ? Math.imul(h ^ 0x30, 0x01000193) >>> 0 : hashString(JSON.stringify(v), h);
  }
}

/** Digest of a fragment (equal data ⇒ equal digest). Allocation-light: numbers are mixed in directly. */
export function digest(f: Frag | undefined): number {
  if (!f) return 0;
  let h = mixNum(f.del, 0x811c9dc5);
  h = mixNum(f.marker, h);
  let only: string | undefined, count = 0;
  for (const c in f.cells) { if (++count > 1) break; only = c; }
  if (count === 1) return mixCell(only!, f.cells[only!], h); // one column: no list to sort
  const cols = Object.keys(f.cells);
  if (cols.length > 1) cols.sort();
  for (let i = 0; i < cols.length; i++) h = mixCell(cols[i], f.cells[cols[i]], h);
  return h;
}

function mixCell(col: string, x: Cell, h: number): number {
  h = hashString(col, h);
  h = mixNum(x.ts, h);
  h = Math.imul(h ^ (x.tomb ? 1 : 2), 0x01000193) >>> 0;
  return mixVal(x.v, h);
}

export function fragsEqual(a: Frag | undefined, b: Frag | undefined): boolean {
  return digest(a) === digest(b);
}

/** Rough serialized size in bytes (for hint throttling). */
export function fragBytes(f: Frag): number {
  let n = 64;
  for (const c in f.cells) n += c.length + 16 + (typeof f.cells[c].v === 'string' ? (f.cells[c].v as string).length : 8);
  return n;
}
