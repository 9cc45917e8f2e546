/**
 * `npm run bench`: every benchmark in turn, each writing its results to bench/results/<name>.md.
 * Run on a quiet machine: the numbers are wall-clock times on whatever else the cores are doing
 * (each result file records the load average it was measured under).
 *   npm run bench               all of them
 *   npm run bench -- sim pages  only those named
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const BENCHES: Record<string, string[]> = {
  sim: ['bench/sim.ts', '--write'],
  'sim-browser': ['bench/sim-browser.ts', '--write'],
  grading: ['bench/grading.ts'],
  exercises: ['bench/exercises.ts'],
  pages: ['bench/pages.ts'],
  exercise: ['bench/exercise.ts'],
  widgets: ['bench/widgets.ts'],
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !(w in BENCHES));
if (unknown.length > 0) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Known: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
const ROOT = path.resolve(import.meta.dirname, '..');
let failed = 0;
for (const name of wanted.length > 0 ? wanted : Object.keys(BENCHES)) {
  console.log(`\n=== bench: ${name}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', ...BENCHES[name]!], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) { console.error(`bench ${name} exited with ${r.status}`); failed++; }
}
process.exit(failed > 0 ? 1 : 0);
