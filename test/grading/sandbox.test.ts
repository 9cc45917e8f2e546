/**
 * The in-realm sandbox (src/grading/sandbox.ts), one test per attack class: learner code that tries
 * to make a test's checks vacuous, to steal the test's setup objects, to leave something behind for
 * a later run (built-ins, simulator and driver prototypes, driver caches, `Intl`, callbacks no clean-up
 * tracks), to reach the host, or to flood the results.
 *
 * `grade()` runs the grader in this process: the grader hardens the realm it runs in (lockdown), as
 * the hosts do. The same attacks through the Node host: sandbox.slow.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect as vexpect, it } from 'vitest';
import { expect, fail } from '../../src/grading/api';
import { MAX_TEXT_CHARS, type Results } from '../../src/grading/index';
import { PROBE, TAMPER } from './fixtures/sandbox-attacks';
import { bundle, compile, grade } from './helpers';
import { runExercise } from '../../src/grading/index';

const ROOT = resolve(__dirname, '../..');

describe('patched built-ins cannot make a check vacuous', () => {
  // Each check runs in the test body on plain built-ins (not through chai): with patched built-ins
  // a wrong answer would pass.
  const checks = bundle(
    (t) => {
      t.test('every order is counted', async (ctx) => {
        const counts: number[] = await ctx.load().counts();
        if (!counts.every((n) => n === 1)) fail(`some orders were counted more than once: ${JSON.stringify(counts)}`);
      });
      t.test('the status is exactly "paid"', async (ctx) => {
        const status: unknown = await ctx.load().status();
        if (!Object.is(status, 'paid')) fail('the status is not "paid"');
      });
      t.test('the order serialises to the expected JSON', async (ctx) => {
        const order: unknown = await ctx.load().order();
        if (JSON.stringify(order) !== '{"id":"o-1","total":42}') fail('the order is not {"id":"o-1","total":42}');
      });
    },
    () => {},
    { exports: ['counts', 'status', 'order'] },
  );
  const wrongAnswers = `
    export async function counts() { return [1, 2, 1]; }
    export async function status() { return 'pending'; }
    export async function order() { return { id: 'o-2', total: 0 }; }`;

  it('a wrong answer that patched Array.prototype.every, Object.is and JSON.stringify (and swallowed the errors) still fails every check', async () => {
    const tamper = `
      try { Array.prototype.every = () => true; } catch {}
      try { Object.is = () => true; } catch {}
      try { JSON.stringify = () => '{"id":"o-1","total":42}'; } catch {}`;
    const r = await grade(checks, `${tamper}\n${wrongAnswers.replaceAll('{ return', `{ ${tamper} return`)}`);
    vexpect(r.tests.map((t) => [t.name, t.status])).toEqual([
      ['every order is counted', 'fail'],
      ['the status is exactly "paid"', 'fail'],
      ['the order serialises to the expected JSON', 'fail'],
    ]);
    vexpect([1, 2].every((n) => n === 1)).toBe(false);
    vexpect(Object.is(1, 2)).toBe(false);
  });

  it('the learner is told plainly that built-ins are read-only, with the line of their code', async () => {
    const r = await grade(checks, `Array.prototype.every = () => true;\n${wrongAnswers}`);
    vexpect(r.status).toBe('error');
    vexpect(r.message).toMatch(
      /^Your module threw while loading: Built-ins are read-only in exercises \(Object, Array, Promise, Math, JSON, the driver modules, the global object, …\): TypeError: Cannot assign to read only property 'every' of object '\[object Array\]' \(at learner\.ts:1:\d+\)$/,
    );
  });
});

describe("a then-getter on Object.prototype cannot steal the test's setup objects", () => {
  it('the secret a test keeps in a setup object it awaits stays out of reach', async () => {
    const ex = bundle((t) => {
      t.test('guess the secret', { seeds: [1, 2, 3] }, async (ctx) => {
        const { guess } = ctx.load();
        // The test's private setup, returned from an async helper: resolving a promise with an object
        // reads its `then`.
        const setup = await (async () => ({ secret: 1000 + ctx.seed * 7919 }))();
        expect(guess(), 'the guess').to.equal(setup.secret);
      });
    }, () => {}, { exports: ['guess'] });
    const r = await grade(
      ex,
      `let stolen: any = null;
       try {
         Object.defineProperty(Object.prototype, 'then', { configurable: true, get() { if (this && typeof this === 'object' && 'secret' in this) stolen = this; return undefined; } });
       } catch {}
       export function guess() { return stolen ? stolen.secret : -1; }`,
    );
    vexpect(r.tests[0].status).toBe('fail');
    vexpect(r.tests[0].message).toMatch(/^the guess: expected -1 to equal \d+$/);
    vexpect(({} as { then?: unknown }).then).toBeUndefined();
  });
});

describe('nothing a run does reaches the next run', () => {
  const files = (id: string) => ({ solution: readFileSync(join(ROOT, 'exercises', id, 'solution.ts'), 'utf8') });
  const js = compile;

  it('in one realm: the tampering run is followed by a passing solution, and the simulator prototypes it reached are frozen', async () => {
    const { solution } = files('read-fallback');
    const ex = bundle(
      (t) => {
        t.test('reads an order through the clients it is given', async (ctx) => {
          const world = ctx.world();
          world.cassandraPut('orders', { id: 'o-1', customer_id: 'c-1', status: 'paid', total: 1, version: 1 });
          world.pgInsert('orders', { id: 'o-1', customer_id: 'c-1', status: 'paid', total: 1, version: 1 });
          const deps = { cassandra: world.cassandraClient({ zone: 'A', contactPoints: ['A'] }), pg: world.pgPool() };
          const { getOrder } = ctx.load();
          const order = await world.run(() => getOrder(deps, 'o-1'));
          expect(order?.status, 'the status read').to.equal('paid');
        });
      },
      () => {},
      { exports: ['getOrder'] },
    );
    const tampered = await runExercise({ exercise: ex, learnerJs: js(TAMPER), mode: 'run' });
    vexpect(tampered.status).toBe('fail');
    const after = await runExercise({ exercise: ex, learnerJs: js(solution), mode: 'run' });
    vexpect(after.tests.map((t) => t.message ?? t.status)).toEqual(['pass']);
  });

  it("a driver made at a module's top level binds to a blank world, never to an earlier test's or run's", async () => {
    const learner = compile(`
      import { Client } from 'cassandra-driver';
      let seen = 'no client';
      try {
        const c = new Client({ contactPoints: ['A'] });
        seen = c.hosts.values().map((h) => h.address + (h.isUp() ? ' up' : ' down')).join(', ');
      } catch (e) { seen = String((e as Error).message); }
      export function f() { return seen; }`);
    const ALL_UP = 'A:9042 up, B:9042 up, C:9042 up';
    const ex = bundle((t) => {
      t.test('crashes B in its own world, then loads the module', async (ctx) => {
        const world = ctx.world();
        world.schedule([{ at: world.now, kind: 'crash', node: 'B' }]);
        await world.run(() => world.sleep(10));
        expect(ctx.load().f(), 'hosts seen by a client made at load, in this test').to.equal('A:9042 up, B:9042 down, C:9042 up');
      });
      t.test('loads the module before making any world', (ctx) => {
        expect(ctx.load().f(), "hosts seen by a client made at load: not the last test's world").to.equal(ALL_UP);
      });
    });
    const first = await runExercise({ exercise: ex, learnerJs: learner, mode: 'run' });
    vexpect(first.tests.map((t) => t.message ?? t.status)).toEqual(['pass', 'pass']);
    // the next run in this realm (the browser reuses its run worker): only the second test
    const next = bundle((t) => {
      t.test('loads the module before making any world', (ctx) => {
        expect(ctx.load().f(), "hosts seen by a client made at load: not the last run's world").to.equal(ALL_UP);
      });
    });
    const second = await runExercise({ exercise: next, learnerJs: learner, mode: 'run' });
    vexpect(second.tests.map((t) => t.message ?? t.status)).toEqual(['pass']);
  });

  it('state hung on Intl or on other intrinsics by one run is not there in the next', async () => {
    const ex = bundle((t) => {
      t.test('sees a clean realm', (ctx) => {
        expect(ctx.load().probe(), 'what the learner module finds').to.equal('clean');
      });
    }, () => {}, { exports: ['probe'] });
    const first = await grade(
      ex,
      `try { (Intl as any).leak = 'from run 1'; } catch {}
       try { (Intl.DateTimeFormat.prototype as any).leak = 'from run 1'; } catch {}
       try { (Symbol as any).leak = 'from run 1'; } catch {}
       try { (Error as any).leak = 'from run 1'; } catch {}
       try { (globalThis as any).leak = 'from run 1'; } catch {}
       import { errors } from 'cassandra-driver';
       try { const E = Object.getPrototypeOf(errors.DriverError); E.leak = 'from run 1'; E.stackTraceLimit = 0; E.prepareStackTrace = () => 'forged'; } catch {}
       export function probe() { return 'clean'; }`,
    );
    vexpect(first.status).toBe('pass');
    const second = await grade(
      ex,
      `export function probe() {
         const found: unknown[] = [];
         try { found.push((Intl as any).leak, (Intl.DateTimeFormat.prototype as any).leak); } catch {}
         found.push((Symbol as any).leak, (Error as any).leak, (globalThis as any).leak);
         const E = Object.getPrototypeOf(require('cassandra-driver').errors.DriverError);
         found.push(E.leak, new Error('x').stack === 'forged' ? 'forged stack' : undefined, / at /.test(String(new Error('x').stack)) ? undefined : 'no stack frames');
         return found.every((x) => x === undefined) ? 'clean' : JSON.stringify(found);
       }`,
    );
    vexpect(second.tests[0]).toMatchObject({ status: 'pass' });
    vexpect(String(new Error('host').stack)).toMatch(/\n\s+at /); // the host's errors still have stacks
  });

  it("in one realm: the simulator's SimulationError, which no driver exports, leads learner code to no unfrozen constructor, and nothing left there breaks the next run", async () => {
    // A driver call outside world.run throws a SimulationError learner code can catch. Its class
    // was defined before lockdown: unless reparented, its parent is the realm's original Error,
    // unfrozen, whose stackTraceLimit the drivers read (through SES) each time they build an error.
    const ex = bundle(
      (t) => {
        t.test('a read of a crashed cluster fails with the driver’s error', async (ctx) => {
          const world = ctx.world();
          const client = world.cassandraClient({ zone: 'A', contactPoints: ['A'] });
          ctx.load().touch(client);
          for (const node of ['A', 'B', 'C']) world.fault({ kind: 'crash', node });
          let got: unknown;
          await world.run(async () => {
            try {
              await client.execute('SELECT id FROM orders WHERE id = ?', ['o-1'], { prepare: true });
            } catch (e) {
              got = e;
            }
          });
          expect((got as Error | undefined)?.name, 'what the read failed with').to.equal('NoHostAvailableError');
        });
      },
      () => {},
      { exports: ['touch'] },
    );
    const attack = await grade(
      ex,
      `export function touch(client: any) {
         try { client.execute('SELECT id FROM orders WHERE id = ?', ['x'], { prepare: true }); } catch (e: any) {
           const chain: string[] = [];
           for (let C = e.constructor; C && C !== Function.prototype; C = Object.getPrototypeOf(C)) chain.push(\`\${C.name}:\${Object.isFrozen(C) ? 'frozen' : 'UNFROZEN'}\`);
           console.log(\`\${e.name} \${chain.join(' ')}\`);
           const Parent = Object.getPrototypeOf(e.constructor);
           try { Object.defineProperty(Parent, 'stackTraceLimit', { configurable: true, get() { throw new Error('poisoned by an earlier run'); } }); } catch {}
           try { Parent.prepareStackTrace = () => 'forged'; } catch {}
         }
       }`,
      'run',
    );
    // its class, the grader's fast constructor under the shared Error (src/grading/sandbox.ts), that Error: all frozen
    vexpect(attack.tests[0].output).toMatch(/^SimulationError SimulationError:frozen Error:frozen Error:frozen$/);
    vexpect(attack.tests[0]).toMatchObject({ status: 'pass' });
    const after = await grade(ex, `export function touch() {}`, 'run');
    vexpect(after.tests.map((t) => t.message ?? t.status)).toEqual(['pass']);
  });

  it('callbacks learner code schedules outside the simulator are either not available or cancelled when the run ends', async () => {
    const ex = bundle((t) => {
      t.test('schedules what it can', (ctx) => {
        expect(ctx.load().schedule(), 'scheduling APIs the learner module finds').to.deep.equal({
          scheduler: 'undefined',
          setImmediate: 'undefined',
          MessageChannel: 'undefined',
          postMessage: 'function',
          postMessageCall: 'refused',
          process: 'undefined',
          requestIdleCallback: 'undefined',
          setTimeout: 'function',
          setInterval: 'function',
          queueMicrotask: 'function',
        });
      });
    }, () => {}, { exports: ['schedule'] });
    const realm = { repaired: 0, broken: 0 };
    const r = await runExercise({
      exercise: ex,
      learnerJs: compile(`
        const g = globalThis as any;
        export function schedule() {
          const kinds: Record<string, string> = {};
          for (const k of ['scheduler', 'setImmediate', 'MessageChannel', 'postMessage', 'process', 'requestIdleCallback', 'setTimeout', 'setInterval', 'queueMicrotask']) kinds[k] = typeof g[k];
          // postMessage is there only to refuse, with a message that says why
          try { g.postMessage('x'); kinds.postMessageCall = 'sent'; } catch (e) { kinds.postMessageCall = String((e as Error).message).includes('postMessage() is not available in exercises') ? 'refused' : 'other'; }
          try { g.scheduler.postTask(() => { Array.prototype.every = () => true; }, { delay: 10 }); } catch {}
          try { g.setImmediate(() => { Array.prototype.every = () => true; }); } catch {}
          try { g.process.nextTick(() => { Array.prototype.every = () => true; }); } catch {}
          setTimeout(() => { Array.prototype.every = () => true; }, 60_000);
          setInterval(() => {}, 1000);
          return kinds;
        }`),
      mode: 'run',
      realm,
    });
    vexpect(r.tests.map((t) => t.message ?? t.status)).toEqual(['pass']);
    // the two real timers it left (outside any world) were cancelled when the run ended
    vexpect(realm).toEqual({ repaired: 2, broken: 0 });
  });
});

describe('the host is out of reach', () => {

  it('in a hardened realm, learner code finds no process, no host global object, no Node module', async () => {
    const ex = bundle((t) => {
      t.test('probes the host', (ctx) => {
        expect(ctx.load().probe(), 'what the learner module reaches').to.deep.equal({});
      });
    }, () => {}, { exports: ['probe'] });
    const r = await grade(ex, `${PROBE}\nexport function probe() { return probeHost(); }`);
    vexpect(r.tests.map((t) => t.message ?? t.status)).toEqual(['pass']);
  });
});

describe("a test's functions handed to learner code do not show their source", () => {
  it("String(fn) of a test's closure reads as a built-in; learner code's own functions and the built-ins read as always", async () => {
    const ex = bundle((t) => {
      t.test('hands over a closure', (ctx) => {
        const secretCheck = (x: number) => x + 1 === 42 /* the hidden check's marker */;
        const seen = ctx.load().show(secretCheck) as Record<string, string>;
        expect(seen.fn, 'the test closure').to.equal('function secretCheck() { [native code] }');
        expect(seen.called, 'through Function.prototype.toString.call').to.equal(seen.fn);
        expect(seen.own, "the learner's own function").to.equal('function mine(a) {\n  return a * 2;\n}');
        expect(seen.builtin).to.equal('function max() { [native code] }');
        expect(seen.notAFunction, 'toString of a non-function still throws').to.match(/^TypeError/);
        expect(ctx.load().show(secretCheck).fn, 'a later load').to.equal(seen.fn);
      });
    }, () => {}, { exports: ['show'] });
    const r = await grade(
      ex,
      `function mine(a) {
  return a * 2;
}
export function show(fn: Function) {
  let notAFunction = '';
  try { Function.prototype.toString.call({}); } catch (e) { notAFunction = String(e); }
  return { fn: String(fn), called: Function.prototype.toString.call(fn), own: String(mine), builtin: String(Math.max), notAFunction };
}`,
    );
    vexpect(r.tests.map((t) => t.message ?? t.status)).toEqual(['pass']);
  });
});

