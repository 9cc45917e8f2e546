// Alerts on hinted handoff that mean something (Cassandra metrics, under
// org.apache.cassandra.metrics).
// Counters (Storage.TotalHints, Hints_not_stored-<peer>,
// DroppedMessage.MUTATION.Dropped) count since the node started: what matters is how
// much they grew between two samples of the same node, and a restart (the counter going
// down) starts them again from 0.

export type MetricSample = {
  node: string;
  time: number; // ms
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

const NOT_STORED = 'HintedHandOffManager.Hints_not_stored-';
const DROPPED = 'DroppedMessage.MUTATION.Dropped';

/**
 * How much a counter grew since the previous sample of the same node; a drop means it
 * restarted from 0.
 */
function increase(now: number, before: number): number {
  return now >= before ? now - before : now;
}

export function evaluateAlerts(samples: MetricSample[], config: AlertConfig): Alert[] {
  const alerts: Alert[] = [];
  // node → its last sample's metrics
  const previous = new Map<string, Record<string, number>>();
  const firing = new Set<string>(); // incidents already alerted, until they recover
  const raise = (key: string, alert: Alert) => {
    if (firing.has(key)) return;
    firing.add(key);
    alerts.push(alert);
  };
  const sorted = [...samples].sort((a, b) => a.time - b.time);

  for (const s of sorted) {
    const before = previous.get(s.node);
    // Every peer this node has seen down, has a Hints_not_stored counter for, or has an
    // incident open for.
    const peers = new Set<string>(Object.keys(s.downPeers));
    for (const name of Object.keys(s.metrics))
      if (name.startsWith(NOT_STORED)) peers.add(name.slice(NOT_STORED.length));
    for (const key of firing) {
      const [, node, peer] = key.split(' ');
      if (node === s.node && peer) peers.add(peer);
    }

    for (const peer of peers) {
      // Any increase of Hints_not_stored: the peer missed writes no hint will replay.
      const name = NOT_STORED + peer;
      const key = `hints-not-stored ${s.node} ${peer}`;
      const grew =
        before !== undefined && increase(s.metrics[name] ?? 0, before[name] ?? 0) > 0;
      if (grew) {
        raise(key, {
          kind: 'hints-not-stored', node: s.node, peer, time: s.time,
          message:
            `${s.node} stopped storing hints for ${peer} ` +
            `(down longer than max_hint_window): ${peer} is missing writes, ` +
            `schedule a repair of ${peer}.`,
        });
      } else if (!(peer in s.downPeers)) firing.delete(key);
    }

    for (const peer of peers) {
      // A peer down for most of the hint window: act before hints stop.
      const key = `node-down-long ${s.node} ${peer}`;
      const since = s.downPeers[peer];
      // up again: the next outage is a new incident
      if (since === undefined) firing.delete(key);
      else if (s.time - since >= config.downWarnMs) {
        const left = Math.max(
          0,
          Math.round((since + config.maxHintWindowMs - s.time) / 1000),
        );
        raise(key, {
          kind: 'node-down-long', node: s.node, peer, time: s.time,
          message:
            `${peer} has been down for ${Math.round((s.time - since) / 1000)} s ` +
            `as seen from ${s.node}; hints for it stop in about ${left} s ` +
            `(max_hint_window). Bring ${peer} back or plan a repair.`,
        });
      }
    }

    const diskKey = `hints-disk ${s.node}`;
    if (s.hintsDiskBytes > config.hintsDiskWarnBytes) {
      raise(diskKey, {
        kind: 'hints-disk', node: s.node, time: s.time,
        message:
          `The hints directory on ${s.node} holds ${s.hintsDiskBytes} bytes ` +
          `(threshold ${config.hintsDiskWarnBytes}): check free disk space and which ` +
          'peer the hints are for.',
      });
    } else firing.delete(diskKey);

    const dropKey = `dropped-mutations ${s.node}`;
    if (
      before !== undefined &&
      increase(s.metrics[DROPPED] ?? 0, before[DROPPED] ?? 0) > 0
    ) {
      raise(dropKey, {
        kind: 'dropped-mutations', node: s.node, time: s.time,
        message:
          `${s.node} is dropping MUTATION messages (they waited longer than the ` +
          'write timeout): this replica is missing writes right now.',
      });
    } else firing.delete(dropKey);

    previous.set(s.node, s.metrics);
  }
  return alerts;
}
