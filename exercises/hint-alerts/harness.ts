import { learnerData, type TestContext } from '../../src/grading/api';
import { drivers } from '../../src/sim/index';

// Shared by visible.test.ts and hidden.test.ts of hint-alerts: runs a small cluster in the simulator
// with writes going on and faults scheduled, and samples every live node's metrics the way a
// monitoring agent would (every `stepMs`), so the learner's rules see real counters.

export type MetricSample = {
  node: string;
  time: number;
  metrics: Record<string, number>;
  downPeers: Record<string, number>;
  hintsDiskBytes: number;
};
export type AlertConfig = { maxHintWindowMs: number; downWarnMs: number; hintsDiskWarnBytes: number };
export type Alert = { kind: string; node: string; peer?: string; time: number; message: string };
export type EvaluateAlerts = (samples: MetricSample[], config: AlertConfig) => Alert[];

/** The simulator counts hints; on disk each order hint is taken to be about 1 KiB. */
export const HINT_BYTES = 1024;
const NODES = ['A', 'B', 'C'];
const CL = drivers['cassandra-driver'].types.consistencies;

type Client = { execute(q: string, p: unknown[], o: object): Promise<unknown> };

export type Fault =
  | { at: number; kind: 'crash' | 'restart'; node: string }
  | { at: number; kind: 'pause'; node: string; forMs: number }
  | { at: number; kind: 'isolate'; zone: string }
  | { at: number; kind: 'heal' };

export type RunOptions = {
  faults?: Fault[];
  /** Virtual ms the run lasts. */
  untilMs: number;
  stepMs?: number;
  maxHintWindowMs?: number;
  maxHintsPerHost?: number;
  /**
   * Counter values each node had already reached when the sampled window starts (a node up for
   * weeks): added to its counters until the node restarts, when they go back to 0.
   */
  baseline?: Record<string, Record<string, number>>;
};

export type Run = { samples: MetricSample[]; faults: Fault[]; maxHintWindowMs: number };

export { prng } from '../../src/grading/api';

/** Runs the cluster with clients in zones A and B writing orders in turn, and samples every live node. */
export async function simulate(ctx: TestContext, opts: RunOptions): Promise<Run> {
  const maxHintWindowMs = opts.maxHintWindowMs ?? 30_000;
  const world = ctx.world({
    failureDetectorMs: 2000,
    hints: { enabled: true, maxHintWindowMs, maxHintsPerHost: opts.maxHintsPerHost ?? 0, throttleKiB: 1024 },
  });
  const faults = opts.faults ?? [];
  world.schedule(faults);
  const stepMs = opts.stepMs ?? 2000;
  const clients = ['A', 'B'].map(
    (z) => world.cassandraClient({ zone: z, contactPoints: [z], failover: false, id: `api-${z.toLowerCase()}` }) as Client,
  );
  const crashed = new Set<string>();
  const restarted = new Set<string>();
  const downSince = new Map<string, number>();
  const samples: MetricSample[] = [];
  let n = 0;
  await world.run(async () => {
    while (world.now < opts.untilMs) {
      const t = world.now;
      for (const f of faults) {
        if (f.at <= t && f.at > t - stepMs && (f.kind === 'crash' || f.kind === 'restart')) {
          if (f.kind === 'crash') crashed.add(f.node);
          else {
            crashed.delete(f.node);
            restarted.add(f.node);
          }
        }
      }
      for (const node of NODES) {
        if (crashed.has(node)) continue;
        const raw = world.metrics(node);
        const base = restarted.has(node) ? {} : (opts.baseline?.[node] ?? {});
        const metrics: Record<string, number> = {};
        for (const k of new Set([...Object.keys(raw), ...Object.keys(base)])) {
          if (k === 'Storage.PendingHints') continue;
          metrics[k] = (raw[k] ?? 0) + (base[k] ?? 0);
        }
        const downPeers: Record<string, number> = {};
        for (const peer of NODES) {
          const key = node + '>' + peer;
          if (peer !== node && world.isDown(node, peer)) {
            if (!downSince.has(key)) downSince.set(key, t);
            downPeers[peer] = downSince.get(key)!;
          } else downSince.delete(key);
        }
        samples.push({ node, time: t, metrics, downPeers, hintsDiskBytes: world.pendingHints(node) * HINT_BYTES });
      }
      // One order per step, through the coordinators in zones A and B in turn.
      await clients[n % 2]
        .execute('INSERT INTO orders (id, status, version) VALUES (?, ?, ?)', [`o-${n++}`, 'placed', 1], {
          consistency: CL.quorum, prepare: true,
        })
        .catch(() => undefined);
      const left = t + stepMs - world.now;
      if (left > 0) await world.sleep(left);
    }
  });
  return { samples, faults, maxHintWindowMs };
}

