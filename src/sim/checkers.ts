/**
 * Checkers over a run's history and final state. Each returns { valid: true | false | 'unknown',
 * reason, witness } and never throws on odd input.
 */
import type { Op } from './history';
import { pairs } from './history';
import { worldOf } from './world';
import type { PublicWorld } from './world-public';
import { emptyFrag, mergeInto, view } from './store';

export interface Verdict {
  valid: true | false | 'unknown';
  reason: string;
  witness?: unknown;
}

interface Done {
  invoke: Op;
  done: Op;
}

interface WriteRec {
  p: Done;
  /** completed (ok) or unknown outcome (info/fail) */
  acked: boolean;
  /** history indices of invoke and completion: real-time order, exact even at equal virtual times */
  start: number;
  end: number;
}

interface ReadRec {
  p: Done;
  /** history indices */
  start: number;
  end: number;
  row: Record<string, unknown> | null;
}

function keyCol(key: string, col: string): string {
  return key + '#' + col;
}

/** Index Cassandra writes by (key, column) and by (key, column, value). */
function index(history: readonly Op[]) {
  const writes = new Map<string, WriteRec[]>();
  const reads: ReadRec[] = [];
  for (const pr of pairs(history)) {
    const { invoke, done } = pr;
    if (!done || invoke.key === undefined) continue;
    const p = { invoke, done };
    if (invoke.f === 'write' || invoke.f === 'delete') {
      const v = invoke.value as { cells?: Record<string, unknown> | null };
      // a definite failure (Unavailable) never applied; ok = acknowledged; info = unknown outcome
      if (done.type === 'fail') continue;
      const rec: WriteRec = { p, acked: done.type === 'ok', start: invoke.index, end: done.index };
      const cells = v.cells ?? null;
      if (cells === null) {
        // row delete: every column becomes null
        const k = invoke.key + '#*';
        let a = writes.get(k);
        if (!a) writes.set(k, (a = []));
        a.push(rec);
      } else {
        for (const c of Object.keys(cells)) {
          const k = keyCol(invoke.key, c);
          let a = writes.get(k);
          if (!a) writes.set(k, (a = []));
          a.push(rec);
        }
      }
    } else if (invoke.f === 'read' && done.type === 'ok') {
      reads.push({ p, start: invoke.index, end: done.index, row: ((done.value as { row?: Record<string, unknown> | null }).row ?? null) });
    }
  }
  return { writes, reads };
}

function cellOf(w: WriteRec, col: string): unknown {
  const cells = (w.p.invoke.value as { cells?: Record<string, unknown> | null }).cells;
  if (!cells) return null;
  return cells[col] ?? null;
}

function writesFor(writes: Map<string, WriteRec[]>, key: string, col: string): WriteRec[] {
  return [...(writes.get(keyCol(key, col)) ?? []), ...(writes.get(key + '#*') ?? [])];
}

/** Candidate writes that could have produced `value` for (key, col); empty = the initial value. */
function sources(ws: WriteRec[], col: string, value: unknown): WriteRec[] {
  const sv = JSON.stringify(value ?? null);
  return ws.filter((w) => JSON.stringify(cellOf(w, col) ?? null) === sv);
}

function brief(op: Op): Record<string, unknown> {
  return { process: op.process, type: op.type, f: op.f, key: op.key, value: op.value, time: op.time };
}

interface StaleFinding {
  read: ReadRec;
  col: string;
  returned: unknown;
  newer: WriteRec;
  behind: number;
}

/** A read is stale when it returns a value older (in real time) than a write acknowledged before the read began. */
function findStale(reads: ReadRec[], writes: Map<string, WriteRec[]>, filter?: (r: ReadRec, w: WriteRec) => boolean): StaleFinding[] {
  const out: StaleFinding[] = [];
  for (const r of reads) {
    const key = r.p.invoke.key!;
    const cols = new Set<string>();
    for (const k of writes.keys()) if (k.startsWith(key + '#') && !k.endsWith('#*')) cols.add(k.slice(key.length + 1));
    for (const col of cols) {
      // a read that selected some columns says nothing about the others (a missing row says it for all)
      if (r.row && !(col in r.row)) continue;
      const ws = writesFor(writes, key, col);
      const ackedBefore = ws.filter((w) => w.acked && w.end < r.start && (!filter || filter(r, w)));
      if (ackedBefore.length === 0) continue;
      const returned = r.row ? (r.row[col] ?? null) : null;
      const src = sources(ws, col, returned);
      // stale if, for every write that could have produced the value, some acked write started after it finished
      let worstNewer: WriteRec | undefined;
      let minBehind = Infinity;
      let fresh = false;
      const cands = src.length > 0 ? src : [null];
      for (const s of cands) {
        const newer = ackedBefore.filter((w) => (s === null ? true : s.end < w.start));
        if (newer.length === 0) { fresh = true; break; }
        if (newer.length < minBehind) {
          minBehind = newer.length;
          worstNewer = newer.reduce((a, b) => (a.end <= b.end ? a : b));
        }
      }
      if (!fresh && worstNewer) out.push({ read: r, col, returned, newer: worstNewer, behind: minBehind });
    }
  }
  return out;
}

