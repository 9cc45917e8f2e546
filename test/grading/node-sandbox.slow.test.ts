/**
 * The Node host is a sandbox (issue 11, "a real sandbox for the Node host"): learner code graded by
 * `npm run grade` has no more power than in the browser — no `process`, no Node built-ins, no
 * filesystem, no child processes, no network — and cannot forge a result. Each attack is the demo's
 * correct solution plus the attack inside `blockFor` (or at the top of the module); each must end in
 * a clear message and a verdict that is not "pass". The attacks run at once: each awaits its own CLI.
 */
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Results, TestResult } from '../../src/grading/index';
import { SANDBOX_FLAGS, refuseResults } from '../../scripts/lib/grade-pool';
import { boundResults } from '../../src/grading/caps';
import { ROOT, runScript } from '../support/spawn';

mkdirSync(join(ROOT, '.tmp'), { recursive: true });
const TMP = mkdtempSync(join(ROOT, '.tmp', 'node-sandbox-'));
const solution = readFileSync(join(ROOT, 'exercises/demo/solution.ts'), 'utf8');
/** The solution's longest line: it must never appear in what the grader prints. */
const SECRET = [...solution.split('\n')].sort((a, b) => b.length - a.length)[0];
/** As learner code declares Node's globals to get past the type checker. */
const NODE_DECLS = 'declare const process: any; declare const fetch: any; declare const WebSocket: any; declare const parentPort: any;';

let server: Server;
let hits: string[] = [];
let port = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  port = typeof a === 'object' && a ? a.port : 0;
});

afterAll(async () => {
  rmSync(TMP, { recursive: true, force: true });
  await new Promise<void>((r) => server.close(() => r()));
});

/** The solution with `body` at the start of `blockFor` (run by the first visible test) and `top` above the module. */
function attack(body: string, top = ''): string {
  const head = 'export function blockFor(cl: ConsistencyLevel, rf: number): number {\n';
  if (!solution.includes(head)) throw new Error('exercises/demo/solution.ts no longer declares blockFor as expected');
  return `${NODE_DECLS}\n${top}\n${solution.replace(head, `${head}${body}\n`)}`;
}

let n = 0;
async function grade(code: string, ...args: string[]): Promise<{ code: number | null; stdout: string; results: Results }> {
  const file = join(TMP, `attack-${n++}.ts`);
  writeFileSync(file, code);
  const r = await runScript('grade', ['demo', file, '--run', ...args]);
  return { code: r.code, stdout: r.stdout, results: JSON.parse(r.stdout) as Results };
}

const first = (r: Results): TestResult => {
  const t = r.tests[0];
  if (!t) throw new Error(`no tests ran: ${r.status}: ${r.message}`);
  return t;
};
const SANDBOX_WORDS = /sandbox with the browser's JavaScript and nothing of Node's/;