describe('a stack trace read by learner code shows its own frames only', () => {
  it('no frame of the grader or the test (which check is calling) in a stack with learner code on it, nor in one the test made and handed over', async () => {
    const ex = bundle((t) => {
      t.test('calls learner code from a named check, handing it a callback', (ctx) => {
        const mod = ctx.load();
        function expectTheHiddenThing() {
          const r = mod.probe(function handedOverByTheTest() { return new Error('in the callback').stack; }) as Record<string, unknown>;
          return { ...r, readByTheTest: (r.readByTheTest as { stack: string }).stack } as Record<string, string>; // the getter runs here, under the check
        }
        const seen = expectTheHiddenThing();
        for (const [what, stack] of Object.entries(seen)) {
          const frames = stack.split('\n').filter((l) => /^\s+at /.test(l));
          expect(frames.length, `${what}: learner frames`).to.be.greaterThan(0);
          expect(frames.filter((l) => !l.includes('learner-module.js') && !l.includes('eval')), what).to.deep.equal([]);
          expect(stack, what).not.to.match(/expectTheHiddenThing|handedOverByTheTest/);
        }
        // an error the test makes (a driver error, a rejected promise) carries no frame of the test: its
        // place in the grader's bundle would name the hidden test to learner code that reads it
        const made = new Error('made by the test');
        expect(mod.readStack(made)).to.equal('Error: made by the test');
        expect(new Error('the grader').stack, 'read by the grader while learner code may run').to.equal('Error: the grader');
      });
    }, () => {}, { exports: ['probe', 'readStack'] });
    const r = await grade(
      ex,
      `export function probe(cb: () => string) {
  let thrown = '';
  try { (null as any).x; } catch (e) { thrown = (e as Error).stack ?? ''; }
  // code it makes with Function is learner code too: a getter made so, read by the test itself
  const made = new Function('return new Error("made").stack') as () => string;
  const probeObject = Object.defineProperty({}, 'stack', { get: new Function('return new Error("read by the test").stack') as () => string, enumerable: true });
  return { own: new Error('mine').stack ?? '', viaCallback: cb(), thrown, made: made(), readByTheTest: probeObject };
}
export function readStack(e: Error) {
  return e.stack;
}`,
    );
    vexpect(r.tests.map((t) => t.message ?? t.status)).toEqual(['pass']);
    vexpect(String(new Error('host').stack), 'outside a run, the host keeps whole stacks').toMatch(/\n\s+at /);
  });
});