function staleVerdict(found: StaleFinding[], reads: number, what: string): Verdict {
  if (reads === 0) return { valid: 'unknown', reason: `no successful reads to check for ${what}` };
  if (found.length === 0) return { valid: true, reason: `${reads} reads checked: none returned a value older than an acknowledged write that completed before it began` };
  const f = found[0];
  return {
    valid: false,
    reason: `${found.length} stale read(s); e.g. ${f.read.p.invoke.process} read ${f.read.p.invoke.key} at ${f.read.p.invoke.time} ms and got ${f.col}=${JSON.stringify(f.returned)}, ${f.behind} version(s) behind a write acknowledged at ${f.newer.p.done.time} ms (${Math.round((f.read.p.invoke.time - f.newer.p.done.time) * 1000) / 1000} ms earlier)`,
    witness: { read: brief(f.read.p.done), readInvoke: brief(f.read.p.invoke), column: f.col, returned: f.returned, newerWrite: brief(f.newer.p.invoke), newerAck: brief(f.newer.p.done), versionsBehind: f.behind, msSinceNewerAck: f.read.p.invoke.time - f.newer.p.done.time, count: found.length },
  };
}

export function staleReads(history: readonly Op[]): Verdict {
  try {
    const { writes, reads } = index(history);
    return staleVerdict(findStale(reads, writes), reads.length, 'staleness');
  } catch (e) {
    return { valid: 'unknown', reason: `checker could not analyse the history: ${(e as Error).message}` };
  }
}

export function readYourWrites(history: readonly Op[]): Verdict {
  try {
    const { writes, reads } = index(history);
    return staleVerdict(findStale(reads, writes, (r, w) => r.p.invoke.process === w.p.invoke.process), reads.length, 'read-your-writes');
  } catch (e) {
    return { valid: 'unknown', reason: `checker could not analyse the history: ${(e as Error).message}` };
  }
}

export function monotonicReads(history: readonly Op[]): Verdict {
  try {
    const { writes, reads } = index(history);
    if (reads.length === 0) return { valid: 'unknown', reason: 'no successful reads to check' };
    const byProc = new Map<string, ReadRec[]>();
    for (const r of reads) {
      const k = r.p.invoke.process + '|' + r.p.invoke.key;
      let a = byProc.get(k);
      if (!a) byProc.set(k, (a = []));
      a.push(r);
    }
    for (const rs of byProc.values()) {
      for (let i = 1; i < rs.length; i++) {
        const r1 = rs[i - 1], r2 = rs[i];
        if (r1.end >= r2.start) continue;
        const key = r1.p.invoke.key!;
        const cols = new Set<string>([...Object.keys(r1.row ?? {}), ...Object.keys(r2.row ?? {})]);
        for (const col of cols) {
          if ((r1.row && !(col in r1.row)) || (r2.row && !(col in r2.row))) continue;
          const ws = writesFor(writes, key, col);
          const s1 = sources(ws, col, r1.row ? r1.row[col] ?? null : null);
          const s2 = sources(ws, col, r2.row ? r2.row[col] ?? null : null);
          if (s1.length === 0) continue; // r1 saw the initial value: nothing is older
          // violation when every source of r2's value finished before every source of r1's value started
          const older = (s2.length === 0 ? [null] : s2).every((b) => s1.every((a) => b === null || b.end < a.start));
          if (older) {
            return {
              valid: false,
              reason: `${r2.p.invoke.process} read ${key} twice: ${col}=${JSON.stringify(r1.row?.[col] ?? null)} at ${r1.p.invoke.time} ms, then the older ${col}=${JSON.stringify(r2.row?.[col] ?? null)} at ${r2.p.invoke.time} ms`,
              witness: { first: brief(r1.p.done), second: brief(r2.p.done), column: col },
            };
          }
        }
      }
    }
    return { valid: true, reason: `${reads.length} reads checked: no process saw a key go back in time` };
  } catch (e) {
    return { valid: 'unknown', reason: `checker could not analyse the history: ${(e as Error).message}` };
  }
}

/** Consistency levels that read from a quorum or more: QUORUM, ALL, LOCAL_QUORUM, EACH_QUORUM, SERIAL, LOCAL_SERIAL. */
const QUORUM_LEVELS: readonly number[] = [0x04, 0x05, 0x06, 0x07, 0x08, 0x09];

