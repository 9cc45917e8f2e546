/**
 * A world: one seeded simulation (clock, heap, network, Cassandra-like cluster, PostgreSQL-like
 * store, Kafka-like broker, stream) plus the machinery that runs async learner code against it.
 */
import { currentRunning, currentWorld, setActive, setLastCreated } from './active';
import { Cluster, type ClusterConfig, parseSpeculativeRetry } from './cassandra';
import { Client as CassandraClient, type ClientOptions } from './drivers/cassandra';
import { Kafka, type KafkaConfig } from './drivers/kafkajs';
import { Pool, type PoolConfig } from './drivers/pg';
import { SimulationError } from './errors';
import { type Fault, type SampleOptions, sampleSchedule, validateFault } from './faults';
import { type Op, type OpType, type QueryRecord } from './history';
import { KafkaBroker } from './kafka';
import { type Endpoint, Network } from './net';
import { PgDatabase } from './pg';
import { installRealm } from './realm';
import { Rng } from './rng';
import { Ev, Scheduler } from './sched';
import { type Schema, defaultSchema } from './schema';
import { Processor, type ProcessorOptions, Stream } from './stream';
import { type Frag, mergeInto } from './store';
import type { CassandraClientOptions, Note, PublicWorld, RunBudget, Trace, WorldOptions, WorldStats } from './world-public';

export type { WorldOptions, Note, PublicWorld, Trace, WorldStats } from './world-public';

/** One thing learner code may be waiting for. */
interface Pending {
  desc: string | (() => string);
  sinceUs: number;
}

const MC = (globalThis as unknown as { MessageChannel?: new () => { port1: { onmessage: ((e: unknown) => void) | null; close(): void }; port2: { postMessage(x: unknown): void; close(): void } } }).MessageChannel;
const REAL_SET_TIMEOUT = (globalThis as unknown as { setTimeout: (f: () => void, ms: number) => unknown }).setTimeout;

/**
 * Waiting until the learner's microtasks have all run (before the simulated clock moves), cheapest
 * first for the host:
 *   - `scheduler.yield()` (Chromium 129+, in workers too): a macrotask at about half the cost of a
 *     message to ourselves, and a Submit yields tens of thousands of times;
 *   - Node: `setImmediate` (microtasks drain before the check phase), and once the run loop itself
 *     resumes from a microtask, `process.nextTick`: queued from a microtask, it runs only when the
 *     whole microtask queue has drained (Node empties V8's queue, then its tick queue), without a
 *     turn of the event loop. (Learner code that calls `process.nextTick` itself, which only Node
 *     has, may see the clock move before that tick's own continuations have run.)
 *   - other browsers: a message on one MessageChannel for the realm (runs are serialized).
 * All captured at load, so learner code replacing them later changes nothing.
 */