describe.concurrent('learner code graded by `npm run grade` has no Node powers', { timeout: 600_000 }, () => {
  it('reading process.env: not a pass, and told why', async ({ expect }) => {
    const { results, code } = await grade(attack('if ((process.env.HOME ?? "").length >= 0) return 99;'));
    expect(results.status).not.toBe('pass');
    expect(code).not.toBe(0);
    expect(first(results).status).toBe('error');
    expect(first(results).message).toMatch(/^TypeError: Cannot read properties of undefined \(reading 'env'\)\. .*no `process`/);
    expect(first(results).message).toMatch(SANDBOX_WORDS);
  });

  it('process.exit(0) at the top of the module: an error verdict naming `process`, not a pass', async ({ expect }) => {
    const { results, code } = await grade(attack('', 'process.exit(0);'));
    expect(results.status).toBe('error');
    expect(code).toBe(2);
    expect(results.message).toMatch(/^Your module threw while loading: TypeError: Cannot read properties of undefined \(reading 'exit'\)\. .*no `process`/);
    expect(results.message).toMatch(SANDBOX_WORDS);
  });

  it("require('fs') and reading exercises/demo/solution.ts by path, every way round", async ({ expect }) => {
    const tries = [
      `require('fs').readFileSync(${JSON.stringify(join(ROOT, 'exercises/demo/solution.ts'))}, 'utf8')`,
      `(({} as any).constructor.constructor('return process')()).getBuiltinModule('fs').readFileSync('exercises/demo/solution.ts', 'utf8')`,
      `((require('cassandra-driver') as any).Client.constructor.constructor('return process')()).mainModule.require('fs').readFileSync('exercises/demo/solution.ts', 'utf8')`,
    ];
    for (const expr of tries) {
      const { results, stdout } = await grade(attack(`const text: string = ${expr};\nif (text.length > 0) throw new Error('LEAKED ' + text);`));
      expect(results.status, expr).not.toBe('pass');
      expect(stdout, expr).not.toContain(SECRET);
      expect(first(results).message, expr).toMatch(/Module 'fs' is not available in this exercise|Function\.prototype\.constructor is not a valid constructor|no `process`|Cannot read properties of undefined/);
    }
  });

  it('import() of node:fs, written so that esbuild cannot see it', async ({ expect }) => {
    const { results, stdout } = await grade(attack(`return Function('return import("node:" + "fs")')().then((fs: any) => { throw new Error('LEAKED ' + fs.readFileSync('exercises/demo/solution.ts', 'utf8')); }) as any;`));
    expect(results.status).not.toBe('pass');
    expect(stdout).not.toContain(SECRET);
    expect(first(results).message).toMatch(/import\(\) is not available in exercises/);
  });

  it("child_process: require('child_process') and through the realm's Function", async ({ expect }) => {
    for (const expr of [
      `require('child_process').execSync('id').toString()`,
      `(Function('return process')()).getBuiltinModule('child_process').execSync('id').toString()`,
    ]) {
      const { results, stdout } = await grade(attack(`const out: string = ${expr};\nthrow new Error('RAN ' + out);`));
      expect(results.status, expr).not.toBe('pass');
      expect(stdout, expr).not.toMatch(/RAN uid=/);
      expect(first(results).message, expr).toMatch(/Module 'child_process' is not available|Cannot read properties of undefined \(reading 'getBuiltinModule'\)/);
    }
  });

  it('network: fetch, net and http reach nothing', async ({ expect }) => {
    hits = [];
    const url = `http://127.0.0.1:${port}/leak`;
    const attempts = [
      [`return fetch(${JSON.stringify(url)}) as any;`, /fetch\(\) is not available in exercises: .*no network/s],
      [`return (globalThis as any).fetch(${JSON.stringify(url)}) as any;`, /fetch\(\) is not available in exercises: .*no network/s],
      [`require('net').connect(${port}, '127.0.0.1');`, /Module 'net' is not available/],
      [`require('http').get(${JSON.stringify(url)});`, /Module 'http' is not available/],
      [`new WebSocket('ws://127.0.0.1:${port}/');`, /WebSocket\(\) is not available in exercises: .*no network/s],
    ] as const;
    for (const [body, message] of attempts) {
      const { results } = await grade(attack(body));
      expect(results.status, body).not.toBe('pass');
      expect(first(results).message, body).toMatch(message);
    }
    // give a request that slipped through every chance to arrive before counting
    await new Promise<void>((r) => server.getConnections(() => r()));
    expect(hits).toEqual([]);
  });
});

describe.concurrent('learner code cannot forge a result', { timeout: 600_000 }, () => {
  const forged = JSON.stringify({ version: 3, status: 'pass', tests: [{ name: 'blockFor > ONE waits for one replica', status: 'pass', visibility: 'visible' }] });

  it('process.send of a "pass", at the top of a module that fails a test', async ({ expect }) => {
    const { results, code } = await grade(attack('return 0;', `process.send({ type: 'done', results: ${forged} });`));
    expect(results.status).toBe('error');
    expect(code).toBe(2);
    expect(results.message).toMatch(/^Your module threw while loading: TypeError: Cannot read properties of undefined \(reading 'send'\)\. .*no `process`/);
  });

  it('writing the result format to stdout and stderr does not change what the CLI prints', async ({ expect }) => {
    const { results, stdout } = await grade(attack(`console.log(${JSON.stringify(forged)}); console.error(${JSON.stringify(forged)}); (globalThis as any).process?.stdout?.write?.(${JSON.stringify(forged)}); return 0;`));
    expect(results.status).toBe('fail');
    expect(stdout.trimStart().startsWith('{\n  "version": 3,\n  "status": "fail"')).toBe(true);
    expect(first(results).output).toContain('"status":"pass"'); // shown as the learner's own output
  });

  it('parentPort.postMessage and exiting early give no pass', async ({ expect }) => {
    for (const body of [
      `parentPort.postMessage({ type: 'done', results: ${forged} }); return 0;`,
      `(require('worker_threads') as any).parentPort.postMessage({ type: 'done', results: ${forged} }); return 0;`,
      `process.exit(0);`,
      `process.kill(process.pid);`,
    ]) {
      const { results, code } = await grade(attack(body));
      expect(results.status, body).not.toBe('pass');
      expect(code, body).not.toBe(0);
      expect(first(results).status, body).not.toBe('pass');
      expect(first(results).message, body).toMatch(/no `parentPort`|Module 'worker_threads' is not available|no `process`/s);
    }
  });
});

