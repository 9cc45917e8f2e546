/**
 * The runner survives bad learner input with a clear verdict, and the next run works.
 * (Synchronous infinite loops need a worker to kill: see cli.slow.test.ts. Tampering with built-ins runs
 * in a process of its own: tamper.slow.test.ts.)
 */
import { describe, expect as vexpect, it } from 'vitest';
import { expect } from '../../src/grading/api';
import { runExercise } from '../../src/grading/index';
import type { Results } from '../../src/grading/index';
import { bundle, compile, grade } from './helpers';

const ex = bundle((t) => {
  t.test('f doubles', async (ctx) => {
    expect(await ctx.load().f(2)).to.equal(4);
  });
  t.test('f doubles again', async (ctx) => {
    expect(await ctx.load().f(3)).to.equal(6);
  });
});
const RIGHT = `export function f(x: number) { return x * 2; }`;

async function rightStillPasses() {
  const r = await grade(ex, RIGHT);
  vexpect(r.status).toBe('pass');
}

describe('bad input: nothing can run → status error', () => {
  it('JavaScript that does not parse', async () => {
    const r = await runExercise({ exercise: ex, learnerJs: 'export function f( {', mode: 'submit' });
    vexpect(r.status).toBe('error');
    vexpect(r.tests).toEqual([]);
    vexpect(r.message).toMatch(/^Your code could not be compiled: SyntaxError/);
    await rightStillPasses();
  });

  it('a module that throws while loading', async () => {
    const r = await grade(ex, `type T = number;\n\nthrow new TypeError('bad start'); export function f() {}`);
    vexpect(r).toMatchObject({ status: 'error', message: 'Your module threw while loading: TypeError: bad start (at learner.ts:3:7)', tests: [] });
    await rightStillPasses();
  });

  it('a missing export is named', async () => {
    const r = await grade(bundle(ex.visible.collect.bind(ex.visible) as never, undefined, { exports: ['f', 'g'] }), RIGHT);
    vexpect(r.status).toBe('error');
    vexpect(r.message).toMatch(/does not export `g`/);
    vexpect(r.message).toMatch(/export function g\(…\)/);
  });

  it('a misspelt export (nothing exported under the expected name)', async () => {
    const r = await grade(ex, `export function double(x: number) { return x * 2; }`);
    vexpect(r.status).toBe('error');
    vexpect(r.message).toContain('does not export `f`');
  });

  it('require of a module that is not available', async () => {
    const r = await grade(ex, `import fs from 'fs'; export function f(x: number) { return fs ? x * 2 : 0; }`);
    vexpect(r.status).toBe('error');
    vexpect(r.message).toContain("Module 'fs' is not available in this exercise");
  });
});

describe('bad input: per test, readable messages', () => {
  const thrown: [string, string, RegExp][] = [
    ['a string', `throw 'it broke';`, /^Your code threw a string instead of an Error: "it broke"$/],
    ['null', `throw null;`, /^Your code threw null instead of an Error/],
    ['undefined', `throw undefined;`, /^Your code threw undefined instead of an Error/],
    ['an object', `throw { code: 42, reason: 'nope' };`, /^Your code threw a value that is not an Error: \{ code: 42, reason: "nope" \}$/],
    ['a number', `throw 7;`, /^Your code threw number 7 instead of an Error\.$/],
    ['an object with a throwing getter', `throw { get message() { throw new Error('gotcha'); } };`, /^Your code threw a value that is not an Error: \{ message: \[Getter\] \}$/],
    ['a Proxy that throws on every trap', `throw new Proxy({}, { get() { throw 1; }, getPrototypeOf() { throw 1; }, ownKeys() { throw 1; } });`, /^Your code threw a value that is not an Error: /],
    ['an Error (with its place in the learner\'s TypeScript)', `throw new RangeError('out of range');`, /^RangeError: out of range \(at learner\.ts:1:\d+\)$/],
    ['a rejected promise with a string', `return Promise.reject('async no');`, /^Your code threw a string instead of an Error: "async no"$/],
  ];
  for (const [what, stmt, msg] of thrown) {
    it(`throwing ${what}`, async () => {
      const r = await grade(ex, `export function f(x: number): any { if (x === 2) { ${stmt} } return x * 2; }`);
      vexpect(r.status).toBe('fail');
      vexpect(r.tests[0].status).toBe('error');
      vexpect(r.tests[0].message).toMatch(msg);
      vexpect(r.tests[1].status).toBe('pass');
    });
  }

  it('unbounded recursion', async () => {
    const r = await grade(ex, `export function f(x: number): number { return f(x + 1) + 1; }`);
    vexpect(r.status).toBe('fail');
    vexpect(r.tests[0].status).toBe('error');
    vexpect(r.tests[0].message).toMatch(/^Unbounded recursion: the call stack overflowed/);
    await rightStillPasses();
  });

  it('unbounded async recursion', async () => {
    const r = await grade(ex, `export async function f(x: number): Promise<number> { return (await f(x + 1)) + 1; }`);
    vexpect(r.tests[0].message).toMatch(/^Unbounded recursion/);
    await rightStillPasses();
  });

  it('a promise that never resolves (outside a simulator world)', async () => {
    // The message names the 300 ms settle limit: the grader stopped waiting there (a hang would hit the test's limit).
    const r = await grade(ex, `export function f(x: number) { return x === 2 ? new Promise(() => {}) : x * 2; }`, 'submit', { settleMs: 300 });
    vexpect(r.status).toBe('fail');
    vexpect(r.tests[0].status).toBe('fail');
    vexpect(r.tests[0].message).toMatch(/did not finish within 300 ms: your code is waiting for something that never happens/);
    vexpect(r.tests[1].status).toBe('pass');
    await rightStillPasses();
  });

  it('a promise that never resolves after the test ran its world (the world idle): the same verdict, not a wait for the host to stop the run', async () => {
    const afterRun = bundle((t) => {
      t.test('awaits the learner after a run', async (ctx) => {
        await ctx.world().run(async () => {});
        await ctx.load<{ f: (x: number) => Promise<number> }>().f(1);
      });
    });
    const r = await grade(afterRun, `export function f(x: number) { return new Promise<number>(() => {}); }`, 'submit', { settleMs: 300 });
    vexpect(r.tests[0].status).toBe('fail');
    vexpect(r.tests[0].message).toMatch(/did not finish within 300 ms: your code is waiting for something that never happens/);
  });

  it('a promise that never resolves, in a test after one that passed (one watch timer serves every attempt)', async () => {
    const r = await grade(ex, `export function f(x: number) { return x === 3 ? new Promise(() => {}) : x * 2; }`, 'submit', { settleMs: 300 });
    vexpect(r.tests.map((t) => t.status)).toEqual(['pass', 'fail']);
    vexpect(r.tests[1].message).toMatch(/did not finish within 300 ms: your code is waiting for something that never happens/);
    await rightStillPasses();
  });
});

