/**
 * Simulator benchmarks in a headless Chromium dedicated Worker (the way the course runs hidden tests).
 * `npx tsx bench/sim-browser.ts [--write]`; with --write the Chromium section of bench/results/sim.md is updated.
 */
import { cpus, loadavg } from 'node:os';
import { ratioLines, writeSection } from './sim';
import type { SimRatios } from '../support/sim-cases';
import { bundleSimWorker, inWorker, launchChromium } from '../support/sim-harness';

const browser = await launchChromium();
try {
  const load = loadavg().map((x) => x.toFixed(2)).join(', ');
  const code = await bundleSimWorker();
  const r = await inWorker<{ ratios: SimRatios; cases: { medianMs: number; allMs: number[]; eventsPerCase: number } }>(browser, code, { cmd: 'bench' }, 600_000);
  const lines = [
    `- Chromium ${browser.version()} (Debian, headless), dedicated Worker, ${cpus().length} cores, \`uptime\` load average at start ${load}`,
    ...ratioLines(r.ratios),
    `- 200 hidden-test-sized fault scenarios (~${r.cases.eventsPerCase} events each): **${r.cases.medianMs} ms** median of ${r.cases.allMs.length} rounds (${r.cases.allMs.join(', ')} ms) (target < 500 ms)`,
  ];
  console.log(lines.join('\n'));
  if (process.argv.includes('--write')) writeSection('Chromium worker', lines);
} finally {
  await browser.close();
}
