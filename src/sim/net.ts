/**
 * The network: endpoints in zones, per-link latency distributions, loss, duplication, partitions
 * (checked at delivery), crash/pause/slow state of endpoints, and a journal of send/deliver/drop.
 */
import { type Dist, parseDist, sampleDist } from './dist';
import { DELIVER, DROP, Journal, type JournalEntry, SEND } from './journal';
import { Rng } from './rng';
import { Ev, Scheduler } from './sched';

export type { JournalEntry } from './journal';

export type EndpointKind = 'node' | 'client' | 'service';

export interface Endpoint {
  id: string;
  zone: string;
  kind: EndpointKind;
  alive: boolean;
  /** incremented on crash: callbacks captured before a crash check it and do nothing */
  epoch: number;
  paused: boolean;
  deferred: Array<() => void>;
  /** extra µs added to every message this endpoint receives (slow node) */
  slowUs: number;
  /** clock skew: offset µs and drift (parts per million of elapsed virtual time) */
  skewUs: number;
  driftPpm: number;
  /** its id's index in the journal's name table */
  readonly jix: number;
  /** its index among the nodes the failure detector tracks, or -1 (clients, services) */
  readonly fdIx: number;
}

/** A cut blocks some directed links. */
interface Cut {
  describe: string;
  blocks(a: Endpoint, b: Endpoint): boolean;
}

function matcher(names: readonly string[]): (e: Endpoint) => boolean {
  const s = new Set(names);
  return (e) => s.has(e.id) || s.has(e.zone);
}

interface LinkState {
  hearing: boolean;
  silentSince: number;
  lastSilentStart: number;
  lastSilentEnd: number;
}

function newLink(): LinkState {
  return { hearing: true, silentSince: -1, lastSilentStart: -1, lastSilentEnd: -1 };
}

export class Network {
  readonly endpoints = new Map<string, Endpoint>();
  private readonly log = new Journal();
  journalEnabled = true;
  private cuts: Cut[] = [];
  private linkDist = new Map<string, Dist>();
  sameZone: Dist;
  crossZone: Dist;
  lossP = 0;
  dupP = 0;
  private msgSeq = 0;
  /** `hears[x.fdIx][y.fdIx]`: what node x's failure detector hears of node y (the link y → x) */
  private hears: LinkState[][] = [];
  /** nodes whose mutual hearing the failure detector tracks */
  private fdMembers: Endpoint[] = [];
  /** called after any change of reachability (heal, crash, …) */
  onChange: Array<() => void> = [];

  /** The journal's entries as objects (built when read). */
  get journal(): readonly JournalEntry[] {
    return this.log.entries();
  }

  constructor(
    private sched: Scheduler,
    private rng: Rng,
    latency: { sameZone?: string; crossZone?: string } = {},
  ) {
    this.sameZone = parseDist(latency.sameZone ?? '0.2+exp:0.1');
    this.crossZone = parseDist(latency.crossZone ?? '0.8+exp:0.4');
  }

  add(id: string, zone: string, kind: EndpointKind): Endpoint {
    if (this.endpoints.has(id)) throw new Error(`Endpoint id '${id}' is already used`);
    const fdIx = kind === 'node' ? this.fdMembers.length : -1;
    const e: Endpoint = { id, zone, kind, alive: true, epoch: 0, paused: false, deferred: [], slowUs: 0, skewUs: 0, driftPpm: 0, jix: this.log.ix(id), fdIx };
    this.endpoints.set(id, e);
    if (kind === 'node') {
      const own: LinkState[] = [];
      for (let i = 0; i < fdIx; i++) {
        this.hears[i].push(newLink()); // i hears the new node
        own.push(newLink()); // the new node hears i
      }
      own.push(newLink()); // itself (never read: `link` answers undefined)
      this.hears.push(own);
      this.fdMembers.push(e);
    }
    return e;
  }

