// rejects: Raise `node-down-long` when a node has seen a peer down (`downPeers[peer]` = since when) for at least `downWarnMs`: before `max_hint_window` closes, while there is still time to act.
// Measures the outage from the first sample that lists the peer down, not from downPeers[peer]: an outage that began before monitoring started (or between samples) is warned about a round or more late.
export type MetricSample = {
  node: string;
  time: number; // ms
  // e.g. 'Storage.TotalHints', 'HintedHandOffManager.Hints_not_stored-C',
  // 'DroppedMessage.MUTATION.Dropped'
  metrics: Record<string, number>;
  // peer → since when this node has seen it down (ms)
  downPeers: Record<string, number>;
  hintsDiskBytes: number; // size of this node's hints directory
};

export type AlertConfig = {
  maxHintWindowMs: number; // max_hint_window
  // warn when a peer has been down this long (before the window closes)
  downWarnMs: number;
  hintsDiskWarnBytes: number;
};

export type Alert = {
  kind: 'hints-not-stored' | 'node-down-long' | 'hints-disk' | 'dropped-mutations';
  node: string;
  peer?: string;
  time: number;
  message: string;
};

const TOTAL = 'Storage.TotalHints';
const DROPPED = 'DroppedMessage.MUTATION.Dropped';
const NOT_STORED = 'HintedHandOffManager.Hints_not_stored-';

function increase(now: number, before: number): number {
  return now < before ? now : now - before;
}

export function evaluateAlerts(samples: MetricSample[], config: AlertConfig): Alert[] {
  const alerts: Alert[] = [];
  const prev = new Map<string, MetricSample>();
  const open = new Set<string>();
  const firstSeen = new Map<string, number>();
  const fire = (a: Alert) => {
    const key = `${a.kind} ${a.node} ${a.peer ?? ''}`;
    if (open.has(key)) return;
    open.add(key);
    alerts.push(a);
  };
  const clear = (kind: Alert['kind'], node: string, peer = '') => open.delete(`${kind} ${node} ${peer}`);

  for (const s of samples) {
    const before = prev.get(s.node);
    const grew = (name: string) =>
      before !== undefined && increase(s.metrics[name] ?? 0, before.metrics[name] ?? 0) > 0;
    void TOTAL;

    // hints not stored, per peer: every peer named now, before, or with an open incident
    const peers = new Set<string>();
    for (const m of [s.metrics, before?.metrics ?? {}]) {
      for (const k of Object.keys(m)) if (k.startsWith(NOT_STORED)) peers.add(k.slice(NOT_STORED.length));
    }
    for (const key of open) {
      const [kind, node, peer] = key.split(' ');
      if (kind === 'hints-not-stored' && node === s.node) peers.add(peer);
    }
    for (const peer of peers) {
      if (grew(NOT_STORED + peer)) {
        fire({
          kind: 'hints-not-stored', node: s.node, peer, time: s.time,
          message: `${s.node} dropped hints for ${peer}: ${peer} missed writes, run nodetool repair on it`,
        });
      } else if (!(peer in s.downPeers)) {
        clear('hints-not-stored', s.node, peer);
      }
    }

    // peers down for long
    for (const peer of Object.keys(s.downPeers)) {
      if (!firstSeen.has(`${s.node} ${peer}`)) firstSeen.set(`${s.node} ${peer}`, s.time);
      const since = firstSeen.get(`${s.node} ${peer}`)!;
      if (s.time - since >= config.downWarnMs) {
        fire({
          kind: 'node-down-long', node: s.node, peer, time: s.time,
          message: `${s.node} has seen ${peer} down for ${Math.round((s.time - since) / 1000)} s; bring it back before the hint window closes`,
        });
      }
    }
    for (const key of [...open]) {
      const [kind, node, peer] = key.split(' ');
      if (kind === 'node-down-long' && node === s.node && !(peer in s.downPeers)) open.delete(key);
    }
    for (const k of [...firstSeen.keys()]) {
      const [node, peer] = k.split(' ');
      if (node === s.node && !(peer in s.downPeers)) firstSeen.delete(k);
    }

    if (s.hintsDiskBytes > config.hintsDiskWarnBytes) {
      fire({
        kind: 'hints-disk', node: s.node, time: s.time,
        message: `The hints directory of ${s.node} holds ${s.hintsDiskBytes} bytes, above the warning level`,
      });
    } else clear('hints-disk', s.node);

    if (grew(DROPPED)) {
      fire({
        kind: 'dropped-mutations', node: s.node, time: s.time,
        message: `${s.node} dropped MUTATION messages: writes were lost on that replica`,
      });
    } else clear('dropped-mutations', s.node);

    prev.set(s.node, s);
  }
  return alerts;
}
