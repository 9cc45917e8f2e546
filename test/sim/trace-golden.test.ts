/**
 * Behaviour guard for simulator refactors and optimisations: the hash of the full trace (history,
 * network journal, notes, faults) of many seeds of several workloads must stay what it was when
 * test/sim/golden/trace-hashes.json was recorded. A change that alters the event order, a latency
 * draw or a journal entry changes a hash. Re-record (`UPDATE_GOLDEN=1 npx vitest run
 * test/sim/trace-golden.test.ts`) only for a deliberate behaviour change, and say why in the commit.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createWorld, drivers, scenarios } from '#sim';
import { createEngineWorld } from '#sim/internal';
import { hiddenTestCase } from '../../support/sim-cases';

const FILE = new URL('./golden/trace-hashes.json', import.meta.url);
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const CL = drivers['cassandra-driver'].types.consistencies;

/** QUORUM writes and reads from every coordinator under a sampled fault schedule, no learner code. */
function clusterTraffic(seed: number): string {
  const w = createEngineWorld({ seed });
  w.sampleFaults({ count: 3, untilMs: 400, maxMs: 300, kinds: ['isolate', 'partition', 'crash', 'slow', 'pause'] });
  const nodes = w.cluster.nodes;
  let i = 0;
  const next = () => {
    if (i >= 600) return;
    const k = i++;
    const coord = nodes[k % nodes.length];
    const key = 'k' + (k % 17);
    if (k % 3 !== 2) w.cluster.coordinate(coord, { kind: 'write', table: 'kv', key, cl: k % 5 === 0 ? CL.all : CL.quorum, frag: { del: k % 11 === 0 ? k : -Infinity, marker: k, cells: { value: { v: k, ts: k, tomb: false } } } }, (r) => w.note('reply', { k, ok: r.ok }));
    else w.cluster.coordinate(coord, { kind: 'read', table: 'kv', key, columns: ['key', 'value'], cl: k % 4 === 0 ? CL.one : CL.quorum, limit: 1 }, (r) => w.note('reply', { k, r }));
    w.sched.after(700, next);
  };
  for (let c = 0; c < 4; c++) w.sched.after(c * 13, next);
  w.advance(30_000);
  return w.traceHash();
}

/** Learner-style awaited driver calls (writes, reads, a batch, an LWT-free update) with faults. */
async function driverCalls(seed: number): Promise<string> {
  const w = createWorld({ seed });
  w.sampleFaults({ count: 2, untilMs: 800, maxMs: 500, kinds: ['isolate', 'partition', 'crash', 'slow'] });
  const clients = ['A', 'B', 'C'].map((z) => w.cassandraClient({ zone: z }));
  await w.run(async () => {
    await Promise.all(clients.map(async (c, u) => {
      for (let i = 0; i < 15; i++) {
        const id = 'o-' + ((i * 3 + u) % 7);
        try {
          if (i % 2 === 0) await c.execute('INSERT INTO orders (id, status, total, version) VALUES (?, ?, ?, ?)', [id, 's' + i, i, i], { prepare: true, consistency: CL.quorum });
          else await c.execute('SELECT * FROM orders WHERE id = ?', [id], { prepare: true, consistency: i % 3 === 0 ? CL.one : CL.quorum });
        } catch (e) {
          w.note('error', { u, i, name: (e as Error).name });
        }
        await w.sleep(20);
      }
    }));
  });
  return w.traceHash();
}

async function computeAll(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of scenarios.scenarioNames) {
    for (let seed = 1; seed <= 6; seed++) out[`scenario:${name}:${seed}`] = (await scenarios.run(name, { seed })).traceHash;
  }
  for (let seed = 1; seed <= 40; seed++) out[`hidden-case:${seed}`] = (await hiddenTestCase(seed)).hash;
  for (let seed = 1; seed <= 12; seed++) out[`cluster:${seed}`] = clusterTraffic(seed);
  for (let seed = 1; seed <= 12; seed++) out[`driver:${seed}`] = await driverCalls(seed);
  return out;
}

describe('trace golden hashes', () => {
  it('every recorded workload and seed gives the recorded trace hash', async () => {
    const now = await computeAll();
    if (UPDATE) writeFileSync(FILE, JSON.stringify(now, null, 1) + '\n');
    const recorded = JSON.parse(readFileSync(FILE, 'utf8')) as Record<string, string>;
    const changed = Object.keys(recorded).filter((k) => recorded[k] !== now[k]);
    expect(changed, `traces changed for: ${changed.join(', ')}`).toEqual([]);
    expect(Object.keys(now).sort()).toEqual(Object.keys(recorded).sort());
  });
});
