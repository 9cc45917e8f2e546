/**
 * Issue 12: the Submit of each core exercise with its property phase, against the Submit of the same
 * exercise before the property phase (its test files at commit BASE), back to back on one machine.
 * Both suites run on today's grader and simulator, bundled with esbuild as the CLI bundles them, with
 * the reference solution; reps alternate before/after so a change in the machine's load hits both.
 * Reports wall-clock and CPU time (this process; less sensitive to other jobs on the cores) and the
 * ratio of medians. Writes bench/results/properties.md.
 *   npm run bench -- properties          (REPS=9, BASE=24e3e89 by default)
 *   IDS=circuit-breaker OUT=properties-circuit-breaker.md npm run bench -- properties
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import type { ExerciseBundle, runExercise as RunExercise } from '../src/grading/index';
import { parseMeta } from '../src/grading/schema';
import { compileLearnerTs } from '../scripts/grade';

/** The repository root: this file's parent folder (also when run as bench/properties.bundle.mjs). */
const ROOT = path.resolve(import.meta.dirname, '..');
const exerciseFile = (id: string, f: string) => readFileSync(path.join(ROOT, 'exercises', id, f), 'utf8');

/** The exercises to measure (IDS=a,b to choose) and the result file (OUT, under bench/results/). */
const IDS = process.env.IDS ? process.env.IDS.split(',') : ['read-fallback', 'health-check', 'dlq-processor'];
const OUT = process.env.OUT ?? 'properties.md';
const REPS = Number(process.env.REPS ?? 9);
/** The last commit whose suites of these exercises had no property phase. */
const BASE = process.env.BASE ?? '24e3e89';
const TMP = path.join(ROOT, '.tmp');
/** Temporary bundles and checkouts, removed at the end (the lint tier reads every source file under the root). */
const made: string[] = [];

type Loaded = { runExercise: typeof RunExercise; exercise: ExerciseBundle; cases: number };

/** The exercise's tests from `dir` (two levels below the root, as exercises/<id> is) bundled with the grader. */
async function load(id: string, dir: string, tag: string): Promise<Loaded> {
  const out = path.join(TMP, `bench-properties-${id}-${tag}.mjs`);
  made.push(out);
  const q = JSON.stringify;
  buildSync({
    stdin: {
      contents: [
        `export { runExercise } from ${q(path.join(ROOT, 'src/grading/index.ts'))};`,
        `export { default as visible } from ${q(path.join(dir, 'visible.test.ts'))};`,
        `export { default as hidden } from ${q(path.join(dir, 'hidden.test.ts'))};`,
      ].join('\n'),
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    platform: 'neutral',
    format: 'esm',
    target: 'es2022',
    outfile: out,
    logLevel: 'warning',
    mainFields: ['module', 'main'],
  });
  const mod = (await import(pathToFileURL(out).href)) as { runExercise: typeof RunExercise; visible: ExerciseBundle['visible']; hidden: ExerciseBundle['hidden'] };
  const meta = parseMeta(`exercises/${id}/meta.json`, exerciseFile(id, 'meta.json'));
  const entries = [...mod.visible.collect(), ...mod.hidden.collect()];
  const cases = entries.reduce((n, e) => n + ((e as { property?: { runs: number } }).property?.runs ?? e.options.seeds?.length ?? 1), 0);
  return { runExercise: mod.runExercise, exercise: { id, meta, visible: mod.visible, hidden: mod.hidden }, cases };
}

/** The exercise folder as it was at BASE, at .tmp/<id>-before (so its `../../src` imports resolve to today's). */
function checkoutBefore(id: string): string {
  const dir = path.join(TMP, `${id}-before`);
  made.push(dir);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const f of ['visible.test.ts', 'hidden.test.ts', 'harness.ts']) {
    writeFileSync(path.join(dir, f), execFileSync('git', ['show', `${BASE}:exercises/${id}/${f}`], { cwd: ROOT }));
  }
  return dir;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function submit(l: Loaded, js: string): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await l.runExercise({ exercise: l.exercise, learnerJs: js, mode: 'submit' });
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  if (r.status !== 'pass') throw new Error(`${l.exercise.id}: the solution did not pass: ${JSON.stringify(r.tests.filter((t) => t.status !== 'pass').map((t) => [t.name, t.message]))}`);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

async function main() {
  mkdirSync(TMP, { recursive: true });
  const loadStart = os.loadavg()[0];
  const uptimeStart = execFileSync('uptime', { encoding: 'utf8' }).trim();
  const rows: string[] = [];
  // Every bundle carries the grader's sandbox (SES), which hardens the realm at the first Submit; a
  // bundle evaluated after that cannot set itself up. So all of them are loaded first.
  const suites = [];
  for (const id of IDS) {
    const c = compileLearnerTs(exerciseFile(id, 'solution.ts'), `exercises/${id}/solution.ts`);
    if (!c.ok) throw new Error(c.message);
    suites.push({ id, c, before: await load(id, checkoutBefore(id), 'before'), after: await load(id, path.join(ROOT, 'exercises', id), 'after') });
  }
  for (const { id, c, before, after } of suites) {
    await submit(before, c.js); // warm-up (JIT) for both
    await submit(after, c.js);
    const b = { wall: [] as number[], cpu: [] as number[] };
    const a = { wall: [] as number[], cpu: [] as number[] };
    for (let i = 0; i < REPS; i++) {
      const x = await submit(before, c.js);
      b.wall.push(x.wall), b.cpu.push(x.cpu);
      const y = await submit(after, c.js);
      a.wall.push(y.wall), a.cpu.push(y.cpu);
    }
    const ratio = median(a.wall) / median(b.wall);
    const cpuRatio = median(a.cpu) / median(b.cpu);
    const f = (x: number) => x.toFixed(0);
    rows.push(`| ${id} | ${before.cases} | ${f(median(b.wall))} | ${f(median(b.cpu))} | ${after.cases} | ${f(median(a.wall))} | ${f(median(a.cpu))} | ${ratio.toFixed(2)} | ${cpuRatio.toFixed(2)} | ${Math.min(ratio, cpuRatio) <= 1.25 ? 'yes' : '**no**'} |`);
    console.log(rows[rows.length - 1]);
  }
  const md = `# Submit with the property phase (Node, in-process)

Measured by \`npm run bench -- properties\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'},
Node ${process.version}. Reference solution; Submit = visible + hidden tests. "Before" = the exercise's tests at
commit ${BASE} (seeded scenarios only), "after" = today's (fewer seeds per named scenario, plus the property phase);
both on today's grader and simulator, in one process, ${REPS} alternating reps after one warm-up each. Times in ms
(median). CPU = this process's user + system time (GC threads included), less sensitive than wall-clock time
to the other jobs sharing the cores. Runs = seeded runs + generated cases.

\`uptime\` at the start: ${uptimeStart}
\`uptime\` at the end: ${execFileSync('uptime', { encoding: 'utf8' }).trim()} (1-minute load at the start ${loadStart.toFixed(1)})

| exercise | runs before | wall before | CPU before | runs after | wall after | CPU after | wall ratio | CPU ratio | ≤ 1.25× |
|---|---:|---:|---:|---:|---:|---:|---:|---:|:--:|
${rows.join('\n')}
`;
  writeFileSync(path.join(ROOT, 'bench/results', OUT), md);
  for (const p of made) rmSync(p, { recursive: true, force: true });
  console.log(md);
}

await main();
