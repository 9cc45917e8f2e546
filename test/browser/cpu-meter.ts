/**
 * Setup file of the browser tier (vitest.browser.config.ts): with BROWSER_CPU_LOG=<file>, each test
 * file appends one JSON line — its name, wall seconds and the CPU seconds its worker process and
 * everything it started (Chromium and its renderer, GPU and utility processes) used, in all and per
 * test (`tests`: each test's CPU since the test before it ended; the first includes beforeAll).
 * Sampled after every test (while the browser is still open) and at the end. For bench/ (which file costs what),
 * never an assertion.
 */
import { readFileSync, readdirSync, appendFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

const out = process.env.BROWSER_CPU_LOG;
const TICKS_PER_S = 100; // Linux USER_HZ

interface Stat { pid: number; ppid: number; ticks: number }

/** pid, parent pid and user + system ticks (own and of waited-for children) of one process. */
function stat(pid: number | 'self'): Stat | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // proc(5) fields 4 (ppid) and 14–17 (utime, stime, cutime, cstime): 1 and 11–14 after the name
    return { pid: Number(s.slice(0, s.indexOf(' '))), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) };
  } catch {
    return null; // gone meanwhile
  }
}

/** CPU seconds of this process and all its live descendants (exited ones count in their parent's). */
function treeCpuSeconds(): number {
  const all = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map((d) => stat(Number(d))).filter((s): s is Stat => s !== null);
  const self = stat('self')!;
  const inTree = new Set([self.pid]);
  let ticks = self.ticks;
  for (let grew = true; grew; ) {
    grew = false;
    for (const s of all) {
      if (!inTree.has(s.pid) && inTree.has(s.ppid)) {
        inTree.add(s.pid);
        ticks += s.ticks;
        grew = true;
      }
    }
  }
  return ticks / TICKS_PER_S;
}

if (out) {
  let cpu0 = 0;
  let peak = 0;
  let wall0 = 0;
  let file = '?';
  let last = 0;
  const tests: { name: string; cpuS: number }[] = [];
  const sample = () => (peak = Math.max(peak, treeCpuSeconds()));
  beforeAll(() => {
    file = expect.getState().testPath ?? '?';
    cpu0 = treeCpuSeconds();
    last = cpu0;
    wall0 = performance.now();
  });
  afterEach(() => {
    sample();
    tests.push({ name: expect.getState().currentTestName ?? '?', cpuS: +(peak - last).toFixed(1) });
    last = peak;
  });
  afterAll(() => {
    sample();
    const line = { file: file.replace(/^.*test\/browser\//, ''), cpuS: +(peak - cpu0).toFixed(1), cpuTotalS: +peak.toFixed(1), wallS: +((performance.now() - wall0) / 1000).toFixed(1), tests };
    appendFileSync(out, JSON.stringify(line) + '\n');
  });
}
