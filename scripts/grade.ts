/**
 * npm run grade -- <exercise-id> <file.ts> [--submit|--run] [--timeout <ms per test>] [--seed <n>] [--test <name>]
 *
 * Compiles <file.ts> with esbuild (the options in docs/CONTRACTS.md), grades it against
 * exercises/<exercise-id>/ in a sandboxed grading process (scripts/lib/grade-pool.ts), prints the
 * results JSON (Exercism v3 + ours) and exits 0 on pass, 1 on fail, 2 on error. A test (or loading
 * the module) that runs longer than the wall-clock limit (default 10000 ms) is stopped: the results
 * keep the finished tests, name the one that was running and list the rest as not run.
 * `--seed <n>` replays one case: every seeded test runs with seed n only (the seed a failure names).
 * `--test <name>` runs only the test with that full name (as the results name it).
 *
 * Also the library for scripts/verify.ts and bench/ (re-exported from scripts/lib/).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Results } from '#grading';
import { errorResults } from '#grading/host';
import { compileLearnerTs } from './lib/compile';
import { ROOT, exerciseIds } from './lib/exercises';
import { exitCode, gradeInWorker } from './lib/grade-pool';

export { ROOT, EXERCISES_DIR, exerciseIds, readExerciseFiles } from './lib/exercises';
export { compileLearnerTs, type Compiled } from './lib/compile';
export { bundleExercise, loadBundleInProcess } from './lib/bundle-cache';
export { DEFAULT_WALL_MS, GradePool, exitCode, gradeInWorker, gradersExited, type GradeOptions } from './lib/grade-pool';

const USAGE = 'usage: npm run grade -- <exercise-id> <file.ts> [--submit|--run] [--timeout <ms per test>] [--seed <n>] [--test <name>]';

type Parsed = { ok: true; id: string; file: string; mode: 'run' | 'submit'; wallMs?: number; seed?: number; only?: string } | { ok: false; code: number; text: string };

function parse(argv: string[]): Parsed {
  let a: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  const OPTIONS = {
    submit: { type: 'boolean' },
    run: { type: 'boolean' },
    timeout: { type: 'string' },
    seed: { type: 'string' },
    test: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  } as const;
  try {
    a = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    return { ok: false, code: 2, text: `${(e as Error).message}\n${USAGE}` };
  }
  const v = a.values;
  if (v.help) return { ok: false, code: 0, text: USAGE };
  if (a.positionals.length !== 2) return { ok: false, code: 2, text: USAGE };
  if (v.run && v.submit) return { ok: false, code: 2, text: `--run and --submit exclude each other\n${USAGE}` };
  const wallMs = v.timeout === undefined ? undefined : Number(v.timeout);
  if (wallMs !== undefined && !(Number.isFinite(wallMs) && wallMs > 0)) return { ok: false, code: 2, text: `--timeout needs a positive number of milliseconds\n${USAGE}` };
  const seed = v.seed === undefined ? undefined : Number(v.seed);
  if (seed !== undefined && !Number.isSafeInteger(seed)) return { ok: false, code: 2, text: `--seed needs an integer (the seed a failing test names)\n${USAGE}` };
  const [id, file] = a.positionals;
  return { ok: true, id, file, mode: v.run ? 'run' : 'submit', wallMs, seed, only: v.test };
}

/** A word for a POSIX shell: as it is when it is plainly safe, else in single quotes. */
function shellWord(w: string): string {
  return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", `'\\''`)}'`;
}

/**
 * For the instructor reading the terminal (stderr; stdout stays the results JSON): each failed test
 * that names a seed, with the command that replays just that case.
 */
export function replayLines(results: Results, p: { id: string; file: string; mode: 'run' | 'submit'; wallMs?: number }): string[] {
  const base = ['npm', 'run', 'grade', '--', p.id, p.file, ...(p.mode === 'run' ? ['--run'] : []), ...(p.wallMs !== undefined ? ['--timeout', String(p.wallMs)] : [])];
  return results.tests
    .filter((t) => t.status !== 'pass' && t.seed !== undefined)
    .map((t) => `${t.name} (seed ${t.seed}) failed; replay it: ${[...base, '--seed', String(t.seed), '--test', t.name].map(shellWord).join(' ')}`);
}

/** Grades as the command line says; returns the results to print (or usage text) and the exit code. */
export async function cliMain(argv: string[]): Promise<{ code: number; results?: Results; text?: string; notes?: string[] }> {
  const p = parse(argv);
  if (!p.ok) return { code: p.code, text: p.text };
  const ids = exerciseIds();
  if (!ids.includes(p.id)) return { code: 2, results: errorResults(`No exercise "${p.id}" (known: ${ids.join(', ')}).`) };
  let code: string;
  try {
    code = readFileSync(p.file, 'utf8');
  } catch (e) {
    return { code: 2, results: errorResults(`Cannot read ${p.file}: ${(e as Error).message}`) };
  }
  const compiled = compileLearnerTs(code, p.file);
  if (!compiled.ok) return { code: 2, results: errorResults(compiled.message) };
  const results = await gradeInWorker({ exerciseId: p.id, learnerJs: compiled.js, mode: p.mode, wallMs: p.wallMs, seed: p.seed, only: p.only });
  return { code: exitCode(results), results, notes: replayLines(results, p) };
}

// (by path: bench/ bundles this module into its own scripts)
const isEntry = process.argv[1] !== undefined && resolve(process.argv[1]) === join(ROOT, 'scripts', 'grade.ts');
if (isEntry) {
  cliMain(process.argv.slice(2)).then(
    ({ code, results, text, notes }) => {
      if (text !== undefined) (code === 0 ? process.stdout : process.stderr).write(`${text}\n`);
      for (const line of notes ?? []) process.stderr.write(`${line}\n`);
      if (results) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      // exit once stdout is flushed: results with traces are large, and a pipe is written asynchronously
      process.stdout.write('', () => process.exit(code));
    },
    (e) => {
      console.error(e);
      process.exit(2);
    },
  );
}
