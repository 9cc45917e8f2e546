/**
 * Simulator benchmarks (Node). `npx tsx bench/sim.ts [--write]` prints results; with --write it also
 * updates the Node section of bench/results/sim.md. Numbers depend on machine load: the load average
 * is printed with them.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createWorld, drivers } from '../src/sim/index';
import { Scheduler } from '../src/sim/sched';
import { hiddenTestCase } from './sim-cases';

const CL = drivers['cassandra-driver'].types.consistencies;

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Raw scheduler: 2M no-op events, ~1000 in the heap at any time. */
export function benchScheduler(n = 2_000_000): { eventsPerSec: number } {
  const s = new Scheduler();
  let left = n;
  const fn = () => { if (left-- > 0) s.after(1 + (left % 997), fn); };
  for (let i = 0; i < 1000; i++) s.after(i, fn);
  const t0 = performance.now();
  while (s.step());
  const ms = performance.now() - t0;
  return { eventsPerSec: Math.round(s.executed / (ms / 1000)) };
}

/** Cluster traffic without learner code: 20,000 QUORUM writes and reads from coordinators, journal on. */
export function benchClusterEvents(ops = 20_000): { events: number; eventsPerSec: number } {
  const w = createWorld({ seed: 1 });
  const nodes = w.cluster.nodes;
  for (let i = 0; i < ops; i++) {
    const coord = nodes[i % 3];
    const key = 'k' + (i % 100);
    w.sched.at(i * 50, () => {
      if (i % 2 === 0) w.cluster.coordinate(coord, { kind: 'write', table: 'kv', key, cl: CL.quorum, frag: { del: -Infinity, marker: i, cells: { value: { v: i, ts: i, tomb: false } } } }, () => {});
      else w.cluster.coordinate(coord, { kind: 'read', table: 'kv', key, columns: ['key', 'value'], cl: CL.quorum, limit: 1 }, () => {});
    });
  }
  const t0 = performance.now();
  w.advance(ops * 50 / 1000 + 10_000);
  const ms = performance.now() - t0;
  return { events: w.sched.executed, eventsPerSec: Math.round(w.sched.executed / (ms / 1000)) };
}

/** Learner-style code: concurrent loops of `await client.execute(…)` inside one world.run. */
export async function benchDriverCalls(total = 40_000, concurrency = 4): Promise<{ calls: number; callsPerSec: number; events: number }> {
  const w = createWorld({ seed: 2, journal: false });
  w.cassandraPut('kv', { key: 'k', value: 1 });
  const c = w.cassandraClient({ zone: 'A' });
  const per = Math.floor(total / concurrency);
  const t0 = performance.now();
  await w.run(async () => {
    await Promise.all(Array.from({ length: concurrency }, async () => {
      for (let i = 0; i < per; i++) await c.execute('SELECT value FROM kv WHERE key = ?', ['k'], { consistency: CL.one, prepare: true });
    }));
  }, { maxEvents: 50_000_000 });
  const ms = performance.now() - t0;
  return { calls: per * concurrency, callsPerSec: Math.round((per * concurrency) / (ms / 1000)), events: w.sched.executed };
}

/** 200 hidden-test-sized fault scenarios (bench/sim-cases.ts), median of `rounds` after one warm-up. */
export async function benchCases(count = 200, rounds = 5): Promise<{ medianMs: number; allMs: number[]; eventsPerCase: number }> {
  let events = 0;
  for (let s = 1; s <= count; s++) events += (await hiddenTestCase(s)).events; // warm-up
  const all: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let s = 1; s <= count; s++) await hiddenTestCase(s);
    all.push(Math.round(performance.now() - t0));
  }
  return { medianMs: median(all), allMs: all, eventsPerCase: Math.round(events / count) };
}

async function main() {
  const load = loadavg().map((x) => x.toFixed(1)).join(' ');
  const sched = benchScheduler();
  const cluster = benchClusterEvents();
  const calls = await benchDriverCalls();
  const cases = await benchCases();
  const lines = [
    `- Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}, load average at start ${load}`,
    `- Scheduler, no-op events: **${sched.eventsPerSec.toLocaleString('en-US')} events/s** (target ≥ 2,000,000)`,
    `- Cluster traffic (QUORUM reads/writes, network journal on, no learner code): **${cluster.eventsPerSec.toLocaleString('en-US')} events/s** over ${cluster.events.toLocaleString('en-US')} events (target ≥ 1,000,000)`,
    `- Learner-style awaited driver calls (4 concurrent \`await client.execute\` loops): **${calls.callsPerSec.toLocaleString('en-US')} calls/s** over ${calls.calls.toLocaleString('en-US')} calls (target ≥ 100,000)`,
    `- 200 hidden-test-sized fault scenarios (\`bench/sim-cases.ts\`, ~${cases.eventsPerCase} events each): **${cases.medianMs} ms** median of ${cases.allMs.length} rounds (${cases.allMs.join(', ')} ms) (target < 250 ms)`,
  ];
  console.log(lines.join('\n'));
  if (process.argv.includes('--write')) writeSection('Node', lines);
}

export function writeSection(name: string, lines: string[]): void {
  const file = fileURLToPath(new URL('./results/sim.md', import.meta.url));
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '# Simulator benchmarks\n\nRecorded by `npx tsx bench/sim.ts --write` (Node) and `npx tsx bench/sim-browser.ts --write` (headless Chromium worker).\n';
  const start = `<!-- ${name}:start -->`, end = `<!-- ${name}:end -->`;
  const block = `${start}\n## ${name} (${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC)\n\n${lines.join('\n')}\n${end}`;
  const re = new RegExp(`${start}[\\s\\S]*?${end}`);
  text = re.test(text) ? text.replace(re, block) : text.trimEnd() + '\n\n' + block + '\n';
  writeFileSync(file, text);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) await main();
