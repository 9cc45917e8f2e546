/**
 * Simulator benchmarks (Node). `npx tsx bench/sim.ts [--write]` prints results; with --write it also
 * updates the Node section of bench/results/sim.md. Numbers depend on machine load: the load average
 * is printed with them.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchCases, benchClusterEvents, benchDriverCalls, benchScheduler } from '../support/sim-cases';

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
    `- 200 hidden-test-sized fault scenarios (\`support/sim-cases.ts\`, ~${cases.eventsPerCase} events each): **${cases.medianMs} ms** median of ${cases.allMs.length} rounds (${cases.allMs.join(', ')} ms) (target < 250 ms)`,
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
