/**
 * The quorum explorer's measured miss rate, from the simulator's real read path (no DOM).
 *
 * PBS worst case as in Bailis et al.: each trial writes a fresh key to exactly W replicas chosen at
 * random (what the write reached), then a client reads it through a coordinator chosen at random.
 * A coordinator that is a replica reads from itself and from R−1 other live replicas in random order,
 * so the read set is a uniformly random R of the reachable replicas — the model C(N−W, R)/C(N, R)
 * assumes. Read repair and hints are off so trials do not heal each other. Cut-off replicas are
 * partitioned away (and convicted by the failure detector) before the trials start.
 */
import { createWorld, drivers, quorumMonteCarlo } from '../sim/index';

export interface MeasureInput {
  n: number;
  r: number;
  w: number;
  cut: number[];
  trials: number;
  seed: number;
}
export interface MeasureResult {
  misses: number;
  trials: number;
  unavailable: number;
  /** read-path: real reads through the simulated cluster; pbs-model: the simulator's PBS Monte Carlo
   * (used when no consistency level asks exactly R replicas). */
  mode: 'read-path' | 'pbs-model';
}
export interface MeasureControl {
  chunk?: number;
  cancelled?: () => boolean;
  yieldNow?: () => Promise<void>;
  progress?: (done: number) => void;
}

const CL_NAMES = ['one', 'two', 'three'] as const;

/** The consistency level that asks exactly R of N replicas, or null when none does. */
export function levelFor(n: number, r: number): number | null {
  const c = drivers['cassandra-driver'].types.consistencies;
  if (r === n) return c.all;
  if (r <= 3) return c[CL_NAMES[r - 1]];
  if (r === Math.floor(n / 2) + 1) return c.quorum;
  return null;
}

const name = (i: number) => String.fromCharCode(65 + i);

export async function measureQuorumChunked(q: MeasureInput, ctl: MeasureControl = {}): Promise<MeasureResult | null> {
  const cl = levelFor(q.n, q.r);
  if (cl === null) {
    // No consistency level asks exactly R of N replicas: use the simulator's PBS model instead,
    // over the replicas the coordinator can reach.
    const m = q.n - new Set(q.cut).size;
    if (q.r > m || q.w > m) return { misses: 0, trials: q.trials, unavailable: q.trials, mode: 'pbs-model' };
    const res = quorumMonteCarlo({ n: m, r: q.r, w: q.w, trials: q.trials, seed: q.seed });
    ctl.progress?.(q.trials);
    return { misses: res.misses, trials: q.trials, unavailable: 0, mode: 'pbs-model' };
  }
  const world = createWorld({
    seed: q.seed,
    nodes: q.n,
    rf: q.n,
    readRepair: 'none',
    journal: false,
    hints: { enabled: false, maxHintWindowMs: 10_800_000, maxHintsPerHost: 0, throttleKiB: 1024 },
  });
  const ids = Array.from({ length: q.n }, (_, i) => name(i));
  const cut = new Set(q.cut.map(name));
  const live = ids.filter((id) => !cut.has(id));
  const clients = new Map(
    live.map((id) => [id, world.cassandraClient({ zone: ['A', 'B', 'C'][ids.indexOf(id) % 3], contactPoints: [id], failover: false, id: `probe-${id}` })]),
  );
  if (cut.size) {
    world.fault({ kind: 'partition', groups: [[...cut], [...live, ...[...clients.values()].map((_, i) => `probe-${live[i]}`)]] });
    await world.run(() => world.sleep(20_000)); // let the failure detector convict the cut-off replicas
  }
  let misses = 0;
  let unavailable = 0;
  let done = 0;
  const chunk = Math.max(1, ctl.chunk ?? 500);
  while (done < q.trials) {
    if (ctl.cancelled?.()) return null;
    const n = Math.min(chunk, q.trials - done);
    const base = done;
    const res = await world.run(async () => {
      let m = 0;
      let u = 0;
      for (let t = 0; t < n; t++) {
        const key = `k${base + t}`;
        if (q.w > live.length || q.r > live.length) {
          u++;
          continue;
        }
        // the write reached exactly W random live replicas (Math.random follows the simulator's seed here)
        const pool = [...live];
        const holders: string[] = [];
        for (let i = 0; i < q.w; i++) holders.push(pool.splice(Math.floor(Math.random() * pool.length), 1)[0]);
        world.cassandraPut('kv', { key, value: 1 }, { nodes: holders });
        const coord = live[Math.floor(Math.random() * live.length)];
        try {
          const rs = await clients.get(coord)!.execute('SELECT value FROM kv WHERE key = ?', [key], { prepare: true, consistency: cl });
          if (rs.first()?.value !== 1) m++;
        } catch {
          u++;
        }
      }
      return { m, u };
    });
    misses += res.m;
    unavailable += res.u;
    done += n;
    ctl.progress?.(done);
    if (done < q.trials) await ctl.yieldNow?.();
  }
  return { misses, trials: q.trials, unavailable, mode: 'read-path' };
}
