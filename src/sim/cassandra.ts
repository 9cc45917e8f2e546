/**
 * Cassandra-like cluster: any node coordinates; writes go to every replica and the consistency
 * level only sets how many acknowledgements are awaited; digest + data reads with (switchable)
 * blocking read repair; a failure detector decides Unavailable vs timeouts; hinted handoff with
 * max_hint_window, an optional per-host cap, Hints_not_stored and throttled replay.
 */
import { type Endpoint, Network } from './net';
import { Rng, hashString } from './rng';
import type { Ev, Scheduler } from './sched';
import { type CqlTable } from './schema';
import { type Frag, cloneFrag, digest, emptyFrag, fragBytes, mergeInto, view } from './store';

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
const SNITCH_RESET_US = 600_000_000;

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
  constructor(readonly id: string, readonly ep: Endpoint, rng: Rng) {
    this.rng = rng;
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

export interface ClusterCtx {
  sched: Scheduler;
  net: Network;
  rng: Rng;
  note(kind: string, data: Record<string, unknown>): void;
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

const E_UNAVAILABLE = 0x1000, E_WRITE_TIMEOUT = 0x1100, E_READ_TIMEOUT = 0x1200, E_INVALID = 0x2200;

export class Cluster {
  readonly nodes: CNode[] = [];
  readonly byId = new Map<string, CNode>();
  constructor(readonly cfg: ClusterConfig, readonly tables: Record<string, CqlTable>, readonly ctx: ClusterCtx) {
    if (!(cfg.nodes >= 1 && cfg.nodes <= 26)) throw new Error(`nodes must be 1..26, got ${cfg.nodes}`);
    if (!(cfg.rf >= 1 && cfg.rf <= cfg.nodes)) throw new Error(`rf must be 1..nodes (${cfg.nodes}), got ${cfg.rf}`);
    for (let i = 0; i < cfg.nodes; i++) {
      const id = String.fromCharCode(65 + i);
      const zone = cfg.zones[i % cfg.zones.length];
      const ep = ctx.net.add(id, zone, 'node');
      const n = new CNode(id, ep, ctx.rng.fork('node:' + id));
      this.nodes.push(n);
      this.byId.set(id, n);
    }
    ctx.net.onChange.push(() => this.wakeDispatchers());
  }

  node(id: string): CNode {
    const n = this.byId.get(id);
    if (!n) throw new Error(`Unknown Cassandra node '${id}' (nodes: ${this.nodes.map((x) => x.id).join(', ')})`);
    return n;
  }

  /** Replicas of a partition key: SimpleStrategy on a hash ring. */
  private replicaCache = new Map<string, CNode[]>();

  replicas(table: string, key: unknown): CNode[] {
    const ck = table + '\u0000' + String(key);
    const hit = this.replicaCache.get(ck);
    if (hit) return hit;
    if (this.replicaCache.size > 10_000) this.replicaCache.clear();
    const h = hashString(ck);
    const n = this.nodes.length;
    const start = h % n;
    const out: CNode[] = [];
    for (let i = 0; i < this.cfg.rf; i++) out.push(this.nodes[(start + i) % n]);
    this.replicaCache.set(ck, out);
    return out;
  }

  isDown(observer: CNode, target: CNode): boolean {
    if (observer === target) return !target.ep.alive;
    return this.ctx.net.isDown(observer.ep, target.ep, this.cfg.convictUs, this.cfg.upDelayUs);
  }

  /** A timer on a node: lost if the node crashes, delayed while it is paused. */
  nodeTimer(n: CNode, delayUs: number, fn: () => void): Ev {
    const ep = n.ep, epoch = ep.epoch;
    return this.ctx.sched.after(delayUs, () => {
      if (ep.epoch !== epoch || !ep.alive) return;
      if (ep.paused) ep.deferred.push(() => { if (ep.epoch === epoch) fn(); });
      else fn();
    });
  }

  crash(n: CNode): void {
    this.ctx.net.crash(n.ep);
    n.dispatching.clear();
    n.dispatchTimer = false;
  }

  restart(n: CNode): void {
    this.ctx.net.restart(n.ep);
    n.resetVolatile();
    if (n.pendingHints() > 0) this.scheduleDispatch(n);
  }

  // ---- coordinator ---------------------------------------------------------------------------
  coordinate(coord: CNode, op: ServerOp, reply: (r: ServerReply) => void): void {
    if (op.kind === 'system') {
      const row: Record<string, unknown> = {};
      const local: Record<string, unknown> = {
        key: 'local', release_version: '4.1.5', cluster_name: 'sim', data_center: 'dc1', rack: 'rack-' + coord.ep.zone,
        host_id: coord.id, 'now()': null,
      };
      for (const c of op.columns) {
        if (c === 'now()') row['system.now()'] = `${this.ctx.net.clockUs(coord.ep)}-sim-timeuuid`;
        else if (c === '*') Object.assign(row, local, { 'now()': undefined });
        else if (c in local) row[c] = local[c];
        else return reply({ ok: false, error: { code: E_INVALID, message: `Undefined column name ${c} in table system.local`, props: {} } });
      }
      delete row['now()'];
      return reply({ ok: true, rows: [row] });
    }
    if (op.kind === 'write') return this.write(coord, op, reply);
    return this.read(coord, op, reply);
  }

  private unavailable(cl: number, required: number, alive: number): ServerReply {
    return {
      ok: false,
      error: { code: E_UNAVAILABLE, message: `Cannot achieve consistency level ${clName(cl)}`, props: { consistencies: cl, required, alive } },
    };
  }

  private write(coord: CNode, op: Extract<ServerOp, { kind: 'write' }>, reply: (r: ServerReply) => void): void {
    const { sched, net } = this.ctx;
    const reps = this.replicas(op.table, op.key);
    const need = blockFor(op.cl, this.cfg.rf);
    if (need < 0 || op.cl === CL.serial || op.cl === CL.localSerial) {
      return reply({ ok: false, error: { code: E_INVALID, message: `Invalid consistency level for a write: ${clName(op.cl)}`, props: {} } });
    }
    const liveReps = reps.filter((r) => !this.isDown(coord, r));
    if (op.cl !== CL.any && liveReps.length < need) {
      coord.inc('ClientRequest.Write.Unavailables');
      return reply(this.unavailable(op.cl, need, liveReps.length));
    }
    let acks = 0;
    let responded = false;
    const acked = new Set<CNode>();
    const hinted = new Set<CNode>();
    const epoch = coord.ep.epoch;
    const check = () => {
      if (!responded && acks >= need) {
        responded = true;
        reply({ ok: true, rows: [] });
      }
    };
    for (const r of reps) {
      if (liveReps.includes(r)) {
        const sentAt = this.ctx.sched.now;
        net.send(coord.ep, r.ep, 'mutation', op, (m) => {
          // a replica drops a mutation that waited longer than the write timeout (tpstats "Dropped")
          if (this.ctx.sched.now - sentAt > this.cfg.writeTimeoutUs) {
            r.inc('DroppedMessage.MUTATION.Dropped');
            return;
          }
          r.apply(m.table, m.key, m.frag);
          net.send(r.ep, coord.ep, 'mutation-ack', r, (who) => {
            if (coord.ep.epoch !== epoch || acked.has(who)) return;
            acked.add(who);
            acks++;
            check();
            // every replica answered: nothing left for the write timeout to do
            if (acked.size === liveReps.length && hinted.size + acked.size === reps.length && responded) this.ctx.sched.cancel(timer);
          });
        });
      } else if (this.maybeHint(coord, r, op.table, op.key, op.frag)) {
        hinted.add(r);
        if (op.cl === CL.any) acks++;
      }
    }
    let timer: Ev | undefined;
    check();
    timer = this.nodeTimer(coord, this.cfg.writeTimeoutUs, () => {
      for (const r of liveReps) if (!acked.has(r)) this.maybeHint(coord, r, op.table, op.key, op.frag); // sent but silent
      if (!responded) {
        responded = true;
        coord.inc('ClientRequest.Write.Timeouts');
        reply({
          ok: false,
          error: {
            code: E_WRITE_TIMEOUT,
            message: `Operation timed out - received only ${acks} responses.`,
            props: { consistencies: op.cl, received: acks, blockFor: need, writeType: 'SIMPLE' },
          },
        });
      }
    });
    void sched;
  }

  /**
   * A read, as `StorageProxy.read` runs it: `blockFor` replicas are contacted (the coordinator first
   * when it is one, then the others in dynamic-snitch order); if they have not all answered after the
   * table's speculative-retry threshold, one more replica is asked (`SpeculatingReadExecutor`); on a
   * digest mismatch, full data reads and blocking read repair.
   */
  private read(coord: CNode, op: Extract<ServerOp, { kind: 'read' }>, reply: (r: ServerReply) => void): void {
    const { net, sched } = this.ctx;
    const need = blockFor(op.cl, this.cfg.rf);
    if (op.cl === CL.any || need < 0) {
      return reply({ ok: false, error: { code: E_INVALID, message: 'ANY ConsistencyLevel is only supported for writes', props: {} } });
    }
    const reps = this.replicas(op.table, op.key);
    const liveReps = reps.filter((r) => !this.isDown(coord, r));
    const stats = this.readStats(coord, op.table);
    if (liveReps.length < need) {
      coord.inc('ClientRequest.Read.Unavailables');
      stats.add(0);
      return reply(this.unavailable(op.cl, need, liveReps.length));
    }
    const order = this.readOrder(coord, liveReps);
    const tableDef = this.tables[op.table];
    const epoch = coord.ep.epoch;
    const startUs = sched.now;
    const deadlineUs = startUs + this.cfg.readTimeoutUs;
    let done = false;
    /** 1: first responses; 2: full data reads after a digest mismatch; 3: repair writes pending */
    let phase = 1;
    let received = 0;
    let dataPresent = false;
    let dataFrag: Frag | undefined;
    const digests: number[] = [];
    const contacted: CNode[] = [];
    const answered = new Set<CNode>();
    let p2received = 0;
    let repairPending = 0;
    let timer: Ev | undefined;
    let speculated = false;
    const finish = (r: ServerReply) => {
      if (done || coord.ep.epoch !== epoch) return;
      done = true;
      stats.add(sched.now - startUs);
      // the callbacks of silent replicas stay registered until they expire (and feed the snitch)
      if (!this.cfg.dynamicSnitch || answered.size === contacted.length) sched.cancel(timer);
      reply(r);
    };
    const answer = (f: Frag | undefined) => {
      const row = view(f, tableDef.key, op.key, op.columns);
      finish({ ok: true, rows: row && op.limit > 0 ? [row] : [] });
    };
    const ask = (r: CNode, kind: 'data' | 'digest', cb: (f: Frag | undefined, d: number) => void) => {
      net.send(coord.ep, r.ep, kind === 'data' ? 'read-data' : 'read-digest', op, (o) => {
        const f = r.get(o.table, o.key);
        const payload = kind === 'data' ? { f: f ? cloneFrag(f) : undefined, d: 0 } : { f: undefined, d: digest(f) };
        net.send(r.ep, coord.ep, kind === 'data' ? 'data' : 'digest', payload, (p) => {
          if (coord.ep.epoch !== epoch) return;
          cb(p.f, p.d);
        });
      });
    };
    const repair = (responders: Map<CNode, Frag | undefined>) => {
      const merged = emptyFrag();
      for (const x of responders.values()) if (x) mergeInto(merged, x);
      if (this.cfg.readRepair === 'none') return answer(merged);
      const md = digest(merged);
      const stale = [...responders.keys()].filter((t) => digest(responders.get(t)) !== md);
      if (stale.length === 0) return answer(merged);
      phase = 3;
      repairPending = stale.length;
      for (const t of stale) {
        coord.inc('ReadRepair.RepairedBlocking');
        net.send(coord.ep, t.ep, 'read-repair', { table: op.table, key: op.key, frag: cloneFrag(merged) }, (m) => {
          t.apply(m.table, m.key, m.frag);
          net.send(t.ep, coord.ep, 'read-repair-ack', null, () => {
            if (coord.ep.epoch !== epoch) return;
            if (--repairPending === 0) answer(merged);
          });
        });
      }
    };
    const firstPhaseDone = () => {
      if (received < need || !dataPresent || phase !== 1 || done) return;
      const dd = digest(dataFrag);
      let mismatch = false;
      for (const d of digests) if (d !== dd) mismatch = true;
      if (!mismatch) return answer(dataFrag);
      // digest mismatch: full data from every contacted replica; the first blockFor answers are merged
      phase = 2;
      coord.inc('ReadRepair.Attempted');
      const full = new Map<CNode, Frag | undefined>();
      for (const r of contacted) {
        ask(r, 'data', (f) => {
          answered.add(r);
          if (phase !== 2 || done) return;
          full.set(r, f);
          p2received = full.size;
          if (full.size === need) repair(full);
        });
      }
    };
    const contact = (r: CNode, kind: 'data' | 'digest') => {
      contacted.push(r);
      ask(r, kind, (f, d) => {
        answered.add(r);
        if (phase !== 1 || done) return;
        received++;
        if (kind === 'data' && !dataPresent) { dataPresent = true; dataFrag = f; }
        else digests.push(kind === 'data' ? digest(f) : d);
        firstPhaseDone();
      });
    };
    for (let i = 0; i < need; i++) contact(order[i], i === 0 ? 'data' : 'digest');
    const expire = () => {
      if (this.cfg.dynamicSnitch) {
        const window = this.snitchWindow();
        for (const r of contacted) if (!answered.has(r)) coord.slowPeers.set(r.id, window);
      }
      if (done) return;
      coord.inc('ClientRequest.Read.Timeouts');
      // what the handler that timed out had: phase-1 responses, the repair reads' own count, or
      // BlockingReadRepair.awaitWrites's min(blockFor - waitingOn, blockFor - 1)
      const got = phase === 1 ? received : phase === 2 ? p2received : Math.min(need - repairPending, need - 1);
      finish({
        ok: false,
        error: {
          code: E_READ_TIMEOUT,
          message: `Operation timed out - received only ${got} responses.`,
          props: { consistencies: op.cl, received: got, blockFor: need, isDataPresent: phase === 1 ? dataPresent : phase === 2 ? p2received > 0 : true },
        },
      });
    };
    const specUs = order.length > need && op.cl !== CL.eachQuorum ? this.speculationThresholdUs(stats) : -1;
    if (specUs >= 0 && startUs + specUs < deadlineUs) {
      timer = this.nodeTimer(coord, specUs, () => {
        if (!done && phase === 1 && !speculated) {
          speculated = true;
          coord.inc('Table.SpeculativeRetries');
          contact(order[need], dataPresent ? 'digest' : 'data');
        }
        if (!done || answered.size < contacted.length) timer = this.nodeTimer(coord, deadlineUs - sched.now, expire);
      });
    } else {
      timer = this.nodeTimer(coord, this.cfg.readTimeoutUs, expire);
    }
  }

  /** Replicas in the order a coordinator contacts them: itself, then by (dynamic-snitch) score. */
  private readOrder(coord: CNode, liveReps: CNode[]): CNode[] {
    const others = liveReps.filter((r) => r !== coord);
    coord.rng.shuffle(others);
    if (this.cfg.dynamicSnitch && coord.slowPeers.size > 0 && others.length > 1) {
      // a replica whose read callback recently expired scores as badly as the timeout: last
      const window = this.snitchWindow();
      const slow = (r: CNode) => coord.slowPeers.get(r.id) === window;
      const fast = others.filter((r) => !slow(r));
      if (fast.length < others.length) { others.length = 0; others.push(...fast, ...liveReps.filter((r) => r !== coord && slow(r))); }
    }
    return liveReps.includes(coord) ? [coord, ...others] : others;
  }

  /** The dynamic snitch forgets its scores every `dynamic_snitch_reset_interval` (10 min). */
  private snitchWindow(): number {
    return Math.floor(this.ctx.sched.now / SNITCH_RESET_US);
  }

  private readStats(n: CNode, table: string): ReadStats {
    let s = n.readStats.get(table);
    if (!s) {
      s = new ReadStats(this.cfg.readTimeoutUs / 2, this.ctx.sched.now + this.cfg.readTimeoutUs);
      n.readStats.set(table, s);
    }
    return s;
  }

  /**
   * `speculative_retry`: a fixed delay, or a percentile of this table's coordinator read latency,
   * re-computed every read_request_timeout (until there are samples: read_request_timeout / 2).
   */
  private speculationThresholdUs(s: ReadStats): number {
    const sr = this.cfg.speculativeRetry;
    if (sr.kind === 'none') return -1;
    if (sr.kind === 'fixed') return sr.us;
    const now = this.ctx.sched.now;
    if (now >= s.updateAtUs) {
      s.updateAtUs = now + this.cfg.readTimeoutUs;
      if (s.size > 0) s.thresholdUs = s.percentile(sr.p);
    }
    return s.thresholdUs;
  }

  // ---- hints -----------------------------------------------------------------------------------
  /** Store a hint for `target` on `coord` unless the window/cap/config forbids it. */
  maybeHint(coord: CNode, target: CNode, table: string, key: unknown, frag: Frag): boolean {
    if (!this.cfg.hintsEnabled) return false;
    const { net, sched } = this.ctx;
    const since = net.downSince(coord.ep, target.ep, this.cfg.convictUs, this.cfg.upDelayUs);
    const downtime = since >= 0 ? sched.now - since : 0;
    if (downtime > this.cfg.maxHintWindowUs) {
      coord.inc(`HintedHandOffManager.Hints_not_stored-${target.id}`);
      this.ctx.note('hint-not-stored', { node: coord.id, target: target.id, key, downtimeMs: downtime / 1000 });
      return false;
    }
    const q = coord.hints.get(target.id) ?? [];
    if (this.cfg.maxHintsPerHost > 0 && q.length >= this.cfg.maxHintsPerHost) {
      this.ctx.note('hint-cap-reached', { node: coord.id, target: target.id, key });
      return false;
    }
    const f = cloneFrag(frag);
    q.push({ table, key, frag: f, createdUs: sched.now, bytes: fragBytes(f) });
    coord.hints.set(target.id, q);
    coord.inc('Storage.TotalHints');
    coord.inc(`HintedHandOffManager.Hints_created-${target.id}`);
    this.scheduleDispatch(coord);
    return true;
  }

  private scheduleDispatch(n: CNode): void {
    if (n.dispatchTimer || !n.ep.alive) return;
    n.dispatchTimer = true;
    this.nodeTimer(n, this.cfg.hintDispatchIntervalUs, () => {
      n.dispatchTimer = false;
      this.dispatchTick(n);
    });
  }

  private wakeDispatchers(): void {
    for (const n of this.nodes) if (n.ep.alive && n.pendingHints() > 0) this.scheduleDispatch(n);
  }

  private dispatchTick(n: CNode): void {
    for (const [target, q] of n.hints) {
      if (q.length === 0 || n.dispatching.has(target)) continue;
      const t = this.node(target);
      if (this.isDown(n, t)) continue;
      this.dispatchTo(n, t);
    }
    if (n.pendingHints() > 0) this.scheduleDispatch(n);
  }

  /** Throttled replay of n's hints for t: one hint every size/rate seconds. */
  private dispatchTo(n: CNode, t: CNode): void {
    const { net } = this.ctx;
    n.dispatching.add(t.id);
    // hinted_handoff_throttle per destination (0 = unthrottled), bytes/s
    const rate = this.cfg.hintThrottleKiB > 0 ? (this.cfg.hintThrottleKiB * 1024) / Math.max(1, this.nodes.length - 1) : Infinity;
    const epoch = n.ep.epoch;
    const step = () => {
      const q = n.hints.get(t.id);
      if (!q || q.length === 0 || this.isDown(n, t) || n.ep.epoch !== epoch) {
        n.dispatching.delete(t.id);
        return;
      }
      const h = q.shift()!;
      let settled = false;
      net.send(n.ep, t.ep, 'hint', h, (hh) => {
        t.apply(hh.table, hh.key, hh.frag);
        net.send(t.ep, n.ep, 'hint-ack', null, () => {
          if (settled || n.ep.epoch !== epoch) return;
          settled = true;
          n.inc('HintsService.HintsSucceeded');
        });
      });
      this.nodeTimer(n, this.cfg.writeTimeoutUs, () => {
        if (settled) return;
        settled = true;
        n.inc('HintsService.HintsTimedOut');
        const qq = n.hints.get(t.id) ?? [];
        qq.push(h);
        n.hints.set(t.id, qq);
        this.scheduleDispatch(n);
      });
      this.nodeTimer(n, Math.max(1, Math.floor((h.bytes * 1_000_000) / rate)), step);
    };
    step();
  }
}
