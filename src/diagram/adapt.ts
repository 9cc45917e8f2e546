/**
 * Simulator trace (`world.trace()`, docs/CONTRACTS.md "Simulator API") → the renderer's DiagramTrace.
 * Kept loose on input (unknown fields ignored) so the renderer survives additive changes to the
 * simulator's trace; what it needs is checked by validateTrace afterwards.
 */
import type { DiagramMark, DiagramNode, DiagramOp, DiagramSpan, DiagramTrace, SpanKind } from './model';
import { inferKind } from './render';

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
  faults?: SimFaultLike[];
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
}

function errName(e: unknown): string | undefined {
  if (e === undefined || e === null) return undefined;
  if (typeof e === 'string') return e;
  if (typeof e === 'object') {
    const o = e as Record<string, unknown>;
    return String(o.name ?? o.code ?? o.message ?? JSON.stringify(o));
  }
  return String(e);
}

function fmtKeyed(op: SimOpLike): unknown {
  return op.value;
}

export function fromSimTrace(sim: SimTraceLike, opt: AdaptOptions = {}): DiagramTrace {
  const hide = new Set(opt.hide ?? []);
  const stale = new Set(opt.staleOps ?? []);
  const journal = (sim.journal ?? []).filter((m) => !hide.has(m.from) && !hide.has(m.to) && (opt.messageFilter?.(m) ?? true));
  const history: DiagramOp[] = (sim.history ?? []).map((op, i) => {
    const o: DiagramOp = {
      process: op.process,
      type: op.type,
      f: op.key !== undefined && op.key !== null ? `${op.f} ${String(op.key)}` : op.f,
      value: fmtKeyed(op),
      time: op.time,
    };
    if (op.type === 'fail' || op.type === 'info') o.error = errName(op.error ?? (op.type === 'info' ? 'timeout' : undefined));
    if (typeof op.node === 'string') o.node = op.node;
    if (typeof op.consistency === 'string') o.cl = op.consistency;
    else if (typeof op.cl === 'string') o.cl = op.cl;
    if (stale.has(i) || op.stale === true) o.stale = true;
    return o;
  });

  const ids = new Set<string>();
  for (const m of journal) {
    ids.add(m.from);
    ids.add(m.to);
  }
  const zoneOf = new Map<string, string>();
  for (const e of sim.endpoints ?? []) if (e.zone) zoneOf.set(e.id, e.zone);
  const nodes: DiagramNode[] = [];
  const seen = new Set<string>();
  const addNode = (id: string, kindHint?: string) => {
    if (seen.has(id) || hide.has(id)) return;
    seen.add(id);
    const kind = kindHint === 'client' ? 'client' : inferKind(id);
    const zone = zoneOf.get(id) ?? (/^[A-I]$/.test(id) ? ['A', 'B', 'C'][id.charCodeAt(0) - 65] ?? undefined : undefined);
    nodes.push({ id, kind, zone, label: opt.labels?.[id] });
  };
  for (const e of sim.endpoints ?? []) if (ids.has(e.id) || e.kind === 'node') addNode(e.id, e.kind);
  for (const id of ids) addNode(id);
  for (const op of sim.history ?? []) addNode(String(op.process), 'client');

  const end = Math.max(
    0,
    ...journal.map((m) => m.time),
    ...(sim.history ?? []).map((o) => o.time),
  );
  const spans = faultsToSpans(sim.faults ?? [], nodes, end);
  return {
    title: opt.title,
    description: opt.description,
    nodes,
    history,
    network: journal.map((m) => ({ event: m.kind, id: m.id, from: m.from, to: m.to, time: m.time, type: m.type, reason: m.reason })),
    spans,
    marks: opt.marks,
    final: opt.final,
    expected: opt.expected,
    end,
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

