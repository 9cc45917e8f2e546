// rejects: Raise `hints-disk` when `hintsDiskBytes` is above `hintsDiskWarnBytes`, and `dropped-mutations` when the node's dropped MUTATION counter grows.
// Raises hints-disk at exactly hintsDiskWarnBytes (>=): the task says above the threshold.
// Hint alerts, as the team's runbook has them: "alert if the hint count is above 100,000".
// Each sample is one node's metrics (org.apache.cassandra.metrics) at one moment, as the
// monitoring agent scraped them; samples of the three nodes arrive interleaved, in time order.

export type MetricSample = {
  node: string;
  time: number; // ms
  metrics: Record<string, number>; // e.g. 'Storage.TotalHints', 'HintedHandOffManager.Hints_not_stored-C', 'DroppedMessage.MUTATION.Dropped'
  downPeers: Record<string, number>; // peer → since when this node has seen it down (ms)
  hintsDiskBytes: number; // size of this node's hints directory
};

export type AlertConfig = {
  maxHintWindowMs: number; // max_hint_window
  downWarnMs: number; // warn when a peer has been down this long (before the window closes)
  hintsDiskWarnBytes: number;
};

export type Alert = { kind: 'hints-not-stored' | 'node-down-long' | 'hints-disk' | 'dropped-mutations'; node: string; peer?: string; time: number; message: string };

const NSP = 'HintedHandOffManager.Hints_not_stored-';
const DROPPED = 'DroppedMessage.MUTATION.Dropped';
export function evaluateAlerts(samples: MetricSample[], config: AlertConfig): Alert[] {
  const prev = new Map<string, MetricSample>();
  const firing = new Set<string>();
  const out: Alert[] = [];
  const fire = (key: string, a: Alert) => { if (!firing.has(key)) { firing.add(key); out.push(a); } };
  for (const s of samples) {
    const p = prev.get(s.node);
    const inc = (m: string) => { if (!p) return 0; const a = p.metrics[m] ?? 0, b = s.metrics[m] ?? 0; return b < a ? b : b - a; };
    const peers = new Set<string>();
    for (const m of [...Object.keys(s.metrics), ...Object.keys(p?.metrics ?? {})]) if (m.startsWith(NSP)) peers.add(m.slice(NSP.length));
    for (const peer of peers) {
      const key = `hns|${s.node}|${peer}`;
      if (inc(NSP + peer) > 0) fire(key, { kind: 'hints-not-stored', node: s.node, peer, time: s.time, message: `${s.node} is not storing hints for ${peer}: run a repair on ${peer}.` });
      else if (!(peer in s.downPeers)) firing.delete(key);
    }
    for (const [peer, since] of Object.entries(s.downPeers)) {
      if (s.time - since >= config.downWarnMs) fire(`down|${s.node}|${peer}`, { kind: 'node-down-long', node: s.node, peer, time: s.time, message: `${s.node} has seen ${peer} down for ${s.time - since} ms (hint window ${config.maxHintWindowMs} ms).` });
    }
    for (const key of [...firing]) { const [k, n, peer] = key.split('|'); if (k === 'down' && n === s.node && !(peer in s.downPeers)) firing.delete(key); }
    if (s.hintsDiskBytes >= config.hintsDiskWarnBytes) fire(`disk|${s.node}`, { kind: 'hints-disk', node: s.node, time: s.time, message: `${s.node} hints directory: ${s.hintsDiskBytes} bytes.` });
    else firing.delete(`disk|${s.node}`);
    if (inc(DROPPED) > 0) fire(`drop|${s.node}`, { kind: 'dropped-mutations', node: s.node, time: s.time, message: `${s.node} dropped mutations.` });
    else if (p) firing.delete(`drop|${s.node}`);
    prev.set(s.node, s);
  }
  return out;
}
