/**
 * How long the differential SQL test (test/differential/postgres.test.ts) takes: start a real
 * PostgreSQL, run 2,000+ generated statements through it and through the simulator, stop it.
 * It runs in `npm test`, so this is its share of the suite's budget. Writes
 * bench/results/pg-differential.md with the load average it was measured under.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const runs = Number(process.argv[2] ?? 3);
const times: number[] = [];
let compared = '';
const loadBefore = loadavg().map((l) => l.toFixed(1)).join(' / ');
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const r = spawnSync('npx', ['vitest', 'run', 'test/differential/postgres.test.ts'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  const ms = performance.now() - t0;
  if (r.status !== 0) {
    console.error(r.stdout, r.stderr);
    process.exit(1);
  }
  compared = /compared (\d+) statements/.exec(r.stdout)?.[1] ?? compared;
  times.push(ms);
  console.log(`run ${i + 1}: ${(ms / 1000).toFixed(1)} s`);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
const md = `# Differential SQL test: the simulated PostgreSQL against PostgreSQL 15

\`npx tsx bench/pg-differential.ts\` — the whole vitest file (server start, ${compared || '2,000+'} statements compared, server stop), ${runs} runs.

| measure | value |
|---|---|
| median wall time | ${(median / 1000).toFixed(1)} s |
| all runs | ${times.map((t) => (t / 1000).toFixed(1) + ' s').join(', ')} |
| statements compared per run | ${compared || '?'} |
| load average (1/5/15 min) before | ${loadBefore} |
| load average after | ${loadavg().map((l) => l.toFixed(1)).join(' / ')} |
| date | ${new Date().toISOString()} |
`;
writeFileSync(path.join(ROOT, 'bench/results/pg-differential.md'), md);
console.log(md);