describe('results stay small whatever learner code throws or prints', () => {
  it('five tests whose messages and output are 20 MB each give a results JSON under 1 MB, each cut with "… N more characters"', { timeout: 120_000 }, async () => {
    const ex = bundle((t) => {
      for (let i = 0; i < 5; i++) {
        t.test(`huge ${i}`, (ctx) => {
          ctx.load().boom();
        });
      }
    }, () => {}, { exports: ['boom'] });
    const r: Results = await grade(
      ex,
      `const huge = 'x'.repeat(20 * 1024 * 1024);
       export function boom() { console.log(huge); throw new Error(huge); }`,
    );
    const json = JSON.stringify(r);
    vexpect(r.tests).toHaveLength(5);
    vexpect(json.length).toBeLessThan(1_000_000);
    for (const t of r.tests) {
      vexpect(t.status).toBe('error');
      vexpect(t.message!.length).toBeLessThanOrEqual(MAX_TEXT_CHARS + 40);
      vexpect(t.message).toMatch(/\n… \d+ more characters$/);
      const more = Number(/… (\d+) more characters$/.exec(t.message!)![1]);
      vexpect(more).toBeGreaterThan(20 * 1024 * 1024 - MAX_TEXT_CHARS);
      vexpect(t.output).toMatch(/… output truncated \(\d+ bytes dropped\)$/);
    }
  });
});


