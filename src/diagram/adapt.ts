/**
 * Simulator trace (`world.trace()`, docs/CONTRACTS.md "Simulator API") → the renderer's DiagramTrace.
 * Kept loose on input (unknown fields ignored) so the renderer survives additive changes to the
 * simulator's trace; what it needs is checked by validateTrace afterwards.
 */
import { inferKind, type DiagramMark, type DiagramNode, type DiagramOp, type DiagramSpan, type DiagramTrace, type SpanKind } from './model';

export interface SimOpLike {
  process: string | number;
  type: 'invoke' | 'ok' | 'fail' | 'info';
  f: string;
  key?: unknown;
  value?: unknown;
  time: number;
  error?: unknown;
  [k: string]: unknown;
}
export interface SimJournalLike {
  time: number;
  kind: 'send' | 'deliver' | 'drop';
  id: number | string;
  from: string;
  to: string;
  type?: string;
  reason?: string;
}
export interface SimFaultLike {
  at: number;
  kind: string;
  [k: string]: unknown;
}
export interface SimTraceLike {
  seed?: number;
  /** `{ at, kind, … }` schedule entries or the world's log `{ time, fault: { kind, … } }`. */
  faults?: Array<SimFaultLike | { time: number; fault: { kind: string; [k: string]: unknown } }>;
  nodes?: Array<{ id: string; zone?: string }>;
  clients?: Array<{ id: string; zone?: string; kind?: string }>;
  notes?: Array<{ time: number; kind: string; data?: Record<string, unknown> }>;
  endMs?: number;
  history?: SimOpLike[];
  journal?: SimJournalLike[];
  endpoints?: Array<{ id: string; zone?: string; kind?: string }>;
  [k: string]: unknown;
}

export interface AdaptOptions {
  title?: string;
  description?: string;
  /** Values each replica holds at the end (e.g. from world.replicaRow), shown under the lanes. */
  final?: Record<string, unknown>;
  expected?: unknown;
  /** Extra annotations (e.g. "hint stored", "digest mismatch") to draw on lanes. */
  marks?: DiagramMark[];
  /** Checker verdicts: operations (by history index of their completion) that read stale data. */
  staleOps?: number[];
  /** Only keep journal entries of these message types (e.g. drop gossip). */
  messageFilter?: (m: SimJournalLike) => boolean;
  /** Drop lanes/messages for these endpoints. */
  hide?: string[];
  /** Display names for lanes. */
  labels?: Record<string, string>;
  /** Draw several endpoints as one lane (e.g. an API's pg pool and its Cassandra client): id → lane id. */
  alias?: Record<string, string>;
  /** How to show an operation's value (default: the single column read/written, "not found", …). */
  opValue?: (op: SimOpLike) => unknown;
  /** Notes to skip (by kind); the rest become marks on their node's lane. */
  skipNotes?: string[];
}

const CL_NAME: Record<number, string> = {
  0: 'ANY', 1: 'ONE', 2: 'TWO', 3: 'THREE', 4: 'QUORUM', 5: 'ALL', 6: 'LOCAL_QUORUM', 7: 'EACH_QUORUM', 8: 'SERIAL', 9: 'LOCAL_SERIAL', 10: 'LOCAL_ONE',
};
const RESPONSE_CODE: Record<number, string> = { 0x1000: 'Unavailable', 0x1100: 'WriteTimeout', 0x1200: 'ReadTimeout', 0x1001: 'Overloaded', 0x2000: 'SyntaxError', 0x2200: 'Invalid' };

/** "ResponseError 0x1000" → "Unavailable"; driver timeouts → "client timeout". */
export function errName(e: unknown): string | undefined {
  if (e === undefined || e === null) return undefined;
  if (typeof e === 'string') return e;
  if (typeof e === 'object') {
    const o = e as Record<string, unknown>;
    if (typeof o.code === 'number' && RESPONSE_CODE[o.code]) return RESPONSE_CODE[o.code];
    const m0 = String(o.message ?? '');
    // Names can be minified away in browser builds: recognise the driver's errors by their messages too.
    if (o.name === 'OperationTimedOutError' || /^Operation timed out|client timeout/i.test(m0)) return 'client timeout';
    if (o.name === 'NoHostAvailableError' || /^All host\(s\) tried for query failed/.test(m0)) {
      const msg = String(o.message ?? '');
      const inner = /Not enough replicas|Server timeout during (?:read|write|batchlog)|Cannot achieve consistency|Unavailable|Operation timed out - received only|ReadTimeout|WriteTimeout|OperationTimedOut|DOWN/i.exec(msg)?.[0] ?? '';
      const word = /Cannot achieve|Unavailable|Not enough replicas/i.test(inner)
        ? 'Unavailable'
        : /DOWN/.test(inner)
          ? 'host down'
          : /OperationTimedOut/.test(inner)
            ? 'client timeout'
            : /received only|Timeout|Server timeout/i.test(inner)
              ? (/write/i.test(msg) ? 'WriteTimeout' : 'ReadTimeout')
              : '';
      return word ? `NoHostAvailable (${word})` : 'NoHostAvailable';
    }
    if (o.code === '57P01') return 'PostgreSQL down';
    return String(o.name ?? o.code ?? o.message ?? JSON.stringify(o));
  }
  return String(e);
}

