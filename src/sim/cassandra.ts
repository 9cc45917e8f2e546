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
}

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
    n.metrics = {};
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

  private read(coord: CNode, op: Extract<ServerOp, { kind: 'read' }>, reply: (r: ServerReply) => void): void {
    const { net } = this.ctx;
    const need = blockFor(op.cl, this.cfg.rf);
    if (op.cl === CL.any || need < 0) {
      return reply({ ok: false, error: { code: E_INVALID, message: 'ANY ConsistencyLevel is only supported for writes', props: {} } });
    }
    const reps = this.replicas(op.table, op.key);
    const liveReps = reps.filter((r) => !this.isDown(coord, r));
    if (liveReps.length < need) {
      coord.inc('ClientRequest.Read.Unavailables');
      return reply(this.unavailable(op.cl, need, liveReps.length));
    }
    // the coordinator first if it is a replica, then the others in (dynamic-snitch-like) random order
    const self = liveReps.indexOf(coord);
    const others = liveReps.filter((r) => r !== coord);
    coord.rng.shuffle(others);
    const order = self >= 0 ? [coord, ...others] : others;
    const targets = order.slice(0, need);
    const tableDef = this.tables[op.table];
    const epoch = coord.ep.epoch;
    let done = false;
    let received = 0;
    let dataPresent = false;
    let dataFrag: Frag | undefined;
    const digests = new Map<CNode, number>();
    let timer: Ev | undefined;
    const finish = (r: ServerReply) => {
      if (done || coord.ep.epoch !== epoch) return;
      done = true;
      this.ctx.sched.cancel(timer);
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
    let phase2 = false;
    const firstPhaseDone = () => {
      if (received < need || !dataPresent || phase2 || done) return;
      let mismatch = false;
      if (digests.size > 0) {
        const dd = digest(dataFrag);
        for (const d of digests.values()) if (d !== dd) mismatch = true;
      }
      if (!mismatch) return answer(dataFrag);
      // digest mismatch: full data from every contacted replica, merge, repair, answer
      phase2 = true;
      coord.inc('ReadRepair.Attempted');
      const full = new Map<CNode, Frag | undefined>();
      for (const r of targets) {
        ask(r, 'data', (f) => {
          full.set(r, f);
          if (full.size < targets.length) return;
          const merged = emptyFrag();
          for (const x of full.values()) if (x) mergeInto(merged, x);
          if (this.cfg.readRepair === 'none') return answer(merged);
          const md = digest(merged);
          const stale = targets.filter((t) => digest(full.get(t)) !== md);
          let pending = stale.length;
          if (pending === 0) return answer(merged);
          for (const t of stale) {
            coord.inc('ReadRepair.RepairedBlocking');
            net.send(coord.ep, t.ep, 'read-repair', { table: op.table, key: op.key, frag: cloneFrag(merged) }, (m) => {
              t.apply(m.table, m.key, m.frag);
              net.send(t.ep, coord.ep, 'read-repair-ack', null, () => {
                if (coord.ep.epoch !== epoch) return;
                if (--pending === 0) answer(merged);
              });
            });
          }
        });
      }
    };
    targets.forEach((r, i) => {
      ask(r, i === 0 ? 'data' : 'digest', (f, d) => {
        if (phase2) return;
        received++;
        if (i === 0) { dataPresent = true; dataFrag = f; }
        else digests.set(r, d);
        firstPhaseDone();
      });
    });
    timer = this.nodeTimer(coord, this.cfg.readTimeoutUs, () => {
      if (done) return;
      coord.inc('ClientRequest.Read.Timeouts');
      finish({
        ok: false,
        error: {
          code: E_READ_TIMEOUT,
          message: `Operation timed out - received only ${received} responses.`,
          props: { consistencies: op.cl, received, blockFor: need, isDataPresent: dataPresent },
        },
      });
    });
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
    const rate = (this.cfg.hintThrottleKiB * 1024) / Math.max(1, this.nodes.length - 1); // bytes/s
    const epoch = n.ep.epoch;
    const step = () => {
      const q = n.hints.get(t.id);
      if (!q || q.length === 0 || this.isDown(n, t) || n.ep.epoch !== epoch) {
        n.dispatching.delete(t.id);
        return;
      }
      const h = q.shift()!;
      n.inc('Storage.TotalHintsInProgress');
      let settled = false;
      net.send(n.ep, t.ep, 'hint', h, (hh) => {
        t.apply(hh.table, hh.key, hh.frag);
        net.send(t.ep, n.ep, 'hint-ack', null, () => {
          if (settled || n.ep.epoch !== epoch) return;
          settled = true;
          n.inc('Storage.TotalHintsInProgress', -1);
          n.inc('HintsService.HintsSucceeded');
        });
      });
      this.nodeTimer(n, this.cfg.writeTimeoutUs, () => {
        if (settled) return;
        settled = true;
        n.inc('Storage.TotalHintsInProgress', -1);
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
