/**
 * Lamport / sequence diagram of a simulator run, as an SVG string.
 *
 * Lanes are columns (clients, coordinator, replicas, PostgreSQL, stream, processor, DLQ — only the
 * ones that appear); virtual time flows down. Long quiet gaps are compressed (log scale) and labelled,
 * so a 5 s timeout does not push everything off screen. Pure string building: no DOM, deterministic.
 */
import {
  validateTrace,
  type DiagramMark,
  type DiagramNode,
  type DiagramOp,
  type DiagramSpan,
  type DiagramTrace,
  type LaneKind,
} from './model';
import { esc, fmtTime, fmtValue, hash32 } from './text';
import { DIAGRAM_STYLE } from './style';

export interface RenderOptions {
  /** Prefix for element ids (must be unique in the page). Default: derived from the trace. */
  idPrefix?: string;
  /** Events per page; traces with more are paginated (and say so). Default 1500. */
  maxEvents?: number;
  /** Zero-based page to draw when paginated. Default 0. */
  page?: number;
  /** Embed the colour palette (<style>) in the SVG. Default true. */
  embedStyle?: boolean;
  /** Accessible title (default: trace.title or "Sequence diagram of a simulator run"). */
  title?: string;
}

export interface Lane {
  id: string;
  label: string;
  kind: LaneKind;
  zone?: string;
  x: number;
}

/** One thing that happened, in time order; what the text alternative and the stepper walk through. */
export interface TimelineEvent {
  index: number;
  time: number;
  /** Index of `time` among the page's distinct times (the stepper's unit). */
  step: number;
  text: string;
  kind: 'invoke' | 'ok' | 'fail' | 'info' | 'stale' | 'send' | 'deliver' | 'drop' | 'span-start' | 'span-end' | 'mark';
}

export interface Layout {
  lanes: Lane[];
  width: number;
  height: number;
  /** Distinct times drawn on this page, ascending; step k ↔ times[k]. */
  times: number[];
  /** y coordinate of each step. */
  ys: number[];
  events: TimelineEvent[];
  page: number;
  pages: number;
  totalEvents: number;
  /** [first, last] event index (1-based, inclusive) shown on this page. */
  range: [number, number];
}

export interface Rendered {
  svg: string;
  layout: Layout;
  /** Plain-language one-paragraph description (also in the SVG's <desc>). */
  summary: string;
  title: string;
  idPrefix: string;
}

const KIND_ORDER: LaneKind[] = ['client', 'coordinator', 'replica', 'postgres', 'stream', 'processor', 'dlq', 'other'];
const KIND_NAME: Record<LaneKind, string> = {
  client: 'client',
  coordinator: 'coordinator',
  replica: 'replica',
  postgres: 'PostgreSQL',
  stream: 'stream',
  processor: 'processor',
  dlq: 'DLQ',
  other: '',
};

export function inferKind(id: string): LaneKind {
  const s = id.toLowerCase();
  if (/^(client|c\d|app|api|user)/.test(s)) return 'client';
  if (s.includes('coord')) return 'coordinator';
  if (/dlq|dead/.test(s)) return 'dlq';
  if (/^(pg|postgres)/.test(s)) return 'postgres';
  if (/stream|kinesis|kafka|shard/.test(s)) return 'stream';
  if (/proc|lambda|consumer/.test(s)) return 'processor';
  if (/^([a-e]|n\d+|node|replica|cass)/.test(s)) return 'replica';
  return 'other';
}

const r1 = (n: number) => Math.round(n * 10) / 10;
const AXIS_W = 76;
const CLIENT_W = 200;
/** Operation labels end this far left of their lane (clear of the bar and of a client lane's shading). */
const OP_LABEL_GAP = 14;
/** Estimated advance of one character of an operation label (11 px system-ui; bold for outcomes). */
const CHAR_W = 6.2;
const CHAR_W_BOLD = 6.9;
/** …and of a 10 px message or fault-span label. */
const SMALL_CHAR_W = 5.6;
const LANE_W = 104;
const HEAD_H = 54;
const TOP_PAD = 16;
const FOOT_H = 58;
const RIGHT_PAD = 40;

function clientLaneId(process: string | number, known: Map<string, DiagramNode>): string {
  const p = String(process);
  if (known.has(p)) return p;
  return `client ${p}`;
}

interface OpItem {
  lane: string;
  op: DiagramOp;
  done?: DiagramOp;
  outcome: 'ok' | 'fail' | 'info' | 'stale' | 'pending';
  ev: number[];
}
interface MsgItem {
  id: string;
  from: string;
  to: string;
  type?: string;
  send?: number;
  end?: number;
  status: 'delivered' | 'dropped' | 'inflight';
  reason?: string;
  ev: number[];
  label?: string;
}
interface SpanItem {
  span: DiagramSpan;
  ev: number[];
}
interface MarkItem {
  mark: DiagramMark;
  ev: number[];
}

