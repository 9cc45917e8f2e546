/** The grader with the simulator: world fixture, learner realm, driver require map, traces. */
import { describe, expect as vexpect, it } from 'vitest';
import { expect } from '../../src/grading/api';
import { DEFAULT_EPOCH_MS as EPOCH, drivers } from '../../src/sim/index';
import { MAX_RESULTS_CHARS, runExercise, type TestResult } from '../../src/grading/index';
import { MAX_TRACE_CHARS } from '../../src/grading/caps';
import { bundle, compile, grade } from './helpers';

const { types } = drivers['cassandra-driver'];
const ORDER = { id: 'o-1', customer_id: 'c-7', status: 'paid', total: 42.5, version: 2, updated_at: 0 };

const ex = bundle(
  (t) => {
    t.test('reads the order', { seeds: [7, 8] }, async (ctx) => {
      const world = ctx.world();
      vexpect(world.seed).toBe(ctx.seed);
      world.cassandraPut('orders', ORDER);
      const client = world.cassandraClient({ zone: 'A', contactPoints: ['A'] });
      const { read } = ctx.load();
      const row = await world.run(() => read({ cassandra: client }, 'o-1'));
      expect(row?.status, 'the status read back').to.equal('paid');
    });
  },
  () => {},
  { exports: ['read'] },
);

const GOOD = `
import { types } from 'cassandra-driver';
export async function read(deps: any, id: string) {
  const rs = await deps.cassandra.execute('SELECT * FROM orders WHERE id = ?', [id], { prepare: true, consistency: types.consistencies.quorum });
  return rs.first();
}`;