  get(id: string): Endpoint {
    const e = this.endpoints.get(id);
    if (!e) throw new Error(`Unknown node or client '${id}' (known: ${[...this.endpoints.keys()].join(', ')})`);
    return e;
  }

  /** The endpoint's clock, µs since the world's start (skew and drift applied). */
  clockUs(e: Endpoint): number {
    const now = this.sched.now;
    return now + e.skewUs + (e.driftPpm === 0 ? 0 : Math.trunc((now * e.driftPpm) / 1_000_000));
  }

  blocked(a: Endpoint, b: Endpoint): boolean {
    const cuts = this.cuts;
    for (let i = 0; i < cuts.length; i++) if (cuts[i].blocks(a, b)) return true;
    return false;
  }

  describeCuts(): string[] {
    return this.cuts.map((c) => c.describe);
  }

  // ---- faults -------------------------------------------------------------------------------
  partition(groups: readonly (readonly string[])[]): void {
    const ms = groups.map(matcher);
    const groupOf = (e: Endpoint) => {
      for (let i = 0; i < ms.length; i++) if (ms[i](e)) return i;
      return -1;
    };
    this.cuts.push({
      describe: `partition ${groups.map((g) => '[' + g.join(',') + ']').join(' | ')}`,
      blocks: (a, b) => {
        const ga = groupOf(a);
        if (ga < 0) return false;
        const gb = groupOf(b);
        return gb >= 0 && ga !== gb;
      },
    });
    this.changed();
  }

  oneWay(from: readonly string[], to: readonly string[]): void {
    const mf = matcher(from), mt = matcher(to);
    this.cuts.push({ describe: `one-way ${from.join(',')} -/-> ${to.join(',')}`, blocks: (a, b) => mf(a) && mt(b) });
    this.changed();
  }

  heal(): void {
    this.cuts = [];
    this.changed();
  }

  setLinkLatency(a: string, b: string, dist: string): void {
    const d = parseDist(dist);
    this.linkDist.set(a + '|' + b, d);
    this.linkDist.set(b + '|' + a, d);
  }

  crash(e: Endpoint): void {
    if (!e.alive) return;
    e.alive = false;
    e.epoch++;
    e.paused = false;
    e.deferred = [];
    this.changed();
  }

  restart(e: Endpoint): void {
    if (e.alive) return;
    e.alive = true;
    this.changed();
  }

  pause(e: Endpoint): void {
    if (!e.alive || e.paused) return;
    e.paused = true;
    this.changed();
  }

  resume(e: Endpoint): void {
    if (!e.paused) return;
    e.paused = false;
    const q = e.deferred;
    e.deferred = [];
    for (const f of q) this.sched.at(this.sched.now, () => f());
    this.changed();
  }

  /**
   * Recomputes who hears whom after any change. Heartbeats spread by gossip: `y` is heard by `x` when
   * some path of live, running nodes joins them, each hop open both ways (gossip is SYN → ACK → ACK2,
   * `GossipDigestAck(2)VerbHandler` → `notifyFailureDetector`). A paused observer keeps its last view
   * (it runs nothing, and `FailureDetector`'s local-pause guard ignores the gap).
   */
  private changed(): void {
    const now = this.sched.now;
    const m = this.fdMembers;
    const comp = this.gossipComponents();
    for (const x of m) {
      if (x.paused) continue;
      for (const y of m) {
        if (x === y) continue;
        const l = this.hears[x.fdIx][y.fdIx];
        const hearing = x.alive && y.alive && !y.paused && comp.get(x) === comp.get(y);
        if (hearing === l.hearing) continue;
        l.hearing = hearing;
        if (!hearing) {
          l.silentSince = now;
        } else {
          l.lastSilentStart = l.silentSince;
          l.lastSilentEnd = now;
          l.silentSince = -1;
        }
      }
    }
    for (const f of this.onChange) f();
  }