/** The write-timestamp interval of the writes that could have produced a read's value; undefined = unordered. */
function versionOf(ws: WriteRec[], col: string, value: unknown): { lo: number; hi: number } | undefined {
  const src = sources(ws, col, value);
  const stamps: number[] = value === null || value === undefined ? [-Infinity] : [];
  for (const w of src) {
    const ts = (w.p.invoke.value as { timestamp?: unknown }).timestamp;
    if (typeof ts !== 'number' || !Number.isFinite(ts)) return undefined;
    stamps.push(ts);
  }
  if (stamps.length === 0) return undefined;
  return { lo: Math.min(...stamps), hi: Math.max(...stamps) };
}

/**
 * Monotonic quorum reads (Cassandra's promise with read_repair = 'blocking'): once a read at QUORUM
 * (or stronger) has returned a value, no read at such a level that begins after it returned — from
 * any client — returns an older one. "Older" is last-write-wins order: the write timestamps of the
 * writes that could have produced each value. Reads overlapping each other may differ. Values written
 * with server-side timestamps (no timestamp in the history) are not ordered, so they are not judged.
 */
export function monotonicQuorumReads(history: readonly Op[], o: { consistencies?: readonly number[] } = {}): Verdict {
  try {
    const levels = o.consistencies ?? QUORUM_LEVELS;
    const { writes, reads } = index(history);
    const qreads = reads.filter((r) => levels.includes((r.p.invoke.value as { cl?: number }).cl ?? -1));
    if (qreads.length === 0) return { valid: 'unknown', reason: 'no successful quorum reads to check' };
    // per (key, column): walk invokes and completions in history order, keeping the newest version returned so far
    type Seen = { lo: number; read: ReadRec; value: unknown };
    const events: Array<{ at: number; kind: 'start' | 'end'; r: ReadRec }> = [];
    for (const r of qreads) { events.push({ at: r.start, kind: 'start', r }, { at: r.end, kind: 'end', r }); }
    events.sort((a, b) => a.at - b.at);
    const newest = new Map<string, Seen>();
    const floor = new Map<ReadRec, Map<string, Seen>>();
    let compared = 0;
    for (const e of events) {
      const key = e.r.p.invoke.key!;
      if (e.kind === 'start') {
        const snap = new Map<string, Seen>();
        for (const [k, v] of newest) if (k.startsWith(key + '#')) snap.set(k, v);
        floor.set(e.r, snap);
        continue;
      }
      const cols = new Set<string>();
      for (const k of writes.keys()) if (k.startsWith(key + '#') && !k.endsWith('#*')) cols.add(k.slice(key.length + 1));
      for (const col of cols) {
        if (e.r.row && !(col in e.r.row)) continue;
        const value = e.r.row ? (e.r.row[col] ?? null) : null;
        const ver = versionOf(writesFor(writes, key, col), col, value);
        if (!ver) continue;
        const kc = keyCol(key, col);
        const before = floor.get(e.r)!.get(kc);
        if (before) {
          compared++;
          if (ver.hi < before.lo) {
            const r1 = before.read, r2 = e.r;
            return {
              valid: false,
              reason: `${r1.p.invoke.process} read ${key} at ${r1.p.invoke.time} ms and got ${col}=${JSON.stringify(before.value)}; ${r2.p.invoke.process}'s later quorum read at ${r2.p.invoke.time} ms (begun after that one returned) got the older ${col}=${JSON.stringify(value)}`,
              witness: { first: brief(r1.p.done), firstInvoke: brief(r1.p.invoke), second: brief(r2.p.done), secondInvoke: brief(r2.p.invoke), column: col },
            };
          }
        }
        const cur = newest.get(kc);
        if (!cur || ver.lo > cur.lo) newest.set(kc, { lo: ver.lo, read: e.r, value });
      }
    }
    if (compared === 0) return { valid: 'unknown', reason: `${qreads.length} quorum reads, but none began after another read of the same key had returned` };
    return { valid: true, reason: `${qreads.length} quorum reads checked (${compared} ordered pairs): none returned a value older than one an earlier quorum read had returned` };
  } catch (e) {
    return { valid: 'unknown', reason: `checker could not analyse the history: ${(e as Error).message}` };
  }
}

/** The read model's row as a full repair would leave it: all replicas merged (LWW). */
export function mergedRow(pub: PublicWorld, table: string, key: unknown): Record<string, unknown> | null {
  const world = worldOf(pub);
  const def = world.schema.cassandra[table];
  const merged = emptyFrag();
  let any = false;
  for (const n of world.cluster.replicas(table, key)) {
    const f = n.get(table, key);
    if (f) { mergeInto(merged, f); any = true; }
  }
  return any ? view(merged, def.key, key, Object.keys(def.columns)) : null;
}

