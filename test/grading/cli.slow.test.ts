/**
 * The Node CLIs as a user runs them: `npm run grade` (exit codes, JSON, syntax errors, infinite
 * loops stopped by the worker's wall clock) and `npm run verify` (problems in exercise folders).
 * Each test spawns its own CLIs and writes only its own files, so the tests run at once (most of a
 * test's time is a process starting, or a wall-clock limit running out).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Results } from '../../src/grading/index';
import { ROOT, runScript, spawnCollect } from '../support/spawn';
import { cachedBundle } from '../../scripts/lib/bundle-cache';

mkdirSync(join(ROOT, '.tmp'), { recursive: true }); // git-ignored scratch space inside the repo (test files import ../../src)
const TMP = mkdtempSync(join(ROOT, '.tmp', 'grading-cli-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const run = runScript;

async function grade(file: string, ...extra: string[]) {
  const r = await run('grade', ['demo', file, ...extra]);
  const results = JSON.parse(r.stdout) as Results;
  return { ...r, results, why: explain(results, r.stderr) };
}

/** What a verdict was made of, for an assertion's message: the status, the message, what did not pass, stderr's end. */
function explain(results: Results, stderr: string): string {
  const notPassed = results.tests.filter((t) => t.status !== 'pass').map((t) => `${t.name}: ${t.status}: ${t.message ?? ''}`);
  return [`${results.status}: ${results.message ?? ''}`, ...notPassed, `stderr: ${stderr.slice(-1000)}`].join('\n');
}

function learnerFile(name: string, code: string): string {
  const p = join(TMP, name);
  writeFileSync(p, code);
  return p;
}

const solution = readFileSync(join(ROOT, 'exercises/demo/solution.ts'), 'utf8');

