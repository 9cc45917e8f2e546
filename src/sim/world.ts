/**
 * A world: one seeded simulation (clock, heap, network, Cassandra-like cluster, PostgreSQL-like
 * store, Kafka-like broker, stream) plus the machinery that runs async learner code against it.
 */
import { currentWorld, setLastCreated } from './active';
import { Cluster, type ClusterConfig, parseSpeculativeRetry } from './cassandra';
import { Client as CassandraClient, type ClientOptions } from './drivers/cassandra';
import { Kafka, type KafkaConfig } from './drivers/kafkajs';
import { Pool, type PoolConfig } from './drivers/pg';
import { trustSim } from './drivers/placement';
import { type Fault, type SampleOptions, sampleSchedule, validateFault } from './faults';
import { type Deferred, type Op, type OpType, type QueryRecord, RecordLog } from './history';
import { KafkaBroker } from './kafka';
import { type Endpoint, Network } from './net';
import { PgDatabase } from './pg';
import { Rng } from './rng';
import { Scheduler } from './sched';
import { type Schema, defaultSchema } from './schema';
import { Processor, type ProcessorOptions, Stream } from './stream';
import { cassandraPut, repair, replicaRow, traceHash, worldStats, worldTrace } from './world-inspect';
import { applyFault, knownNames } from './world-faults';
import { type Pending, RunLoop } from './world-run';
import type { CassandraClientOptions, Note, PublicWorld, RunBudget, Trace, WorldOptions, WorldStats } from './world-public';

export type { WorldOptions, Note, PublicWorld, Trace, WorldStats } from './world-public';

export { currentWorld };

/** Where every world's `Date.now()` starts unless `epochMs` says otherwise: 2026-01-01T00:00:00Z. */
export const DEFAULT_EPOCH_MS = 1_767_225_600_000;

export class World implements PublicWorld {
  readonly seed: number;
  readonly opts: WorldOptions;
  readonly rng: Rng;
  readonly sched = new Scheduler();
  readonly net: Network;
  readonly cluster: Cluster;
  readonly pgdb: PgDatabase;
  readonly kafkaBroker = new KafkaBroker();
  readonly schema: Schema;
  readonly epochMs: number;
  /** the history and the query log (driver calls' records are made when read: ./history `Deferred`) */
  readonly #history = new RecordLog<Op>((d, index) => d.historyOp(index));
  readonly #queries = new RecordLog<QueryRecord>((d) => d.queryRecord());
  readonly notes: Note[] = [];
  readonly faultLog: Array<{ time: number; fault: Fault }> = [];
  readonly pgEp: Endpoint;
  readonly kafkaEp: Endpoint;
  pgState: { state: 'up' | 'down' | 'slow'; extraUs: number } = { state: 'up', extraUs: 0 };
  readonly limits: { maxVirtualMs: number; maxEvents: number };

  /** learner-visible activity counter (drives the adaptive microtask drain) */
  activity = 0;
  private clientSeq = 0;
  /** the run loop and learner realm host (./world-run) */
  readonly #loop: RunLoop;
  /** listeners told when a node crashes (drivers fail in-flight requests) */
  readonly crashListeners: Array<(node: string) => void> = [];
  readonly streams: Stream[] = [];
  readonly processors: Processor[] = [];

