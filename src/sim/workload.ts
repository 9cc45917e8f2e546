/** A register workload (Jepsen-style): clients in each zone write unique values and read them back. */
import type { Client } from './drivers/cassandra';
import { worldOf } from './world';
import type { PublicWorld } from './world-public';

export interface RegisterWorkload {
  /** clients, one per zone in order A, B, C, … (default 3) */
  clients?: number;
  opsPerClient?: number;
  keys?: number;
  writeCl?: number;
  readCl?: number;
  /** probability that an op is a write */
  writeRatio?: number;
  /** think time between ops, uniform in [0, thinkMs] */
  thinkMs?: number;
  readTimeoutMs?: number;
  /** client zones (default: the cluster's zones) */
  zones?: string[];
}

/** Builds the clients now; the returned function runs the workload (call it inside world.run). */
export function registerWorkload(pub: PublicWorld, o: RegisterWorkload = {}): { clients: Client[]; run: () => Promise<void> } {
  const world = worldOf(pub);
  const zones = o.zones ?? world.cluster.cfg.zones;
  const n = o.clients ?? 3;
  const clients: Client[] = [];
  for (let i = 0; i < n; i++) {
    const zone = zones[i % zones.length];
    clients.push(world.cassandraClient({ zone, id: `c${i + 1}-${zone}`, readTimeout: o.readTimeoutMs }));
  }
  const ops = o.opsPerClient ?? 10;
  const keys = o.keys ?? 2;
  const wcl = o.writeCl ?? 0x04;
  const rcl = o.readCl ?? 0x04;
  const wr = o.writeRatio ?? 0.5;
  const think = o.thinkMs ?? 200;
  const rng = world.rng.fork('workload');
  const run = async () => {
    await Promise.all(clients.map(async (c, ci) => {
      for (let i = 0; i < ops; i++) {
        const delay = rng.int(think + 1);
        if (delay > 0) await world.sleep(delay);
        const key = 'k' + rng.int(keys);
        try {
          if (rng.chance(wr)) await c.execute('INSERT INTO kv (key, value) VALUES (?, ?)', [key, ci * 1_000_000 + i], { consistency: wcl, prepare: true });
          else await c.execute('SELECT value FROM kv WHERE key = ?', [key], { consistency: rcl, prepare: true });
        } catch {
          /* failures and timeouts are part of the history */
        }
      }
    }));
  };
  return { clients, run };
}