/** Every event is in the read model (merged replicas) or in the DLQ topic. */
export function nothingLost(world: PublicWorld, o: { eventIds: string[]; table?: string; dlqTopic?: string; idOfMessage?: (value: string | null, key: string | null) => string | undefined }): Verdict {
  try {
    const table = o.table ?? 'orders';
    const topic = o.dlqTopic ?? 'orders-dlq';
    const idOf = o.idOfMessage ?? ((v: string | null, k: string | null) => {
      if (k) return k;
      try { const j = JSON.parse(v ?? ''); return j?.event?.orderId ?? j?.event?.id ?? j?.orderId ?? j?.id; } catch { return undefined; }
    });
    const inDlq = new Set<string>();
    for (const m of world.topic(topic).messages) { const id = idOf(m.value, m.key); if (id !== undefined) inDlq.add(String(id)); }
    const lost = o.eventIds.filter((id) => !inDlq.has(id) && mergedRow(world, table, id) === null);
    if (o.eventIds.length === 0) return { valid: 'unknown', reason: 'no events to check' };
    if (lost.length === 0) return { valid: true, reason: `all ${o.eventIds.length} events are in the read model or in ${topic}` };
    return { valid: false, reason: `${lost.length} of ${o.eventIds.length} events are neither in the read model nor in ${topic}, e.g. ${lost[0]}`, witness: { lost: lost.slice(0, 5), count: lost.length } };
  } catch (e) {
    return { valid: 'unknown', reason: `checker failed: ${(e as Error).message}` };
  }
}

/** After heal: every replica of every PostgreSQL row holds the same values for `columns`. */
export function convergence(pub: PublicWorld, o: { pgTable?: string; table?: string; columns: string[]; perReplica?: boolean }): Verdict {
  try {
    const world = worldOf(pub);
    const pgTable = o.pgTable ?? 'orders', table = o.table ?? 'orders';
    const def = world.schema.cassandra[table];
    const rows = world.pgRows(pgTable);
    if (rows.length === 0) return { valid: 'unknown', reason: `PostgreSQL table ${pgTable} is empty` };
    const pgKey = world.schema.pg[pgTable].key;
    for (const r of rows) {
      const key = r[pgKey];
      const targets = o.perReplica === false ? [null] : world.cluster.replicas(table, key).map((n) => n.id);
      for (const node of targets) {
        const cr = node === null ? mergedRow(world, table, key) : world.replicaRow(node, table, key) ?? null;
        const diff = o.columns.filter((c) => JSON.stringify(cr?.[c] ?? null) !== JSON.stringify(r[c] ?? null));
        if (!cr || diff.length > 0) {
          return {
            valid: false,
            reason: `${node ? 'replica ' + node : 'the read model'} ${cr ? 'differs from' : 'is missing'} PostgreSQL for ${def.key}=${String(key)}${cr ? ' in ' + diff.join(', ') : ''}`,
            witness: { key, node, postgres: r, cassandra: cr },
          };
        }
      }
    }
    return { valid: true, reason: `${rows.length} rows: every replica matches PostgreSQL on ${o.columns.join(', ')}` };
  } catch (e) {
    return { valid: 'unknown', reason: `checker failed: ${(e as Error).message}` };
  }
}

/** The same effect (e.g. a DLQ message for one event, an alert) produced more than once. */
export function duplicateEffects(effects: ReadonlyArray<{ kind: string; id: string; time?: number }>): Verdict {
  const seen = new Map<string, number>();
  const dups: Array<{ kind: string; id: string; count: number }> = [];
  for (const e of effects) {
    const k = e.kind + '\u0000' + e.id;
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    if (n === 2) dups.push({ kind: e.kind, id: e.id, count: 2 });
  }
  for (const d of dups) d.count = seen.get(d.kind + '\u0000' + d.id)!;
  if (effects.length === 0) return { valid: 'unknown', reason: 'no effects recorded' };
  if (dups.length === 0) return { valid: true, reason: `${effects.length} effects, each once` };
  return { valid: false, reason: `${dups.length} effect(s) happened more than once, e.g. ${dups[0].kind} for ${dups[0].id} ×${dups[0].count}`, witness: dups.slice(0, 5) };
}

/** DLQ messages of a topic as effects keyed by event id. */
export function topicEffects(world: PublicWorld, topic: string, idOf?: (value: string | null, key: string | null) => string | undefined): Array<{ kind: string; id: string; time?: number }> {
  const f = idOf ?? ((_v: string | null, k: string | null) => k ?? undefined);
  return world.topic(topic).messages.map((m) => ({ kind: topic, id: String(f(m.value, m.key) ?? m.offset) }));
}
