/**
 * A coordinator's read, as `StorageProxy.read` runs it: `blockFor` replicas are contacted (the
 * coordinator first when it is one, then the others in dynamic-snitch order), one for data and the
 * rest for digests; if they have not all answered after the table's speculative-retry threshold,
 * one more replica is asked (`SpeculatingReadExecutor`); on a digest mismatch, full data reads and
 * blocking read repair; after the read timeout, ReadTimeout.
 */
import type { Cluster } from './cassandra';
import { CL, type CNode, E_READ_TIMEOUT, type ReadStats, type ServerOp, type ServerReply, blockFor, invalid, unavailable } from './cassandra-node';
import type { CqlTable } from './schema';
import type { Ev } from './sched';
import { type Frag, cloneFrag, digest, emptyFrag, mergeInto, view } from './store';

export type ReadOp = Extract<ServerOp, { kind: 'read' }>;

export function coordinateRead(c: Cluster, coord: CNode, op: ReadOp, reply: (r: ServerReply) => void): void {
  const need = blockFor(op.cl, c.cfg.rf);
  if (op.cl === CL.any || need < 0) return reply(invalid('ANY ConsistencyLevel is only supported for writes'));
  const reps = c.replicas(op.table, op.key);
  const liveReps = c.liveReplicas(coord, reps);
  const stats = c.readStats(coord, op.table);
  if (liveReps.length < need) {
    coord.inc('ClientRequest.Read.Unavailables');
    stats.add(0);
    return reply(unavailable(op.cl, need, liveReps.length));
  }
  const order = c.readOrder(coord, liveReps);
  new ReadRequest(c, coord, op, reply, need, order, stats, c.tables[op.table]).start();
}

/** One replica asked for data or a digest; `second`: a full-data read after a digest mismatch. */
interface Ask {
  req: ReadRequest;
  r: CNode;
  data: boolean;
  second: boolean;
}

/** One read in flight at its coordinator (its state as fields: messages carry it, not closures). */
class ReadRequest {
  readonly epoch: number;
  readonly startUs: number;
  readonly deadlineUs: number;
  done = false;
  /** 1: first responses; 2: full data reads after a digest mismatch; 3: repair writes pending */
  phase = 1;
  received = 0;
  dataPresent = false;
  dataFrag: Frag | undefined;
  /** first-phase digests received (made on the first one) */
  digests: number[] | null = null;
  readonly contacted: CNode[] = [];
  /** replicas that answered anything: their bits, and how many */
  answeredMask = 0;
  answeredCount = 0;
  /** phase 2: the full data reads received, in arrival order */
  full: Map<CNode, Frag | undefined> | null = null;
  p2received = 0;
  repairPending = 0;
  timer: Ev | undefined;
  speculated = false;

  constructor(
    readonly c: Cluster,
    readonly coord: CNode,
    readonly op: ReadOp,
    readonly reply: (r: ServerReply) => void,
    readonly need: number,
    readonly order: CNode[],
    readonly stats: ReadStats,
    readonly tableDef: CqlTable,
  ) {
    this.epoch = coord.ep.epoch;
    this.startUs = c.ctx.sched.now;
    this.deadlineUs = this.startUs + c.cfg.readTimeoutUs;
  }

  start(): void {
    const { c, coord, op, need, order } = this;
    for (let i = 0; i < need; i++) this.contact(order[i], i === 0);
    // SpeculatingReadExecutor speculates when no answer came *within* the threshold
    // (`handler.await(sampleReadLatencyMicros)`): an answer arriving at the threshold itself is in
    // time, so the check runs 1 µs later (latencies are whole µs). Without that, a p99 equal to the
    // usual latency (0 µs for a coordinator reading its own replica) speculated on most reads.
    const specUs = order.length > need && op.cl !== CL.eachQuorum ? c.speculationThresholdUs(this.stats) + 1 : -1;
    if (specUs > 0 && this.startUs + specUs < this.deadlineUs) this.timer = c.nodeTimer(coord, specUs, onSpeculate, this, true);
    else this.timer = c.nodeTimer(coord, c.cfg.readTimeoutUs, onReadTimeout, this, true);
  }

  finish(r: ServerReply): void {
    if (this.done || this.coord.ep.epoch !== this.epoch) return;
    this.done = true;
    const sched = this.c.ctx.sched;
    this.stats.add(sched.now - this.startUs);
    // the callbacks of silent replicas stay registered until they expire (and feed the snitch)
    if (!this.c.cfg.dynamicSnitch || this.answeredCount === this.contacted.length) sched.cancel(this.timer);
    this.reply(r);
  }

  answer(f: Frag | undefined): void {
    const { op } = this;
    const row = view(f, this.tableDef.key, op.key, op.columns);
    this.finish({ ok: true, rows: row && op.limit > 0 ? [row] : [] });
  }

  ask(r: CNode, data: boolean, second: boolean): void {
    const a: Ask = { req: this, r, data, second };
    this.c.ctx.net.send(this.coord.ep, r.ep, data ? 'read-data' : 'read-digest', this.op, onReadRequest, a);
  }

  contact(r: CNode, data: boolean): void {
    this.contacted.push(r);
    this.ask(r, data, false);
  }

