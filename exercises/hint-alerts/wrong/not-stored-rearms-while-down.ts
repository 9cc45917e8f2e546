// rejects: Each alert fires once per incident, for its node (and peer), with a message in plain words for the on-call engineer; it re-arms once the incident is over: `node-down-long` when the peer is up again, `hints-disk` when the directory is back at or below the threshold, `dropped-mutations` at a sample where the counter did not grow, and `hints-not-stored` at a sample where its counter did not grow **and** the peer is up again (while the peer is still down, a sample without growth does not end the incident).
// The hints-not-stored incident clears as soon as the counter has one sample without growth, although the peer is still down: one outage pages again and again.

export type MetricSample = {
  node: string;
  time: number; // ms
  metrics: Record<string, number>;
  downPeers: Record<string, number>; // peer → since when this node has seen it down (ms)
  hintsDiskBytes: number; // size of this node's hints directory
};

export type AlertConfig = {
  maxHintWindowMs: number; // max_hint_window
  downWarnMs: number; // warn when a peer has been down this long (before the window closes)
  hintsDiskWarnBytes: number;
};

export type Alert = { kind: 'hints-not-stored' | 'node-down-long' | 'hints-disk' | 'dropped-mutations'; node: string; peer?: string; time: number; message: string };

const NOT_STORED = 'HintedHandOffManager.Hints_not_stored-';
const DROPPED = 'DroppedMessage.MUTATION.Dropped';

/** How much a counter grew since the previous sample of the same node; a drop means it restarted from 0. */
function increase(now: number, before: number): number {
  return now >= before ? now - before : now;
}

export function evaluateAlerts(samples: MetricSample[], config: AlertConfig): Alert[] {
  const alerts: Alert[] = [];
  const previous = new Map<string, Record<string, number>>(); // node → its last sample's metrics
  const firing = new Set<string>(); // incidents already alerted, until they recover
  const raise = (key: string, alert: Alert) => {
    if (firing.has(key)) return;
    firing.add(key);
    alerts.push(alert);
  };
  const sorted = [...samples].sort((a, b) => a.time - b.time);

  for (const s of sorted) {
    const before = previous.get(s.node);
    // Every peer this node has seen down, has a Hints_not_stored counter for, or has an incident open for.
    const peers = new Set<string>(Object.keys(s.downPeers));
    for (const name of Object.keys(s.metrics)) if (name.startsWith(NOT_STORED)) peers.add(name.slice(NOT_STORED.length));
    for (const key of firing) {
      const [, node, peer] = key.split(' ');
      if (node === s.node && peer) peers.add(peer);
    }

    for (const peer of peers) {
      // Any increase of Hints_not_stored: the peer missed writes no hint will replay.
      const name = NOT_STORED + peer;
      const key = `hints-not-stored ${s.node} ${peer}`;
      const grew = before !== undefined && increase(s.metrics[name] ?? 0, before[name] ?? 0) > 0;
      if (grew) {
        raise(key, {
          kind: 'hints-not-stored', node: s.node, peer, time: s.time,
          message: `${s.node} stopped storing hints for ${peer} (down longer than max_hint_window): ${peer} is missing writes, schedule a repair of ${peer}.`,
        });
      } else firing.delete(key);
    }

    for (const peer of peers) {
      // A peer down for most of the hint window: act before hints stop.
      const key = `node-down-long ${s.node} ${peer}`;
      const since = s.downPeers[peer];
      if (since === undefined) firing.delete(key); // up again: the next outage is a new incident
      else if (s.time - since >= config.downWarnMs) {
        const left = Math.max(0, Math.round((since + config.maxHintWindowMs - s.time) / 1000));
        raise(key, {
          kind: 'node-down-long', node: s.node, peer, time: s.time,
          message: `${peer} has been down for ${Math.round((s.time - since) / 1000)} s as seen from ${s.node}; hints for it stop in about ${left} s (max_hint_window). Bring ${peer} back or plan a repair.`,
        });
      }
    }

    const diskKey = `hints-disk ${s.node}`;
    if (s.hintsDiskBytes > config.hintsDiskWarnBytes) {
      raise(diskKey, {
        kind: 'hints-disk', node: s.node, time: s.time,
        message: `The hints directory on ${s.node} holds ${s.hintsDiskBytes} bytes (threshold ${config.hintsDiskWarnBytes}): check free disk space and which peer the hints are for.`,
      });
    } else firing.delete(diskKey);

    const dropKey = `dropped-mutations ${s.node}`;
    if (before !== undefined && increase(s.metrics[DROPPED] ?? 0, before[DROPPED] ?? 0) > 0) {
      raise(dropKey, {
        kind: 'dropped-mutations', node: s.node, time: s.time,
        message: `${s.node} is dropping MUTATION messages (they waited longer than the write timeout): this replica is missing writes right now.`,
      });
    } else firing.delete(dropKey);

    previous.set(s.node, s.metrics);
  }
  return alerts;
}
