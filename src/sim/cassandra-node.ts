/**
 * The vocabulary of the Cassandra-like cluster: consistency levels and how many replicas each
 * needs, the cluster's configuration, what a coordinator is asked and answers, and one node's
 * state (replica storage, hints, metrics, read-latency statistics).
 */
import type { Endpoint } from './net';
import type { Rng } from './rng';
import { type Frag, cloneFrag, mergeInto } from './store';

/** Consistency levels with the driver's numeric values. */
export const CL = {
  any: 0x00, one: 0x01, two: 0x02, three: 0x03, quorum: 0x04, all: 0x05, localQuorum: 0x06,
  eachQuorum: 0x07, serial: 0x08, localSerial: 0x09, localOne: 0x0a,
} as const;

const CL_NAMES: Record<number, string> = {
  0: 'ANY', 1: 'ONE', 2: 'TWO', 3: 'THREE', 4: 'QUORUM', 5: 'ALL', 6: 'LOCAL_QUORUM', 7: 'EACH_QUORUM',
  8: 'SERIAL', 9: 'LOCAL_SERIAL', 10: 'LOCAL_ONE',
};

export function clName(cl: number): string {
  return CL_NAMES[cl] ?? `UNKNOWN(${cl})`;
}

export interface ClusterConfig {
  nodes: number;
  rf: number;
  zones: string[];
  readRepair: 'blocking' | 'none';
  readTimeoutUs: number;
  writeTimeoutUs: number;
  hintsEnabled: boolean;
  maxHintWindowUs: number;
  maxHintsPerHost: number;
  hintThrottleKiB: number;
  convictUs: number;
  upDelayUs: number;
  hintDispatchIntervalUs: number;
  /** the tables' `speculative_retry` (default '99p') */
  speculativeRetry: SpeculativeRetry;
  /** `dynamic_snitch` (default true): replicas whose reads recently timed out are asked last */
  dynamicSnitch: boolean;
}

export type SpeculativeRetry = { kind: 'none' } | { kind: 'percentile'; p: number } | { kind: 'fixed'; us: number };

/** Parses a CQL `speculative_retry` value: 'NONE', '99p' / '99PERCENTILE', '50ms'. */
export function parseSpeculativeRetry(v: string): SpeculativeRetry {
  const t = String(v).trim().toUpperCase();
  if (t === 'NONE') return { kind: 'none' };
  let m = /^(\d+(?:\.\d+)?)(?:P|PERCENTILE)$/.exec(t);
  if (m && Number(m[1]) > 0 && Number(m[1]) < 100) return { kind: 'percentile', p: Number(m[1]) };
  m = /^(\d+(?:\.\d+)?)MS$/.exec(t);
  if (m) return { kind: 'fixed', us: Math.round(Number(m[1]) * 1000) };
  throw new Error(`speculativeRetry must be 'NONE', a percentile like '99p' or a delay like '50ms', got '${v}'`);
}

/** A coordinator's recent read latencies for one table (the `CoordinatorReadLatency` histogram). */
export class ReadStats {
  private readonly ring: number[] = [];
  private pos = 0;
  constructor(public thresholdUs: number, public updateAtUs: number) {}
  get size(): number {
    return this.ring.length;
  }
  add(us: number): void {
    if (this.ring.length < 128) this.ring.push(us);
    else { this.ring[this.pos] = us; this.pos = (this.pos + 1) & 127; }
  }
  percentile(p: number): number {
    const s = this.ring.slice().sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
  }
}

/** `dynamic_snitch_reset_interval_in_ms`: 10 minutes */
export const SNITCH_RESET_US = 600_000_000;

/** An error a coordinator answers with (becomes a driver ResponseError). */
export interface ServerError {
  code: number;
  message: string;
  props: Record<string, unknown>;
}

export type ServerOp =
  | { kind: 'read'; table: string; key: unknown; columns: string[]; cl: number; limit: number }
  | { kind: 'write'; table: string; key: unknown; frag: Frag; cl: number }
  | { kind: 'system'; columns: string[] };

export type ServerReply = { ok: true; rows: Record<string, unknown>[] } | { ok: false; error: ServerError };

export interface Hint {
  table: string;
  key: unknown;
  frag: Frag;
  createdUs: number;
  bytes: number;
}

export class CNode {
  readonly data = new Map<string, Map<unknown, Frag>>();
  readonly hints = new Map<string, Hint[]>();
  metrics: Record<string, number> = {};
  dispatchTimer = false;
  dispatching = new Set<string>();
  /** per table: recent coordinator read latencies and the speculative-retry threshold */
  readStats = new Map<string, ReadStats>();
  /** dynamic snitch: peer → reset window in which one of its read callbacks expired */
  slowPeers = new Map<string, number>();
  /** last server-side write timestamp (µs), `ClientState.lastTimestampMicros` */
  lastTs = 0;
  readonly rng: Rng;
  /** 1 << its index in the cluster (a request's set of replicas that answered is a bit mask) */
  readonly bit: number;
  constructor(readonly id: string, readonly ep: Endpoint, rng: Rng, index = 0) {
    this.rng = rng;
    this.bit = 1 << index;
  }
  inc(name: string, by = 1): void {
    this.metrics[name] = (this.metrics[name] ?? 0) + by;
  }
  table(t: string): Map<unknown, Frag> {
    let m = this.data.get(t);
    if (!m) { m = new Map(); this.data.set(t, m); }
    return m;
  }
  apply(table: string, key: unknown, frag: Frag): boolean {
    const m = this.table(table);
    const cur = m.get(key);
    if (!cur) { m.set(key, cloneFrag(frag)); return true; }
    return mergeInto(cur, frag);
  }
  get(table: string, key: unknown): Frag | undefined {
    return this.data.get(table)?.get(key);
  }
  /** Coordinator-side write timestamp: whole ms × 1000, and node-wide monotonic (`ClientState.getTimestamp`). */
  serverTimestamp(clockUs: number): number {
    const current = Math.floor(clockUs / 1000) * 1000;
    const ts = this.lastTs >= current ? this.lastTs + 1 : current;
    this.lastTs = ts;
    return ts;
  }
  /** What a process restart forgets (in-memory state; data and hints are on disk). */
  resetVolatile(): void {
    this.metrics = {};
    this.readStats = new Map();
    this.slowPeers = new Map();
    this.lastTs = 0;
  }
  pendingHints(target?: string): number {
    if (target) return this.hints.get(target)?.length ?? 0;
    let n = 0;
    for (const h of this.hints.values()) n += h.length;
    return n;
  }
}

function quorum(rf: number): number {
  return Math.floor(rf / 2) + 1;
}

export function blockFor(cl: number, rf: number): number {
  switch (cl) {
    case CL.any: case CL.one: case CL.localOne: return 1;
    case CL.two: return 2;
    case CL.three: return 3;
    case CL.quorum: case CL.localQuorum: case CL.eachQuorum: case CL.serial: case CL.localSerial: return quorum(rf);
    case CL.all: return rf;
    default: return -1;
  }
}

export const E_UNAVAILABLE = 0x1000, E_WRITE_TIMEOUT = 0x1100, E_READ_TIMEOUT = 0x1200, E_INVALID = 0x2200;

export function invalid(message: string): ServerReply {
  return { ok: false, error: { code: E_INVALID, message, props: {} } };
}

export function unavailable(cl: number, required: number, alive: number): ServerReply {
  return {
    ok: false,
    error: { code: E_UNAVAILABLE, message: `Cannot achieve consistency level ${clName(cl)}`, props: { consistencies: cl, required, alive } },
  };
}
