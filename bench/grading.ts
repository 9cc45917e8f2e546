/**
 * Benchmark: Submit of a 200-scenario suite.
 *
 *   npm run bench -- grading    (or: npx tsx bench/grading.ts [--runs 7] [--cli-runs 3])
 *
 * Writes a bench exercise to .tmp/bench-exercises/bench200/ (one visible test, 200 hidden
 * scenario tests; each creates a seeded simulator world with a fault, seeds data and calls the
 * learner's read-with-fallback code three times), then measures:
 *   - runExercise({ mode: 'submit' }) in this Node process, from the same esbuild bundle the CLI's
 *     worker imports: median of --runs (after one warm-up);
 *   - the CLI (`node --import tsx scripts/grade.ts bench200 solution.ts`) end to end: median wall time
 *     of --cli-runs, which includes starting Node, tsx, the worker and loading the exercise.
 * Results go to bench/results/grading.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import type { ExerciseBundle } from '../src/grading/index';

const ROOT = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const opt = (name: string, d: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const RUNS = opt('--runs', 7);
const CLI_RUNS = opt('--cli-runs', 3);
const SCENARIOS = 200;

const DIR = join(ROOT, '.tmp/bench-exercises/bench200');
mkdirSync(DIR, { recursive: true });

const meta = {
  title: 'Benchmark: read with a fallback',
  lesson: 'redesign',
  difficulty: 'core',
  tasks: [{ id: 'read', text: 'Read an order from Cassandra, falling back to PostgreSQL.' }],
  hints: ['Race Cassandra against a 100 ms timer, then ask PostgreSQL.'],
  exports: ['getOrder'],
};

const shared = `
import { defineTests, expect, type TestContext } from '${ROOT}/src/grading/api';
import { drivers } from '${ROOT}/src/sim/index';
const FAULTS: any[][] = [
  [],
  [{ at: 0, kind: 'isolate', zone: 'A' }],
  [{ at: 0, kind: 'crash', node: 'B' }],
  [{ at: 0, kind: 'slow', node: 'A', extraMs: 400 }],
  [{ at: 0, kind: 'partition', groups: [['A'], ['B', 'C']] }, { at: 300, kind: 'heal' }],
];
async function scenario(ctx: TestContext) {
  const world = ctx.world();
  const ids = ['o-1', 'o-2', 'o-3'];
  ids.forEach((id, i) => {
    const row = { id, customer_id: 'c-' + i, status: 'paid', total: 10 + i, version: 1 };
    world.pgInsert('orders', row);
    if (i !== 2) world.cassandraPut('orders', { ...row, updated_at: 0 });
  });
  world.schedule(FAULTS[ctx.seed % FAULTS.length]);
  const deps = { cassandra: world.cassandraClient({ zone: 'A', contactPoints: ['A'] }), pg: world.pgPool({ id: 'api' }) };
  const { getOrder } = ctx.load();
  for (const id of ids) {
    const order = await world.run(() => getOrder(deps, id));
    expect(order?.id, 'order ' + id).to.equal(id);
  }
}
`;
writeFileSync(join(DIR, 'meta.json'), JSON.stringify(meta, null, 2));
writeFileSync(
  join(DIR, 'visible.test.ts'),
  `${shared}\nexport default defineTests((t) => {\n  t.test('reads three orders on a healthy cluster', { seeds: [5] }, scenario);\n});\n`,
);
writeFileSync(
  join(DIR, 'hidden.test.ts'),
  `${shared}\nexport default defineTests((t) => {\n  for (let i = 1; i <= ${SCENARIOS}; i++) {\n    t.test('scenario ' + i, { scenario: 'Fault schedule ' + (i % 5) + ' while the app reads three orders.', seeds: [i] }, scenario);\n  }\n});\n`,
);
const solution = `
import { types } from 'cassandra-driver';
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: any;
  const t = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('timed out after ' + ms + ' ms')), ms); });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
export async function getOrder(deps: any, id: string) {
  try {
    const rs = await withTimeout(deps.cassandra.execute('SELECT * FROM orders WHERE id = ?', [id], { prepare: true, consistency: types.consistencies.quorum }), 100);
    const row = rs.first();
    if (row) return row;
  } catch {}
  const { rows } = await deps.pg.query('SELECT * FROM orders WHERE id = $1', [id]);
  return rows[0] ?? null;
}
`;
writeFileSync(join(DIR, 'solution.ts'), solution);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  // scripts/grade reads QC_EXERCISES_DIR when it is first evaluated: import it only now
  process.env.QC_EXERCISES_DIR = join(ROOT, '.tmp/bench-exercises');
  const { bundleExercise, compileLearnerTs, loadBundleInProcess } = await import('../scripts/grade');
  const compiled = compileLearnerTs(solution, 'solution.ts');
  if (!compiled.ok) throw new Error(compiled.message);
  // the grader and the suite as the CLI's worker loads them: one esbuild bundle
  const bundled = await bundleExercise('bench200');
  if (!bundled.ok) throw new Error(bundled.message);
  const mod = loadBundleInProcess(bundled.ref);
  const runExercise = mod.runExercise;
  const exercise: ExerciseBundle = { id: 'bench200', meta: bundled.ref.meta, visible: mod.visible, hidden: mod.hidden };

  // warm-up, and a correctness check: every scenario must pass
  const warm = await runExercise({ exercise, learnerJs: compiled.js, mode: 'submit' });
  if (warm.status !== 'pass' || warm.tests.length !== SCENARIOS + 1) {
    const bad = warm.tests.filter((t) => t.status !== 'pass').slice(0, 3);
    throw new Error(`bench suite did not pass: ${warm.status} ${warm.message ?? ''} ${JSON.stringify(bad)}`);
  }
  const inProcess: number[] = [];
  const inProcessCpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await runExercise({ exercise, learnerJs: compiled.js, mode: 'submit' });
    inProcess.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    inProcessCpu.push((c.user + c.system) / 1000);
    if (r.status !== 'pass') throw new Error('bench run failed');
  }

  const cli: number[] = [];
  let cliStatus = 0;
  for (let i = 0; i < CLI_RUNS; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/grade.ts', 'bench200', join(DIR, 'solution.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, QC_EXERCISES_DIR: join(ROOT, '.tmp/bench-exercises') },
      maxBuffer: 64 * 1024 * 1024,
    });
    cli.push(performance.now() - t0);
    cliStatus = r.status ?? -1;
    if (cliStatus !== 0) throw new Error(`CLI exited ${cliStatus}: ${r.stdout.slice(0, 500)} ${r.stderr.slice(0, 500)}`);
  }

  const load = loadavg().map((x) => x.toFixed(1)).join(' / ');
  const fmt = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
  const md = `# Grading benchmark

\`npx tsx bench/grading.ts --runs ${RUNS} --cli-runs ${CLI_RUNS}\` — ${new Date().toISOString()}, Node ${process.version},
${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load average during the run ${load} (1/5/15 min).

Suite: Submit of ${SCENARIOS + 1} tests (1 visible + ${SCENARIOS} hidden scenarios). Each test creates a seeded
simulator world, seeds 3 orders, schedules one of five fault sets (none, zone A isolated, a node
crashed, a slow coordinator, a partition healed after 300 ms), loads the learner module fresh and
calls its read-with-fallback \`getOrder\` three times inside \`world.run\` (Cassandra at QUORUM raced
against a 100 ms timer, then PostgreSQL), asserting each result.

| measurement | median | all runs (ms) |
|---|---|---|
| \`runExercise\` in-process, Node (after 1 warm-up) | **${median(inProcess).toFixed(0)} ms** | ${fmt(inProcess)} |
| CPU time of the same runs (user + system; less sensitive to a busy machine) | **${median(inProcessCpu).toFixed(0)} ms** | ${fmt(inProcessCpu)} |
| per scenario, in-process wall | ${(median(inProcess) / (SCENARIOS + 1)).toFixed(2)} ms | |
| CLI \`npm run grade\` end to end (Node + tsx + worker boot + compile + grade + print) | **${median(cli).toFixed(0)} ms** | ${fmt(cli)} |

The CLI figure is dominated by process and worker start-up (tsx transpiling the grader, the
simulator and the exercise's tests on first load); the grading itself is the in-process figure.
Numbers from a shared 2-core machine: the load average above says how busy it was.
`;
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/grading.md'), md);
  console.log(md);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