  constructor(opts: WorldOptions) {
    if (!opts || typeof opts.seed !== 'number' || !Number.isFinite(opts.seed)) {
      throw new Error('createWorld({ seed }) needs a finite numeric seed');
    }
    this.opts = opts;
    this.seed = opts.seed >>> 0;
    this.rng = new Rng(this.seed);
    this.#loop = new RunLoop(this, this.rng.fork('learner'));
    this.epochMs = opts.epochMs ?? DEFAULT_EPOCH_MS;
    const base = defaultSchema();
    this.schema = {
      keyspace: opts.schema?.keyspace ?? base.keyspace,
      cassandra: opts.schema?.cassandra ?? base.cassandra,
      pg: opts.schema?.pg ?? base.pg,
    };
    this.limits = { maxVirtualMs: opts.limits?.maxVirtualMs ?? 600_000, maxEvents: opts.limits?.maxEvents ?? 5_000_000 };
    this.net = new Network(this.sched, this.rng.fork('net'), opts.latency);
    this.net.journalEnabled = opts.journal !== false;
    const ms = (x: number | undefined, d: number, what: string) => {
      const v = x ?? d;
      if (!Number.isFinite(v) || v < 0) throw new Error(`${what} must be a non-negative number of ms, got ${String(x)}`);
      return Math.round(v * 1000);
    };
    const cfg: ClusterConfig = {
      nodes: opts.nodes ?? 3,
      rf: opts.rf ?? Math.min(3, opts.nodes ?? 3),
      zones: opts.zones ?? ['A', 'B', 'C'],
      readRepair: opts.readRepair ?? 'blocking',
      readTimeoutUs: ms(opts.timeouts?.readMs, 5000, 'timeouts.readMs'),
      writeTimeoutUs: ms(opts.timeouts?.writeMs, 2000, 'timeouts.writeMs'),
      hintsEnabled: opts.hints?.enabled ?? true,
      maxHintWindowUs: ms(opts.hints?.maxHintWindowMs, 3 * 3600_000, 'hints.maxHintWindowMs'),
      maxHintsPerHost: opts.hints?.maxHintsPerHost ?? 0,
      hintThrottleKiB: opts.hints?.throttleKiB ?? 1024,
      convictUs: ms(opts.failureDetectorMs, 18_000, 'failureDetectorMs'),
      upDelayUs: 1_000_000,
      hintDispatchIntervalUs: ms(opts.hints?.dispatchIntervalMs, 10_000, 'hints.dispatchIntervalMs'),
      speculativeRetry: parseSpeculativeRetry(opts.speculativeRetry ?? '99p'),
      dynamicSnitch: opts.dynamicSnitch ?? true,
    };
    if (cfg.readRepair !== 'blocking' && cfg.readRepair !== 'none') throw new Error(`readRepair must be 'blocking' or 'none', got '${String(cfg.readRepair)}'`);
    this.cluster = new Cluster(cfg, this.schema.cassandra, {
      sched: this.sched,
      net: this.net,
      rng: this.rng.fork('cassandra'),
      note: (kind, data) => this.note(kind, data),
    });
    this.pgEp = this.net.add('pg', 'pg', 'service');
    this.kafkaEp = this.net.add('kafka', 'kafka', 'service');
    this.pgdb = new PgDatabase(this.schema.pg, () => this.epochMs + Math.floor(this.sched.now / 1000));
    setLastCreated(this);
  }

  /** virtual time, ms */
  get now(): number {
    return this.sched.now / 1000;
  }

  /** Jepsen-style history of the clients' operations (the same array every time). */
  get history(): Op[] {
    return this.#history.read();
  }

  /** Every statement the drivers received, in order (the same array every time). */
  get queries(): QueryRecord[] {
    return this.#queries.read();
  }

  get nodes(): string[] {
    return this.cluster.nodes.map((n) => n.id);
  }

  get journal() {
    return this.net.journal;
  }

  get isRunning(): boolean {
    return this.#loop.running;
  }

  get runs(): number {
    return this.#loop.runs;
  }

  note(kind: string, data: Record<string, unknown>): void {
    this.notes.push({ time: this.now, kind, data });
  }

  nextClientId(prefix: string): string {
    return `${prefix}-${++this.clientSeq}`;
  }

  // ---- hooks used by the driver modules (the run loop keeps the state) ---------------------------
  assertRunning(api: string): void {
    this.#loop.assertRunning(api);
  }

  addPending(desc: string | (() => string)): number {
    return this.#loop.addPending(desc);
  }

  /** `addPending` for an entry that describes itself (a driver call), until `removePending(p)`; its `sinceUs` must be now. */
  addPendingEntry(p: Pending): void {
    this.#loop.addPendingEntry(p);
  }

  removePending(id: number | Pending): void {
    this.#loop.removePending(id);
  }

  /** An event is about to resolve a learner-facing promise or call learner code. */
  wake(): void {
    this.#loop.woke = true;
  }