describe('grader + simulator', () => {
  it('gives learner code the simulator drivers through require, and the world the test seed', async () => {
    const r = await grade(ex, GOOD);
    vexpect(r.status).toBe('pass');
    vexpect(r.tests[0]).toMatchObject({ status: 'pass', seed: 7 });
    vexpect(r.tests[0].trace).toBeUndefined(); // passing tests carry no trace
    vexpect(types.consistencies.quorum).toBe(4);
  });

  it('a failing simulator test reports its seed and the world trace', async () => {
    const r = await grade(ex, GOOD.replace("return rs.first();", "const row = rs.first(); return Date.now() > 0 && Math.random() >= 0 ? { ...row, status: 'pending' } : row;"));
    const t = r.tests[0];
    vexpect(t.status).toBe('fail');
    vexpect(t.seed).toBe(7);
    vexpect(t.message).toBe("the status read back: expected 'pending' to equal 'paid'");
    const trace = t.trace as { seed: number; history: unknown[]; journal: unknown[] };
    vexpect(trace.seed).toBe(7);
    vexpect(trace.history.length).toBeGreaterThan(0);
    vexpect(trace.journal.length).toBeGreaterThan(0);
  });

  it('a promise that never resolves inside world.run ends in the simulator deadlock verdict', async () => {
    // "Deadlock at …" is the simulator's verdict (no wall-clock wait), not the grader's settle timer's.
    const r = await grade(ex, `export async function read() { await new Promise(() => {}); return null; }`);
    const t = r.tests[0];
    vexpect(t.status).toBe('fail');
    vexpect(t.message).toMatch(/^Your code is waiting for something that can never happen \(the simulation deadlocked\)\. Deadlock at /);
    vexpect(t.seed).toBe(7);
    vexpect(t.trace).toBeDefined();
  });

  it('a timer loop that never finishes ends at the per-test virtual-time budget', async () => {
    const budgeted = bundle(
      (t) => {
        t.test('reads within budget', { maxVirtualMs: 5_000 }, async (ctx) => {
          const world = ctx.world();
          const { read } = ctx.load();
          await world.run(() => read());
        });
      },
      () => {},
      { exports: ['read'] },
    );
    const r = await grade(budgeted, `export async function read() { for (;;) await new Promise((r) => setTimeout(r, 1000)); }`);
    vexpect(r.tests[0].status).toBe('fail');
    vexpect(r.tests[0].message).toMatch(/^The scenario ran out of its time\/event budget.*Virtual time budget exceeded: the run would pass 5000 ms/);
  });

  it('spinning on Date.now() inside a world is a busy-wait verdict, not a hang', async () => {
    const r = await grade(ex, `export async function read() { const end = Date.now() + 100; while (Date.now() < end) {} return null; }`);
    vexpect(r.tests[0].status).toBe('fail');
    vexpect(r.tests[0].message).toMatch(/busy-wait/i);
  });

  it('learner setTimeout/Date inside world.run follow virtual time; the real ones are back afterwards', async () => {
    const timed = bundle(
      (t) => {
        t.test('waits 30 virtual seconds', async (ctx) => {
          const world = ctx.world();
          const { wait } = ctx.load();
          const waited = await world.run(() => wait(30_000));
          expect(waited, 'Date.now() difference seen by the learner').to.equal(30_000);
          expect(world.now).to.equal(30_000);
        });
      },
      () => {},
      { exports: ['wait'] },
    );
    // Virtual seconds, not real ones: every real timer set while grading is recorded; the learner's
    // 30 s wait must not be one of them.
    const realSetTimeout = globalThis.setTimeout;
    const realTimers: number[] = [];
    const recording = ((fn: () => void, ms?: number, ...args: unknown[]) => {
      realTimers.push(Number(ms ?? 0));
      return realSetTimeout(fn, ms, ...args);
    }) as unknown as typeof setTimeout;
    globalThis.setTimeout = recording;
    let r: Awaited<ReturnType<typeof grade>>;
    try {
      r = await grade(timed, `export async function wait(ms: number) { const t0 = Date.now(); await new Promise((r) => setTimeout(r, ms)); return Date.now() - t0; }`);
      vexpect(globalThis.setTimeout).toBe(recording); // the realm put back what it found
    } finally {
      globalThis.setTimeout = realSetTimeout;
    }
    vexpect(r.status).toBe('pass');
    vexpect(realTimers.filter((ms) => ms >= 1000)).toEqual([]);
    vexpect(Date.now()).toBeGreaterThan(1_700_000_000_000);
  });

  it("between runs, learner clocks (the driver's timestamp generator's too) read the time of the test's last run (standing still), never the machine's", async () => {
    // A learner's getter may derive state from Date.now() (a circuit breaker's `state`), and tests read
    // such getters after `world.run` returns: the verdict must not depend on the day it is given.
    const clocks = bundle(
      (t) => {
        t.test('reads clocks around a run', async (ctx) => {
          const world = ctx.world();
          const { clocks } = ctx.load();
          const before = clocks();
          await world.run(() => world.sleep(1500));
          const after = clocks();
          const again = clocks();
          expect({ before, after, again }, 'Date.now(), new Date() and performance.now() outside the run').to.deep.equal({
            before: { date: EPOCH, ctor: EPOCH, perf: 0, driver: EPOCH },
            after: { date: EPOCH + 1500, ctor: EPOCH + 1500, perf: 1500, driver: EPOCH + 1500 },
            again: { date: EPOCH + 1500, ctor: EPOCH + 1500, perf: 1500, driver: EPOCH + 1500 },
          });
        });
        t.test('the next test starts from a world start again', (ctx) => {
          expect(ctx.load().clocks(), 'clocks before any run of this test').to.deep.equal({ date: EPOCH, ctor: EPOCH, perf: 0, driver: EPOCH });
        });
      },
      () => {},
      { exports: ['clocks'] },
    );
    // (the driver's timestamp generator, before a client used it, reads the learner's clock too)
    const r = await grade(
      clocks,
      `import { policies } from 'cassandra-driver';
      export function clocks() {
        const driver = new policies.timestampGeneration.MonotonicTimestampGenerator().getDate();
        return { date: Date.now(), ctor: new Date().getTime(), perf: performance.now(), driver };
      }`,
    );
    vexpect(r.tests.map((t) => t.message ?? t.status)).toEqual(['pass', 'pass']);
  });

  it('a timer set outside any world is not the machine\'s: it fires on the next run\'s clock, however much real time passed before it', async () => {
    // Counting which real timers had fired by a run's start measured real time: a verdict could depend
    // on how busy the machine was. Now a timer set outside waits for a run, and fires at its virtual time.
    const timers = bundle(
      (t) => {
        t.test('arms timers at load, then runs', async (ctx) => {
          const world = ctx.world();
          const m = ctx.load();
          m.arm();
          const spinUntil = performance.now() + 20; // real time passes outside the run (the grader's clock, not the learner's)
          while (performance.now() < spinUntil) { /* spin */ }
          const seen = await world.run(async () => {
            const atStart = m.fired();
            await world.sleep(5);
            const at5 = m.fired();
            await world.sleep(20);
            return { atStart, at5, at25: m.fired() };
          });
          expect(seen).to.deep.equal({ atStart: [], at5: [5], at25: [5, 10] });
        });
      },
      () => {},
      { exports: ['arm', 'fired'] },
    );
    const r = await grade(
      timers,
      `const log: number[] = [];
      export function arm() {
        setTimeout(() => log.push(5), 5);
        setTimeout(() => log.push(10), 10);
        const never = setTimeout(() => log.push(7), 7);
        clearTimeout(never);
      }
      export function fired() { return [...log]; }`,
    );
    vexpect(r.tests.map((t) => t.message ?? t.status)).toEqual(['pass']);
  });

  it('spinning on Date.now() outside any run, where time does not move, is a busy-wait verdict, not a hang', async () => {
    const spin = bundle((t) => {
      t.test('spins before any run', (ctx) => {
        ctx.load().spin();
      });
    }, () => {}, { exports: ['spin'] });
    const r = await grade(spin, `export function spin() { const end = Date.now() + 100; while (Date.now() < end) {} }`);
    vexpect(r.tests[0].status).toBe('error'); // learner code threw
    vexpect(r.tests[0].message).toMatch(/^Error: Busy-wait detected outside the simulation: .* \(at learner\.ts:1:\d+\)$/);
  });

  it('the driver modules are read-only for learner code: changing them fails clearly and changes nothing', async () => {
    const one = bundle(
      (t) => {
        t.test('first', async (ctx) => {
          const { quorum } = ctx.load();
          expect(quorum(), 'types.consistencies.quorum as the learner sees it').to.equal(4);
        });
      },
      () => {},
      { exports: ['quorum'] },
    );
    const r = await grade(
      one,
      `import { types } from 'cassandra-driver';
       export function quorum() { const q = types.consistencies.quorum; (types.consistencies as any).quorum = 1; return q; }`,
    );
    vexpect(r.tests[0].status).toBe('error');
    vexpect(r.tests[0].message).toMatch(/^Built-ins are read-only in exercises .*: TypeError: Cannot assign to read only property 'quorum'/);
    vexpect(types.consistencies.quorum).toBe(4);
  });

  it('traces of huge worlds are cut to keep results small', async () => {
    const big = bundle(
      (t) => {
        t.test('many reads then a failure', async (ctx) => {
          const world = ctx.world();
          world.cassandraPut('orders', ORDER);
          const client = world.cassandraClient({ zone: 'A', contactPoints: ['A'] });
          const { read } = ctx.load();
          await world.run(async () => {
            for (let i = 0; i < 1500; i++) await read({ cassandra: client }, 'o-1');
          });
          t.fail('always fails');
        });
      },
      () => {},
      { exports: ['read'] },
    );
    const r = await grade(big, GOOD);
    const trace = r.tests[0].trace as { journal: unknown[]; journalTruncated?: number };
    vexpect(r.tests[0].message).toBe('always fails');
    vexpect(JSON.stringify(trace).length).toBeLessThan(1_500_000);
    vexpect(trace.journalTruncated).toBeGreaterThan(0);
  });

  it('a trace stays under its cap however large the history learner code makes (long keys, many requests)', async () => {
    // The history records every request with its key: learner code chooses both how many and how long.
    const ex = bundle(
      (t) => {
        for (const [name, reads, keyChars] of [['few reads of huge keys', 20, 150_000], ['many reads', 4000, 10]] as const) {
          t.test(name, async (ctx) => {
            const world = ctx.world();
            const client = world.cassandraClient({ zone: 'A', contactPoints: ['A'] });
            await world.run(() => ctx.load().flood(client, reads, keyChars));
            t.fail('always fails');
          });
        }
      },
      () => {},
      { exports: ['flood'] },
    );
    // each test as the host hears of it when it finishes (the final results may leave traces out)
    const reported: TestResult[] = [];
    const r = await runExercise({
      exercise: ex,
      learnerJs: compile(`export async function flood(client: any, reads: number, keyChars: number) {
         const key = 'k'.repeat(keyChars);
         for (let i = 0; i < reads; i++) await client.execute('SELECT id FROM orders WHERE id = ?', [key], { prepare: true }).catch(() => {});
       }`),
      mode: 'run',
      onTestResult: (t) => reported.push(t),
    });
    vexpect(reported.map((t) => t.message)).toEqual(['always fails', 'always fails']);
    for (const test of reported) vexpect(JSON.stringify(test.trace ?? null).length).toBeLessThanOrEqual(MAX_TRACE_CHARS);
    vexpect(reported[1].trace).toMatchObject({ historyTruncated: 8000 - 2000 }); // an invoke and an ok per read
    vexpect(JSON.stringify(r).length).toBeLessThanOrEqual(MAX_RESULTS_CHARS);
  });
});
