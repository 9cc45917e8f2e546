/**
 * Hinted handoff: a coordinator stores a hint for a replica that is down or silent (unless the
 * replica has been down longer than max_hint_window, or the per-host cap is reached), and replays
 * its hints, throttled, once the failure detector sees the replica up again.
 */
import type { Cluster } from './cassandra';
import type { CNode } from './cassandra-node';
import { type Frag, cloneFrag, fragBytes } from './store';

/** Store a hint for `target` on `coord` unless the window/cap/config forbids it. */
export function maybeHint(c: Cluster, coord: CNode, target: CNode, table: string, key: unknown, frag: Frag): boolean {
  if (!c.cfg.hintsEnabled) return false;
  const { net, sched } = c.ctx;
  const since = net.downSince(coord.ep, target.ep, c.cfg.convictUs, c.cfg.upDelayUs);
  const downtime = since >= 0 ? sched.now - since : 0;
  if (downtime > c.cfg.maxHintWindowUs) {
    coord.inc(`HintedHandOffManager.Hints_not_stored-${target.id}`);
    c.ctx.note('hint-not-stored', { node: coord.id, target: target.id, key, downtimeMs: downtime / 1000 });
    return false;
  }
  const q = coord.hints.get(target.id) ?? [];
  if (c.cfg.maxHintsPerHost > 0 && q.length >= c.cfg.maxHintsPerHost) {
    c.ctx.note('hint-cap-reached', { node: coord.id, target: target.id, key });
    return false;
  }
  const f = cloneFrag(frag);
  q.push({ table, key, frag: f, createdUs: sched.now, bytes: fragBytes(f) });
  coord.hints.set(target.id, q);
  coord.inc('Storage.TotalHints');
  coord.inc(`HintedHandOffManager.Hints_created-${target.id}`);
  scheduleDispatch(c, coord);
  return true;
}

/** Look at n's hints after the dispatch interval (once: a pending look is not doubled). */
export function scheduleDispatch(c: Cluster, n: CNode): void {
  if (n.dispatchTimer || !n.ep.alive) return;
  n.dispatchTimer = true;
  c.nodeTimer(n, c.cfg.hintDispatchIntervalUs, () => {
    n.dispatchTimer = false;
    dispatchTick(c, n);
  });
}

/** After any change of reachability: every live node with hints looks at them again. */
export function wakeDispatchers(c: Cluster): void {
  for (const n of c.nodes) if (n.ep.alive && n.pendingHints() > 0) scheduleDispatch(c, n);
}

function dispatchTick(c: Cluster, n: CNode): void {
  for (const [target, q] of n.hints) {
    if (q.length === 0 || n.dispatching.has(target)) continue;
    const t = c.node(target);
    if (c.isDown(n, t)) continue;
    dispatchTo(c, n, t);
  }
  if (n.pendingHints() > 0) scheduleDispatch(c, n);
}

/** Throttled replay of n's hints for t: one hint every size/rate seconds. */
function dispatchTo(c: Cluster, n: CNode, t: CNode): void {
  const { net } = c.ctx;
  n.dispatching.add(t.id);
  // hinted_handoff_throttle per destination (0 = unthrottled), bytes/s
  const rate = c.cfg.hintThrottleKiB > 0 ? (c.cfg.hintThrottleKiB * 1024) / Math.max(1, c.nodes.length - 1) : Infinity;
  const epoch = n.ep.epoch;
  const step = () => {
    const q = n.hints.get(t.id);
    if (!q || q.length === 0 || c.isDown(n, t) || n.ep.epoch !== epoch) {
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
    c.nodeTimer(n, c.cfg.writeTimeoutUs, () => {
      if (settled) return;
      settled = true;
      n.inc('HintsService.HintsTimedOut');
      const qq = n.hints.get(t.id) ?? [];
      qq.push(h);
      n.hints.set(t.id, qq);
      scheduleDispatch(c, n);
    }, undefined, true);
    c.nodeTimer(n, Math.max(1, Math.floor((h.bytes * 1_000_000) / rate)), step);
  };
  step();
}