describe('AbortSignal and AbortController in learner code', () => {
  it('AbortSignal.timeout follows virtual time, aborts with a TimeoutError, and its classes are frozen', async () => {
    const ex = bundle((t) => {
      t.test('times out on the world clock', async (ctx) => {
        const world = ctx.world();
        const started = world.now;
        const got = await world.run(() => ctx.load().race(250));
        expect(got, 'what the learner saw').to.deep.equal({ name: 'TimeoutError', aborted: true, throwIf: 'TimeoutError', any: 'TimeoutError', ctl: 'AbortError', onabort: 1, frozen: true, patched: false });
        expect(world.now - started, 'virtual ms until the signal aborted').to.equal(250);
      });
    }, () => {}, { exports: ['race'] });
    const r = await grade(
      ex,
      `export async function race(ms: number) {
         const s = AbortSignal.timeout(ms);
         const any = AbortSignal.any([s, new AbortController().signal]);
         const c = new AbortController();
         c.abort();
         let onabort = 0;
         s.onabort = () => { onabort++; };
         try { (AbortSignal.prototype as any).throwIfAborted = () => {}; } catch {}
         const name = await new Promise<string>((resolve) => s.addEventListener('abort', () => resolve((s.reason as Error).name), { once: true }));
         let throwIf = 'none';
         try { s.throwIfAborted(); } catch (e) { throwIf = (e as Error).name; }
         return { name, aborted: s.aborted, throwIf, any: (any.reason as Error).name, ctl: (c.signal.reason as Error).name, onabort,
           frozen: Object.isFrozen(AbortSignal.prototype) && Object.isFrozen(AbortController.prototype) && Object.isFrozen(s),
           patched: String((AbortSignal.prototype as any).throwIfAborted).includes('{}') };
       }`,
    );
    vexpect(r.tests.map((t) => t.message ?? t.status)).toEqual(['pass']);
  });
});