export function config(run: Run, extra: Partial<AlertConfig> = {}): AlertConfig {
  return {
    maxHintWindowMs: run.maxHintWindowMs,
    downWarnMs: Math.round((run.maxHintWindowMs * 2) / 3),
    hintsDiskWarnBytes: 48 * HINT_BYTES,
    ...extra,
  };
}

/** Calls the learner's function on a copy of the samples; returns the alerts, or fails the test in plain words. */
export function evaluate(ctx: TestContext, run: Run, cfg: AlertConfig): Alert[] {
  const { evaluateAlerts } = ctx.load<{ evaluateAlerts: EvaluateAlerts }>();
  const copy = JSON.parse(JSON.stringify(run.samples)) as MetricSample[];
  // read once: every check below sees the same alerts, in a plain array (learnerData)
  const out = learnerData(evaluateAlerts(copy, cfg), 'evaluateAlerts');
  if (!Array.isArray(out)) return ctx.fail(`evaluateAlerts returned ${String(out)} instead of an array of alerts.`);
  for (const a of out) {
    if (!a || typeof a.kind !== 'string' || typeof a.node !== 'string' || typeof a.message !== 'string' || typeof a.time !== 'number') {
      return ctx.fail(`An alert is missing its kind, node, time or message: ${JSON.stringify(a)}. The on-call engineer needs all four.`);
    }
  }
  return out;
}

export const KINDS = ['hints-not-stored', 'node-down-long', 'hints-disk', 'dropped-mutations'] as const;

export function describe(a: Alert): string {
  return `${a.kind} on ${a.node}${a.peer ? ' about ' + a.peer : ''} at ${(a.time / 1000).toFixed(0)} s`;
}

export function of(alerts: Alert[], kind: string, node?: string, peer?: string): Alert[] {
  return alerts.filter((a) => a.kind === kind && (node === undefined || a.node === node) && (peer === undefined || a.peer === peer));
}

/** Fails unless every alert is one of `allowed` (`kind node peer?` strings, `*` for any node). */
export function onlyAllowed(ctx: TestContext, alerts: Alert[], allowed: string[], what: string): void {
  for (const a of alerts) {
    const ok = allowed.some((p) => {
      const [k, nd, pr] = p.split(' ');
      return k === a.kind && (nd === '*' || nd === a.node) && (pr === undefined || pr === a.peer);
    });
    if (!ok) {
      ctx.fail(`False alarm: ${describe(a)} ("${a.message}"), although ${what}. The on-call engineer is paged for nothing, and a team paged for nothing learns to ignore the page that one day warns of customers' orders going missing (seed ${ctx.seed}).`);
    }
  }
}

/** Fails when one (kind, node, peer) fired more than `max` times: an alert storm. */
export function atMost(ctx: TestContext, alerts: Alert[], max: number, what: string): void {
  const count = new Map<string, number>();
  for (const a of alerts) {
    const k = `${a.kind} on ${a.node}${a.peer ? ' about ' + a.peer : ''}`;
    count.set(k, (count.get(k) ?? 0) + 1);
    if (count.get(k)! > max) {
      ctx.fail(`${k} fired ${count.get(k)} times during ${what}: one page per incident is enough; more buries the next real one, and with it the warning that customers are reading stale orders (seed ${ctx.seed}).`);
    }
  }
}

/** Fails when the alert does not name who is affected in its message. */
export function plainMessage(ctx: TestContext, a: Alert, mustName: string): void {
  if (a.message.length < 20 || !a.message.includes(mustName)) {
    ctx.fail(`The alert "${a.message}" (${a.kind} on ${a.node}) does not tell the on-call engineer in plain words what is wrong with node ${mustName} (seed ${ctx.seed}).`);
  }
}
