/**
 * Simulator benchmarks in a headless Chromium dedicated Worker (the way the course runs hidden tests).
 * `npx tsx bench/sim-browser.ts [--write]`; with --write the Chromium section of bench/results/sim.md is updated.
 */
import { cpus, loadavg } from 'node:os';
import { writeSection } from './sim';
import { bundleSimWorker, inWorker, launchChromium } from '../support/sim-harness';

type R = { eventsPerSec: number };
const browser = await launchChromium();
try {
  const load = loadavg().map((x) => x.toFixed(1)).join(' ');
  const code = await bundleSimWorker();
  const r = await inWorker<{ sched: R; cluster: R & { events: number }; calls: { callsPerSec: number; calls: number }; cases: { medianMs: number; allMs: number[]; eventsPerCase: number } }>(browser, code, { cmd: 'bench' }, 600_000);
  const lines = [
    `- Chromium ${browser.version()} (Debian, headless), dedicated Worker, ${cpus().length} cores, load average at start ${load}`,
    `- Scheduler, no-op events: **${r.sched.eventsPerSec.toLocaleString('en-US')} events/s**`,
    `- Cluster traffic (no learner code): **${r.cluster.eventsPerSec.toLocaleString('en-US')} events/s** over ${r.cluster.events.toLocaleString('en-US')} events`,
    `- Learner-style awaited driver calls: **${r.calls.callsPerSec.toLocaleString('en-US')} calls/s** over ${r.calls.calls.toLocaleString('en-US')} calls`,
    `- 200 hidden-test-sized fault scenarios (~${r.cases.eventsPerCase} events each): **${r.cases.medianMs} ms** median of ${r.cases.allMs.length} rounds (${r.cases.allMs.join(', ')} ms) (target < 500 ms)`,
  ];
  console.log(lines.join('\n'));
  if (process.argv.includes('--write')) writeSection('Chromium worker', lines);
} finally {
  await browser.close();
}
