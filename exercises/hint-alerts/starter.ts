// Hint alerts, as the team's runbook has them:
// "alert if the hint count is above 100,000".
// Each sample is one node's metrics (org.apache.cassandra.metrics) at one moment, as
// the monitoring agent scraped them; samples of the three nodes arrive interleaved, in
// time order.

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

const MAX_HINTS = 100_000;

export function evaluateAlerts(samples: MetricSample[], config: AlertConfig): Alert[] {
  const alerts: Alert[] = [];
  for (const s of samples) {
    const hints = s.metrics['Storage.TotalHints'] ?? 0;
    if (hints > MAX_HINTS) {
      const message = `${s.node} has ${hints} hints (more than ${MAX_HINTS})`;
      alerts.push({ kind: 'hints-disk', node: s.node, time: s.time, message });
    }
  }
  return alerts;
}
