/**
 * Issue 5: "each exercise's Submit (visible + hidden) median ≤ 250 ms through the Node CLI".
 * For read-fallback, dlq-processor and health-check: compiles the reference solution with esbuild
 * (as the CLI does) and times Submit (mode 'submit': visible + hidden tests, every seed) two ways:
 *   - in-process: `runExercise` from the exercise's grader bundle (what `npm run grade` runs inside
 *     its worker), JIT-warm after one untimed Submit;
 *   - CLI path: `gradeInWorker` from scripts/grade.ts (a fresh worker thread, bundle import, grading
 *     with a cold JIT, results posted back) — what `npm run grade -- <id> <file> --submit` does minus
 *     starting npm and the CLI's own process (and bundling, cached here after the first rep). The CLI
 *     grades once per process, so each rep starts once the previous rep's worker has exited.
 * Also counts the simulator worlds (runs) per Submit. Writes bench/results/exercises.md.
 *   npm run bench -- exercises            (REPS=7 by default)
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ExerciseBundle, runExercise as RunExercise } from '../src/grading/index';
import { ROOT, bundleExercise, compileLearnerTs, gradeInWorker, gradersExited, loadBundleInProcess, readExerciseFiles } from '../scripts/grade';

/** The grader and the exercise's tests as the CLI's worker loads them (one esbuild bundle). */
async function loadBundled(id: string): Promise<{ runExercise: typeof RunExercise; exercise: ExerciseBundle }> {
  const b = await bundleExercise(id);
  if (!b.ok) throw new Error(b.message);
  const mod = loadBundleInProcess(b.ref);
  return { runExercise: mod.runExercise, exercise: { id, meta: b.ref.meta, visible: mod.visible, hidden: mod.hidden } };
}

const IDS = ['read-fallback', 'dlq-processor', 'health-check'];
const REPS = Number(process.env.REPS ?? 7);
const CLI_REPS = Number(process.env.CLI_REPS ?? 9);

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, median: q(0.5), min: s[0], max: s[s.length - 1] };
}
const f = (x: number) => x.toFixed(0);

async function main() {
  const loadBefore = os.loadavg()[0];
  const rows: string[] = [];
  let allOk = true;
  const compiled = new Map<string, string>();
  for (const id of IDS) {
    const c = compileLearnerTs(readExerciseFiles(id)['solution.ts'], `exercises/${id}/solution.ts`);
    if (!c.ok) throw new Error(`${id}: solution does not compile: ${c.message}`);
    compiled.set(id, c.js);
  }
  // The CLI path first, for every exercise: a CLI process has no grader of its own loaded and no
  // garbage of earlier runs for its GC to work through on the other core.
  const cliTimes = new Map<string, number[]>();
  for (const id of IDS) {
    const b = await bundleExercise(id);
    if (!b.ok) throw new Error(b.message);
    const cli: number[] = [];
    for (let i = 0; i < CLI_REPS; i++) {
      await gradersExited();
      const t0 = performance.now();
      const r = await gradeInWorker({ exerciseId: id, learnerJs: compiled.get(id)!, mode: 'submit', wallMs: 30_000 });
      cli.push(performance.now() - t0);
      if (r.status !== 'pass') throw new Error(`${id}: CLI Submit did not pass: ${r.message ?? ''}`);
    }
    cliTimes.set(id, cli);
  }
  for (const id of IDS) {
    const js = compiled.get(id)!;
    const { runExercise, exercise } = await loadBundled(id);
    const runs = [...exercise.visible.collect(), ...exercise.hidden.collect()].reduce((a, e) => a + (e.options.seeds?.length ?? 1), 0);
    const tests = exercise.visible.collect().length + exercise.hidden.collect().length;
    // warm-up (JIT), then measure
    const warm = await runExercise({ exercise, learnerJs: js, mode: 'submit' });
    if (warm.status !== 'pass') throw new Error(`${id}: solution does not pass Submit: ${warm.message ?? ''} ${JSON.stringify(warm.tests.filter((t) => t.status !== 'pass').map((t) => [t.name, t.message]))}`);
    const inproc: number[] = [];
    for (let i = 0; i < REPS; i++) {
      const t0 = performance.now();
      const r = await runExercise({ exercise, learnerJs: js, mode: 'submit' });
      inproc.push(performance.now() - t0);
      if (r.status !== 'pass') throw new Error(`${id}: Submit did not pass on rep ${i}`);
    }
    const a = stats(inproc);
    const b = stats(cliTimes.get(id)!);
    const ok = b.median <= 250;
    allOk &&= ok;
    rows.push(`| ${id} | ${tests} | ${runs} | ${f(a.median)} (${f(a.min)}–${f(a.max)}) | ${f(b.median)} (${f(b.min)}–${f(b.max)}) | ${ok ? 'yes' : '**no**'} |`);
    console.log(rows[rows.length - 1]);
  }
  const md = `# Exercise Submit timing (Node)

Measured by \`npm run bench -- exercises\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC,
${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}. Reference solution, Submit = visible + hidden
tests over every seed. ${REPS} in-process reps after one warm-up; CLI path = \`gradeInWorker\` (fresh worker
thread + bundle import + grading with a cold JIT; each rep starts after the previous rep's worker
exited; all CLI reps run before this process loads the grader itself), ${CLI_REPS} reps. Both columns
use the grading isolate's V8 flags (scripts/grade.ts). Times in ms: median (min–max).
Other helpers' jobs may have been running on the same cores: 1-minute load average ${loadBefore.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end.

| exercise | tests | simulator runs | in-process Submit | CLI-path Submit | CLI median ≤ 250 ms |
|---|---:|---:|---:|---:|:--:|
${rows.join('\n')}
`;
  writeFileSync(path.join(ROOT, 'bench/results/exercises.md'), md);
  console.log(md);
  if (!allOk) process.exitCode = 1;
}

await main();