  /** Connected components of live, running nodes over links open in both directions. */
  private gossipComponents(): Map<Endpoint, number> {
    const m = this.fdMembers;
    const comp = new Map<Endpoint, number>();
    let next = 0;
    for (const start of m) {
      if (comp.has(start) || !start.alive || start.paused) continue;
      const c = next++;
      comp.set(start, c);
      const stack = [start];
      while (stack.length > 0) {
        const a = stack.pop()!;
        for (const b of m) {
          if (comp.has(b) || !b.alive || b.paused) continue;
          if (this.blocked(a, b) || this.blocked(b, a)) continue;
          comp.set(b, c);
          stack.push(b);
        }
      }
    }
    return comp;
  }

  /** What `observer`'s failure detector hears of `target`, when both are nodes of this network. */
  private link(observer: Endpoint, target: Endpoint): LinkState | undefined {
    if (observer === target || observer.fdIx < 0 || target.fdIx < 0 || this.fdMembers[observer.fdIx] !== observer || this.fdMembers[target.fdIx] !== target) return undefined;
    return this.hears[observer.fdIx][target.fdIx];
  }

  /**
   * Failure detector: does `observer` consider `target` down now? A peer that has been silent
   * for `convictUs` is convicted; once heard again it is marked up after `upDelayUs`.
   */
  isDown(observer: Endpoint, target: Endpoint, convictUs: number, upDelayUs: number): boolean {
    if (observer === target) return !target.alive;
    const l = this.link(observer, target);
    if (!l) return false;
    const now = this.sched.now;
    if (!l.hearing) return now - l.silentSince >= convictUs;
    if (l.lastSilentStart >= 0 && l.lastSilentEnd - l.lastSilentStart >= convictUs) return now < l.lastSilentEnd + upDelayUs;
    return false;
  }

  /** Since when (µs) observer has considered target down, or -1 when it is up. */
  downSince(observer: Endpoint, target: Endpoint, convictUs: number, upDelayUs: number): number {
    if (!this.isDown(observer, target, convictUs, upDelayUs)) return -1;
    const l = this.link(observer, target);
    if (!l) return -1;
    return (l.hearing ? l.lastSilentStart : l.silentSince) + convictUs;
  }

  /** When (µs) a currently-convicted target will be seen up again, if it is already audible; else -1. */
  upAt(observer: Endpoint, target: Endpoint, upDelayUs: number): number {
    const l = this.link(observer, target);
    if (!l || !l.hearing) return -1;
    return l.lastSilentEnd + upDelayUs;
  }

  // ---- messages -----------------------------------------------------------------------------
  latencyUs(from: Endpoint, to: Endpoint): number {
    let d: Dist | undefined;
    if (this.linkDist.size > 0) {
      d = this.linkDist.get(from.id + '|' + to.id) ?? this.linkDist.get(from.zone + '|' + to.zone) ?? this.linkDist.get(from.id + '|' + to.zone) ?? this.linkDist.get(from.zone + '|' + to.id);
    }
    if (!d) d = from.zone === to.zone ? this.sameZone : this.crossZone;
    return sampleDist(d, this.rng) + to.slowUs;
  }

  private record(kind: number, m: Msg, reason?: JournalEntry['reason']): void {
    if (this.journalEnabled) this.log.addRoute(this.sched.now, kind, m.id, this.routeOf(m), reason);
  }

  /** The journal's route index of a message (computed once per message). */
  private routeOf(m: Msg): number {
    if (m.route < 0) m.route = this.log.route(m.from.jix, m.to.jix, this.typeIx(m.type));
    return m.route;
  }

  private lastType = '';
  private lastTypeIx = -1;

  /** The journal index of a message type (the last one cached: replies and requests alternate little). */
  private typeIx(type: string): number {
    if (type !== this.lastType) {
      this.lastType = type;
      this.lastTypeIx = this.log.ix(type);
    }
    return this.lastTypeIx;
  }