interface RawEvent {
  time: number;
  seq: number;
  text: string;
  kind: TimelineEvent['kind'];
}

/** Reads show the value they returned; everything else shows the value it sent. */
export function isReadOp(f: string): boolean {
  return /^(read|get|query|pg-read|health|select)\b/.test(f);
}

function opLabel(op: DiagramOp): string {
  const writeish = !isReadOp(op.f) && op.value !== undefined && op.value !== null;
  return `${op.f}${writeish ? ' ' + fmtValue(op.value, 14) : ''}${op.cl ? ' @' + op.cl : ''}`;
}

function outcomeLabel(item: OpItem): string {
  const d = item.done;
  if (!d) return 'no answer yet';
  const isRead = isReadOp(d.f);
  switch (item.outcome) {
    case 'ok':
      return isRead ? `ok → ${fmtValue(d.value, 14)}` : 'ok';
    case 'stale':
      return `STALE → ${fmtValue(d.value, 12)}`;
    case 'fail':
      return `fail: ${fmtValue(d.error ?? d.value ?? 'error', 36)}`;
    case 'info':
      return `unknown: ${fmtValue(d.error ?? d.value ?? 'timeout', 15)}`;
    default:
      return '';
  }
}

function spanText(s: DiagramSpan): string {
  if (s.label) return s.label;
  const who = s.nodes.join(', ');
  switch (s.kind) {
    case 'partition':
      return `${who} cut off`;
    case 'crash':
      return `${who} crashed`;
    case 'down':
      return `${who} down`;
    case 'pause':
      return `${who} paused`;
    case 'timeout':
      return `${who} waiting (timeout)`;
    case 'unavailable':
      return `${who} unavailable`;
    default:
      return who;
  }
}

