/**
 * Fault application: what each fault of the schedule does to the network, the cluster, PostgreSQL,
 * the broker and the processors, and the names a fault may target (validated up front).
 */
import type { Fault } from './faults';
import type { World } from './world';

/** The node ids, and every endpoint id and zone a fault may name. */
export function knownNames(w: World): { nodes: Set<string>; names: Set<string> } {
  const nodes = new Set(w.cluster.nodes.map((n) => n.id));
  const names = new Set<string>();
  for (const e of w.net.endpoints.values()) { names.add(e.id); names.add(e.zone); }
  return { nodes, names };
}

/** Apply one fault now (recorded in the fault log). */
export function applyFault(w: World, f: Fault): void {
  w.faultLog.push({ time: w.now, fault: f });
  const net = w.net;
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
      const n = w.cluster.node(f.node);
      w.cluster.crash(n);
      for (const l of w.crashListeners) l(n.id);
      break;
    }
    case 'restart': w.cluster.restart(w.cluster.node(f.node)); break;
    case 'pause': {
      const n = w.cluster.node(f.node);
      net.pause(n.ep);
      if (f.forMs !== undefined) w.sched.after(Math.round(f.forMs * 1000), () => net.resume(n.ep));
      break;
    }
    case 'resume': net.resume(w.cluster.node(f.node).ep); break;
    case 'slow': w.cluster.node(f.node).ep.slowUs = Math.round(f.extraMs * 1000); break;
    case 'loss': net.lossP = f.probability; break;
    case 'duplicate': net.dupP = f.probability; break;
    case 'latency': net.setLinkLatency(f.link[0], f.link[1], f.dist); break;
    case 'clock-skew': {
      const e = net.get(f.target);
      e.skewUs = Math.round(f.offsetMs * 1000);
      e.driftPpm = f.driftPpm ?? 0;
      break;
    }
    case 'pg': w.pgState = { state: f.state, extraUs: Math.round((f.extraMs ?? (f.state === 'slow' ? 2000 : 0)) * 1000) }; break;
    case 'kafka': w.kafkaBroker.up = f.state === 'up'; break;
    case 'stream-stall': for (const p of w.processors) p.stall(f.shard, f.forMs); break;
  }
}
