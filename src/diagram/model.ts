/**
 * The renderer's input: a simulator run reduced to what a sequence diagram needs.
 *
 * It mirrors the simulator's trace (Jepsen-style history + network journal, see docs/CONTRACTS.md
 * "Simulator API"); `fromSimTrace` in ./adapt.ts converts the simulator's own shape into this one.
 * Pure data, no DOM: the renderer runs at build time in Node and in the browser.
 */

export type LaneKind =
  | 'client'
  | 'coordinator'
  | 'replica'
  | 'postgres'
  | 'stream'
  | 'processor'
  | 'dlq'
  | 'other';

/** A lane's kind guessed from its id, when the trace does not declare it ("coord-1" → coordinator). */
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

export interface DiagramNode {
  id: string;
  label?: string;
  kind?: LaneKind;
  /** Availability zone, shown under the lane's name ("zone A"). */
  zone?: string;
}

/** One Jepsen-style history entry. `info` = outcome unknown (e.g. a timeout). */
export interface DiagramOp {
  process: string | number;
  type: 'invoke' | 'ok' | 'fail' | 'info';
  /** Operation name: read, write, query, … */
  f: string;
  value?: unknown;
  time: number;
  /** The node the client sent the operation to (its coordinator), if known. */
  node?: string;
  /** Error name/message for fail/info (e.g. "Unavailable", "ReadTimeout"). */
  error?: string;
  /** Marked by a checker: this read returned an older value than an acknowledged write. */
  stale?: boolean;
  /** Consistency level or other short qualifier, shown next to the operation ("QUORUM"). */
  cl?: string;
}

export interface DiagramMessage {
  event: 'send' | 'deliver' | 'drop';
  /** Identifies one message: its send, and its deliver or drop, share the id. */
  id: string | number;
  from: string;
  to: string;
  time: number;
  /** Message type, drawn on the arrow ("mutation", "read digest", "ack"). */
  type?: string;
  /** Why a message was dropped ("partition", "node down", "loss"). */
  reason?: string;
}

export type SpanKind = 'partition' | 'crash' | 'down' | 'pause' | 'timeout' | 'unavailable' | 'other';

/** Something that lasts: a partition, a crash, a timeout being waited out. */
export interface DiagramSpan {
  kind: SpanKind;
  nodes: string[];
  start: number;
  /** Open-ended when absent: lasts to the end of the run. */
  end?: number;
  label?: string;
}

/** A point annotation on one lane ("hint stored for A", "digest mismatch", "read repair"). */
export interface DiagramMark {
  time: number;
  node: string;
  text: string;
  kind?: 'info' | 'warn' | 'error' | 'ok';
}

export interface DiagramTrace {
  title?: string;
  description?: string;
  /** Unit of `time` values; default "ms". */
  timeUnit?: 'ms' | 'us';
  /** Lanes (optional: lanes are also discovered from the events). Order is decided by kind. */
  nodes?: DiagramNode[];
  history?: DiagramOp[];
  network?: DiagramMessage[];
  spans?: DiagramSpan[];
  marks?: DiagramMark[];
  /** Values each node holds at the end of the run ("v3"), shown under its lane. */
  final?: Record<string, unknown>;
  /** The value every replica should converge to; a final value different from it is marked stale. */
  expected?: unknown;
  /** Times are shown relative to this instant ("+5 s"), e.g. the start of one operation. Default 0. */
  origin?: number;
  /** Time the run ended (defaults to the last event). */
  end?: number;
}

export class TraceError extends Error {
  constructor(message: string) {
    super(`Cannot draw this trace: ${message}`);
    this.name = 'TraceError';
  }
}

const OP_TYPES = new Set(['invoke', 'ok', 'fail', 'info']);
const MSG_EVENTS = new Set(['send', 'deliver', 'drop']);

function isTime(t: unknown): t is number {
  return typeof t === 'number' && Number.isFinite(t) && t >= 0;
}

/** Checks the shape and says exactly what is wrong (which entry, which field). */
export function validateTrace(trace: unknown): asserts trace is DiagramTrace {
  if (trace === null || typeof trace !== 'object') throw new TraceError('expected an object with history/network arrays');
  const t = trace as Record<string, unknown>;
  for (const key of ['history', 'network', 'spans', 'marks', 'nodes'] as const) {
    if (t[key] !== undefined && !Array.isArray(t[key])) throw new TraceError(`"${key}" must be an array`);
  }
  (t.history as unknown[] | undefined)?.forEach((o, i) => {
    const op = o as Record<string, unknown>;
    if (!op || typeof op !== 'object') throw new TraceError(`history[${i}] is not an object`);
    if (!OP_TYPES.has(op.type as string)) throw new TraceError(`history[${i}].type must be invoke, ok, fail or info (got ${JSON.stringify(op.type)})`);
    if (!isTime(op.time)) throw new TraceError(`history[${i}].time must be a non-negative number (got ${JSON.stringify(op.time)})`);
    if (typeof op.process !== 'string' && typeof op.process !== 'number') throw new TraceError(`history[${i}].process must be a string or number`);
  });
  (t.network as unknown[] | undefined)?.forEach((m, i) => {
    const msg = m as Record<string, unknown>;
    if (!msg || typeof msg !== 'object') throw new TraceError(`network[${i}] is not an object`);
    if (!MSG_EVENTS.has(msg.event as string)) throw new TraceError(`network[${i}].event must be send, deliver or drop (got ${JSON.stringify(msg.event)})`);
    if (!isTime(msg.time)) throw new TraceError(`network[${i}].time must be a non-negative number`);
    if (typeof msg.from !== 'string' || typeof msg.to !== 'string') throw new TraceError(`network[${i}] needs string "from" and "to"`);
  });
  (t.spans as unknown[] | undefined)?.forEach((s, i) => {
    const sp = s as Record<string, unknown>;
    if (!sp || !Array.isArray(sp.nodes) || !isTime(sp.start)) throw new TraceError(`spans[${i}] needs "nodes" (array) and "start" (time)`);
    if (sp.end !== undefined && (!isTime(sp.end) || (sp.end as number) < (sp.start as number))) throw new TraceError(`spans[${i}].end must be a time ≥ start`);
  });
  (t.marks as unknown[] | undefined)?.forEach((s, i) => {
    const mk = s as Record<string, unknown>;
    if (!mk || typeof mk.node !== 'string' || !isTime(mk.time) || typeof mk.text !== 'string') throw new TraceError(`marks[${i}] needs "node", "time" and "text"`);
  });
}