/** Lays out and draws the trace. Throws TraceError with a precise message on malformed input. */
export function renderTraceDetailed(trace: DiagramTrace, options: RenderOptions = {}): Rendered {
  validateTrace(trace);
  const unit = trace.timeUnit ?? 'ms';
  const origin = trace.origin ?? 0;
  const ft = (t: number) => (origin ? '+' : '') + fmtTime(t - origin, unit);
  const maxEvents = Math.max(1, Math.floor(options.maxEvents ?? 1500));
  const known = new Map<string, DiagramNode>();
  for (const n of trace.nodes ?? []) known.set(n.id, n);

  // ---- 1. Collect items and the flat, time-ordered event list --------------------------------
  const raw: RawEvent[] = [];
  let seq = 0;
  const push = (time: number, kind: RawEvent['kind'], text: string): number => {
    raw.push({ time, seq: seq++, text, kind });
    return raw.length - 1;
  };

  const laneSeen: string[] = [];
  const seeLane = (id: string) => {
    if (!laneSeen.includes(id)) laneSeen.push(id);
  };

  const who = (lane: string) => known.get(lane)?.label ?? (lane.startsWith('client ') ? lane.slice(7) : lane);
  const ops: OpItem[] = [];
  const openOps = new Map<string, OpItem>();
  for (const op of trace.history ?? []) {
    const lane = clientLaneId(op.process, known);
    seeLane(lane);
    const key = String(op.process);
    if (op.type === 'invoke') {
      const item: OpItem = { lane, op, outcome: 'pending', ev: [] };
      item.ev.push(push(op.time, 'invoke', `${who(lane)} invokes ${opLabel(op)}${op.node ? ` via ${op.node}` : ''}`));
      ops.push(item);
      openOps.set(key, item);
    } else {
      const item = openOps.get(key);
      const target: OpItem = item ?? { lane, op, outcome: 'pending', ev: [] };
      if (!item) ops.push(target);
      openOps.delete(key);
      target.done = op;
      target.outcome = op.stale ? 'stale' : op.type;
      const text = `${who(lane)}: ${target.op.f} ${outcomeLabel(target)}${op.stale ? ' (older than an acknowledged write)' : ''}`;
      target.ev.push(push(op.time, target.outcome === 'stale' ? 'stale' : op.type, text));
    }
  }

  const msgs = new Map<string, MsgItem>();
  const msgOrder: MsgItem[] = [];
  for (const m of trace.network ?? []) {
    seeLane(m.from);
    seeLane(m.to);
    const id = String(m.id);
    let item = msgs.get(id);
    if (!item) {
      item = { id, from: m.from, to: m.to, type: m.type, status: 'inflight', ev: [] };
      msgs.set(id, item);
      msgOrder.push(item);
    }
    if (m.type && !item.type) item.type = m.type;
    const what = `${item.type ?? 'message'} ${who(m.from)} → ${who(m.to)}`;
    if (m.event === 'send') {
      item.send = m.time;
      item.ev.push(push(m.time, 'send', `${what} sent`));
    } else if (m.event === 'deliver') {
      item.end = m.time;
      item.status = 'delivered';
      item.ev.push(push(m.time, 'deliver', `${what} delivered`));
    } else {
      item.end = m.time;
      item.status = 'dropped';
      item.reason = m.reason;
      item.ev.push(push(m.time, 'drop', `${what} DROPPED${m.reason ? ` (${m.reason})` : ''}`));
    }
  }

  const spans: SpanItem[] = [];
  for (const s of trace.spans ?? []) {
    s.nodes.forEach(seeLane);
    const item: SpanItem = { span: s, ev: [] };
    item.ev.push(push(s.start, 'span-start', `${spanText(s)} (from ${ft(s.start)})`));
    if (s.end !== undefined) item.ev.push(push(s.end, 'span-end', `${spanText(s)}: ends`));
    spans.push(item);
  }
  const marks: MarkItem[] = [];
  for (const mk of trace.marks ?? []) {
    seeLane(mk.node);
    marks.push({ mark: mk, ev: [push(mk.time, 'mark', `${mk.node}: ${mk.text}`)] });
  }
  for (const id of Object.keys(trace.final ?? {})) seeLane(id);

  // Events in time order (stable on ties: order of appearance in the trace).
  const order = raw.map((_, i) => i).sort((a, b) => raw[a].time - raw[b].time || raw[a].seq - raw[b].seq);
  const rank = new Array<number>(raw.length);
  order.forEach((ri, pos) => (rank[ri] = pos));

  // ---- 2. Pagination ------------------------------------------------------------------------
  const total = raw.length;
  const pages = Math.max(1, Math.ceil(total / maxEvents));
  const page = Math.min(Math.max(0, Math.floor(options.page ?? 0)), pages - 1);
  const lo = page * maxEvents;
  const hi = Math.min(total, lo + maxEvents) - 1; // inclusive rank range
  const inPage = (ri: number) => rank[ri] >= lo && rank[ri] <= hi;
  const pageT0 = total ? raw[order[lo]].time : 0;
  const pageT1 = total ? raw[order[hi]].time : 0;
  const paged = pages > 1;
  const endTime = paged ? pageT1 : Math.max(pageT1, trace.end ?? 0);

  // ---- 3. Lanes -----------------------------------------------------------------------------
  for (const n of trace.nodes ?? []) if (!laneSeen.includes(n.id) && (n.kind === 'replica' || n.kind === 'coordinator')) seeLane(n.id);
  const lanesUnsorted = laneSeen.map((id, i) => {
    const n = known.get(id);
    const kind = n?.kind ?? (id.startsWith('client ') ? 'client' : inferKind(id));
    const nodeIdx = trace.nodes ? trace.nodes.findIndex((x) => x.id === id) : -1;
    return { id, label: n?.label ?? (id.startsWith('client ') ? id.slice(7) : id), kind, zone: n?.zone, i, nodeIdx };
  });
  lanesUnsorted.sort(
    (a, b) =>
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
      (a.nodeIdx === -1 ? 1e9 : a.nodeIdx) - (b.nodeIdx === -1 ? 1e9 : b.nodeIdx) ||
      a.i - b.i,
  );
  const lanes: Lane[] = [];
  let x = AXIS_W;
  const actors = new Set(ops.map((o) => o.lane));
  // An actor's lane sits far enough right for its longest operation label (right-aligned to it) to
  // clear the time axis or the lane before it.
  const labelRoom = new Map<string, number>();
  for (const o of ops) {
    const w = Math.max(opLabel(o.op).length * CHAR_W, o.done ? outcomeLabel(o).length * CHAR_W_BOLD : 0);
    labelRoom.set(o.lane, Math.max(labelRoom.get(o.lane) ?? 0, w));
  }
  for (const l of lanesUnsorted) {
    if (l.kind === 'client' || actors.has(l.id)) {
      const offset = Math.max(CLIENT_W - 48, Math.ceil((labelRoom.get(l.id) ?? 0) + OP_LABEL_GAP + 6));
      lanes.push({ id: l.id, label: l.label, kind: l.kind, zone: l.zone, x: x + offset });
      x += offset + 48;
    } else {
      lanes.push({ id: l.id, label: l.label, kind: l.kind, zone: l.zone, x: x + LANE_W / 2 });
      x += LANE_W;
    }
  }
  let width = Math.max(x + RIGHT_PAD, 320);
  {
    const lx = new Map(lanes.map((l) => [l.id, l.x]));
    for (const m of marks) width = Math.max(width, (lx.get(m.mark.node) ?? 0) + 16 + Math.min(40, m.mark.text.length) * 6);
    for (const sp of spans) {
      const first = sp.span.nodes.map((n) => lx.get(n)).find((v) => v !== undefined);
      if (first !== undefined) width = Math.max(width, first + 30 + Math.min(28, spanText(sp.span).length) * 6);
    }
  }
  const laneX = new Map(lanes.map((l) => [l.id, l.x]));
  const clientLanes = new Set(lanes.filter((l) => l.kind === 'client').map((l) => l.id));

  // ---- 4. Time → y (distinct times on this page, gaps log-compressed) -----------------------
  const timeSet = new Set<number>();
  for (let p = lo; p <= hi && total; p++) timeSet.add(raw[order[p]].time);
  const times = [...timeSet].sort((a, b) => a - b);
  if (times.length === 0) times.push(0);
  const ys: number[] = [];
  const gaps: Array<{ y: number; dt: number }> = [];
  let y = HEAD_H + TOP_PAD + (paged && page > 0 ? 14 : 0);
  times.forEach((t, i) => {
    if (i > 0) {
      const dtMs = (unit === 'us' ? (t - times[i - 1]) / 1000 : t - times[i - 1]);
      const step = 22 + Math.min(56, 9 * Math.log2(1 + dtMs));
      if (dtMs >= 500) gaps.push({ y: y + step / 2, dt: t - times[i - 1] });
      y += step;
    }
    ys.push(y);
  });
  const lastY = ys[ys.length - 1];
  const bodyEnd = r1(lastY + 30);
  const height = bodyEnd + FOOT_H;
  const stepOf = (t: number): number => {
    // index of the last time ≤ t (times outside the page clamp to the page edges)
    let a = 0;
    let b = times.length - 1;
    if (t <= times[0]) return 0;
    if (t >= times[b]) return b;
    while (a < b) {
      const m = (a + b + 1) >> 1;
      if (times[m] <= t) a = m;
      else b = m - 1;
    }
    return a;
  };
  const yOf = (t: number): number => {
    if (t < times[0]) return HEAD_H + 4;
    if (t > times[times.length - 1]) return bodyEnd;
    const i = stepOf(t);
    if (times[i] === t || i === times.length - 1) return ys[i];
    const f = (t - times[i]) / (times[i + 1] - times[i]);
    return ys[i] + f * (ys[i + 1] - ys[i]);
  };

  // ---- 5. Draw ------------------------------------------------------------------------------
  const idPrefix =
    options.idPrefix ?? `dg-${hash32(JSON.stringify([trace.title ?? '', total, pageT0, pageT1, laneSeen]))}-${page}`;
  const title = options.title ?? trace.title ?? 'Sequence diagram of a simulator run';
  const out: string[] = [];
  const attrsStep = (s: number, e = s) => `data-s="${s}" data-e="${e}"`;

  // Lanes (headers, life lines)
  const laneOut: string[] = [];
  for (const l of lanes) {
    const kindName = KIND_NAME[l.kind];
    const showZone = l.zone && l.zone !== l.id.toLowerCase() && !['postgres', 'stream', 'dlq'].includes(l.kind) && !/^(pg|kafka|stream|dlq)$/i.test(l.zone);
    const sub = [showZone ? `zone ${l.zone}` : '', l.kind === 'client' ? '' : kindName && kindName.toLowerCase() !== l.label.toLowerCase() && !l.label.toLowerCase().startsWith(kindName) ? kindName : '']
      .filter(Boolean)
      .join(' · ');
    laneOut.push(
      `<g class="dg-lane dg-k-${l.kind}"><text class="dg-lane-name" x="${r1(l.x)}" y="22" text-anchor="middle">${esc(fmtValue(l.label, 16))}</text>` +
        (sub ? `<text class="dg-lane-sub" x="${r1(l.x)}" y="38" text-anchor="middle">${esc(sub)}</text>` : '') +
        `<line class="dg-life" x1="${r1(l.x)}" y1="${HEAD_H - 6}" x2="${r1(l.x)}" y2="${r1(bodyEnd)}"/></g>`,
    );
  }

  // Spans (under everything else)
  const spanOut: string[] = [];
  /** Where the fault spans' labels are (message labels keep clear of them). */
  const spanLabels: { x0: number; x1: number; y0: number; y1: number }[] = [];
  for (const s of spans) {
    if (!s.ev.some(inPage) && !(s.span.start < pageT0 && (s.span.end ?? Infinity) > pageT1)) continue;
    const y0 = Math.max(HEAD_H, s.span.start < times[0] ? HEAD_H : yOf(s.span.start));
    const y1 = s.span.end === undefined || s.span.end > times[times.length - 1] ? bodyEnd : yOf(s.span.end);
    const st = stepOf(s.span.start);
    const cls = `dg-span dg-span-${s.span.kind}`;
    const txt = spanText(s.span);
    const hit = s.span.nodes.filter((n) => laneX.has(n));
    const lanesHit = hit.map((n) => laneX.get(n)!);
    lanesHit.forEach((lx, k) => {
      // a client lane's shading stays narrow: its operation labels sit just left of it
      const half = s.span.kind === 'timeout' ? 9 : clientLanes.has(hit[k]) ? 10 : 22;
      spanOut.push(
        `<rect class="${cls}" ${attrsStep(st, stepOf(s.span.end ?? Infinity))} x="${r1(lx - half)}" y="${r1(y0)}" width="${half * 2}" height="${r1(Math.max(4, y1 - y0))}" rx="3"><title>${esc(txt)}</title></rect>`,
      );
      if (k === 0) {
        const label = fmtValue(txt, 28);
        spanLabels.push({ x0: lx + half + 3, x1: lx + half + 3 + label.length * SMALL_CHAR_W, y0: y0 + 1, y1: y0 + 14 });
        spanOut.push(
          `<text class="dg-span-label dg-span-label-${s.span.kind}" ${attrsStep(st)} x="${r1(lx + half + 3)}" y="${r1(y0 + 11)}">${esc(label)}</text>`,
        );
      }
    });
  }

  // Messages
  const msgOut: string[] = [];
  const labelled = new Map<string, MsgItem[]>();
  for (const m of msgOrder) {
    if (m.send === undefined) continue;
    const k = `${m.from}|${m.send}|${m.type ?? ''}`;
    const g = labelled.get(k);
    if (g) g.push(m);
    else labelled.set(k, [m]);
  }
  for (const g of labelled.values()) {
    g[0].label = (g[0].type ?? '') + (g.length > 1 ? ` ×${g.length}` : '');
  }
  // Labels of arrows leaving one lane at one instant are staggered along their arrows.
  const stagger = new Map<MsgItem, number>();
  const burst = new Map<string, number>();
  for (const m of msgOrder) {
    if (m.send === undefined || !m.label) continue;
    const k = `${m.from}|${m.send}`;
    const n = burst.get(k) ?? 0;
    burst.set(k, n + 1);
    stagger.set(m, [0.5, 0.78, 0.3, 0.62][n % 4]);
  }
  for (const m of msgOrder) {
    if (!m.ev.some(inPage)) continue;
    const x0 = laneX.get(m.from)!;
    const x1 = laneX.get(m.to)!;
    const tS = m.send ?? m.end ?? 0;
    const ya = m.send === undefined ? HEAD_H : yOf(tS);
    const tE = m.end;
    let yb = tE === undefined ? bodyEnd : yOf(tE);
    if (yb <= ya) yb = ya + 8; // same-instant delivery: keep the arrow visibly sloped
    const s0 = stepOf(tS);
    const s1 = tE === undefined ? times.length - 1 : stepOf(tE);
    const tip = `${m.type ?? 'message'} ${m.from} → ${m.to}: sent ${m.send === undefined ? '(before this page)' : ft(m.send)}, ${
      m.status === 'delivered' ? `delivered ${ft(tE!)}` : m.status === 'dropped' ? `dropped ${ft(tE!)}${m.reason ? ` — ${m.reason}` : ''}` : 'still in flight at the end'
    }`;
    const cls = `dg-msg dg-msg-${m.status}`;
    if (x0 === x1) {
      // message to self: a small loop
      msgOut.push(
        `<g class="${cls}" ${attrsStep(s0, s1)}><title>${esc(tip)}</title><path d="M${r1(x0)} ${r1(ya)} h18 V${r1(yb)} h-16" fill="none" marker-end="url(#${idPrefix}-arrow)"/></g>`,
      );
      continue;
    }
    let parts = `<g class="${cls}" ${attrsStep(s0, s1)}><title>${esc(tip)}</title>`;
    if (m.status === 'dropped') {
      // the message gets 85% of the way, then ×
      const xe = x0 + (x1 - x0) * 0.85;
      const ye = ya + (yb - ya) * 0.85;
      parts += `<line x1="${r1(x0)}" y1="${r1(ya)}" x2="${r1(xe)}" y2="${r1(ye)}"/>`;
      parts += `<text class="dg-x" x="${r1(xe)}" y="${r1(ye + 5)}" text-anchor="middle">×</text>`;
    } else {
      parts += `<line x1="${r1(x0)}" y1="${r1(ya)}" x2="${r1(x1)}" y2="${r1(yb)}" marker-end="url(#${idPrefix}-arrow${m.status === 'inflight' ? '-f' : ''})"/>`;
    }
    if (m.label) {
      const label = fmtValue(m.label, 20);
      const at = (f: number) => ({ lx: x0 + (x1 - x0) * f, ly: ya + (yb - ya) * f - 3 });
      const clear = ({ lx, ly }: { lx: number; ly: number }) => {
        const hw = (label.length * SMALL_CHAR_W) / 2 + 6; // and a gap, so two labels never read as one
        return !spanLabels.some((b) => lx + hw > b.x0 && lx - hw < b.x1 && ly > b.y0 && ly - 10 < b.y1);
      };
      // along its arrow, clear of the fault spans' labels where it can be
      const f0 = stagger.get(m) ?? 0.5;
      const { lx, ly } = [f0, 0.3, 0.7, 0.2, 0.8].map(at).find(clear) ?? at(f0);
      parts += `<text class="dg-msg-label" x="${r1(lx)}" y="${r1(ly)}" text-anchor="middle">${esc(label)}</text>`;
    }
    msgOut.push(parts + '</g>');
  }

  // Client operations: a bar on the client lane from invoke to completion, labels to its left.
  const opOut: string[] = [];
  // Labels on one lane never overlap: each is pushed below the previous one when too close.
  const labelY = new Map<string, number>();
  const placeLabel = (lane: string, y: number) => {
    const prev = labelY.get(lane) ?? -Infinity;
    const yy = Math.max(y, prev + 13);
    labelY.set(lane, yy);
    return yy;
  };
  const lanesWithMsgs = new Set<string>();
  for (const m of msgOrder) {
    lanesWithMsgs.add(m.from);
    lanesWithMsgs.add(m.to);
  }
  for (const o of ops) {
    if (!o.ev.some(inPage)) continue;
    const lx = laneX.get(o.lane)!;
    const t0 = o.op.type === 'invoke' ? o.op.time : (o.done?.time ?? o.op.time);
    const t1 = o.done?.time;
    const y0 = yOf(t0);
    const y1 = t1 === undefined ? bodyEnd : yOf(t1);
    const s0 = stepOf(t0);
    const s1 = t1 === undefined ? times.length - 1 : stepOf(t1);
    const cls = `dg-op dg-op-${o.outcome}`;
    const tip = `${who(o.lane)}: ${opLabel(o.op)} at ${ft(t0)} → ${outcomeLabel(o)}${t1 !== undefined ? ` at ${ft(t1)}` : ''}`;
    let g = `<g class="${cls}" ${attrsStep(s0, s1)}><title>${esc(tip)}</title>`;
    g += `<rect class="dg-op-bar" x="${r1(lx - 4)}" y="${r1(y0)}" width="8" height="${r1(Math.max(3, y1 - y0))}" rx="2"/>`;
    if (o.op.type === 'invoke') g += `<text class="dg-op-inv" x="${r1(lx - OP_LABEL_GAP)}" y="${r1(placeLabel(o.lane, y0 + 4))}" text-anchor="end">${esc(opLabel(o.op))}</text>`;
    if (o.done) {
      const badge = outcomeLabel(o);
      g += `<text class="dg-op-out" ${attrsStep(s1)} x="${r1(lx - OP_LABEL_GAP)}" y="${r1(placeLabel(o.lane, y1 + 4))}" text-anchor="end">${esc(badge)}</text>`;
    }
    // Request/response arrows to the coordinator when the journal does not carry client messages.
    const coordX = o.op.node ? laneX.get(o.op.node) : undefined;
    if (coordX !== undefined && !lanesWithMsgs.has(o.lane)) {
      g += `<line class="dg-op-req" x1="${r1(lx + 4)}" y1="${r1(y0)}" x2="${r1(coordX)}" y2="${r1(y0)}" marker-end="url(#${idPrefix}-arrow)"/>`;
      if (o.done) g += `<line class="dg-op-req" ${attrsStep(s1)} x1="${r1(coordX)}" y1="${r1(y1)}" x2="${r1(lx + 4)}" y2="${r1(y1)}" marker-end="url(#${idPrefix}-arrow)"/>`;
    }
    opOut.push(g + '</g>');
  }

  // Marks
  const markOut: string[] = [];
  for (const m of marks) {
    if (!m.ev.some(inPage)) continue;
    const lx = laneX.get(m.mark.node)!;
    const my = yOf(m.mark.time);
    const st = stepOf(m.mark.time);
    markOut.push(
      `<g class="dg-mark dg-mark-${m.mark.kind ?? 'info'}" ${attrsStep(st)}><title>${esc(`${m.mark.node} at ${ft(m.mark.time)}: ${m.mark.text}`)}</title><circle cx="${r1(lx)}" cy="${r1(my)}" r="4.5"/><text x="${r1(lx + 8)}" y="${r1(my - 5)}">${esc(fmtValue(m.mark.text, 40))}</text></g>`,
    );
  }

  // Time axis
  const axisOut: string[] = [`<line class="dg-axis" x1="${AXIS_W - 8}" y1="${HEAD_H - 6}" x2="${AXIS_W - 8}" y2="${r1(bodyEnd)}"/>`];
  let lastLabel = -Infinity;
  let lastText = '';
  times.forEach((t, i) => {
    const text = ft(t);
    if (ys[i] - lastLabel < 15 || text === lastText) return;
    lastLabel = ys[i];
    lastText = text;
    axisOut.push(`<text class="dg-tick" x="${AXIS_W - 12}" y="${r1(ys[i] + 3)}" text-anchor="end">${esc(text)}</text>`);
  });
  for (const gp of gaps) {
    axisOut.push(`<text class="dg-gap" x="${AXIS_W - 12}" y="${r1(gp.y + 3)}" text-anchor="end">⋮ ${esc(fmtTime(gp.dt, unit))}</text>`);
  }

  // Final values
  const footOut: string[] = [];
  const final = trace.final ?? {};
  const finals = Object.keys(final);
  if (finals.length) {
    const fy = r1(bodyEnd + 10);
    footOut.push(`<text class="dg-foot-title" x="${AXIS_W - 12}" y="${fy + 17}" text-anchor="end">at end</text>`);
    for (const id of finals) {
      const lx = laneX.get(id);
      if (lx === undefined) continue;
      const v = final[id];
      const stale = trace.expected !== undefined && JSON.stringify(v) !== JSON.stringify(trace.expected);
      footOut.push(
        `<g class="dg-final${stale ? ' dg-final-stale' : ''}"><title>${esc(`${id} holds ${fmtValue(v, 60)} at the end${stale ? ` (behind ${fmtValue(trace.expected, 40)})` : ''}`)}</title><rect x="${r1(lx - 46)}" y="${fy}" width="92" height="24" rx="4"/><text x="${r1(lx)}" y="${fy + 16}" text-anchor="middle">${esc(fmtValue(v, 13))}${stale ? ' ⚠' : ''}</text></g>`,
      );
    }
  }

  // ---- 6. Events for the text alternative / stepper -----------------------------------------
  const events: TimelineEvent[] = [];
  for (let p = lo; p <= hi && total; p++) {
    const e = raw[order[p]];
    events.push({ index: p, time: e.time, step: stepOf(e.time), text: e.text, kind: e.kind });
  }

  // ---- 7. Summary ---------------------------------------------------------------------------
  const count = (k: OpItem['outcome']) => ops.filter((o) => o.outcome === k).length;
  const dropped = msgOrder.filter((m) => m.status === 'dropped').length;
  const opsText = ops.length
    ? `${ops.length} client operation${ops.length === 1 ? '' : 's'} (${[
        ['ok', count('ok')],
        ['failed', count('fail')],
        ['unknown outcome', count('info')],
        ['stale', count('stale')],
        ['unanswered', count('pending')],
      ]
        .filter(([, n]) => (n as number) > 0)
        .map(([w, n]) => `${n} ${w}`)
        .join(', ')})`
    : 'no client operations';
  const finalText = finals.length ? ` At the end: ${finals.map((id) => `${id} holds ${fmtValue(final[id], 20)}`).join('; ')}.` : '';
  const spanTextAll = spans.length ? ` Faults: ${spans.map((s) => spanText(s.span)).join('; ')}.` : '';
  const pageText = paged
    ? ` Large trace: showing events ${lo + 1}–${hi + 1} of ${total} (page ${page + 1} of ${pages}).`
    : '';
  const summary =
    `${trace.description ? trace.description.trim() + ' ' : ''}Lanes: ${lanes.map((l) => l.label).join(', ')}. ` +
    `${opsText}; ${msgOrder.length} message${msgOrder.length === 1 ? '' : 's'}${dropped ? `, ${dropped} dropped` : ''}.` +
    spanTextAll +
    finalText +
    pageText;

  const pageBanner = paged
    ? `<text class="dg-page" x="${AXIS_W}" y="${HEAD_H + 6}">Events ${lo + 1}–${hi + 1} of ${total} · page ${page + 1} of ${pages}${page > 0 ? ' · continued from the previous page' : ''}</text>`
    : '';

  const defs =
    `<defs><marker id="${idPrefix}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" class="dg-head"/></marker>` +
    `<marker id="${idPrefix}-arrow-f" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" class="dg-head-f"/></marker>` +
    `<pattern id="${idPrefix}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" class="dg-hatch-bg"/><line x1="0" y1="0" x2="0" y2="6" class="dg-hatch"/></pattern></defs>`;

  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" class="dg" id="${idPrefix}" role="img" aria-labelledby="${idPrefix}-title ${idPrefix}-desc" width="${Math.round(width)}" height="${Math.round(height)}" viewBox="0 0 ${Math.round(width)} ${Math.round(height)}" data-steps="${times.length}" data-ys="${ys.map((v) => r1(v)).join(',')}" data-times="${times.join(',')}" data-unit="${unit}" data-origin="${origin}" data-page="${page}" data-pages="${pages}" data-events="${total}">` +
    `<title id="${idPrefix}-title">${esc(title)}</title><desc id="${idPrefix}-desc">${esc(summary)}</desc>` +
    (options.embedStyle === false ? '' : `<style>${DIAGRAM_STYLE.replaceAll('HATCH', `${idPrefix}-hatch`)}</style>`) +
    defs +
    `<rect class="dg-bg" x="0" y="0" width="${Math.round(width)}" height="${Math.round(height)}"/>` +
    `<g class="dg-spans">${spanOut.join('')}</g>` +
    `<g class="dg-lanes">${laneOut.join('')}</g>` +
    `<g class="dg-axisg">${axisOut.join('')}</g>` +
    pageBanner +
    `<g class="dg-msgs">${msgOut.join('')}</g>` +
    `<g class="dg-ops">${opOut.join('')}</g>` +
    `<g class="dg-marks">${markOut.join('')}</g>` +
    `<g class="dg-foot">${footOut.join('')}</g>` +
    `<line class="dg-now" x1="${AXIS_W - 8}" x2="${Math.round(width) - 8}" y1="0" y2="0" visibility="hidden"/>` +
    `</svg>`;

  return {
    svg,
    summary,
    title,
    idPrefix,
    layout: { lanes, width, height, times, ys, events, page, pages, totalEvents: total, range: [lo + 1, hi + 1] },
  };
}

