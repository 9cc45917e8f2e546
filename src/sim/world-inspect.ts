/**
 * Data setup and inspection without traffic (writing rows straight into replicas, one replica's view
 * of a row, `nodetool repair`), and what a run leaves behind: Maelstrom-style statistics, the trace
 * the diagrams draw, and its hash.
 */
import type { Op } from './history';
import { type Frag, mergeInto } from './store';
import type { World } from './world';
import type { Trace, WorldStats } from './world-public';

/** Write a row straight into replicas (no traffic). Default: all replicas of the key, timestamp = now. */
export function cassandraPut(w: World, table: string, row: Record<string, unknown>, o: { nodes?: string[]; timestampUs?: number } = {}): void {
  const def = w.schema.cassandra[table];
  if (!def) throw new Error(`unconfigured table ${table}`);
  const key = row[def.key];
  if (key === undefined || key === null) throw new Error(`cassandraPut: the row needs its key column '${def.key}'`);
  const ts = o.timestampUs ?? (w.epochMs * 1000 + w.sched.now);
  const frag: Frag = { del: -Infinity, marker: ts, cells: {} };
  for (const [c, v] of Object.entries(row)) {
    if (c === def.key) continue;
    if (!(c in def.columns)) throw new Error(`Undefined column name ${c} in table ${table}`);
    frag.cells[c] = { v: v ?? null, ts, tomb: v === null };
  }
  const targets = o.nodes ? o.nodes.map((n) => w.cluster.node(n)) : w.cluster.replicas(table, key);
  for (const n of targets) n.apply(table, key, frag);
}

/** One replica's view of a row (what that node alone would return), or undefined. */
export function replicaRow(w: World, node: string, table: string, key: unknown): Record<string, unknown> | undefined {
  const def = w.schema.cassandra[table];
  if (!def) throw new Error(`unconfigured table ${table}`);
  const f = w.cluster.node(node).get(table, key);
  if (!f) return undefined;
  let any = f.marker > f.del;
  const row: Record<string, unknown> = { [def.key]: key };
  for (const c of Object.keys(def.columns)) {
    if (c === def.key) continue;
    const cell = f.cells[c];
    const liveCell = !!cell && !cell.tomb && cell.ts > f.del;
    if (liveCell) any = true;
    row[c] = liveCell ? cell.v : null;
  }
  return any ? row : undefined;
}

/**
 * `nodetool repair` (full, all tables): merge every key's replicas (LWW) and write the result back
 * to every live replica. Returns the number of replica rows that changed.
 */
export function repair(w: World, table?: string): number {
  let changed = 0;
  const tables = table ? [table] : Object.keys(w.schema.cassandra);
  for (const t of tables) {
    const keys = new Set<unknown>();
    for (const n of w.cluster.nodes) for (const k of n.table(t).keys()) keys.add(k);
    for (const k of keys) {
      const reps = w.cluster.replicas(t, k).filter((n) => n.ep.alive);
      const merged: Frag = { del: -Infinity, marker: -Infinity, cells: {} };
      for (const n of reps) { const f = n.get(t, k); if (f) mergeInto(merged, f); }
      for (const n of reps) if (n.apply(t, k, merged)) changed++;
    }
  }
  w.note('repair', { tables, changed });
  return changed;
}

/** Maelstrom-style statistics of everything so far. */
export function worldStats(w: World): WorldStats {
  const byType: Record<string, number> = { ok: 0, fail: 0, info: 0 };
  const byF: Record<string, Record<string, number>> = {};
  const lat: Record<string, number[]> = {};
  const inv = new Map<number, Op>();
  for (const op of w.history) {
    if (op.type === 'invoke') { inv.set(op.index, op); continue; }
    byType[op.type] = (byType[op.type] ?? 0) + 1;
    (byF[op.f] ??= { ok: 0, fail: 0, info: 0 })[op.type]++;
    const i = op.invoke !== undefined ? inv.get(op.invoke) : undefined;
    if (i) (lat[op.f] ??= []).push(op.time - i.time);
  }
  const q = (xs: number[], p: number) => {
    if (xs.length === 0) return null;
    const s = xs.slice().sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(p * s.length))];
  };
  const latency: Record<string, { p50: number | null; p95: number | null; p99: number | null; max: number | null }> = {};
  for (const [f, xs] of Object.entries(lat)) latency[f] = { p50: q(xs, 0.5), p95: q(xs, 0.95), p99: q(xs, 0.99), max: q(xs, 1) };
  let sent = 0, delivered = 0, dropped = 0;
  const dropReasons: Record<string, number> = {};
  for (const j of w.net.journal) {
    if (j.kind === 'send') sent++;
    else if (j.kind === 'deliver') delivered++;
    else { dropped++; dropReasons[j.reason ?? '?'] = (dropReasons[j.reason ?? '?'] ?? 0) + 1; }
  }
  const opsDone = byType.ok + byType.fail + byType.info;
  const faults: Record<string, number> = {};
  for (const f of w.faultLog) faults[f.fault.kind] = (faults[f.fault.kind] ?? 0) + 1;
  return {
    ops: { total: opsDone, ok: byType.ok, fail: byType.fail, info: byType.info, byF },
    messages: { sent, delivered, dropped, dropReasons, perOp: opsDone > 0 ? Math.round((sent / opsDone) * 100) / 100 : 0 },
    latencyMs: latency,
    faults,
    events: w.sched.executed,
    virtualMs: w.now,
  };
}

/**
 * The whole run as data, as it is now: its history is a copy of the world's (a run that goes on adds
 * driver calls' records to the world's array as entries made only when the world's array is read:
 * ./history `RecordLog`; a trace kept meanwhile holds records only).
 */
export function worldTrace(w: World): Trace {
  return {
    version: 1,
    seed: w.seed,
    nodes: w.cluster.nodes.map((n) => ({ id: n.id, zone: n.ep.zone })),
    clients: [...w.net.endpoints.values()].filter((e) => e.kind !== 'node').map((e) => ({ id: e.id, zone: e.zone, kind: e.kind })),
    faults: w.faultLog,
    history: w.history.slice(),
    journal: w.net.journal,
    notes: w.notes,
    endMs: w.now,
  };
}

/** 64-bit hash of the trace: same code and seed → same hash. */
export function traceHash(w: World): string {
  const s = JSON.stringify(worldTrace(w));
  // two independent 32-bit FNV-1a-style hashes in one pass → 64 bits
  let a = 0x811c9dc5, b = (0x01000193 ^ w.seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
