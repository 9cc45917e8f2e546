/**
 * `npm run bench`: every benchmark in turn, each writing its results to bench/results/<name>.md.
 * Run on a quiet machine: the numbers are wall-clock times on whatever else the cores are doing
 * (each result file records the load average it was measured under).
 *   npm run bench               all of them
 *   npm run bench -- sim pages  only those named
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';

/**
 * Benchmarks that run the simulator or the grader in Node are bundled with esbuild first and run
 * by plain `node`, as the site's workers get that code from Vite: tsx compiles with `keepNames`,
 * which wraps every closure the simulator creates in a naming helper and costs it about a third of
 * its speed — an artefact of the dev loader, not of the code. (Those scripts live one directory
 * below the root, as scripts/ does, so their relative paths resolve the same from the bundle.)
 */
const BUNDLED = new Set(['sim', 'grading', 'exercises', 'properties']);

const BENCHES: Record<string, string[]> = {
  sim: ['bench/sim.ts', '--write'],
  'sim-browser': ['bench/sim-browser.ts', '--write'],
  grading: ['bench/grading.ts'],
  exercises: ['bench/exercises.ts'],
  properties: ['bench/properties.ts'],
  pages: ['bench/pages.ts'],
  exercise: ['bench/exercise.ts'],
  widgets: ['bench/widgets.ts'],
  'pg-differential': ['bench/pg-differential.ts'],
  'esbuild-start': ['bench/esbuild-start.ts'],
  'first-submit-profile': ['bench/first-submit-profile.ts'],
  'properties-browser': ['bench/browser-vs-commit.ts', 'properties'],
  'kit-browser': ['bench/browser-vs-commit.ts', 'kit'],
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
  const [file, ...args] = BENCHES[name]!;
  let argv = ['--import', 'tsx', file, ...args];
  let bundle: string | null = null;
  if (BUNDLED.has(name)) {
    bundle = path.join(ROOT, file.replace(/\.ts$/, '.bundle.mjs'));
    buildSync({ entryPoints: [path.join(ROOT, file)], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: bundle, logLevel: 'warning' });
    argv = [bundle, ...args];
  }
  const r = spawnSync(process.execPath, argv, { cwd: ROOT, stdio: 'inherit' });
  if (bundle) rmSync(bundle, { force: true });
  if (r.status !== 0) { console.error(`bench ${name} exited with ${r.status}`); failed++; }
}
process.exit(failed > 0 ? 1 : 0);