/** The exercise results panel's entry point: trace → SVG string (deterministic). */
export function renderTrace(trace: DiagramTrace, options: RenderOptions = {}): string {
  return renderTraceDetailed(trace, options).svg;
}

/**
 * The whole accessible figure as HTML: the scrollable SVG, a caption, and a <details> with the
 * events as an ordered list (the text alternative). Works with JavaScript off.
 */
export function renderTraceFigure(
  trace: DiagramTrace,
  options: RenderOptions & { caption?: string; open?: boolean } = {},
): string {
  const r = renderTraceDetailed(trace, options);
  const unit = trace.timeUnit ?? 'ms';
  const { layout } = r;
  const items = layout.events
    .map((e) => `<li value="${e.index + 1}" class="dg-ev dg-ev-${e.kind}" data-step="${e.step}"><span class="dg-ev-time">${esc((trace.origin ? '+' : '') + fmtTime(e.time - (trace.origin ?? 0), unit))}</span> ${esc(e.text)}</li>`)
    .join('');
  const pageNote =
    layout.pages > 1
      ? `<p class="dg-pagenote">This run has ${layout.totalEvents} events; this figure shows events ${layout.range[0]}–${layout.range[1]} (page ${layout.page + 1} of ${layout.pages}).</p>`
      : '';
  return (
    `<figure class="dg-figure" data-diagram="${r.idPrefix}">` +
    `<div class="dg-scroll" tabindex="0" role="group" aria-label="${esc(r.title)} (scrolls sideways)">${r.svg}</div>` +
    `<figcaption>${esc(options.caption ?? r.title)}</figcaption>` +
    pageNote +
    `<details class="dg-text"${options.open ? ' open' : ''}><summary>The run as text (${layout.events.length} event${layout.events.length === 1 ? '' : 's'})</summary>` +
    `<p>${esc(r.summary)}</p><ol>${items}</ol></details>` +
    `</figure>`
  );
}
