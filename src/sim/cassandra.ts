/**
 * Cassandra-like cluster: the nodes on a hash ring, what each node's failure detector says, timers
 * on nodes, crash/restart, and the coordinator's entry point. The request paths live beside it:
 * writes in ./cassandra-write, reads (digests, speculative retry, read repair) in ./cassandra-read,
 * hinted handoff in ./cassandra-hints; the vocabulary (consistency levels, config, a node's state)
 * in ./cassandra-node.
 */
import { CNode, type ClusterConfig, ReadStats, SNITCH_RESET_US, type ServerOp, type ServerReply, invalid } from './cassandra-node';
import { maybeHint, scheduleDispatch, wakeDispatchers } from './cassandra-hints';
import { coordinateRead } from './cassandra-read';
import { coordinateWrite } from './cassandra-write';
import type { Endpoint, Network } from './net';
import { Rng, hashString } from './rng';
import { Ev, type Scheduler } from './sched';
import { type CqlTable } from './schema';
import type { Frag } from './store';

export {
  CL, CNode, ReadStats, blockFor, clName, parseSpeculativeRetry,
  type ClusterConfig, type Hint, type ServerError, type ServerOp, type ServerReply, type SpeculativeRetry,
} from './cassandra-node';

export interface ClusterCtx {
  sched: Scheduler;
  net: Network;
  rng: Rng;
  note(kind: string, data: Record<string, unknown>): void;
}

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
      const n = new CNode(id, ep, ctx.rng.fork('node:' + id), i);
      this.nodes.push(n);
      this.byId.set(id, n);
    }
    ctx.net.onChange.push(() => wakeDispatchers(this));
  }

  node(id: string): CNode {
    const n = this.byId.get(id);
    if (!n) throw new Error(`Unknown Cassandra node '${id}' (nodes: ${this.nodes.map((x) => x.id).join(', ')})`);
    return n;
  }

  /** Replicas of a partition key: SimpleStrategy on a hash ring. */
  private replicaCache = new Map<string, Map<unknown, CNode[]>>();
  private replicaCached = 0;

  replicas(table: string, key: unknown): CNode[] {
    // cached per table by the key itself when it is a string or number (the ring hashes String(key))
    const byValue = typeof key === 'string' || typeof key === 'number';
    const ck = byValue ? key : String(key);
    let t = this.replicaCache.get(table);
    const hit = t?.get(ck);
    if (hit) return hit;
    if (this.replicaCached > 10_000) { this.replicaCache.clear(); this.replicaCached = 0; t = undefined; }
    const h = hashString(table + '\u0000' + String(key));
    const n = this.nodes.length;
    const start = h % n;
    const out: CNode[] = [];
    for (let i = 0; i < this.cfg.rf; i++) out.push(this.nodes[(start + i) % n]);
    if (!t) { t = new Map(); this.replicaCache.set(table, t); }
    t.set(ck, out);
    this.replicaCached++;
    return out;
  }

  /**
   * The replicas `coord`'s failure detector considers up, in ring order: `reps` itself when all are
   * (callers only read it).
   */
  liveReplicas(coord: CNode, reps: CNode[]): CNode[] {
    let i = 0;
    while (i < reps.length && !this.isDown(coord, reps[i])) i++;
    if (i === reps.length) return reps;
    const out = reps.slice(0, i);
    for (i++; i < reps.length; i++) if (!this.isDown(coord, reps[i])) out.push(reps[i]);
    return out;
  }

  isDown(observer: CNode, target: CNode): boolean {
    if (observer === target) return !target.ep.alive;
    return this.ctx.net.isDown(observer.ep, target.ep, this.cfg.convictUs, this.cfg.upDelayUs);
  }

  /**
   * A timer on a node: lost if the node crashes, delayed while it is paused. `fn(ctx)` runs when it
   * fires; `fixed`: the delay is a configured timeout (the scheduler keeps such timers in a queue).
   */
  nodeTimer<C>(n: CNode, delayUs: number, fn: (ctx: C) => void, ctx?: C, fixed = false): Ev {
    const t = new NodeTimer(n.ep, fn as (ctx: unknown) => void, ctx);
    if (fixed) return this.ctx.sched.insertFixed(t, delayUs);
    t.t = this.ctx.sched.now + (delayUs > 0 ? delayUs : 0);
    return this.ctx.sched.insert(t);
  }

  crash(n: CNode): void {
    this.ctx.net.crash(n.ep);
    n.dispatching.clear();
    n.dispatchTimer = false;
  }

  restart(n: CNode): void {
    this.ctx.net.restart(n.ep);
    n.resetVolatile();
    if (n.pendingHints() > 0) scheduleDispatch(this, n);
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
        else return reply(invalid(`Undefined column name ${c} in table system.local`));
      }
      delete row['now()'];
      return reply({ ok: true, rows: [row] });
    }
    if (op.kind === 'write') return coordinateWrite(this, coord, op, reply);
    return coordinateRead(this, coord, op, reply);
  }

  /** Replicas in the order a coordinator contacts them: itself, then by (dynamic-snitch) score. */
  readOrder(coord: CNode, liveReps: CNode[]): CNode[] {
    // [coord, ...the others shuffled] when the coordinator is a replica, else the others shuffled
    const order = liveReps.slice();
    const at = order.indexOf(coord);
    const self = at >= 0 ? 1 : 0;
    for (let i = at; i > 0; i--) order[i] = order[i - 1];
    if (self) order[0] = coord;
    coord.rng.shuffleFrom(order, self);
    if (this.cfg.dynamicSnitch && coord.slowPeers.size > 0 && order.length - self > 1) {
      // a replica whose read callback recently expired scores as badly as the timeout: last
      const window = this.snitchWindow();
      const slow = (r: CNode) => coord.slowPeers.get(r.id) === window;
      const others = order.slice(self);
      const fast = others.filter((r) => !slow(r));
      if (fast.length < others.length) { order.length = self; order.push(...fast, ...liveReps.filter((r) => r !== coord && slow(r))); }
    }
    return order;
  }

  /** The dynamic snitch forgets its scores every `dynamic_snitch_reset_interval` (10 min). */
  snitchWindow(): number {
    return Math.floor(this.ctx.sched.now / SNITCH_RESET_US);
  }

  readStats(n: CNode, table: string): ReadStats {
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
  speculationThresholdUs(s: ReadStats): number {
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

  /** Store a hint for `target` on `coord` unless the window/cap/config forbids it (./cassandra-hints). */
  maybeHint(coord: CNode, target: CNode, table: string, key: unknown, frag: Frag): boolean {
    return maybeHint(this, coord, target, table, key, frag);
  }
}

/**
 * A timer on a node: the scheduler event itself, carrying what it needs when it fires (its context
 * in `arg`, which cancelling releases).
 */
class NodeTimer extends Ev {
  readonly epoch: number;
  constructor(readonly ep: Endpoint, readonly cb: (ctx: unknown) => void, ctx: unknown) {
    super(0, 0, fireNodeTimer as (ev: Ev) => void, ctx);
    this.epoch = ep.epoch;
  }
}

function fireNodeTimer(t: NodeTimer): void {
  const ep = t.ep, ctx = t.arg;
  if (ep.epoch !== t.epoch || !ep.alive) return;
  if (ep.paused) ep.deferred.push(() => { if (ep.epoch === t.epoch) t.cb(ctx); });
  else t.cb(ctx);
}
