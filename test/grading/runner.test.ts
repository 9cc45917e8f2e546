import { describe, expect as vexpect, it } from 'vitest';
import { expect } from '../../src/grading/api';
import { mergeShards, runExercise } from '../../src/grading/index';
import { bundle, byName, compile, grade } from './helpers';

const RIGHT = `export function f(x: number): number { return x * 2; }`;

describe('runExercise: results shape', () => {
  const ex = bundle(
    (t) => {
      t.describe('doubling', () => {
        t.test('doubles 2', (ctx) => {
          expect(ctx.load().f(2)).to.equal(4);
        });
        t.test('doubles 0', (ctx) => {
          expect(ctx.load().f(0)).to.equal(0);
        });
      });
      t.test('top-level test', (ctx) => {
        expect(ctx.load().f(-1)).to.equal(-2);
      });
    },
    (t) => {
      t.test(
        'hidden: doubles big numbers',
        { scenario: 'A number near the 32-bit limit is doubled.', hint: 'Do not use bit operations.' },
        (ctx) => {
          expect(ctx.load().f(2 ** 31)).to.equal(2 ** 32);
        },
      );
      t.test('hidden: doubles fractions', (ctx) => {
        expect(ctx.load().f(0.25)).to.equal(0.5);
      });
    },
  );

  it('passes a right answer, with every test in file order, visible before hidden', async () => {
    const r = await grade(ex, RIGHT);
    vexpect(r.version).toBe(3);
    vexpect(r.status).toBe('pass');
    vexpect(r.tests.map((t) => t.name)).toEqual([
      'doubling > doubles 2',
      'doubling > doubles 0',
      'top-level test',
      'hidden: doubles big numbers',
      'hidden: doubles fractions',
    ]);
    vexpect(r.tests.map((t) => t.visibility)).toEqual(['visible', 'visible', 'visible', 'hidden', 'hidden']);
    for (const t of r.tests) vexpect(typeof t.duration_ms).toBe('number');
  });

  it('a Submit split into shards merges back into the unsplit results', async () => {
    const WRONG = `export function f(x: number): number { return x === 0.25 || x === 2 ? 0 : x * 2; }`;
    const plain = (r: Awaited<ReturnType<typeof grade>>) => ({ ...r, tests: r.tests.map(({ duration_ms: _d, ...t }) => t) });
    const whole = await grade(ex, WRONG);
    vexpect(whole.status).toBe('fail');
    for (const shard of [{ count: 2 }, { count: 3 }]) {
      const parts = await Promise.all(
        Array.from({ length: shard.count }, (_, index) => runExercise({ exercise: ex, learnerJs: compile(WRONG), mode: 'submit', shard: { ...shard, index } })),
      );
      vexpect(plain(mergeShards(parts))).toEqual(plain(whole));
    }
  });

  it('run mode runs only the visible tests', async () => {
    const r = await grade(ex, RIGHT, 'run');
    vexpect(r.tests.map((t) => t.visibility)).toEqual(['visible', 'visible', 'visible']);
  });

  it('gives test_code only for visible tests, scenario always, hint only when failing', async () => {
    const r = await grade(ex, `export function f(x: number): number { return (x << 1); }`);
    vexpect(r.status).toBe('fail');
    const big = byName(r, 'hidden: doubles big numbers');
    vexpect(big.status).toBe('fail');
    vexpect(big.test_code).toBeUndefined();
    vexpect(big.scenario).toBe('A number near the 32-bit limit is doubled.');
    vexpect(big.hint).toBe('Do not use bit operations.');
    vexpect(big.message).toMatch(/expected \+0 to equal 4294967296/);
    const visible = byName(r, 'doubling > doubles 2');
    vexpect(visible.status).toBe('pass');
    vexpect(visible.test_code).toContain('ctx.load().f(2)');
    vexpect(visible.hint).toBeUndefined();
    vexpect(r.message).toBe('2 of 5 tests failed.'); // bit shifts also truncate 0.25
  });

  it('extracts test_code from the visible source as written (TypeScript, dedented)', async () => {
    const source = `import { defineTests, expect } from '../../src/grading/api';
export default defineTests((t) => {
  t.describe('doubling', () => {
    t.test('doubles 2', (ctx) => {
      const n: number = 2; // a typed comment ) with a paren
      expect(ctx.load().f(n)).to.equal(4);
    });
  });
  t.test("it's quoted", (ctx) => {
    expect(\`\${ctx.load().f(1)}\`).to.equal('2');
  });
});
`;
    const ex2 = bundle(
      (t) => {
        t.describe('doubling', () => {
          t.test('doubles 2', (ctx) => {
            expect(ctx.load().f(2)).to.equal(4);
          });
        });
        t.test("it's quoted", (ctx) => {
          expect(`${ctx.load().f(1)}`).to.equal('2');
        });
      },
      () => {},
      { visibleSource: source },
    );
    const r = await grade(ex2, RIGHT, 'run');
    vexpect(r.tests[0].test_code).toBe(
      "t.test('doubles 2', (ctx) => {\n  const n: number = 2; // a typed comment ) with a paren\n  expect(ctx.load().f(n)).to.equal(4);\n})",
    );
    vexpect(r.tests[1].test_code).toBe('t.test("it\'s quoted", (ctx) => {\n  expect(`${ctx.load().f(1)}`).to.equal(\'2\');\n})');
  });

  it('reports each test to onTestStart/onTestResult in order (hosts name the test a timeout hit)', async () => {
    const events: string[] = [];
    const r = await runExercise({
      exercise: ex,
      learnerJs: compile(RIGHT),
      mode: 'submit',
      onTestStart: (name, i) => events.push(`start ${i} ${name}`),
      onTestResult: (t, i) => events.push(`result ${i} ${t.status}`),
    });
    vexpect(events).toEqual(r.tests.flatMap((t, i) => [`start ${i} ${t.name}`, `result ${i} ${t.status}`]));
  });

  it('results survive JSON (what a worker posts)', async () => {
    const r = await grade(ex, `export function f(x: number) { console.log('x is', x, { x }); return x * 2; }`);
    vexpect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
});

describe('runExercise: isolation between tests', () => {
  it('loads the learner module fresh for every test (module state does not leak)', async () => {
    const ex = bundle((t) => {
      t.test('first call', (ctx) => {
        expect(ctx.load().f()).to.equal(1);
      });
      t.test('first call again', (ctx) => {
        expect(ctx.load().f()).to.equal(1);
      });
      t.test('two loads are two modules', (ctx) => {
        const a = ctx.load();
        const b = ctx.load();
        a.f();
        expect(b.f()).to.equal(1);
      });
    });
    const r = await grade(ex, `let calls = 0; export function f() { return ++calls; }`);
    vexpect(r.tests.map((t) => t.status)).toEqual(['pass', 'pass', 'pass']);
  });

  it('nothing outside the module carries over to the next test: the random stream restarts at every load, real timers end with their test', async () => {
    // Outside a world, Math.random is a seeded stream and timers are real: shared by every load of
    // the run, they were a channel from one test to the next (a load finds how many draws earlier
    // loads made; a timer of an earlier test logs into a later one).
    const ex = bundle((t) => {
      t.test('leaves a timer and draws', (ctx) => {
        ctx.load().leave();
      });
      t.test('waits for a timer of its own', async (ctx) => {
        await ctx.load().next(); // a real 0 ms timer: one an earlier test left would fire before it
      });
    }, () => {}, { exports: ['leave', 'next'] });
    const realm = { repaired: 0, broken: 0 };
    const r = await runExercise({
      exercise: ex,
      learnerJs: compile(`
        console.log('first draw', Math.random());
        for (let i = 0; i < 7; i++) Math.random();
        export function leave() { setInterval(() => console.log('a timer of an earlier test'), 0); }
        export function next() { return new Promise((resolve) => setTimeout(resolve, 0)); }`),
      mode: 'run',
      realm,
    });
    vexpect(r.tests.map((t) => t.status)).toEqual(['pass', 'pass']);
    const first = r.tests[0].output;
    vexpect(first).toMatch(/^first draw 0\.\d+$/);
    vexpect(r.tests[1].output).toBe(first);
    vexpect(realm).toEqual({ repaired: 1, broken: 0 }); // the interval, cancelled when its test ended
  });

  it('the global object is read-only for learner code: a global it tries to add fails clearly and never reaches the host', async () => {
    const ex = bundle((t) => {
      t.test('sets a global', (ctx) => {
        expect(ctx.load().f()).to.equal(1);
      });
    });
    const r = await grade(ex, `export function f() { const g = globalThis as any; g.__counter = (g.__counter ?? 0) + 1; return g.__counter; }`);
    vexpect(r.tests[0].status).toBe('error');
    vexpect(r.tests[0].message).toMatch(/^Built-ins are read-only in exercises .*: TypeError: Cannot add property __counter, object is not extensible \(at learner\.ts:1:\d+\)/);
    vexpect((globalThis as Record<string, unknown>).__counter).toBeUndefined();
  });

  it('runs a seeded test once per seed and reports the first failing seed', async () => {
    const seen: number[] = [];
    const ex = bundle((t) => {
      t.test('works for every seed', { seeds: [1, 2, 3, 4, 5] }, (ctx) => {
        seen.push(ctx.seed);
        expect(ctx.load().f(ctx.seed), `f(${ctx.seed})`).to.equal(ctx.seed * 2);
      });
      t.test('unseeded', (ctx) => {
        expect(ctx.seed).to.equal(1);
      });
    });
    const r = await grade(ex, `export function f(x: number) { return x === 3 || x === 4 ? 0 : x * 2; }`);
    const t = r.tests[0];
    vexpect(t.status).toBe('fail');
    vexpect(t.seed).toBe(3);
    vexpect(t.message).toMatch(/f\(3\)/);
    vexpect(seen).toEqual([1, 2, 3]); // stops at the first failing seed
    vexpect(r.tests[1].status).toBe('pass');
    vexpect(r.tests[1].seed).toBeUndefined();
  });

  it('runs beforeEach/afterEach hooks around each test of their describe, afterEach even on failure', async () => {
    const log: string[] = [];
    const ex = bundle((t) => {
      t.beforeEach(() => void log.push('outer-before'));
      t.describe('inner', () => {
        t.beforeEach(() => void log.push('inner-before'));
        t.afterEach(() => void log.push('inner-after'));
        t.test('fails', () => {
          log.push('test');
          t.fail('plain words');
        });
      });
      t.afterEach(() => void log.push('outer-after'));
      t.test('outside', () => void log.push('outside'));
    });
    const r = await grade(ex, RIGHT);
    vexpect(log).toEqual(['outer-before', 'inner-before', 'test', 'inner-after', 'outer-after', 'outer-before', 'outside', 'outer-after']);
    vexpect(r.tests[0]).toMatchObject({ name: 'inner > fails', status: 'fail', message: 'plain words' });
  });

  it('fails a test with exactly the message given to t.fail / ctx.fail, and assertion messages', async () => {
    const ex = bundle((t) => {
      t.test('t.fail', () => t.fail('The order came back empty although PostgreSQL has it.'));
      t.test('ctx.fail', (ctx) => ctx.fail('Two probes ran at once.'));
      t.test('expect with message', (ctx) => {
        expect(ctx.load().f(2), 'doubling 2').to.equal(5);
      });
    });
    const r = await grade(ex, RIGHT);
    vexpect(r.tests.map((t) => [t.status, t.message])).toEqual([
      ['fail', 'The order came back empty although PostgreSQL has it.'],
      ['fail', 'Two probes ran at once.'],
      ['fail', 'doubling 2: expected 4 to equal 5'],
    ]);
  });
});

describe('runExercise: console output', () => {
  it('captures console output per test, from the console argument and the global console', async () => {
    const ex = bundle((t) => {
      t.test('one', (ctx) => void ctx.load().f('one'));
      t.test('two', (ctx) => void ctx.load().f('two'));
      t.test('silent', () => {});
    });
    const r = await grade(
      ex,
      `export function f(tag: string) { console.log('hello', tag, { n: 1, list: [1, 2] }); globalThis.console.warn('careful %s', tag); return 0; }`,
    );
    vexpect(r.tests[0].output).toBe("hello one { n: 1, list: [ 1, 2 ] }\nWarning: careful one");
    vexpect(r.tests[1].output).toBe("hello two { n: 1, list: [ 1, 2 ] }\nWarning: careful two");
    vexpect(r.tests[2].output).toBeUndefined();
  });

  it('caps 10 MB of console output per test with a truncation note, and the next test is unaffected', async () => {
    const ex = bundle((t) => {
      t.test('floods the console', (ctx) => void ctx.load().flood());
      t.test('after the flood', (ctx) => {
        expect(ctx.load().f(1)).to.equal(2);
      });
    });
    const r = await grade(
      ex,
      `export function flood() { const line = 'x'.repeat(1023); for (let i = 0; i < 10 * 1024; i++) console.log(line); }
       export function f(x: number) { console.log('small'); return x * 2; }`,
      'submit',
      { outputBytesPerTest: 64 * 1024 },
    );
    const out = r.tests[0].output!;
    vexpect(r.tests[0].status).toBe('pass');
    vexpect(out.length).toBeLessThan(64 * 1024 + 100);
    vexpect(out).toMatch(/… output truncated \((\d+) bytes dropped\)$/);
    const dropped = Number(/\((\d+) bytes dropped\)/.exec(out)![1]);
    vexpect(dropped).toBe(10 * 1024 * 1024 - 64 * 1024);
    vexpect(r.tests[1]).toMatchObject({ status: 'pass', output: 'small' });
  });

  it('fails a test that tries to print more than 64 MB, whatever it makes of the console throwing; the next test runs', async () => {
    // Dropped output is still counted (and built by the learner's code): printing gigabytes used to run
    // into the wall-clock limit, reported as an infinite loop with every later test "Not run".
    const ex = bundle((t) => {
      t.test('swallows the console error', (ctx) => {
        expect(ctx.load().flood()).to.equal(100);
      });
      t.test('expects an error', (ctx) => {
        expect(() => ctx.load().floodAndThrow()).to.throw();
      });
      t.test('after the flood', (ctx) => {
        expect(ctx.load().f(1)).to.equal(2);
      });
    });
    const r = await grade(
      ex,
      `const mb = 'x'.repeat(1024 * 1024);
       export function flood() { let n = 0; for (let i = 0; i < 100; i++) { try { console.log(mb); } catch {} n++; } return n; }
       export function floodAndThrow() { for (let i = 0; i < 100; i++) console.log(mb); }
       export function f(x: number) { console.log('small'); return x * 2; }`,
      'submit',
      { outputBytesPerTest: 64 * 1024 },
    );
    for (const t of r.tests.slice(0, 2)) {
      vexpect(t.status, t.name).toBe('fail');
      vexpect(t.message).toMatch(/^This test printed more than 64 MB to the console: from then on every console call threw an OutputFlood error/);
      vexpect(t.output).toMatch(/… output truncated \(\d+ bytes dropped\)$/);
    }
    vexpect(r.tests[2]).toMatchObject({ status: 'pass', output: 'small' });
  });

  it('measures an indented line before indenting it: a line of millions of newlines is counted, not built', async () => {
    // Indenting every line of it first (sixteen groups: 32 spaces after each newline) made a string
    // longer than the engine allows: console.log threw "RangeError: Invalid string length" into the
    // learner's code (a little shorter, and it took the grader seconds, reported as an infinite loop).
    const ex = bundle((t) => {
      t.test('prints it', (ctx) => {
        expect(ctx.load().f()).to.equal('OutputFlood');
      });
      t.test('after it', (ctx) => {
        expect(ctx.load().g()).to.equal(1);
      });
    }, () => {}, { exports: ['f', 'g'] });
    const r = await grade(
      ex,
      `export function f() {
         for (let i = 0; i < 16; i++) console.group();
         try { console.log('\\n'.repeat(17 * 1024 * 1024)); return 'no error'; } catch (e) { return (e as Error).name; }
       }
       export function g() { console.log('small'); return 1; }`,
      'submit',
      { outputBytesPerTest: 64 * 1024 },
    );
    vexpect(r.tests[0].status).toBe('fail');
    vexpect(r.tests[0].message).toMatch(/^This test printed more than 64 MB to the console/);
    const dropped = Number(/… output truncated \((\d+) bytes dropped\)$/.exec(r.tests[0].output!)![1]);
    // 17 Mi newlines, each line indented by 32 spaces, and the line's own end: kept or dropped
    vexpect(dropped + Buffer.byteLength(r.tests[0].output!.replace(/\n… output truncated.*$/, '')) + 1).toBe(17 * 1024 * 1024 + (17 * 1024 * 1024 + 1) * 32 + 1);
    vexpect(r.tests[1]).toMatchObject({ status: 'pass', output: 'small' });
  });

  it('nests console.group 200 000 levels deep at the cost of 200 000 short lines (indentation stops at 16 levels)', async () => {
    // The indentation used to grow by two characters a level and was written (and measured) for
    // every later line, even past the cap: 200 000 levels and lines were hours of the grader's work,
    // which the host then reported as an infinite loop in the learner's code.
    const ex = bundle((t) => {
      t.test('nests', (ctx) => void ctx.load().f());
    });
    const r = await grade(ex, `export function f() { for (let i = 0; i < 200_000; i++) { console.group(); console.log('x'); } }`, 'submit', {
      outputBytesPerTest: 1024,
    });
    vexpect(r.tests[0].status).toBe('pass');
    const lines = r.tests[0].output!.split('\n');
    vexpect(lines.slice(0, 3)).toEqual(['  x', '    x', '      x']);
    vexpect(lines[20]).toBe(`${'  '.repeat(16)}x`);
    vexpect(lines.at(-1)).toMatch(/^… output truncated \(\d+ bytes dropped\)$/);
  });

  it('prints console output of a failing module load in the error message', async () => {
    const ex = bundle((t) => t.test('x', () => {}));
    const r = await grade(ex, `console.log('loading…'); throw new Error('boom');`);
    vexpect(r.status).toBe('error');
    vexpect(r.message).toContain('Your module threw while loading: Error: boom (at learner.ts:1:');
    vexpect(r.message).toContain('loading…');
  });
});

describe('runExercise: messages a learner can trust (issue 12)', () => {
  it('rounds every time shown: no 302.64599999999996 ms', async () => {
    const ex = bundle((t) => {
      t.test('slow', (ctx) => {
        const ms = ctx.load().f(1);
        if (ms > 1) ctx.fail(`the read took ${ms} ms, ${ms / 1000} s`);
      });
    });
    const r = await grade(ex, `export function f() { return 302.64599999999996; }`);
    vexpect(r.tests[0].message).toBe('the read took 302.646 ms, 0.303 s');
  });

  it('reports a message made of a long run of digits at once (the grader must not hang on it)', async () => {
    // Rounding used to backtrack quadratically over a run of digits: 300 000 of them kept the grader
    // busy for minutes, and the host then reported an infinite loop in the learner's code.
    const ex = bundle((t) => {
      t.test('throws', (ctx) => {
        ctx.load().f();
      });
    });
    const r = await grade(ex, `export function f() { throw new Error('1'.repeat(300_000) + ' took 1.23456 ms'); }`);
    vexpect(r.tests[0].status).toBe('error');
    vexpect(r.tests[0].message).toMatch(/^Error: 1{1000}/);
    vexpect(r.tests[0].message).toMatch(/… \d+ more characters$/);
  });

  it('explains a TypeError on a very long line of code at once (the grader must not hang on it)', async () => {
    // To name the global in "Cannot read properties of undefined", the grader scans the line of the
    // error: its regular expression backtracked quadratically over a long run of name characters
    // (minified code, a long string literal). A line of 1 000 000 kept the grader busy for hours, and
    // the host then reported an infinite loop in the learner's code.
    const ex = bundle((t) => {
      t.test('reads', (ctx) => {
        ctx.load().f();
      });
    });
    const r = await grade(ex, `export function f() { return (undefined as any).x + '${'a'.repeat(1_000_000)}'; }`);
    vexpect(r.tests[0].status).toBe('error');
    vexpect(r.tests[0].message).toMatch(/^TypeError: Cannot read properties of undefined \(reading 'x'\) \(at learner\.ts:1:\d+\)$/);
  });

  it('shows the console output of the seed that failed, not of the last seed', async () => {
    const ex = bundle((t) => {
      t.test('every seed', { seeds: [1, 2, 3, 4] }, (ctx) => {
        expect(ctx.load().f(ctx.seed)).to.equal(ctx.seed * 2);
      });
    });
    const r = await grade(ex, `export function f(x: number) { console.log('called with', x); return x === 2 ? 0 : x * 2; }`);
    vexpect(r.tests[0].seed).toBe(2);
    vexpect(r.tests[0].output).toBe('called with 2');
  });

  it('replays one seed: `seed` runs every seeded test with that seed only, unseeded tests as always', async () => {
    const seen: number[] = [];
    const unseeded: number[] = [];
    const ex = bundle((t) => {
      t.test('seeded', { seeds: [1, 2, 3, 4, 5] }, (ctx) => {
        seen.push(ctx.seed);
        expect(ctx.load().f(ctx.seed)).to.equal(ctx.seed * 2);
      });
      t.test('unseeded', (ctx) => void unseeded.push(ctx.seed));
    });
    const r = await runExercise({ exercise: ex, learnerJs: compile(`export function f(x: number) { return x === 4 ? 0 : x * 2; }`), mode: 'submit', seed: 4 });
    vexpect(seen).toEqual([4]);
    vexpect(unseeded).toEqual([1]);
    vexpect(r.tests[0]).toMatchObject({ status: 'fail', seed: 4 });
    const other = await runExercise({ exercise: ex, learnerJs: compile(`export function f(x: number) { return x === 4 ? 0 : x * 2; }`), mode: 'submit', seed: 1234 });
    vexpect(other.tests[0]).toMatchObject({ status: 'pass', seed: 1234 });
  });

  /** Runs `fn` with this process reporting unhandled rejections to the grader through `host` (as the grading hosts do). */
  async function withRejectionHost(host: (reason: unknown, report: (r: unknown) => void) => void, fn: () => Promise<void>) {
    const { reportUncaught } = await import('../../src/grading/index');
    const listener = (reason: unknown) => host(reason, (r) => reportUncaught(r, 'rejection'));
    process.on('unhandledRejection', listener);
    try {
      await fn();
    } finally {
      process.off('unhandledRejection', listener);
    }
  }
  const threeTests = () =>
    bundle((t) => {
      t.test('first', (ctx) => void expect(ctx.load().f(1)).to.equal(2));
      t.test('second', (ctx) => void expect(ctx.load().f(2)).to.equal(4));
      t.test('third', (ctx) => void expect(ctx.load().f(3)).to.equal(6));
    });
  const LEAVES_REJECTION = `export function f(x: number) { if (x === 2) Promise.reject(new Error('the write was lost')); return x * 2; }`;

  it('fails the test during which learner code left a promise rejected with no handler, naming the error', async () => {
    await withRejectionHost((reason, report) => report(reason), async () => {
      const r = await grade(threeTests(), LEAVES_REJECTION);
      vexpect(r.tests.map((t) => t.status)).toEqual(['pass', 'fail', 'pass']);
      vexpect(r.tests[1].message).toMatch(/^Your code left a promise rejected with nothing handling it \(an `await` or `\.catch\(\)` is missing\): Error: the write was lost \(at learner\.ts:1:\d+\)\.$/);
    });
  });

  it('an error message as long as a string can be fails only its own test, thrown or left rejected (the grader does not fail with "Invalid string length")', async () => {
    // "Error: " before such a message is longer than the engine lets a string be: describing it threw
    // in the grader, which reported the whole run as "The grader failed" and every test "Not run".
    const longest = `let lo = 0, hi = 2 ** 31;
      while (hi - lo > 1) { const mid = Math.floor((lo + hi) / 2); try { 'x'.repeat(mid); lo = mid; } catch { hi = mid; } }
      const huge = 'x'.repeat(lo);`;
    await withRejectionHost((reason, report) => report(reason), async () => {
      const { runExercise } = await import('../../src/grading/index');
      const learnerJs = compile(`${longest}
        export function f(x: number) { if (x === 2) { Promise.reject(new Error(huge)); throw new Error(huge); } return x * 2; }`);
      const r = await runExercise({ exercise: threeTests(), learnerJs, mode: 'submit', reportsUncaught: true });
      vexpect(r.status).toBe('fail');
      vexpect(r.tests.map((t) => t.status)).toEqual(['pass', 'error', 'pass']);
      vexpect(r.tests[1].message).toMatch(/^Error: x{1000}/);
      vexpect(r.tests[1].message).toMatch(/… \d+ more characters$/);
    });
  });

  it('charges a rejection to the test that left it however many turns later the host reports it (as Chromium may)', async () => {
    const { runExercise } = await import('../../src/grading/index');
    // A host that reports each rejection a few macrotasks late, in order (Chromium fires
    // `unhandledrejection` from its own task, which a timer set during the test can precede).
    const late = (reason: unknown, report: (r: unknown) => void) => void setTimeout(() => setTimeout(() => setTimeout(() => report(reason))));
    await withRejectionHost(late, async () => {
      const r = await runExercise({ exercise: threeTests(), learnerJs: compile(LEAVES_REJECTION), mode: 'submit', reportsUncaught: true });
      vexpect(r.tests.map((t) => t.status)).toEqual(['pass', 'fail', 'pass']);
      vexpect(r.tests[1].message).toMatch(/the write was lost/);
    });
  });

  it('never counts its own wait as learner code\'s rejection, even when the host reports it after the wait gave up', async () => {
    const { runExercise } = await import('../../src/grading/index');
    // A host slower than the grader's backstop (settleMs): its reports of the grader's own marker
    // rejection arrive during later tests.
    const slow = (reason: unknown, report: (r: unknown) => void) => void setTimeout(() => report(reason), 400);
    await withRejectionHost(slow, async () => {
      const ex = bundle((t) => {
        for (const x of [1, 2, 3, 4]) t.test(`f(${x})`, async (ctx) => {
          expect(ctx.load().f(x)).to.equal(x * 2);
          await new Promise((r) => setTimeout(r, 150)); // late reports arrive while later tests run
        });
      });
      const learnerJs = compile('export function f(x: number) { return x * 2; }');
      const r = await runExercise({ exercise: ex, learnerJs, mode: 'submit', reportsUncaught: true, limits: { settleMs: 200 } });
      vexpect(r.tests.map((t) => [t.status, t.message])).toEqual(r.tests.map(() => ['pass', undefined]));
    });
  });
});

describe('runExercise: tests an author wrote wrong', () => {
  it('two tests of one name, one visible and one hidden: Submit names both files (Run, with the visible file only, runs)', async () => {
    const ex = bundle(
      (t) => t.test('doubles 2', (ctx) => expect(ctx.load().f(2)).to.equal(4)),
      (t) => t.test('doubles 2', (ctx) => expect(ctx.load().f(2)).to.equal(4)),
    );
    const r = await grade(ex, RIGHT);
    vexpect(r).toMatchObject({ status: 'error', tests: [] });
    vexpect(r.message).toBe(`Two tests are named "doubles 2": in exercises/${ex.id}/visible.test.ts and in exercises/${ex.id}/hidden.test.ts; test names must be unique.`);
    vexpect((await grade(ex, RIGHT, 'run')).status).toBe('pass');
  });

  it('a test file that throws while its tests are defined is named', async () => {
    const ex = bundle(
      (t) => t.test('doubles 2', (ctx) => expect(ctx.load().f(2)).to.equal(4)),
      () => {
        throw new SyntaxError('Expected property name');
      },
    );
    const r = await grade(ex, RIGHT);
    vexpect(r.message).toBe(`The tests in exercises/${ex.id}/hidden.test.ts could not be loaded: SyntaxError: Expected property name`);
  });
});