describe("bad input: the grader never runs the getters of what learner code threw", () => {
  // The grader describes a failure after the test's real timers were cancelled: a getter it ran then
  // would start timers that live on into the next test (and one that loops would hang the run).
  const ex = bundle(
    (t) => {
      t.test('f doubles', async (ctx) => {
        expect(await ctx.load().f(2)).to.equal(4);
      });
      t.test('waits for a timer of its own', async (ctx) => {
        await ctx.load().next(); // a real 0 ms timer: one an earlier test left would fire before it
        expect(await ctx.load().f(3)).to.equal(6);
      });
    },
    () => {},
    { exports: ['f', 'next'] },
  );
  const NEXT = `export function next() { return new Promise((resolve) => setTimeout(resolve, 0)); }`;
  const START_TIMER = `setInterval(() => console.log('a timer the thrown error started'), 0)`;

  const cases: [string, string, RegExp][] = [
    [
      'a getter for message that starts a timer',
      `class LostOrderError extends Error { name = 'LostOrderError'; get message(): string { ${START_TIMER}; return 'lost'; } }
       export async function f(x: number) { if (x === 2) throw new LostOrderError(); return x * 2; }`,
      /^LostOrderError \(its message is a getter, which the grader does not run\)$/,
    ],
    [
      'a getter for name that starts a timer',
      `class LostOrderError extends Error { get name(): string { ${START_TIMER}; return 'LostOrderError'; } }
       export async function f(x: number) { if (x === 2) throw new LostOrderError('order o-1 is lost'); return x * 2; }`,
      /^LostOrderError: order o-1 is lost$/,
    ],
    [
      'a toString that starts a timer (what formatting the stack calls)',
      `class LostOrderError extends Error { toString(): string { ${START_TIMER}; return 'LostOrderError'; } }
       export async function f(x: number) { if (x === 2) throw new LostOrderError('order o-1 is lost'); return x * 2; }`,
      /^Error: order o-1 is lost$/,
    ],
    [
      'a getter on an element of a thrown array',
      `export async function f(x: number) { if (x === 2) { const a: unknown[] = []; Object.defineProperty(a, 0, { get() { ${START_TIMER}; return 1; }, enumerable: true }); throw a; } return x * 2; }`,
      /^Your code threw a value that is not an Error: \[ \[Getter\] \]$/,
    ],
  ];
  for (const [what, code, message] of cases) {
    it(`${what}: that test fails with a clear message, the timer never starts, the next test is unaffected`, async () => {
      const realm = { repaired: 0, broken: 0 };
      const r = await runExercise({ exercise: ex, learnerJs: compile(`${code}\n${NEXT}`), mode: 'run', realm });
      vexpect(r.tests[1]).toMatchObject({ name: 'waits for a timer of its own', status: 'pass' });
      vexpect(r.tests[1].output ?? '').toBe('');
      vexpect(realm).toEqual({ repaired: 0, broken: 0 });
      vexpect(r.tests[0].status).toBe('error');
      vexpect(r.tests[0].message).toMatch(message);
    });
  }
});