describe.concurrent('npm run grade', () => {
  it('exits 0 and prints passing results for the solution', { timeout: 120_000 }, async ({ expect }) => {
    const { code, results, why } = await grade('exercises/demo/solution.ts');
    expect(results.status).toBe('pass');
    expect(results.tests.length).toBeGreaterThan(5);
    expect(code, why).toBe(0);
  });

  it('exits 1 for the starter, and --run grades only the visible tests', { timeout: 120_000 }, async ({ expect }) => {
    const submit = await grade('exercises/demo/starter.ts');
    expect(submit.results.status).toBe('fail');
    expect(submit.code, submit.why).toBe(1);
    expect(submit.results.tests.some((t) => t.visibility === 'hidden' && t.status === 'fail')).toBe(true);
    const runOnly = await grade('exercises/demo/starter.ts', '--run');
    expect(runOnly.results.tests.every((t) => t.visibility === 'visible')).toBe(true);
    expect(runOnly.code).toBe(1); // the starter fails one visible test too
  });

  it('exits 2 with file:line:column for a syntax error', { timeout: 120_000 }, async ({ expect }) => {
    const f = learnerFile('syntax.ts', 'export function blockFor(cl: string, rf: number) {\n  return rf +;\n}\n');
    const { code, results, why } = await grade(f);
    expect(results.status).toBe('error');
    expect(results.message).toBe(`${f}:2:14: Unexpected ";"`);
    expect(code, why).toBe(2);
  });

  it('exits 2 naming a missing export', { timeout: 120_000 }, async ({ expect }) => {
    const f = learnerFile('missing.ts', solution.replace('export function withTimeout', 'function withTimeout'));
    const { code, results, why } = await grade(f);
    expect(results.message).toMatch(/does not export `withTimeout`/);
    expect(code, why).toBe(2);
  });

  it('stops `while (true) {}` inside a test with a timeout verdict naming the test, keeping earlier results and listing the rest as not run', { timeout: 120_000 }, async ({ expect }) => {
    const f = learnerFile('loop.ts', solution.replace("case 'QUORUM':", "case 'QUORUM':\n      while (true) {}"));
    // The verdict names the 1.5 s limit: the worker was stopped by it (a hang would end when the CLI is killed at 120 s, with no JSON).
    const { code, results, why } = await grade(f, '--timeout', '1500');
    expect(results.status).toBe('fail');
    expect(code, why).toBe(1);
    const all = (await grade('exercises/demo/solution.ts')).results.tests.map((t) => t.name);
    expect(results.tests.map((t) => t.name)).toEqual(all);
    expect(results.tests[0]).toMatchObject({ name: 'blockFor > ONE waits for one replica', status: 'pass' });
    expect(results.tests[1]).toMatchObject({ name: 'blockFor > QUORUM of RF=3 waits for two replicas', status: 'fail' });
    expect(results.tests[1].message).toMatch(/^Timed out: this test ran for more than 1\.5 s of real time and was stopped\. .*infinite loop/);
    for (const t of results.tests.slice(2)) {
      expect(t.status).toBe('error');
      expect(t.message).toBe('Not run: the run was stopped when "blockFor > QUORUM of RF=3 waits for two replicas" timed out.');
    }
    expect(results.message).toBe(`Timed out in "blockFor > QUORUM of RF=3 waits for two replicas" after 1.5 s: the runner was stopped; ${all.length - 2} later tests did not run.`);
  });

  it('code that runs out of memory: the grading process dies, and the results name the test it died in', { timeout: 120_000 }, async ({ expect }) => {
    const hog = learnerFile('hog.ts', solution.replace("case 'ALL':", "case 'ALL': { const kept: number[][] = []; for (;;) kept.push(new Array(1e6).fill(1.5)); }"));
    // a wall-clock limit far above the time filling the process's heap takes on a busy machine: the
    // process must die of memory, not be stopped as a test that overran its time
    const { code, results } = await grade(hog, '--timeout', '100000');
    expect(code).toBe(2);
    expect(results.status).toBe('error');
    const i = results.tests.findIndex((t) => t.message?.startsWith('The test runner stopped while this test ran: '));
    expect(results.tests[i]?.name).toMatch(/ALL/);
    expect(results.tests[i].message).toMatch(/ran out of memory/);
    expect(results.message).toMatch(new RegExp(`ran out of memory.*It stopped in "${results.tests[i].name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\.$`));
    expect(results.tests.slice(i + 1).every((t) => t.status === 'error' && t.message?.startsWith('Not run: '))).toBe(true);
  });

  it('a slow test and a promise that never settles read like the infinite loop: the running test named, the rest not run', { timeout: 120_000 }, async ({ expect }) => {
    const slow = learnerFile('slow.ts', solution.replace("case 'QUORUM':", "case 'QUORUM':\n      { let spin = 0; for (let i = 0; i < 1e13; i++) spin += i; if (spin < 0) return 0; }"));
    // (a loop that reads no clock: spinning on Date.now() outside a run is stopped as a busy-wait)
    const s = (await grade(slow, '--timeout', '1500')).results;
    expect(s.status).toBe('fail');
    expect(s.tests[1]).toMatchObject({ name: 'blockFor > QUORUM of RF=3 waits for two replicas', status: 'fail' });
    expect(s.tests[1].message).toMatch(/^Timed out: this test ran for more than 1\.5 s of real time/);
    expect(s.tests.slice(2).every((t) => t.status === 'error' && t.message?.startsWith('Not run: '))).toBe(true);
    const race = 'return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));';
    const never = learnerFile('never.ts', solution.replace(race, 'return new Promise<T>(() => {});'));
    const n = (await grade(never, '--run', '--timeout', '1500')).results;
    const stuck = n.tests.filter((t) => t.name.startsWith('withTimeout'));
    expect(stuck.length).toBeGreaterThan(0);
    // the grader's own settle limit (below the wall-clock limit) or the simulator's deadlock verdict names the cause
    for (const t of stuck) expect(t.message).toMatch(/did not finish within 500 ms|deadlock/i);
  });

  it('a promise left rejected with no handler fails the test that left it, naming the error (it was swallowed before)', { timeout: 120_000 }, async ({ expect }) => {
    const f = learnerFile('unhandled.ts', solution.replace("case 'QUORUM':", "case 'QUORUM':\n      Promise.reject(new Error('the hint was lost'));"));
    const { code, results, why } = await grade(f, '--run');
    expect(code, why).toBe(1);
    expect(results.tests[0].status).toBe('pass');
    expect(results.tests[1]).toMatchObject({ name: 'blockFor > QUORUM of RF=3 waits for two replicas', status: 'fail' });
    expect(results.tests[1].message).toMatch(/^Your code left a promise rejected with nothing handling it .*: Error: the hint was lost \(at .*unhandled\.ts:\d+:\d+\)\.$/);
  });

  it("learner code sees the realm's constructors by their own names (Error is 'Error'), and the grader names an error-like object by them", { timeout: 120_000 }, async ({ expect }) => {
    const f = learnerFile(
      'error-name.ts',
      `console.log(Error.name, new Error('x').constructor.name, TypeError.name);\n${solution.replace(
        "case 'QUORUM':",
        "case 'QUORUM':\n      throw Object.create(Error.prototype, { message: { get: () => 'hidden' } });",
      )}`,
    );
    const { results, why } = await grade(f, '--run');
    expect(results.tests[0].output, why).toContain('Error Error TypeError');
    expect(results.tests[1].message).toBe('Error (its message is a getter, which the grader does not run)');
  });

  it('a rejection left by learner code that runs while the grader describes an earlier one is not blamed on the next test', { timeout: 120_000 }, async ({ expect }) => {
    // The reason is a Proxy whose getPrototypeOf trap (run when the grader describes it) leaves another rejection.
    const f = learnerFile(
      'late-rejection.ts',
      `let armed = true;\nconst late = () => { if (armed) { armed = false; Promise.reject(new Error('left while described')); } return Error.prototype; };\n${solution.replace(
        "case 'ONE':",
        "case 'ONE':\n      Promise.reject(new Proxy({}, { getPrototypeOf: late }));",
      )}`,
    );
    const { results, why } = await grade(f, '--run');
    expect(results.tests[0], why).toMatchObject({ name: 'blockFor > ONE waits for one replica', status: 'fail' });
    expect(results.tests[0].message).toMatch(/^Your code left a promise rejected with nothing handling it/);
    expect(results.tests.slice(1).map((t) => [t.name, t.status, t.message])).toEqual(results.tests.slice(1).map((t) => [t.name, 'pass', undefined]));
  });

  it('an error whose message getter loops for ever fails only the test that threw it, named clearly: the grader never runs the getter', { timeout: 120_000 }, async ({ expect }) => {
    // The getter would run while the grader describes the failure: it would hang there until the
    // wall-clock limit stopped the run, and every later test would be "Not run".
    const f = learnerFile(
      'getter-loop.ts',
      solution.replace(
        "case 'QUORUM':",
        "case 'QUORUM':\n      throw new (class QuorumError extends Error {\n        name = 'QuorumError';\n        get message(): string { for (;;) {} }\n      })();",
      ),
    );
    const { code, results, why } = await grade(f, '--run', '--timeout', '1500');
    expect(code, why).toBe(1);
    expect(results.tests[0]).toMatchObject({ name: 'blockFor > ONE waits for one replica', status: 'pass' });
    expect(results.tests[1]).toMatchObject({ name: 'blockFor > QUORUM of RF=3 waits for two replicas', status: 'error' });
    expect(results.tests[1].message).toBe('QuorumError (its message is a getter, which the grader does not run)');
    expect(results.tests[2]).toMatchObject({ name: 'missProbability > R=W=2 of 3 never misses', status: 'pass' });
    expect(results.tests.filter((t) => t.message?.startsWith('Not run'))).toEqual([]);
  });

  it('--seed <n> replays one seed: every seeded test runs with that seed only', { timeout: 120_000 }, async ({ expect }) => {
    const all = (await grade('exercises/demo/starter.ts')).results;
    const replay = (await grade('exercises/demo/starter.ts', '--seed', '3')).results;
    expect(replay.tests.map((t) => t.name)).toEqual(all.tests.map((t) => t.name));
    const seeds = new Set(replay.tests.map((t) => t.seed).filter((x) => x !== undefined));
    expect(seeds.has(3)).toBe(true);
    expect([...seeds].every((x) => x === 3 || x === 1)).toBe(true);
    const bad = await run('grade', ['demo', 'exercises/demo/starter.ts', '--seed', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--seed needs an integer/);
  });

  it('--test <name> runs only the test of that name, with the verdict a full Submit gives it; an unknown name says so', { timeout: 120_000 }, async ({ expect }) => {
    const all = (await grade('exercises/demo/starter.ts')).results;
    const failing = all.tests.find((t) => t.status !== 'pass')!;
    const one = await grade('exercises/demo/starter.ts', '--test', failing.name);
    expect(one.code, one.why).toBe(1);
    expect(one.results.tests).toHaveLength(1);
    expect(one.results.tests[0]).toMatchObject({ name: failing.name, status: failing.status, message: failing.message });
    const none = await grade('exercises/demo/starter.ts', '--test', 'no such test');
    expect(none.code).toBe(2);
    expect(none.results.message).toBe('No test named "no such test" runs on Submit in exercise "demo".');
  });

  it('turns import() into the exercise require, as the browser does: no module can be loaded from anywhere', { timeout: 120_000 }, async ({ expect }) => {
    const race = 'return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));';
    expect(solution).toContain(race);
    const f = learnerFile('dynimport.ts', solution.replace(race, `return import('node:fs').then(() => Promise.race([promise, timeout]).finally(() => clearTimeout(timer)));`));
    const { code, results, why } = await grade(f);
    const usingIt = results.tests.filter((t) => t.name.startsWith('withTimeout'));
    expect(usingIt.length).toBeGreaterThan(0);
    expect(usingIt.every((t) => t.status !== 'pass')).toBe(true);
    expect(usingIt.filter((t) => /Module 'node:fs' is not available in this exercise/.test(t.message ?? '')).length).toBeGreaterThan(0);
    expect(code, why).toBe(1);
  });

  it('prints the whole results JSON through a pipe, however large (traces of failed scenarios)', { timeout: 120_000 }, async ({ expect }) => {
    const r = await run('grade', ['dlq-processor', join(ROOT, 'exercises/dlq-processor/wrong/redrive-one-batch.ts')]);
    expect(r.stdout.length).toBeGreaterThan(200_000);
    const results = JSON.parse(r.stdout) as Results;
    expect(results.status).toBe('fail');
    expect(results.tests.find((t) => t.status === 'fail')?.trace).toBeTruthy();
    expect(r.code).toBe(1);
  });

  it('stops `while (true) {}` at the top level of the module with exit 2', { timeout: 120_000 }, async ({ expect }) => {
    const f = learnerFile('toploop.ts', `while (true) {}\n${solution}`);
    const { code, results, why } = await grade(f, '--timeout', '1500');
    expect(results.status).toBe('error');
    expect(results.message).toMatch(/^Timed out: loading your module took more than 1\.5 s/);
    expect(code, why).toBe(2);
  });

  it('keeps stdout valid JSON when learner code writes to the real stdout', { timeout: 120_000 }, async ({ expect }) => {
    const f = learnerFile('noisy.ts', `${solution}\nconsole.log('top-level noise'); (globalThis as any).process?.stdout?.write?.('raw noise\\n');`);
    const { results } = await grade(f);
    expect(results.status).toBe('pass');
  });

  it('grades an edited test file as edited (the cached bundle is rebuilt), and an unchanged one the same', { timeout: 120_000 }, async ({ expect }) => {
    const dir = join(TMP, 'edit-exercises');
    cpSync(join(ROOT, 'exercises/demo'), join(dir, 'demo'), { recursive: true });
    for (const f of ['visible.test.ts', 'hidden.test.ts']) {
      const p = join(dir, 'demo', f);
      writeFileSync(p, readFileSync(p, 'utf8').replaceAll("'../../src/", `'${ROOT}/src/`));
    }
    const hidden = join(dir, 'demo', 'hidden.test.ts');
    const names = async () => (JSON.parse((await run('grade', ['demo', 'exercises/demo/solution.ts'], { QC_EXERCISES_DIR: dir })).stdout) as Results).tests.map((t) => t.name);
    const before = await names();
    expect(before.filter((n) => n.endsWith('> ALL, TWO, THREE and ANY'))).toHaveLength(1);
    expect(await names()).toEqual(before);
    writeFileSync(hidden, readFileSync(hidden, 'utf8').replace("'ALL, TWO, THREE and ANY'", "'ALL, TWO, THREE and ANY (edited)'"));
    expect((await names()).filter((n) => n.endsWith('> ALL, TWO, THREE and ANY (edited)'))).toHaveLength(1);
  });

  it("bundling an edited copy of an exercise never removes a bundle in use, however long ago it was built", { timeout: 120_000 }, async ({ expect }) => {
    expect((await grade('exercises/demo/solution.ts')).code).toBe(0);
    const real = cachedBundle('demo');
    expect(real).not.toBeNull();
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(real!, twoHoursAgo, twoHoursAgo); // built long ago…
    expect((await grade('exercises/demo/solution.ts')).code).toBe(0); // …and used now
    const dir = join(TMP, 'other-copy');
    cpSync(join(ROOT, 'exercises/demo'), join(dir, 'demo'), { recursive: true });
    for (const f of ['visible.test.ts', 'hidden.test.ts']) {
      const p = join(dir, 'demo', f);
      writeFileSync(p, readFileSync(p, 'utf8').replaceAll("'../../src/", `'${ROOT}/src/`).replace("'ALL, TWO, THREE and ANY'", "'ALL, TWO, THREE and ANY (another copy)'"));
    }
    const other = await run('grade', ['demo', 'exercises/demo/solution.ts'], { QC_EXERCISES_DIR: dir });
    expect(other.code, other.stderr).toBe(0);
    expect(cachedBundle('demo', join(dir, 'demo'))).not.toBe(real);
    expect(existsSync(real!), 'the bundle in use is still there').toBe(true);
  });

  it('--seed replays the case a failed property reported: the same verdict, seed, message and minimal scenario', { timeout: 300_000 }, async ({ expect }) => {
    const file = join(ROOT, 'exercises/read-fallback/wrong/miss-while-pg-down-null.ts');
    const name = 'When PostgreSQL cannot answer either, throw: never tell a customer an order does not exist because you could not look it up.';
    const submit = await run('grade', ['read-fallback', file]);
    expect(submit.code, submit.stderr).toBe(1);
    const failed = (JSON.parse(submit.stdout) as Results).tests.find((t) => t.name === name)!;
    expect(failed.status).toBe('fail');
    expect(Number.isInteger(failed.seed)).toBe(true);
    const replay = await run('grade', ['read-fallback', file, '--seed', String(failed.seed)]);
    expect(replay.code, replay.stderr).toBe(1);
    const again = (JSON.parse(replay.stdout) as Results).tests.find((t) => t.name === name)!;
    expect({ status: again.status, seed: again.seed, message: again.message, scenario: again.scenario }).toEqual({
      status: failed.status,
      seed: failed.seed,
      message: failed.message,
      scenario: failed.scenario,
    });
    const bad = await run('grade', ['read-fallback', file, '--seed', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--seed needs an integer/);
    // the terminal (stderr) names the failed case and the command that replays it alone, as printed
    const line = submit.stderr.split('\n').find((l) => l.startsWith(`${name} (seed ${failed.seed}) failed; replay it: `))!;
    expect(line, submit.stderr).toBeDefined();
    const command = line.slice(line.indexOf('replay it: ') + 'replay it: '.length);
    expect(command).toMatch(/^npm run grade -- read-fallback \S+ --seed \d+ --test '.+'$/);
    const shell = await spawnCollect('bash', ['-c', command]);
    const alone = JSON.parse(shell.stdout.slice(shell.stdout.indexOf('{'))) as Results;
    expect(alone.tests.map((t) => ({ name: t.name, seed: t.seed, message: t.message }))).toEqual([{ name, seed: failed.seed, message: failed.message }]);
  });

  it('exits 2 for an unknown exercise', { timeout: 120_000 }, async ({ expect }) => {
    const r = await run('grade', ['no-such-exercise', 'exercises/demo/solution.ts']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).message).toMatch(/^No exercise "no-such-exercise"/);
  });
});

describe.concurrent('gradeInWorker', () => {
  it('a Submit split over two workers reads exactly like one worker\'s', { timeout: 120_000 }, async ({ expect }) => {
    const { compileLearnerTs, gradeInWorker, readExerciseFiles } = await import('../../scripts/grade');
    const c = compileLearnerTs(readExerciseFiles('demo')['starter.ts'], 'starter.ts');
    if (!c.ok) throw new Error(c.message);
    const one = await gradeInWorker({ exerciseId: 'demo', learnerJs: c.js, mode: 'submit' }, 1);
    const two = await gradeInWorker({ exerciseId: 'demo', learnerJs: c.js, mode: 'submit' }, 2);
    const strip = (r: Results) => ({ ...r, tests: r.tests.map(({ duration_ms: _d, ...t }) => t) });
    expect(one.status).toBe('fail');
    expect(one.tests.length).toBeGreaterThan(3);
    expect(strip(two)).toEqual(strip(one));
  });
});

describe.concurrent('npm run verify', () => {
  it('passes the demo exercise and reports every kind of problem in a broken one', { timeout: 300_000 }, async ({ expect }) => {
    const dir = join(TMP, 'exercises');
    mkdirSync(dir);
    const abs = (text: string) => text.replaceAll("'../../src/", `'${ROOT}/src/`);
    for (const id of ['demo', 'broken']) {
      cpSync(join(ROOT, 'exercises/demo'), join(dir, id), { recursive: true });
      for (const f of ['visible.test.ts', 'hidden.test.ts']) writeFileSync(join(dir, id, f), abs(readFileSync(join(dir, id, f), 'utf8')));
    }
    const b = join(dir, 'broken');
    writeFileSync(join(b, 'starter.ts'), solution); // a starter that already passes
    writeFileSync(join(b, 'wrong/names-nothing.ts'), `// rejects: no such test\n${solution}`);
    writeFileSync(join(b, 'wrong/actually-right.ts'), `// rejects: blockFor > ONE waits for one replica\n${solution}`);
    writeFileSync(join(b, 'wrong/no-header.ts'), solution);
    const meta = JSON.parse(readFileSync(join(b, 'meta.json'), 'utf8'));
    meta.hints[2] = 42;
    const b2 = join(dir, 'bad-meta');
    cpSync(join(dir, 'demo'), b2, { recursive: true });
    writeFileSync(join(b2, 'meta.json'), JSON.stringify(meta));

    const r = await run('verify', [], { QC_EXERCISES_DIR: dir });
    expect(readdirSync(dir).sort()).toEqual(['bad-meta', 'broken', 'demo']);
    const lines = r.stdout.split('\n');
    const row = (ex: string, check: string) => lines.find((l) => l.startsWith(ex) && l.includes(check)) ?? '';
    expect(row('bad-meta', 'format')).toContain('exercises/bad-meta/meta.json: hints.2: Expected string, received number');
    expect(row('broken', 'format')).toContain('exercises/broken/wrong/no-header.ts: line 1: must be "// rejects: <exact test name>"');
    expect(row('demo ', 'solution passes all')).toMatch(/ ok /);
    expect(row('demo ', 'starter fails a hidden test')).toMatch(/ ok /);
    expect(r.stdout).toContain('2 problem(s) in 3 exercise(s).'); // two format problems stop those exercises early

    // fix the header problem: the broken exercise's graded problems show up
    rmSync(join(b, 'wrong/no-header.ts'));
    const r2 = await run('verify', ['broken'], { QC_EXERCISES_DIR: dir });
    const lines2 = r2.stdout.split('\n');
    const row2 = (check: string) => lines2.find((l) => l.startsWith('broken') && l.includes(check)) ?? '';
    expect(row2('starter fails a hidden test')).toContain('FAIL  starter passes every hidden test');
    expect(row2('wrong/names-nothing.ts')).toContain('names a test that does not exist: "no such test"');
    expect(row2('wrong/actually-right.ts')).toContain('FAIL  passes "blockFor > ONE waits for one replica"');
    expect(row2('wrong/quorum-half.ts')).toContain('ok    rejected by');
    expect(r2.code).toBe(1);
  });

  it("names a meta.json lesson that is no lesson and a type error in a test, and does not blame wrong/ files when the solution cannot run", { timeout: 300_000 }, async ({ expect }) => {
    const dir = join(TMP, 'exercises-2');
    mkdirSync(dir);
    for (const id of ['lesson-typo', 'no-solution']) {
      cpSync(join(ROOT, 'exercises/demo'), join(dir, id), { recursive: true });
      for (const f of ['visible.test.ts', 'hidden.test.ts']) writeFileSync(join(dir, id, f), readFileSync(join(dir, id, f), 'utf8').replaceAll("'../../src/", `'${ROOT}/src/`));
      // two known-wrong files are enough here (each is graded): the rows under test are others
      for (const f of readdirSync(join(dir, id, 'wrong')).sort().slice(2)) rmSync(join(dir, id, 'wrong', f));
    }
    const meta = JSON.parse(readFileSync(join(dir, 'lesson-typo/meta.json'), 'utf8'));
    writeFileSync(join(dir, 'lesson-typo/meta.json'), JSON.stringify({ ...meta, lesson: 'why-quorum-fails' }, null, 2));
    writeFileSync(join(dir, 'no-solution/solution.ts'), 'export function blockFor(cl: string, rf: number) {\n  return rf +;\n}\n');
    const visible = join(dir, 'lesson-typo/visible.test.ts');
    writeFileSync(visible, readFileSync(visible, 'utf8').replace(/\n/, "\nconst typeError: number = 'one';\n"));
    const r = await run('verify', [], { QC_EXERCISES_DIR: dir });
    const lines = r.stdout.split('\n');
    const row = (ex: string, check: string) => lines.find((l) => l.startsWith(ex) && l.includes(check)) ?? '';
    expect(row('lesson-typo', 'course')).toMatch(/FAIL .*lesson-typo\/meta\.json:3: "lesson": "why-quorum-fails" names no lesson/);
    expect(row('lesson-typo', 'types')).toMatch(/FAIL .*lesson-typo\/visible\.test\.ts:2:7: Type 'string' is not assignable to type 'number'/);
    expect(row('no-solution', 'types')).toMatch(/ ok +type-checks/);
    expect(row('no-solution', 'solution passes all')).toMatch(/FAIL .*solution\.ts:2:\d+/);
    const wrongRows = lines.filter((l) => l.startsWith('no-solution') && l.includes('wrong/'));
    expect(wrongRows.length).toBeGreaterThan(0);
    for (const l of wrongRows) expect(l).toContain('not checked: the solution did not run');
    expect(r.code).toBe(1);
  });
});
