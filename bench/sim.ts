/**
 * Simulator benchmarks (Node). `npx tsx bench/sim.ts [--write]` prints results; with --write it also
 * updates the Node section of bench/results/sim.md. The headline figures are ratios to the no-op
 * scheduler measured side by side in the same run (issue 17: ratios compare across machines and
 * loads, absolute rates do not); the load average (`uptime`) and the machine's no-op rate are
 * recorded with them.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchCases, benchRatios, type SimRatios } from '../support/sim-cases';

const n = (x: number) => x.toLocaleString('en-US');

/** The ratio lines shared by the Node and Chromium sections. */
export function ratioLines(r: SimRatios): string[] {
  return [
    `- No-op scheduler (this machine, this run): **${n(r.noopEventsPerSec)} events/s** (median of ${r.rounds} rounds, each measured side by side with the two below; rates per second of ${r.clock})`,
    `- Cluster traffic (QUORUM reads/writes from rotating coordinators, network journal on, no learner code): ${n(r.clusterEventsPerSec)} events/s over ${n(r.clusterEvents)} events — **cluster ÷ no-op = ${r.clusterRatio}** (rounds ${r.clusterRange.join('–')}; target ≥ 0.25)`,
    `- Awaited driver calls (4 concurrent \`await client.execute\` loops, ONE): ${n(r.callsPerSec)} calls/s over ${n(r.calls)} calls — **calls ÷ no-op events = ${r.callsRatio}**; their simulator events: ${n(r.driverEventsPerSec)} events/s — **driver events ÷ no-op = ${r.driverEventsRatio}** (rounds ${r.driverEventsRange.join('–')}; target ≥ 0.25)`,
  ];
}

async function main() {
  const load = loadavg().map((x) => x.toFixed(2)).join(', ');
  const ratios = await benchRatios();
  const cases = await benchCases();
  const loadEnd = loadavg().map((x) => x.toFixed(2)).join(', ');
  const lines = [
    `- Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}; \`uptime\` load average ${load} at start, ${loadEnd} at the end`,
    ...ratioLines(ratios),
    `- 200 hidden-test-sized fault scenarios (\`support/sim-cases.ts\`, ~${cases.eventsPerCase} events each): **${cases.medianMs} ms** median of ${cases.allMs.length} rounds (${cases.allMs.join(', ')} ms)`,
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
