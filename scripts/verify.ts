/**
 * npm run verify [-- <exercise-id>…]
 *
 * Checks every exercise folder (or the ones named):
 *   - the files and meta.json are valid (zod schema; errors name the file and field), and agree with
 *     the rest of the course (meta.json's lesson is a lesson: src/browser/build/course-check.ts);
 *   - its tests type-check (harness and test files: scripts/lib/type-check.ts);
 *   - the starter fails at least one hidden test;
 *   - the solution passes every test;
 *   - each wrong/*.ts is rejected by the test its first line names (and that test exists); only
 *     that test runs for it.
 * Prints a table and exits 1 if anything is wrong. Each grading runs in its own sandboxed process
 * with a wall-clock limit (scripts/lib/grade-pool.ts).
 */
import { validateExercise } from '#grading/schema';
import type { Results } from '#grading';
import { errorResults } from '#grading/host';
import { type CourseProblem, checkCourse, formatProblems } from '../src/browser/build/course-check';
import { join, resolve, sep } from 'node:path';
import { compileLearnerTs, EXERCISES_DIR, exerciseIds, GradePool, readExerciseFiles, ROOT } from './grade';
import { exerciseTypeErrors } from './lib/type-check';

/** Grading workers reused across files; one per core. */
const pool = new GradePool();

type Row = { exercise: string; check: string; ok: boolean; detail: string };

function summary(r: Results): string {
  if (r.status === 'error') return `error: ${r.message ?? ''}`;
  const failed = r.tests.filter((t) => t.status !== 'pass').map((t) => t.name);
  return `${r.tests.length - failed.length}/${r.tests.length} pass${failed.length ? `; failing: ${failed.join('; ')}` : ''}`;
}

/** The solution's row: a missing export the tests call is meta.json's `exports` or solution.ts's to fix. */
function solutionSummary(r: Results): string {
  const missing = r.status === 'error' ? /^Your module does not export `([^`]+)`/.exec(r.message ?? '') : null;
  if (missing) return `error: solution.ts does not export \`${missing[1]}\`, which meta.json's "exports" lists: a typo in meta.json, or an export missing from solution.ts`;
  return summary(r);
}

async function verifyExercise(id: string, typeErrors: string[], course: CourseProblem[]): Promise<Row[]> {
  const rows: Row[] = [];
  const files = readExerciseFiles(id);
  const { errors, exercise } = validateExercise(id, files);
  if (!exercise) {
    for (const e of errors) rows.push({ exercise: id, check: 'format', ok: false, detail: e });
    return rows;
  }
  rows.push({ exercise: id, check: 'format', ok: true, detail: 'meta.json and files valid' });
  const folder = join(EXERCISES_DIR, id) + sep;
  const across = course.filter((p) => resolve(ROOT, p.file).startsWith(folder));
  for (const p of across) rows.push({ exercise: id, check: 'course', ok: false, detail: formatProblems([p]) });
  if (typeErrors.length === 0) rows.push({ exercise: id, check: 'types', ok: true, detail: 'type-checks' });
  for (const e of typeErrors) rows.push({ exercise: id, check: 'types', ok: false, detail: e });

  /** A Submit of `file`: every test, or only the test named `only`. */
  const grade = async (file: string, only?: string): Promise<Results> => {
    const c = compileLearnerTs(files[file], `exercises/${id}/${file}`);
    if (!c.ok) return errorResults(c.message);
    return pool.grade({ exerciseId: id, learnerJs: c.js, mode: 'submit', only });
  };

  // A known-wrong file only has to be rejected by the test it names, so only that test runs.
  const [starter, solution, ...wrongResults] = await Promise.all([
    grade('starter.ts'),
    grade('solution.ts'),
    ...Object.entries(exercise.wrong).map(([f, testName]) => grade(f, testName)),
  ]);

  const hiddenFailing = starter.tests.filter((t) => t.visibility === 'hidden' && t.status !== 'pass');
  rows.push({
    exercise: id,
    check: 'starter fails a hidden test',
    ok: starter.status === 'fail' && hiddenFailing.length > 0,
    detail:
      starter.status === 'error'
        ? `starter could not run: ${starter.message}`
        : hiddenFailing.length
          ? `fails ${hiddenFailing.length} hidden: ${hiddenFailing.map((t) => t.name).join('; ')}`
          : 'starter passes every hidden test',
  });
  rows.push({ exercise: id, check: 'solution passes all', ok: solution.status === 'pass', detail: solutionSummary(solution) });

  const names = new Set(solution.tests.map((t) => t.name));
  Object.entries(exercise.wrong).forEach(([file, testName], i) => {
    const r = wrongResults[i];
    const t = r.tests.find((x) => x.name === testName);
    let ok = false;
    let detail: string;
    if (solution.status === 'error') detail = 'not checked: the solution did not run, so the tests it names are unknown';
    else if (!names.has(testName)) detail = `names a test that does not exist: "${testName}"`;
    else if (r.status === 'error') detail = `could not run: ${r.message}`;
    else if (!t) detail = `test "${testName}" did not run`;
    else if (t.status === 'pass') detail = `passes "${testName}" (${summary(r)})`;
    else {
      ok = true;
      detail = `rejected by "${testName}"`;
    }
    rows.push({ exercise: id, check: file, ok, detail });
  });
  return rows;
}

function printTable(rows: Row[]): void {
  const head = ['exercise', 'check', 'ok', 'detail'];
  const cells = rows.map((r) => [r.exercise, r.check, r.ok ? 'ok' : 'FAIL', r.detail]);
  const widths = head.map((h, i) => Math.min(48, Math.max(h.length, ...cells.map((c) => c[i].length))));
  const line = (c: string[]) => c.map((x, i) => (i < 3 ? x.padEnd(widths[i]) : x)).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
}

async function main(): Promise<number> {
  const wanted = process.argv.slice(2);
  const all = exerciseIds();
  const unknown = wanted.filter((w) => !all.includes(w));
  if (unknown.length) {
    console.error(`No such exercise: ${unknown.join(', ')} (known: ${all.join(', ')})`);
    return 1;
  }
  const ids = wanted.length ? wanted : all;
  if (ids.length === 0) {
    console.error('No exercises found in exercises/.');
    return 1;
  }
  const rows: Row[] = [];
  const typeErrors = exerciseTypeErrors(ROOT, EXERCISES_DIR, ids);
  const course = checkCourse({ root: ROOT, exercises: EXERCISES_DIR }); // the whole course, read once
  for (const id of ids) rows.push(...(await verifyExercise(id, typeErrors.get(id) ?? [], course)));
  pool.close();
  printTable(rows);
  const bad = rows.filter((r) => !r.ok).length;
  console.log(bad ? `\n${bad} problem(s) in ${ids.length} exercise(s).` : `\nAll ${ids.length} exercise(s) verified.`);
  return bad ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