const schedulerObj = (globalThis as unknown as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
const SCHEDULER_YIELD = typeof schedulerObj?.yield === 'function' ? schedulerObj.yield.bind(schedulerObj) : null;
const REAL_SET_IMMEDIATE = (globalThis as unknown as { setImmediate?: (f: () => void) => unknown }).setImmediate;
const nodeProcess = (globalThis as unknown as { process?: { nextTick?: (f: () => void) => void } }).process;
const REAL_NEXT_TICK = typeof nodeProcess?.nextTick === 'function' ? nodeProcess.nextTick.bind(nodeProcess) : null;
type Port = { onmessage: ((e: unknown) => void) | null; postMessage(x: unknown): void };
let channel: { port1: Port; port2: Port } | null = null;
let macroResolve: (() => void) | null = null;

/** A macrotask yield: everything queued as a microtask has run when it resolves. */
function macroYield(): Promise<void> {
  if (SCHEDULER_YIELD) return SCHEDULER_YIELD();
  if (REAL_SET_IMMEDIATE) return new Promise<void>((res) => void REAL_SET_IMMEDIATE(res));
  return new Promise<void>((res) => {
    if (!MC) { REAL_SET_TIMEOUT(res, 0); return; }
    if (!channel) {
      channel = new MC() as unknown as { port1: Port; port2: Port };
      channel.port1.onmessage = () => { const r = macroResolve; macroResolve = null; r?.(); };
    }
    macroResolve = res;
    channel.port2.postMessage(0);
  });
}

/** The same guarantee, for a caller already running as a microtask. */
function drainYield(): Promise<void> {
  if (REAL_NEXT_TICK) return new Promise<void>((res) => REAL_NEXT_TICK(res));
  return macroYield();
}

/** One run at a time per JS realm: the learner realm patches globals. */
let lock: Promise<void> = Promise.resolve();
export { currentWorld };

function fmtMs(us: number): string {
  return `${us / 1000} ms`;
}

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
  readonly history: Op[] = [];
  readonly queries: QueryRecord[] = [];
  readonly notes: Note[] = [];
  readonly faultLog: Array<{ time: number; fault: Fault }> = [];
  readonly pgEp: Endpoint;
  readonly kafkaEp: Endpoint;
  pgState: { state: 'up' | 'down' | 'slow'; extraUs: number } = { state: 'up', extraUs: 0 };
  readonly limits: { maxVirtualMs: number; maxEvents: number };

  /** learner-visible activity counter (drives the adaptive microtask drain) */
  activity = 0;
  /** set when an event resolved a learner-facing promise or called learner code */
  private woke = false;
  private pendingMap = new Map<number, Pending>();
  private pendingSeq = 0;
  private timers = new Map<number, { ev: Ev; token: number }>();
  private timerSeq = 0;
  private running = false;
  private uncaught: unknown = undefined;
  private clockReads = 0;
  private clockReadsAt = -1;
  private busy = false;
  private learnerRng: Rng;
  private clientSeq = 0;
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
    this.learnerRng = this.rng.fork('learner');
    this.epochMs = opts.epochMs ?? 1_767_225_600_000;
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

  get nodes(): string[] {
    return this.cluster.nodes.map((n) => n.id);
  }

  get journal() {
    return this.net.journal;
  }

  get isRunning(): boolean {
    return this.running;
  }

  note(kind: string, data: Record<string, unknown>): void {
    this.notes.push({ time: this.now, kind, data });
  }

  nextClientId(prefix: string): string {
    return `${prefix}-${++this.clientSeq}`;
  }

  // ---- hooks used by the driver modules ---------------------------------------------------------
  assertRunning(api: string): void {
    if (!this.running) throw new SimulationError('usage', `${api} was called outside world.run(…): driver calls only work while the simulation runs`, this.now);
  }

  addPending(desc: string | (() => string)): number {
    const id = ++this.pendingSeq;
    this.pendingMap.set(id, { desc, sinceUs: this.sched.now });
    return id;
  }

  removePending(id: number): void {
    this.pendingMap.delete(id);
  }

  /** An event is about to resolve a learner-facing promise or call learner code. */
  wake(): void {
    this.woke = true;
  }

  record(process: string, type: OpType, f: string, value: unknown, extra?: Partial<Op>): Op {
    const op: Op = { index: this.history.length, process, type, f, value, time: this.now, ...extra };
    this.history.push(op);
    return op;
  }

  pendingList(): string[] {
    return [...this.pendingMap.values()].map((p) => `${typeof p.desc === 'function' ? p.desc() : p.desc} (since ${fmtMs(p.sinceUs)})`);
  }

  // ---- learner realm host -------------------------------------------------------------------------
  private touch(): void {
    this.activity++;
    if (this.clockReadsAt !== this.sched.now) {
      this.clockReadsAt = this.sched.now;
      this.clockReads = 0;
    }
    if (++this.clockReads > 2_000_000) {
      this.busy = true;
      throw new SimulationError('busy-wait', `Busy-wait detected at ${this.now} ms: the clock was read 2,000,000 times without virtual time moving. Wait with await/setTimeout instead of spinning on Date.now().`, this.now, this.pendingList());
    }
  }

  private setTimer(fn: (...a: unknown[]) => void, delayMs: number, args: unknown[], repeat: boolean, api: string): number {
    this.activity++;
    const id = ++this.timerSeq;
    const delayUs = Math.max(repeat ? 1000 : 0, Math.round(delayMs * 1000));
    const token = this.addPending(`${api}(${delayUs / 1000} ms) #${id}`);
    const fire = () => {
      if (!repeat) {
        this.timers.delete(id);
        this.removePending(token);
      } else {
        const ev = this.sched.after(delayUs, fire);
        this.timers.set(id, { ev, token });
      }
      this.woke = true;
      try {
        fn(...args);
      } catch (e) {
        if (this.uncaught === undefined) this.uncaught = e;
      }
    };
    const ev = this.sched.after(delayUs, fire);
    this.timers.set(id, { ev, token });
    return id;
  }

  private clearTimer(id: number): void {
    this.activity++;
    const t = this.timers.get(id);
    if (!t) return;
    this.sched.cancel(t.ev);
    this.removePending(t.token);
    this.timers.delete(id);
  }

  // ---- running ----------------------------------------------------------------------------------
  /**
   * Run async code against the world. Inside, timers, Date, performance.now, AbortSignal.timeout
   * and Math.random follow the simulation. Resolves/rejects like `fn`; rejects with
   * SimulationError on deadlock, budget exhaustion or busy-waiting.
   */
  async run<T>(fn: () => T | Promise<T>, opts: RunBudget = {}): Promise<T> {
    if (typeof fn !== 'function') throw new TypeError('world.run(fn) needs a function');
    if (currentRunning()) {
      throw new SimulationError('usage', 'world.run() was called while a run is in progress (nested runs would wait for each other forever); inside a run, just await the code, or use world.sleep(ms)', this.now);
    }
    const prev = lock;
    let release!: () => void;
    lock = new Promise<void>((r) => (release = r));
    await prev;
    setActive(this);
    this.running = true;
    this.uncaught = undefined;
    this.busy = false;
    let macro = macroYield;
    const restore = installRealm({
      nowUs: () => this.sched.now,
      dateNowMs: () => { this.touch(); return this.epochMs + Math.floor(this.sched.now / 1000); },
      random: () => { this.activity++; return this.learnerRng.float(); },
      setTimer: (f, d, a, r, api) => this.setTimer(f, d, a, r, api),
      clearTimer: (id) => this.clearTimer(id),
      touch: () => this.touch(),
    });
    const maxUs = this.sched.now + Math.round((opts.maxVirtualMs ?? this.limits.maxVirtualMs) * 1000);
    const maxEvents = this.sched.executed + (opts.maxEvents ?? this.limits.maxEvents);
    let settled = false, ok = false;
    let value: T | undefined, error: unknown;
    try {
      let p: Promise<T>;
      try {
        p = Promise.resolve(fn());
      } catch (e) {
        p = Promise.reject(e);
      }
      p.then((v) => { settled = true; ok = true; value = v; this.activity++; }, (e) => { settled = true; error = e; this.activity++; });
      // `dirty`: an event may have resumed learner code since the learner's microtasks last ran out.
      let dirty = true;
      for (;;) {
        if (dirty) {
          const next = this.sched.peek();
          if (!next || next.t > this.sched.now || this.pendingMap.size === 0) {
            // Time is about to move (or nothing is pending): one macrotask guarantees that every
            // microtask the learner's code queued, however long its await chain, has run.
            dirty = false;
            await macro();
            macro = drainYield; // from here on this loop always resumes as a microtask
          } else {
            // More events at this same instant: let the learner's continuations run between them by
            // hopping microtasks until two hops pass with no learner activity (no macrotask needed:
            // whatever is still queued runs before the clock moves, by the branch above).
            let last = this.activity, idle = 0, hops = 0;
            while (idle < 2) {
              await undefined;
              if (this.activity !== last) { last = this.activity; idle = 0; } else idle++;
              if (++hops > 100_000) break;
            }
          }
        }
        if (settled || this.uncaught !== undefined || this.busy) break;
        const next = this.sched.peek();
        // verdicts about what is pending only once the learner's microtasks have surely run out
        if (dirty && (this.pendingMap.size === 0 || !next)) continue;
        if (this.pendingMap.size === 0) {
          throw new SimulationError('deadlock', `Deadlock at ${this.now} ms: the code under test is still awaiting, but nothing it could be waiting for is pending (no driver call in flight, no timer, no world.sleep). Something awaits a promise that never settles.`, this.now, []);
        }
        if (!next) {
          throw new SimulationError('deadlock', `Deadlock at ${this.now} ms: nothing is scheduled, but these are still pending: ${this.pendingList().join('; ')}`, this.now, this.pendingList());
        }
        if (next.t > maxUs) {
          throw new SimulationError('budget', `Virtual time budget exceeded: the run would pass ${maxUs / 1000} ms. Still pending: ${this.pendingList().join('; ') || 'nothing'}`, this.now, this.pendingList());
        }
        const sched = this.sched;
        for (;;) {
          const ev = sched.peek();
          if (!ev || ev.t > maxUs || (dirty && ev.t > sched.now)) break;
          sched.step();
          if (this.woke) { this.woke = false; dirty = true; break; }
          if (sched.executed > maxEvents) break;
        }
        if (sched.executed > maxEvents) {
          throw new SimulationError('budget', `Event budget exceeded at ${this.now} ms (${opts.maxEvents ?? this.limits.maxEvents} events). Still pending: ${this.pendingList().join('; ') || 'nothing'}`, this.now, this.pendingList());
        }
      }
      if (this.busy) {
        throw new SimulationError('busy-wait', `Busy-wait detected at ${this.now} ms: the clock was read 2,000,000 times without virtual time moving. Wait with await/setTimeout instead of spinning on Date.now().`, this.now, this.pendingList());
      }
      if (this.uncaught !== undefined) {
        const u = this.uncaught as { message?: string };
        throw new SimulationError('uncaught', `Uncaught error in a timer callback at ${this.now} ms: ${u && u.message ? u.message : String(u)}`, this.now, this.pendingList(), { cause: this.uncaught });
      }
    } finally {
      restore();
      this.running = false;
      setActive(null);
      release();
    }
    if (ok) return value as T;
    throw error;
  }

  /** Resolve after `ms` of virtual time (only inside run). */
  sleep(ms: number): Promise<void> {
    this.assertRunning('world.sleep');
    const token = this.addPending(`world.sleep(${ms} ms)`);
    return new Promise((res) => {
      this.sched.after(Math.round(ms * 1000), () => {
        this.removePending(token);
        this.wake();
        res();
      });
    });
  }

  /** Resolve when `pred()` holds, checking every `pollMs` (default 10) of virtual time; rejects after timeoutMs. */
  waitFor(pred: () => boolean, opts: { timeoutMs?: number; pollMs?: number; what?: string } = {}): Promise<void> {
    this.assertRunning('world.waitFor');
    const poll = Math.max(1, Math.round((opts.pollMs ?? 10) * 1000));
    const deadline = opts.timeoutMs === undefined ? Infinity : this.sched.now + Math.round(opts.timeoutMs * 1000);
    const token = this.addPending(`world.waitFor(${opts.what ?? 'condition'})`);
    return new Promise((res, rej) => {
      const check = () => {
        if (pred()) { this.removePending(token); this.wake(); return res(); }
        if (this.sched.now >= deadline) {
          this.removePending(token);
          this.wake();
          return rej(new Error(`world.waitFor(${opts.what ?? 'condition'}) timed out after ${opts.timeoutMs} ms`));
        }
        this.sched.after(poll, check);
      };
      check();
    });
  }

  /**
   * Advance virtual time by `ms` running only simulator events (no learner code may be waiting).
   * Synchronous; for use between runs (settling, hint replay, …).
   */
  advance(ms: number): void {
    if (this.running) throw new SimulationError('usage', 'world.advance() cannot be used inside world.run(); await world.sleep(ms) instead', this.now);
    const until = this.sched.now + Math.round(ms * 1000);
    const s = this.sched;
    for (;;) {
      const ev = s.peek();
      if (!ev || ev.t > until) break;
      s.step();
    }
    s.now = until;
  }

  // ---- clients for learner code -----------------------------------------------------------------
  /**
   * A cassandra-driver Client bound to this world. `zone`: where the client runs (default: the
   * first contact point's zone). `failover: false` keeps it on its contact points only.
   */
  cassandraClient(o: CassandraClientOptions = {}): CassandraClient {
    const opts: ClientOptions = {
      contactPoints: o.contactPoints ?? [this.cluster.nodes.find((n) => n.ep.zone === (o.zone ?? 'A'))?.id ?? 'A'],
      localDataCenter: 'dc1',
      sim: { world: this, zone: o.zone, id: o.id, failover: o.failover },
    };
    if (o.readTimeout !== undefined) opts.socketOptions = { readTimeout: o.readTimeout };
    if (o.consistency !== undefined) opts.queryOptions = { consistency: o.consistency };
    if (o.timestampGeneration === null) opts.policies = { timestampGeneration: null };
    return new CassandraClient(opts);
  }

  /** A pg Pool bound to this world. */
  pgPool(o: { id?: string; zone?: string; queryTimeoutMs?: number } = {}): Pool {
    const cfg: PoolConfig = { sim: { world: this, id: o.id, zone: o.zone } };
    if (o.queryTimeoutMs !== undefined) cfg.query_timeout = o.queryTimeoutMs;
    return new Pool(cfg);
  }

  /** A kafkajs Kafka bound to this world. */
  kafka(o: { clientId?: string; zone?: string } = {}): Kafka {
    const cfg: KafkaConfig = { clientId: o.clientId, brokers: ['kafka:9092'], sim: { world: this, id: o.clientId, zone: o.zone } };
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

  // ---- faults ------------------------------------------------------------------------------------
  private knownNames(): { nodes: Set<string>; names: Set<string> } {
    const nodes = new Set(this.cluster.nodes.map((n) => n.id));
    const names = new Set<string>();
    for (const e of this.net.endpoints.values()) { names.add(e.id); names.add(e.zone); }
    return { nodes, names };
  }

  /** Schedule faults at absolute virtual times (`at`, ms; missing = now). Validated up front. */
  schedule(faults: Fault[]): void {
    if (!Array.isArray(faults)) throw new Error('world.schedule(faults) needs an array of faults');
    const known = this.knownNames();
    for (const f of faults) validateFault(f, known);
    for (const f of faults) {
      const at = f.at === undefined ? this.sched.now : Math.round(f.at * 1000);
      this.sched.at(at, () => this.apply(f));
    }
  }

  /** Apply a fault now. */
  fault(f: Fault): void {
    validateFault(f, this.knownNames());
    this.apply(f);
  }

  /** Draw a fault schedule from the seed (stream 'faults'), schedule it, and return it (also noted in the trace). */
  sampleFaults(o: SampleOptions = {}): Fault[] {
    const s = sampleSchedule(this.rng.fork('faults'), this.cluster.nodes.map((n) => n.id), this.cluster.cfg.zones.filter((z, i, a) => a.indexOf(z) === i), o);
    this.note('sampled-schedule', { options: o as Record<string, unknown>, faults: s });
    this.schedule(s);
    return s;
  }

  private apply(f: Fault): void {
    this.faultLog.push({ time: this.now, fault: f });
    const net = this.net;
    switch (f.kind) {
      case 'isolate': {
        const zones = new Set<string>();
        for (const e of net.endpoints.values()) if (e.kind === 'node' || e.kind === 'client') zones.add(e.zone);
        zones.delete(f.zone);
        net.partition([[f.zone], [...zones]]);
        break;
      }
      case 'partition': net.partition(f.groups); break;
      case 'one-way': net.oneWay(f.from, f.to); break;
      case 'heal': net.heal(); break;
      case 'crash': {
        const n = this.cluster.node(f.node);
        this.cluster.crash(n);
        for (const l of this.crashListeners) l(n.id);
        break;
      }
      case 'restart': this.cluster.restart(this.cluster.node(f.node)); break;
      case 'pause': {
        const n = this.cluster.node(f.node);
        net.pause(n.ep);
        if (f.forMs !== undefined) this.sched.after(Math.round(f.forMs * 1000), () => net.resume(n.ep));
        break;
      }
      case 'resume': net.resume(this.cluster.node(f.node).ep); break;
      case 'slow': this.cluster.node(f.node).ep.slowUs = Math.round(f.extraMs * 1000); break;
      case 'loss': net.lossP = f.probability; break;
      case 'duplicate': net.dupP = f.probability; break;
      case 'latency': net.setLinkLatency(f.link[0], f.link[1], f.dist); break;
      case 'clock-skew': {
        const e = net.get(f.target);
        e.skewUs = Math.round(f.offsetMs * 1000);
        e.driftPpm = f.driftPpm ?? 0;
        break;
      }
      case 'pg': this.pgState = { state: f.state, extraUs: Math.round((f.extraMs ?? (f.state === 'slow' ? 2000 : 0)) * 1000) }; break;
      case 'kafka': this.kafkaBroker.up = f.state === 'up'; break;
      case 'stream-stall': for (const p of this.processors) p.stall(f.shard, f.forMs); break;
    }
  }

  // ---- data setup and inspection ------------------------------------------------------------------
  /** Write a row straight into replicas (no traffic). Default: all replicas of the key, timestamp = now. */
  cassandraPut(table: string, row: Record<string, unknown>, o: { nodes?: string[]; timestampUs?: number } = {}): void {
    const def = this.schema.cassandra[table];
    if (!def) throw new Error(`unconfigured table ${table}`);
    const key = row[def.key];
    if (key === undefined || key === null) throw new Error(`cassandraPut: the row needs its key column '${def.key}'`);
    const ts = o.timestampUs ?? (this.epochMs * 1000 + this.sched.now);
    const frag: Frag = { del: -Infinity, marker: ts, cells: {} };
    for (const [c, v] of Object.entries(row)) {
      if (c === def.key) continue;
      if (!(c in def.columns)) throw new Error(`Undefined column name ${c} in table ${table}`);
      frag.cells[c] = { v: v ?? null, ts, tomb: v === null };
    }
    const targets = o.nodes ? o.nodes.map((n) => this.cluster.node(n)) : this.cluster.replicas(table, key);
    for (const n of targets) n.apply(table, key, frag);
  }

  /** One replica's view of a row (what that node alone would return), or undefined. */
  replicaRow(node: string, table: string, key: unknown): Record<string, unknown> | undefined {
    const def = this.schema.cassandra[table];
    if (!def) throw new Error(`unconfigured table ${table}`);
    const f = this.cluster.node(node).get(table, key);
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

  /**
   * `nodetool repair` (full, all tables): merge every key's replicas (LWW) and write the result back
   * to every live replica. Returns the number of replica rows that changed.
   */
  repair(table?: string): number {
    let changed = 0;
    const tables = table ? [table] : Object.keys(this.schema.cassandra);
    for (const t of tables) {
      const keys = new Set<unknown>();
      for (const n of this.cluster.nodes) for (const k of n.table(t).keys()) keys.add(k);
      for (const k of keys) {
        const reps = this.cluster.replicas(t, k).filter((n) => n.ep.alive);
        const merged: Frag = { del: -Infinity, marker: -Infinity, cells: {} };
        for (const n of reps) { const f = n.get(t, k); if (f) mergeInto(merged, f); }
        for (const n of reps) if (n.apply(t, k, merged)) changed++;
      }
    }
    this.note('repair', { tables, changed });
    return changed;
  }

  /** Maelstrom-style statistics of everything so far. */
  stats(): WorldStats {
    const byType: Record<string, number> = { ok: 0, fail: 0, info: 0 };
    const byF: Record<string, Record<string, number>> = {};
    const lat: Record<string, number[]> = {};
    const inv = new Map<number, Op>();
    for (const op of this.history) {
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
    for (const j of this.net.journal) {
      if (j.kind === 'send') sent++;
      else if (j.kind === 'deliver') delivered++;
      else { dropped++; dropReasons[j.reason ?? '?'] = (dropReasons[j.reason ?? '?'] ?? 0) + 1; }
    }
    const opsDone = byType.ok + byType.fail + byType.info;
    const faults: Record<string, number> = {};
    for (const f of this.faultLog) faults[f.fault.kind] = (faults[f.fault.kind] ?? 0) + 1;
    return {
      ops: { total: opsDone, ok: byType.ok, fail: byType.fail, info: byType.info, byF },
      messages: { sent, delivered, dropped, dropReasons, perOp: opsDone > 0 ? Math.round((sent / opsDone) * 100) / 100 : 0 },
      latencyMs: latency,
      faults,
      events: this.sched.executed,
      virtualMs: this.now,
    };
  }

  // ---- trace -----------------------------------------------------------------------------------
  trace(): Trace {
    return {
      version: 1,
      seed: this.seed,
      nodes: this.cluster.nodes.map((n) => ({ id: n.id, zone: n.ep.zone })),
      clients: [...this.net.endpoints.values()].filter((e) => e.kind !== 'node').map((e) => ({ id: e.id, zone: e.zone, kind: e.kind })),
      faults: this.faultLog,
      history: this.history,
      journal: this.net.journal,
      notes: this.notes,
      endMs: this.now,
    };
  }

  traceHash(): string {
    const s = JSON.stringify(this.trace());
    // two independent 32-bit FNV-1a-style hashes in one pass → 64 bits
    let a = 0x811c9dc5, b = (0x01000193 ^ this.seed) >>> 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
    }
    return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
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