  pendingList(): string[] {
    return this.#loop.pendingList();
  }

  record(process: string, type: OpType, f: string, value: unknown, extra?: Partial<Op>): Op {
    const op: Op = { index: this.#history.length, process, type, f, value, time: this.now, ...extra };
    this.#history.push(op);
    return op;
  }

  /** Appends a driver call's operation, made when the history is read; returns its index. */
  deferOp(d: Deferred): number {
    return this.#history.defer(d);
  }

  /** Appends a statement a driver received to the query log. */
  logQuery(q: QueryRecord): void {
    this.#queries.push(q);
  }

  /** Appends a driver call's query-log entry, made when the log is read. */
  deferQuery(d: Deferred): void {
    this.#queries.defer(d);
  }

  // ---- time (./world-run) ------------------------------------------------------------------------
  /**
   * Run async code against the world. Inside, timers, Date, performance.now, AbortSignal.timeout
   * and Math.random follow the simulation. Resolves/rejects like `fn`; rejects with
   * SimulationError on deadlock, budget exhaustion or busy-waiting.
   */
  run<T>(fn: () => T | Promise<T>, opts: RunBudget = {}): Promise<T> {
    return this.#loop.run(fn, opts);
  }

  /** Resolve after `ms` of virtual time (only inside run). */
  sleep(ms: number): Promise<void> {
    return this.#loop.sleep(ms);
  }

  /** Resolve when `pred()` holds, checking every `pollMs` (default 10) of virtual time; rejects after timeoutMs. */
  waitFor(pred: () => boolean, opts: { timeoutMs?: number; pollMs?: number; what?: string } = {}): Promise<void> {
    return this.#loop.waitFor(pred, opts);
  }

  /** Advance virtual time by `ms` running only simulator events (between runs). */
  advance(ms: number): void {
    this.#loop.advance(ms);
  }

  // ---- clients for learner code -----------------------------------------------------------------
  /**
   * Where the test's application runs: the zone of the first client the test made with a zone. A
   * client learner code constructs itself runs there too (./drivers/placement.ts), whatever its
   * options say, so a scenario's "the API in zone A" holds for it.
   */
  appZone: string | undefined;

  private placeApp(zone: string | undefined): void {
    this.appZone ??= zone;
  }

  /**
   * A cassandra-driver Client bound to this world. `zone`: where the client runs (default: the
   * first contact point's zone). `failover: false` keeps it on its contact points only.
   */
  cassandraClient(o: CassandraClientOptions = {}): CassandraClient {
    this.placeApp(o.zone);
    const opts: ClientOptions = {
      contactPoints: o.contactPoints ?? [this.cluster.nodes.find((n) => n.ep.zone === (o.zone ?? 'A'))?.id ?? 'A'],
      localDataCenter: 'dc1',
      sim: trustSim({ world: this, zone: o.zone, id: o.id, failover: o.failover }),
    };
    if (o.readTimeout !== undefined) opts.socketOptions = { readTimeout: o.readTimeout };
    if (o.consistency !== undefined) opts.queryOptions = { consistency: o.consistency };
    if (o.timestampGeneration === null) opts.policies = { timestampGeneration: null };
    return new CassandraClient(opts);
  }

  /** A pg Pool bound to this world. */
  pgPool(o: { id?: string; zone?: string; queryTimeoutMs?: number } = {}): Pool {
    this.placeApp(o.zone);
    const cfg: PoolConfig = { sim: trustSim({ world: this, id: o.id, zone: o.zone }) };
    if (o.queryTimeoutMs !== undefined) cfg.query_timeout = o.queryTimeoutMs;
    return new Pool(cfg);
  }

  /** A kafkajs Kafka bound to this world. */
  kafka(o: { clientId?: string; zone?: string } = {}): Kafka {
    this.placeApp(o.zone);
    const cfg: KafkaConfig = { clientId: o.clientId, brokers: ['kafka:9092'], sim: trustSim({ world: this, id: o.clientId, zone: o.zone }) };
    return new Kafka(cfg);
  }