  markAnswered(r: CNode): void {
    if ((this.answeredMask & r.bit) === 0) { this.answeredMask |= r.bit; this.answeredCount++; }
  }

  /** A first-phase response (data or digest). */
  onFirst(a: Ask, f: Frag | undefined, d: number): void {
    this.markAnswered(a.r);
    if (this.phase !== 1 || this.done) return;
    this.received++;
    if (a.data && !this.dataPresent) { this.dataPresent = true; this.dataFrag = f; }
    else (this.digests ??= []).push(a.data ? digest(f) : d);
    this.firstPhaseDone();
  }

  firstPhaseDone(): void {
    if (this.received < this.need || !this.dataPresent || this.phase !== 1 || this.done) return;
    let mismatch = false;
    if (this.digests) {
      const dd = digest(this.dataFrag);
      for (const d of this.digests) if (d !== dd) mismatch = true;
    }
    if (!mismatch) return this.answer(this.dataFrag);
    // digest mismatch: full data from every contacted replica; the first blockFor answers are merged
    this.phase = 2;
    this.coord.inc('ReadRepair.Attempted');
    this.full = new Map();
    for (const r of this.contacted) this.ask(r, true, true);
  }

  /** A full-data response after a digest mismatch. */
  onSecond(r: CNode, f: Frag | undefined): void {
    this.markAnswered(r);
    if (this.phase !== 2 || this.done) return;
    const full = this.full!;
    full.set(r, f);
    this.p2received = full.size;
    if (full.size === this.need) this.repair(full);
  }

  /** Blocking read repair: the merged row goes to every responder whose data differs, then the answer. */
  repair(responders: Map<CNode, Frag | undefined>): void {
    const { c, coord, op } = this;
    const net = c.ctx.net;
    const merged = emptyFrag();
    for (const x of responders.values()) if (x) mergeInto(merged, x);
    if (c.cfg.readRepair === 'none') return this.answer(merged);
    const md = digest(merged);
    const stale = [...responders.keys()].filter((t) => digest(responders.get(t)) !== md);
    if (stale.length === 0) return this.answer(merged);
    this.phase = 3;
    this.repairPending = stale.length;
    for (const t of stale) {
      coord.inc('ReadRepair.RepairedBlocking');
      net.send(coord.ep, t.ep, 'read-repair', { table: op.table, key: op.key, frag: cloneFrag(merged) }, (m) => {
        t.apply(m.table, m.key, m.frag);
        net.send(t.ep, coord.ep, 'read-repair-ack', null, () => {
          if (coord.ep.epoch !== this.epoch) return;
          if (--this.repairPending === 0) this.answer(merged);
        });
      });
    }
  }
}

/** At the replica: read the row and send back data (a copy) or its digest. */
function onReadRequest(o: ReadOp, a: Ask): void {
  const req = a.req;
  const f = a.r.get(o.table, o.key);
  const payload = a.data ? (f ? cloneFrag(f) : undefined) : digest(f);
  req.c.ctx.net.send(a.r.ep, req.coord.ep, a.data ? 'data' : 'digest', payload, onReadResponse, a);
}

function onReadResponse(p: Frag | number | undefined, a: Ask): void {
  const req = a.req;
  if (req.coord.ep.epoch !== req.epoch) return;
  if (a.second) req.onSecond(a.r, p as Frag | undefined);
  else if (a.data) req.onFirst(a, p as Frag | undefined, 0);
  else req.onFirst(a, undefined, p as number);
}

/** The speculative-retry threshold passed: ask one more replica, then wait for the deadline. */
function onSpeculate(req: ReadRequest): void {
  const { c, coord } = req;
  if (!req.done && req.phase === 1 && !req.speculated) {
    req.speculated = true;
    coord.inc('Table.SpeculativeRetries');
    req.contact(req.order[req.need], !req.dataPresent);
  }
  if (!req.done || req.answeredCount < req.contacted.length) req.timer = c.nodeTimer(coord, req.deadlineUs - c.ctx.sched.now, onReadTimeout, req);
}

function onReadTimeout(req: ReadRequest): void {
  const { c, coord, op, need } = req;
  if (c.cfg.dynamicSnitch) {
    const window = c.snitchWindow();
    for (const r of req.contacted) if ((req.answeredMask & r.bit) === 0) coord.slowPeers.set(r.id, window);
  }
  if (req.done) return;
  coord.inc('ClientRequest.Read.Timeouts');
  // what the handler that timed out had: phase-1 responses, the repair reads' own count, or
  // BlockingReadRepair.awaitWrites's min(blockFor - waitingOn, blockFor - 1)
  const got = req.phase === 1 ? req.received : req.phase === 2 ? req.p2received : Math.min(need - req.repairPending, need - 1);
  req.finish({
    ok: false,
    error: {
      code: E_READ_TIMEOUT,
      message: `Operation timed out - received only ${got} responses.`,
      props: { consistencies: op.cl, received: got, blockFor: need, isDataPresent: req.phase === 1 ? req.dataPresent : req.phase === 2 ? req.p2received > 0 : true },
    },
  });
}
