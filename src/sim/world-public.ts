/**
 * The world as exercises, tests and other parts of the site see it: one seeded simulation with
 * clients for learner code, faults, virtual time, data seeding and inspection, and its trace.
 * `createWorld` (src/sim/index.ts) returns this type; the drivers and the simulator's own modules
 * use the wide `World` class of ./world, which also carries their hooks (scheduler, network,
 * pending registry, …). docs/CONTRACTS.md, "Simulator API", describes every member.
 */
import type { Client as CassandraClient } from './drivers/cassandra';
import type { Kafka } from './drivers/kafkajs';
import type { Pool } from './drivers/pg';
import type { Fault, SampleOptions } from './faults';
import type { Op, QueryRecord } from './history';
import type { Topic } from './kafka';
import type { JournalEntry } from './net';
import type { Processor, ProcessorOptions, Stream } from './stream';

export interface WorldOptions {
  seed: number;
  nodes?: number;
  rf?: number;
  zones?: string[];
  readRepair?: 'blocking' | 'none';
  timeouts?: { readMs?: number; writeMs?: number };
  hints?: { enabled?: boolean; maxHintWindowMs?: number; maxHintsPerHost?: number; throttleKiB?: number; dispatchIntervalMs?: number };
  failureDetectorMs?: number;
  /** the tables' `speculative_retry`: '99p' (Cassandra's default), 'NONE', 'Np' or 'Nms' */
  speculativeRetry?: string;
  /** `dynamic_snitch` (default true): a replica whose reads recently timed out is asked last */
  dynamicSnitch?: boolean;
  latency?: { sameZone?: string; crossZone?: string };
  limits?: { maxVirtualMs?: number; maxEvents?: number };
  schema?: Partial<import('./schema').Schema>;
  /** record the network journal (default true) */
  journal?: boolean;
  /** Date.now() at virtual time 0 (default 2026-01-01T00:00:00Z) */
  epochMs?: number;
}

/** Something the simulator noted for the trace (a repair, a sampled schedule, a hint replay, …). */
export interface Note {
  time: number;
  kind: string;
  data: Record<string, unknown>;
}

/** Per-run budgets of `world.run` (default: the world's `limits`). */
export interface RunBudget {
  maxVirtualMs?: number;
  maxEvents?: number;
}

export interface CassandraClientOptions {
  /** where the client runs (default: the first contact point's zone) */
  zone?: string;
  contactPoints?: string[];
  /** false: only the contact points are tried */
  failover?: boolean;
  id?: string;
  readTimeout?: number;
  consistency?: number;
  /** null: the coordinator stamps writes (server-side timestamps) */
  timestampGeneration?: null | 'client';
}

/** The whole run as data: what the diagrams draw and the grader attaches to a failed test. */
export interface Trace {
  version: 1;
  seed: number;
  nodes: Array<{ id: string; zone: string }>;
  clients: Array<{ id: string; zone: string; kind: string }>;
  faults: ReadonlyArray<{ time: number; fault: Fault }>;
  history: readonly Op[];
  journal: readonly JournalEntry[];
  notes: readonly Note[];
  endMs: number;
}

/** Maelstrom-style statistics of a run so far. */
export interface WorldStats {
  ops: { total: number; ok: number; fail: number; info: number; byF: Record<string, Record<string, number>> };
  messages: { sent: number; delivered: number; dropped: number; dropReasons: Record<string, number>; perOp: number };
  latencyMs: Record<string, { p50: number | null; p95: number | null; p99: number | null; max: number | null }>;
  faults: Record<string, number>;
  events: number;
  virtualMs: number;
}

export interface PublicWorld {
  /** the seed the world was created with (as an unsigned 32-bit integer) */
  readonly seed: number;
  /** virtual time, ms */
  readonly now: number;
  /** the Cassandra nodes' ids, in ring order ('A', 'B', 'C' by default) */
  readonly nodes: readonly string[];
  /** `Date.now()` at virtual time 0 */
  readonly epochMs: number;
  /** is a `run` in progress? */
  readonly isRunning: boolean;
  /** how many runs have started (the grader tells a test still using its world from one stuck after it) */
  readonly runs: number;
  /** every statement the drivers received, in order */
  readonly queries: readonly QueryRecord[];
  /** Jepsen-style history of the clients' operations */
  readonly history: readonly Op[];
  readonly notes: readonly Note[];
  /** network journal (sends, deliveries, drops) */
  readonly journal: readonly JournalEntry[];
  readonly faultLog: ReadonlyArray<{ time: number; fault: Fault }>;
  readonly limits: { readonly maxVirtualMs: number; readonly maxEvents: number };

  // ---- time
  /** Run async code against the world (timers, Date, Math.random follow the simulation). */
  run<T>(fn: () => T | Promise<T>, budget?: RunBudget): Promise<T>;
  /** Resolve after `ms` of virtual time (only inside run). */
  sleep(ms: number): Promise<void>;
  /** Resolve when `pred()` holds, polling every `pollMs` (default 10) virtual ms. */
  waitFor(pred: () => boolean, opts?: { timeoutMs?: number; pollMs?: number; what?: string }): Promise<void>;
  /** Advance virtual time running only simulator events (between runs). */
  advance(ms: number): void;

  // ---- clients for learner code
  cassandraClient(o?: CassandraClientOptions): CassandraClient;
  pgPool(o?: { id?: string; zone?: string; queryTimeoutMs?: number }): Pool;
  kafka(o?: { clientId?: string; zone?: string }): Kafka;
  stream<T = unknown>(name?: string, o?: { shards?: number; retentionMs?: number }): Stream<T>;
  processor<T>(o: ProcessorOptions<T>): Processor<T>;

  // ---- faults
  /** Schedule faults at absolute virtual times (`at`, ms; missing = now). */
  schedule(faults: Fault[]): void;
  /** Apply a fault now. */
  fault(f: Fault): void;
  /** Draw a fault schedule from the seed, schedule it, and return it. */
  sampleFaults(o?: SampleOptions): Fault[];

  // ---- data setup and inspection
  cassandraPut(table: string, row: Record<string, unknown>, o?: { nodes?: string[]; timestampUs?: number }): void;
  replicaRow(node: string, table: string, key: unknown): Record<string, unknown> | undefined;
  replicaCellTimestamp(node: string, table: string, key: unknown, column: string): number | undefined;
  pgInsert(table: string, row: Record<string, unknown>): Record<string, unknown>;
  pgRows(table: string): Record<string, unknown>[];
  topic(name: string): Topic;
  metrics(node: string): Record<string, number>;
  pendingHints(node: string, target?: string): number;
  isDown(observer: string, target: string): boolean;
  /** `nodetool repair`; returns the number of replica rows that changed. */
  repair(table?: string): number;
  note(kind: string, data: Record<string, unknown>): void;

  // ---- results
  stats(): WorldStats;
  trace(): Trace;
  /** 64-bit hash of the trace: same code and seed → same hash. */
  traceHash(): string;
}