  /** A Kinesis-like stream (default 2 shards, 24 h retention). */
  stream<T = unknown>(name = 'orders', o: { shards?: number; retentionMs?: number } = {}): Stream<T> {
    const s = new Stream<T>(this, name, o.shards ?? 2, o.retentionMs ?? 24 * 3600_000);
    this.streams.push(s as Stream);
    return s;
  }

  /** A Lambda-like processor for a stream; call .start() (inside or before a run). */
  processor<T>(o: ProcessorOptions<T>): Processor<T> {
    const p = new Processor<T>(this, o);
    this.processors.push(p as unknown as Processor);
    return p;
  }

  // ---- faults (./world-faults) ----------------------------------------------------------------------
  /** Schedule faults at absolute virtual times (`at`, ms; missing = now). Validated up front. */
  schedule(faults: Fault[]): void {
    if (!Array.isArray(faults)) throw new Error('world.schedule(faults) needs an array of faults');
    const known = knownNames(this);
    for (const f of faults) validateFault(f, known);
    for (const f of faults) {
      const at = f.at === undefined ? this.sched.now : Math.round(f.at * 1000);
      this.sched.at(at, () => applyFault(this, f));
    }
  }

  /** Apply a fault now. */
  fault(f: Fault): void {
    validateFault(f, knownNames(this));
    applyFault(this, f);
  }

  /** Draw a fault schedule from the seed (stream 'faults'), schedule it, and return it (also noted in the trace). */
  sampleFaults(o: SampleOptions = {}): Fault[] {
    const s = sampleSchedule(this.rng.fork('faults'), this.cluster.nodes.map((n) => n.id), this.cluster.cfg.zones.filter((z, i, a) => a.indexOf(z) === i), o);
    this.note('sampled-schedule', { options: o as Record<string, unknown>, faults: s });
    this.schedule(s);
    return s;
  }

  // ---- data setup and inspection (./world-inspect) -------------------------------------------------
  /** Write a row straight into replicas (no traffic). Default: all replicas of the key, timestamp = now. */
  cassandraPut(table: string, row: Record<string, unknown>, o: { nodes?: string[]; timestampUs?: number } = {}): void {
    cassandraPut(this, table, row, o);
  }

  /** One replica's view of a row (what that node alone would return), or undefined. */
  replicaRow(node: string, table: string, key: unknown): Record<string, unknown> | undefined {
    return replicaRow(this, node, table, key);
  }

  /** Write timestamp (µs) of one replica's cell, or undefined. */
  replicaCellTimestamp(node: string, table: string, key: unknown, column: string): number | undefined {
    return this.cluster.node(node).get(table, key)?.cells[column]?.ts;
  }

  pgInsert(table: string, row: Record<string, unknown>): Record<string, unknown> {
    return this.pgdb.insertDirect(table, row);
  }

  pgRows(table: string): Record<string, unknown>[] {
    return this.pgdb.rows(table);
  }

  topic(name: string) {
    return this.kafkaBroker.topic(name);
  }

  metrics(node: string): Record<string, number> {
    return { ...this.cluster.node(node).metrics };
  }

  pendingHints(node: string, target?: string): number {
    return this.cluster.node(node).pendingHints(target);
  }

  /** Is `target` down in `observer`'s failure detector? */
  isDown(observer: string, target: string): boolean {
    return this.cluster.isDown(this.cluster.node(observer), this.cluster.node(target));
  }

  /** `nodetool repair` (full, all tables or one): the number of replica rows that changed. */
  repair(table?: string): number {
    return repair(this, table);
  }

  /** Maelstrom-style statistics of everything so far. */
  stats(): WorldStats {
    return worldStats(this);
  }

  trace(): Trace {
    return worldTrace(this);
  }

  traceHash(): string {
    return traceHash(this);
  }
}

export function createWorld(opts: WorldOptions): World {
  return new World(opts);
}

/** The simulator's own view of a world handed to it as a `PublicWorld` (checkers, workloads). */
export function worldOf(w: PublicWorld): World {
  if (!(w instanceof World)) throw new TypeError('expected a world made by createWorld');
  return w;
}
