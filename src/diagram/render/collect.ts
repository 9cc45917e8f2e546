/**
 * Step 1 of drawing: the trace's operations, messages, fault spans and marks as items to draw, each
 * with the events it contributes to the flat, time-ordered event list, and the lanes they appear on.
 */
import type { DiagramMark, DiagramNode, DiagramOp, DiagramSpan, DiagramTrace } from '../model';
import { opLabel, outcomeLabel, spanText, type Outcome } from './labels';
import type { TimelineEvent } from './types';

export interface OpItem {
  lane: string;
  op: DiagramOp;
  done?: DiagramOp;
  outcome: Outcome;
  ev: number[];
}
export interface MsgItem {
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
export interface SpanItem {
  span: DiagramSpan;
  ev: number[];
}
export interface MarkItem {
  mark: DiagramMark;
  ev: number[];
}
export interface RawEvent {
  time: number;
  seq: number;
  text: string;
  kind: TimelineEvent['kind'];
}

export interface Collected {
  /** Events in order of appearance in the trace. */
  raw: RawEvent[];
  /** Indexes into `raw` in time order (stable on ties: order of appearance). */
  order: number[];
  /** rank[i] = position of raw[i] in `order`. */
  rank: number[];
  ops: OpItem[];
  /** Messages in order of their first event. */
  msgs: MsgItem[];
  spans: SpanItem[];
  marks: MarkItem[];
  /** Lane ids in order of first appearance. */
  laneSeen: string[];
}

/** A lane's display name in event texts. */
export type Who = (lane: string) => string;

export function whoOf(known: Map<string, DiagramNode>): Who {
  return (lane) => known.get(lane)?.label ?? (lane.startsWith('client ') ? lane.slice(7) : lane);
}

function clientLaneId(process: string | number, known: Map<string, DiagramNode>): string {
  const p = String(process);
  if (known.has(p)) return p;
  return `client ${p}`;
}

/** The event list and lane list being built, in the order the trace names them. */
class Log {
  readonly raw: RawEvent[] = [];
  readonly laneSeen: string[] = [];
  private seq = 0;
  push(time: number, kind: RawEvent['kind'], text: string): number {
    this.raw.push({ time, seq: this.seq++, text, kind });
    return this.raw.length - 1;
  }
  seeLane(id: string): void {
    if (!this.laneSeen.includes(id)) this.laneSeen.push(id);
  }
}

function collectOps(trace: DiagramTrace, known: Map<string, DiagramNode>, who: Who, log: Log): OpItem[] {
  const ops: OpItem[] = [];
  const openOps = new Map<string, OpItem>();
  for (const op of trace.history ?? []) {
    const lane = clientLaneId(op.process, known);
    log.seeLane(lane);
    const key = String(op.process);
    if (op.type === 'invoke') {
      const item: OpItem = { lane, op, outcome: 'pending', ev: [] };
      item.ev.push(log.push(op.time, 'invoke', `${who(lane)} invokes ${opLabel(op)}${op.node ? ` via ${op.node}` : ''}`));
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
      target.ev.push(log.push(op.time, target.outcome === 'stale' ? 'stale' : op.type, text));
    }
  }
  return ops;
}

function collectMessages(trace: DiagramTrace, who: Who, log: Log): MsgItem[] {
  const byId = new Map<string, MsgItem>();
  const msgs: MsgItem[] = [];
  for (const m of trace.network ?? []) {
    log.seeLane(m.from);
    log.seeLane(m.to);
    const id = String(m.id);
    let item = byId.get(id);
    if (!item) {
      item = { id, from: m.from, to: m.to, type: m.type, status: 'inflight', ev: [] };
      byId.set(id, item);
      msgs.push(item);
    }
    if (m.type && !item.type) item.type = m.type;
    const what = `${item.type ?? 'message'} ${who(m.from)} → ${who(m.to)}`;
    if (m.event === 'send') {
      item.send = m.time;
      item.ev.push(log.push(m.time, 'send', `${what} sent`));
    } else if (m.event === 'deliver') {
      item.end = m.time;
      item.status = 'delivered';
      item.ev.push(log.push(m.time, 'deliver', `${what} delivered`));
    } else {
      item.end = m.time;
      item.status = 'dropped';
      item.reason = m.reason;
      item.ev.push(log.push(m.time, 'drop', `${what} DROPPED${m.reason ? ` (${m.reason})` : ''}`));
    }
  }
  return msgs;
}

function collectSpans(trace: DiagramTrace, ft: (t: number) => string, log: Log): SpanItem[] {
  const spans: SpanItem[] = [];
  for (const s of trace.spans ?? []) {
    s.nodes.forEach((n) => log.seeLane(n));
    const item: SpanItem = { span: s, ev: [] };
    item.ev.push(log.push(s.start, 'span-start', `${spanText(s)} (from ${ft(s.start)})`));
    if (s.end !== undefined) item.ev.push(log.push(s.end, 'span-end', `${spanText(s)}: ends`));
    spans.push(item);
  }
  return spans;
}

function collectMarks(trace: DiagramTrace, log: Log): MarkItem[] {
  const marks: MarkItem[] = [];
  for (const mk of trace.marks ?? []) {
    log.seeLane(mk.node);
    marks.push({ mark: mk, ev: [log.push(mk.time, 'mark', `${mk.node}: ${mk.text}`)] });
  }
  return marks;
}

/** Collects every item of the trace and orders its events in time. `ft` formats a time for event texts. */
export function collect(trace: DiagramTrace, known: Map<string, DiagramNode>, ft: (t: number) => string): Collected {
  const log = new Log();
  const who = whoOf(known);
  const ops = collectOps(trace, known, who, log);
  const msgs = collectMessages(trace, who, log);
  const spans = collectSpans(trace, ft, log);
  const marks = collectMarks(trace, log);
  for (const id of Object.keys(trace.final ?? {})) log.seeLane(id);

  const { raw } = log;
  const order = raw.map((_, i) => i).sort((a, b) => raw[a].time - raw[b].time || raw[a].seq - raw[b].seq);
  const rank = new Array<number>(raw.length);
  order.forEach((ri, pos) => (rank[ri] = pos));
  return { raw, order, rank, ops, msgs, spans, marks, laneSeen: log.laneSeen };
}