  /**
   * Send a message; `deliver(payload, ctx)` runs at the receiver when (and if) it arrives. A message
   * to oneself is delivered without the network (still after the receiver's slowness). Pass a
   * function that closes over nothing and put what it needs in `ctx`: a message then costs one
   * allocation (its event) instead of an event and closures.
   */
  send<P, C = undefined>(from: Endpoint, to: Endpoint, type: string, payload: P, deliver: (p: P, ctx: C) => void, ctx?: C): void {
    const id = ++this.msgSeq;
    if (from === to) {
      this.sched.insert(new Msg(this.sched.now + (to.slowUs > 0 ? to.slowUs : 0), deliverLocal, this, id, from, to, type, payload, deliver, ctx, to.epoch, -1));
      return;
    }
    const route = this.journalEnabled ? this.log.route(from.jix, to.jix, this.typeIx(type)) : -1;
    if (route >= 0) this.log.addRoute(this.sched.now, SEND, id, route);
    // every protocol here runs over TCP: a lost segment is retransmitted (RTO 200 ms, doubling), so
    // loss delays a message and never drops it
    let retransmitUs = 0;
    if (this.lossP > 0) {
      for (let rto = 200_000, k = 0; k < 6 && this.rng.chance(this.lossP); k++, rto *= 2) retransmitUs += rto;
    }
    this.schedule(id, from, to, type, payload, deliver, ctx, retransmitUs, route);
    // a duplicate is a message Cassandra's internode messaging sends twice; client protocols never see one
    if (this.dupP > 0 && from.kind === 'node' && to.kind === 'node' && this.rng.chance(this.dupP)) this.schedule(id, from, to, type, payload, deliver, ctx, 0, route);
  }

  private schedule<P, C>(id: number, from: Endpoint, to: Endpoint, type: string, payload: P, deliver: (p: P, ctx: C) => void, ctx: C | undefined, extraUs: number, route: number): void {
    const d = this.latencyUs(from, to) + extraUs;
    this.sched.insert(new Msg(this.sched.now + (d > 0 ? d : 0), deliverRemote, this, id, from, to, type, payload, deliver, ctx, to.epoch, route));
  }

  /** A message arrived at its receiver's network interface: drop it, defer it (paused) or deliver it. */
  arrive(m: Msg): void {
    const to = m.to;
    if (!to.alive || to.epoch !== m.epoch) return this.record(DROP, m, 'crashed');
    if (this.blocked(m.from, to)) return this.record(DROP, m, 'partition');
    if (to.paused) {
      to.deferred.push(() => {
        if (!to.alive || to.epoch !== m.epoch) return this.record(DROP, m, 'crashed');
        this.record(DELIVER, m, undefined);
        m.deliver(m.payload, m.ctx);
      });
      return;
    }
    if (this.journalEnabled) this.log.addRoute(this.sched.now, DELIVER, m.id, this.routeOf(m));
    m.deliver(m.payload, m.ctx);
  }
}

/** A message in flight: the scheduler event that delivers it, carrying everything delivery needs. */
class Msg extends Ev {
  constructor(
    t: number,
    fn: (ev: Msg) => void,
    /** the network (kept as the event's argument: one field less per message) */
    net: Network,
    readonly id: number,
    readonly from: Endpoint,
    readonly to: Endpoint,
    readonly type: string,
    readonly payload: any,
    readonly deliver: (p: any, ctx: any) => void,
    readonly ctx: unknown,
    /** the receiver's epoch when sent: a crash in between loses the message */
    readonly epoch: number,
    /** its route in the journal, or -1 until one is needed */
    public route: number,
  ) {
    super(t, 0, fn as (ev: Ev) => void, net);
  }
}

function deliverRemote(m: Msg): void {
  (m.arg as Network).arrive(m);
}

function deliverLocal(m: Msg): void {
  const to = m.to;
  if (to.epoch !== m.epoch || !to.alive) return;
  if (to.paused) to.deferred.push(() => m.deliver(m.payload, m.ctx));
  else m.deliver(m.payload, m.ctx);
}