function cellValue(cells: unknown): unknown {
  if (!cells || typeof cells !== 'object') return cells;
  const entries = Object.entries(cells as Record<string, unknown>).filter(([k]) => k !== 'id' && k !== 'key');
  if (entries.length === 1) return entries[0][1];
  return Object.fromEntries(entries);
}

/** Default presentation of an operation's value: the simulator records rich objects. */
export function defaultOpValue(op: SimOpLike): unknown {
  const v = op.value as Record<string, unknown> | null | undefined;
  if (!v || typeof v !== 'object') return v;
  if (op.f === 'read') {
    if (op.type !== 'ok') return undefined;
    return v.row === null || v.row === undefined ? 'not found' : cellValue(v.row);
  }
  if (op.f === 'write') return cellValue(v.cells);
  if (op.f === 'delete') return 'delete';
  if (op.f.startsWith('pg')) {
    if (op.type === 'ok' && Array.isArray(v.rows)) return op.f === 'pg-read' ? (v.rows.length ? `${v.rows.length} row${v.rows.length === 1 ? '' : 's'}` : 'not found') : 'committed';
    return undefined;
  }
  return undefined;
}

function fmtKeyed(op: SimOpLike): string {
  const key = op.key === undefined || op.key === null ? '' : String(op.key).replace(/^[a-z_]+\//, '');
  return key ? `${op.f} ${key}` : op.f;
}

export function fromSimTrace(input: SimTraceLike, opt: AdaptOptions = {}): DiagramTrace {
  const al = opt.alias ?? {};
  const A = (id: string) => al[id] ?? id;
  const sim: SimTraceLike = Object.keys(al).length
    ? {
        ...input,
        history: input.history?.map((h) => ({ ...h, process: A(String(h.process)) })),
        journal: input.journal?.map((m) => ({ ...m, from: A(m.from), to: A(m.to) })),
        clients: input.clients?.filter((c) => !(c.id in al) || !input.clients!.some((d) => d.id === al[c.id])).map((c) => ({ ...c, id: A(c.id) })),
        notes: input.notes?.map((n) => (typeof n.data?.node === 'string' ? { ...n, data: { ...n.data, node: A(n.data.node) } } : n)),
      }
    : input;
  const hide = new Set(opt.hide ?? []);
  const stale = new Set(opt.staleOps ?? []);
  const journal = (sim.journal ?? []).filter((m) => !hide.has(m.from) && !hide.has(m.to) && (opt.messageFilter?.(m) ?? true));
  const opValue = opt.opValue ?? defaultOpValue;
  const history: DiagramOp[] = (sim.history ?? []).map((op, i) => {
    const o: DiagramOp = { process: op.process, type: op.type, f: fmtKeyed(op), value: opValue(op), time: op.time };
    if (op.type === 'fail' || op.type === 'info') o.error = errName(op.error ?? (op.type === 'info' ? 'timeout' : undefined));
    if (typeof op.node === 'string') o.node = op.node;
    const v = op.value as { cl?: unknown } | null | undefined;
    const cl = op.consistency ?? op.cl ?? (v && typeof v === 'object' ? v.cl : undefined);
    if (typeof cl === 'string') o.cl = cl;
    else if (typeof cl === 'number' && CL_NAME[cl]) o.cl = CL_NAME[cl];
    if (stale.has(i) || op.stale === true) o.stale = true;
    return o;
  });

  const ids = new Set<string>();
  for (const m of journal) {
    ids.add(m.from);
    ids.add(m.to);
  }
  const zoneOf = new Map<string, string>();
  const endpoints = [
    ...(sim.endpoints ?? []),
    ...(sim.nodes ?? []).map((n) => ({ ...n, kind: 'node' })),
    ...(sim.clients ?? []).map((c) => ({ ...c, kind: c.kind === 'service' ? 'service' : 'client' })),
  ];
  for (const e of endpoints) if (e.zone) zoneOf.set(e.id, e.zone);
  const nodes: DiagramNode[] = [];
  const seen = new Set<string>();
  const addNode = (id: string, kindHint?: string) => {
    if (seen.has(id) || hide.has(id)) return;
    seen.add(id);
    const inferred = inferKind(id);
    const kind = kindHint === 'client' && (inferred === 'other' || inferred === 'replica' || inferred === 'coordinator') ? 'client' : inferred;
    const zone = zoneOf.get(id) ?? (/^[A-I]$/.test(id) ? ['A', 'B', 'C'][id.charCodeAt(0) - 65] ?? undefined : undefined);
    nodes.push({ id, kind, zone, label: opt.labels?.[id] });
  };
  for (const e of endpoints) if (ids.has(e.id) || e.kind === 'node') addNode(e.id, e.kind);
  for (const id of ids) addNode(id);
  for (const op of sim.history ?? []) addNode(String(op.process), 'client');

  const end = Math.max(
    0,
    ...journal.map((m) => m.time),
    ...(sim.history ?? []).map((o) => o.time),
  );
  const faults: SimFaultLike[] = (sim.faults ?? []).map((f) => {
    const logged = f as { time?: number; fault?: { kind: string; [k: string]: unknown } };
    return logged.fault && typeof logged.fault === 'object'
      ? ({ ...logged.fault, at: Number(logged.time), kind: String(logged.fault.kind) } as SimFaultLike)
      : (f as SimFaultLike);
  });
  const spans = faultsToSpans(faults, nodes, Math.max(end, sim.endMs ?? 0));
  const skip = new Set(opt.skipNotes ?? ['sampled-schedule']);
  const noteMarks: DiagramMark[] = (sim.notes ?? [])
    .filter((n) => !skip.has(n.kind) && typeof n.data?.node === 'string' && seen.has(n.data.node as string))
    .map((n) => ({
      time: n.time,
      node: n.data!.node as string,
      text: `${n.kind.replace(/-/g, ' ')}${typeof n.data?.target === 'string' ? ` (${n.data.target})` : ''}`,
      kind: /not-stored|cap|drop|fail/.test(n.kind) ? ('error' as const) : ('info' as const),
    }));
  return {
    title: opt.title,
    description: opt.description,
    nodes,
    history,
    network: journal.map((m) => ({ event: m.kind, id: m.id, from: m.from, to: m.to, time: m.time, type: m.type, reason: m.reason })),
    spans,
    marks: [...noteMarks, ...(opt.marks ?? [])],
    final: opt.final,
    expected: opt.expected,
    end: Math.max(end, sim.endMs ?? 0),
  };
}

function faultsToSpans(faults: SimFaultLike[], nodes: DiagramNode[], end: number): DiagramSpan[] {
  const out: DiagramSpan[] = [];
  const sorted = [...faults].sort((a, b) => a.at - b.at);
  const inZone = (z: string) => nodes.filter((n) => n.zone === z || n.id === z).map((n) => n.id);
  const open = (kind: SpanKind, nodesHit: string[], start: number, label: string, closeKinds: string[], match?: (f: SimFaultLike) => boolean) => {
    const closer = sorted.find((f) => f.at >= start && closeKinds.includes(f.kind) && (match ? match(f) : true));
    out.push({ kind, nodes: nodesHit, start, end: closer ? closer.at : undefined, label });
  };
  for (const f of sorted) {
    switch (f.kind) {
      case 'isolate': {
        const z = String(f.zone);
        open('partition', inZone(z), f.at, `zone ${z} isolated`, ['heal']);
        break;
      }
      case 'partition': {
        const groups = (f.groups as string[][] | undefined) ?? [];
        const largest = Math.max(...groups.map((g) => g.length));
        const minority = groups.filter((g) => g.length < largest || groups.length === 1);
        const hit = (minority.length ? minority : groups.slice(1)).flat().flatMap((z) => inZone(z));
        open('partition', hit, f.at, `partition ${groups.map((g) => g.join('+')).join(' | ')}`, ['heal']);
        break;
      }
      case 'one-way': {
        const from = (f.from as string[]).flatMap(inZone);
        open('partition', from, f.at, `${(f.from as string[]).join(',')} → ${(f.to as string[]).join(',')} cut (one way)`, ['heal']);
        break;
      }
      case 'crash':
        open('crash', [String(f.node)], f.at, `${String(f.node)} crashed`, ['restart'], (g) => g.node === f.node);
        break;
      case 'pause':
        out.push({ kind: 'pause', nodes: [String(f.node)], start: f.at, end: f.at + Number(f.forMs ?? 0), label: `${String(f.node)} paused` });
        break;
      case 'pg':
        if (f.state === 'down') open('down', nodes.filter((n) => n.kind === 'postgres').map((n) => n.id), f.at, 'PostgreSQL down', ['pg'], (g) => g.state === 'up');
        break;
      case 'kafka':
        if (f.state === 'down') open('down', nodes.filter((n) => n.kind === 'stream').map((n) => n.id), f.at, 'stream down', ['kafka'], (g) => g.state === 'up');
        break;
      default:
        break;
    }
  }
  return out.filter((s) => s.nodes.length > 0 && s.start <= end);
}

/** Annotations read off the journal: digest mismatches and blocking read repairs at the coordinator. */
export function journalMarks(journal: SimJournalLike[]): DiagramMark[] {
  const marks: DiagramMark[] = [];
  const digestAt = new Map<string, number>();
  const repaired = new Set<string>();
  for (const m of journal) {
    if (m.kind === 'deliver' && m.type === 'digest') digestAt.set(m.to, m.time);
    if (m.kind === 'send' && m.type === 'read-data' && digestAt.has(m.from)) {
      marks.push({ time: m.time, node: m.from, text: 'digest mismatch → full reads', kind: 'warn' });
      digestAt.delete(m.from);
    }
    if (m.kind === 'send' && m.type === 'read-repair' && !repaired.has(`${m.from}@${m.time}`)) {
      repaired.add(`${m.from}@${m.time}`);
      marks.push({ time: m.time, node: m.from, text: 'blocking read repair', kind: 'info' });
    }
  }
  return marks;
}