describe('the second wall: the grading process itself', () => {
  it('runs under the permission model: even code outside the grading realm cannot read solution.ts, spawn a process or start a worker', () => {
    const probe = `
      const out = [];
      const t = (name, f) => { try { f(); out.push(name + ': allowed'); } catch (e) { out.push(name + ': ' + e.code); } };
      t('read solution.ts', () => require('fs').readFileSync(${JSON.stringify(join(ROOT, 'exercises/demo/solution.ts'))}));
      t('write a file', () => require('fs').writeFileSync(${JSON.stringify(join(TMP, 'written'))}, 'x'));
      t('spawn', () => require('child_process').spawnSync('id'));
      t('worker', () => new (require('worker_threads').Worker)('1', { eval: true }));
      console.log(out.join('\\n'));`;
    const r = spawnSync(process.execPath, [...SANDBOX_FLAGS, '-e', probe], { encoding: 'utf8', env: {} });
    expect(r.stdout.trim().split('\n')).toEqual([
      'read solution.ts: ERR_ACCESS_DENIED',
      'write a file: ERR_ACCESS_DENIED',
      'spawn: ERR_ACCESS_DENIED',
      'worker: ERR_ACCESS_DENIED',
    ]);
  });

  it('accepts final results only when they agree with the announced tests and the results reported as they finished', () => {
    const plan = [
      { index: 0, name: 'a', visibility: 'visible' as const },
      { index: 1, name: 'b', visibility: 'visible' as const },
    ];
    const a: TestResult = { name: 'a', status: 'pass', visibility: 'visible' };
    const bFail: TestResult = { name: 'b', status: 'fail', visibility: 'visible', message: 'expected 2' };
    const bPass: TestResult = { name: 'b', status: 'pass', visibility: 'visible' };
    const results = (status: Results['status'], tests: TestResult[]): Results => ({ version: 3, status, tests });
    expect(refuseResults(results('fail', [a, bFail]), plan, [a, bFail])).toBeNull();
    expect(refuseResults(results('pass', [a, bFail]), plan, [a, bFail])).toMatch(/status "pass" although the tests say "fail"/);
    expect(refuseResults(results('pass', [a, bPass]), plan, [a, bFail])).toMatch(/not the tests reported as they finished/);
    expect(refuseResults(results('pass', [a]), plan, [a])).toMatch(/not the announced tests/);
    expect(refuseResults(results('pass', [a, bPass]), null, [])).toMatch(/before the tests were announced/);
    expect(refuseResults(results('pass', []), plan, [])).toMatch(/no tests, yet not an error/);
  });

  it('accepts final results the grader had to cap (traces left out of large results), when they agree with the tests as they finished', () => {
    // A wrong answer that retries a lot fails every test with a large trace; the grader's final
    // results leave traces out to stay under MAX_RESULTS_CHARS, the tests reported one by one keep them.
    const plan = Array.from({ length: 6 }, (_, index) => ({ index, name: `t${index}`, visibility: 'hidden' as const }));
    const done: TestResult[] = plan.map((p) => ({ name: p.name, status: 'fail', visibility: 'hidden', message: 'wrong', trace: { history: 'h'.repeat(900_000) } }));
    const final = boundResults({ version: 3, status: 'fail', message: '6 of 6 tests failed.', tests: done });
    expect(final.tests.some((t) => t.trace === undefined)).toBe(true);
    expect(refuseResults(JSON.parse(JSON.stringify(final)) as Results, plan, JSON.parse(JSON.stringify(done)) as TestResult[])).toBeNull();
    // and still refused when they do not agree
    const forged = { ...final, tests: final.tests.map((t) => ({ ...t, status: 'pass' as const })), status: 'pass' as const };
    expect(refuseResults(forged, plan, done)).toMatch(/not the tests reported as they finished/);
  });
});
