/**
 * The property phase of the test API (`t.property`): generated cases from the seed, shrinking to a
 * minimal failing case, and what the results say about it.
 */
import { describe, expect, it } from 'vitest';
import { defineTests, fc, gen, words } from '../../src/grading/api';
import { runExercise } from '../../src/grading/index';
import { caseSeeds, runProperty, type PropertySpec } from '../../src/grading/property';
import { bundle, byName, compile, grade } from './helpers';

const SENTENCE = 'Return the sum of the list, whatever numbers it holds.';

/** A property over lists of integers: `sum(xs)` must equal the real sum. */
function sumSuite(runs = 50) {
  return bundle(
    () => {},
    (t) => {
      t.property(
        SENTENCE,
        {
          cases: fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 8 }),
          scenario: (xs) => `the list is [${xs.join(', ')}]`,
          hint: 'Add every number.',
          runs,
        },
        (ctx, xs) => {
          const { sum } = ctx.load<{ sum: (xs: number[]) => number }>();
          const want = xs.reduce((a, b) => a + b, 0);
          const got = sum(xs);
          if (got !== want) ctx.fail(`sum([${xs.join(', ')}]) returned ${got}; expected ${want}.`);
        },
      );
    },
    { exports: ['sum'] },
  );
}

// Wrong for any list holding a number of 50 or more: the minimal failing list is [50].
const skipsBig = 'export function sum(xs: number[]) { return xs.filter((x) => x < 50).reduce((a, b) => a + b, 0); }';
const right = 'export function sum(xs: number[]) { return xs.reduce((a, b) => a + b, 0); }';

describe('t.property', () => {
  it('passes a correct solution after running every generated case', async () => {
    const r = await grade(sumSuite(40), right);
    const t = byName(r, SENTENCE);
    expect(t.status).toBe('pass');
    expect(t.visibility).toBe('hidden');
    expect(t.scenario).toBeUndefined();
    expect(t.hint).toBeUndefined();
  });

  it('reports a case that floods the console as it is: the flood is the failure, a smaller case would not explain it', async () => {
    // Every shrink step would print another 64 MB: a property's failing case is reported unshrunk.
    const floods = `const mb = 'x'.repeat(1024 * 1024);
      export function sum(xs: number[]) { if (xs.some((x) => x >= 50)) for (let i = 0; i < 70; i++) console.log(mb); return xs.reduce((a, b) => a + b, 0); }`;
    const t = byName(await grade(sumSuite(), floods), SENTENCE);
    expect(t.status).toBe('fail');
    expect(t.message).toMatch(/^This test printed more than 64 MB to the console/);
    expect(t.scenario).toMatch(/^the list is \[.*\] \(the first failing case, not made smaller: it failed on its console output, not on the scenario\)$/);
    expect(caseSeeds(SENTENCE, 50)).toContain(t.seed);
  });

  it('shrinks a failure to the minimal case and reports its sentence, scenario, seed and message', async () => {
    const r = await grade(sumSuite(), skipsBig);
    const t = byName(r, SENTENCE);
    expect(t.status).toBe('fail');
    expect(t.message).toBe('sum([50]) returned 0; expected 50.');
    expect(t.scenario).toMatch(/^the list is \[50\] \(the smallest failing case found(: made smaller \d+ times?)?\)$/);
    expect(t.hint).toBe('Add every number.');
    expect(Number.isInteger(t.seed)).toBe(true);
    expect(caseSeeds(SENTENCE, 50)).toContain(t.seed);
  });

  it('gives the same case, verdict and message for the same seed, and replays one case by its seed', async () => {
    const a = byName(await grade(sumSuite(), skipsBig), SENTENCE);
    const b = byName(await grade(sumSuite(), skipsBig), SENTENCE);
    expect(b).toMatchObject({ status: a.status, message: a.message, scenario: a.scenario, seed: a.seed });
    const replay = await runExercise({ exercise: sumSuite(), learnerJs: compile(skipsBig), mode: 'submit', seed: a.seed });
    const c = byName(replay, SENTENCE);
    expect(c.status).toBe('fail');
    expect(c.message).toBe(a.message);
    expect(c.seed).toBe(a.seed);
    expect(c.scenario).toBe(a.scenario);
  });

  it('runs each case on a fresh context seeded with the case seed, with different scenarios', async () => {
    const seen: { seed: number; xs: string }[] = [];
    const ex = bundle(
      () => {},
      (t) =>
        t.property('records', { cases: fc.array(fc.nat(9), { maxLength: 5 }), scenario: String, runs: 30 }, (ctx, xs) => {
          seen.push({ seed: ctx.seed, xs: xs.join(',') });
        }),
      { exports: [] },
    );
    await grade(ex, 'export {};');
    expect(seen.map((s) => s.seed)).toEqual(caseSeeds('records', 30));
    expect(new Set(seen.map((s) => s.xs)).size).toBeGreaterThan(10);
  });

  it("carries the failing case's world trace, seeded with the case seed, for the results panel", async () => {
    const ex = bundle(
      () => {},
      (t) =>
        t.property(
          'a crashed node stays down',
          { cases: gen.outage({ kinds: ['crash'] }), scenario: (o) => words.outage(o), runs: 5 },
          async (ctx, o) => {
            const world = ctx.world({});
            world.schedule(gen.outageFaults(o) as never);
            await world.run(() => world.sleep(10));
            ctx.fail(`failed on purpose (${o.nodes.join('')})`);
          },
        ),
      { exports: [] },
    );
    const t = byName(await grade(ex, 'export {};'), 'a crashed node stays down');
    expect(t.status).toBe('fail');
    // shrunk: one node, at 0 ms, for the shortest outage
    expect(t.message).toMatch(/^failed on purpose \([ABC]\)$/);
    expect(t.scenario).toMatch(/^at 0 ms node [ABC] crashes for 500 ms/);
    const trace = t.trace as { seed: number; faults: unknown[] };
    expect(trace.seed).toBe(t.seed);
    expect(trace.faults.length).toBeGreaterThan(0);
  });

  it('reports an error thrown by learner code in the minimal case as an error, with its location', async () => {
    const throwsOnBig = 'export function sum(xs: number[]) {\n  if (xs.some((x) => x > 70)) throw new RangeError("too big");\n  return xs.reduce((a, b) => a + b, 0);\n}';
    const t = byName(await grade(sumSuite(), throwsOnBig), SENTENCE);
    expect(t.status).toBe('error');
    expect(t.message).toMatch(/^RangeError: too big \(at learner\.ts:2:/);
    expect(t.scenario).toMatch(/^the list is \[71\]/);
  });

  it('refuses a property without a generator, a scenario text or a check', () => {
    const collect = (f: (t: Parameters<Parameters<typeof defineTests>[0]>[0]) => void) => () => defineTests(f).collect();
    expect(collect((t) => t.property('p', { cases: [1, 2] as never, scenario: String }, () => {}))).toThrow(/fast-check arbitrary/);
    expect(collect((t) => t.property('p', { cases: fc.nat(), scenario: 'x' as never }, () => {}))).toThrow(/in words/);
    expect(collect((t) => t.property('p', { cases: fc.nat(), scenario: String, runs: 0 }, () => {}))).toThrow(/runs must be a positive integer/);
    expect(collect((t) => t.property('p', { cases: fc.nat(), scenario: String }, undefined as never))).toThrow(/the check/);
  });
});

describe('runProperty: a case that failed once fails the property', () => {
  const spec: PropertySpec = {
    cases: fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 8 }),
    describe: (xs) => `the list is [${(xs as number[]).join(', ')}]`,
    runs: 20,
    maxShrinks: 60,
    body: () => {},
  };
  type Outcome = { status: 'pass' | 'fail' | 'error'; message: string };

  it.each([1, 2, 5])('when the code passes on the re-run what it failed the first time (failing case %i of the Submit), the first failure is reported', async (nth) => {
    // Code that can tell a re-run from a first run (memory kept across loads, or the real clock)
    // fails a case once and passes it from then on: a second chance must not pass it.
    const seeds = caseSeeds('a property', spec.runs);
    let calls = 0;
    const r = await runProperty<Outcome>(spec, seeds, async (seed) => {
      calls++;
      return calls === nth && seed === seeds[nth - 1] ? { status: 'fail', message: `failed first (call ${calls})` } : { status: 'pass', message: '' };
    });
    expect(r.ok).toBe(false);
    if (r.ok || !('failure' in r)) throw new Error('expected a failure');
    expect(r.failure.seed).toBe(seeds[nth - 1]);
    expect(r.failure.outcome).toEqual({ status: 'fail', message: `failed first (call ${nth})` });
    expect(r.failure.cases).toBe(nth);
    expect(r.failure.shrinks).toBe(0);
    expect(r.failure.words).toMatch(/^the list is \[/);
  });
});

describe('caseSeeds and generation', () => {
  it('the value fc.sample gives for a seed is the one fc.check tries first (the fast path runs that case)', async () => {
    const arb = fc.record({ o: gen.outage(), n: fc.array(fc.nat(9), { maxLength: 5 }), x: fc.option(fc.string()) });
    for (const seed of caseSeeds('any property', 100)) {
      let tried: unknown;
      await fc.check(
        fc.asyncProperty(arb, async (v) => {
          tried ??= v;
          return true;
        }),
        { seed, numRuns: 1 },
      );
      expect(fc.sample(arb, { seed, numRuns: 1 })[0]).toEqual(tried);
    }
  });

  it('gives each property its own cases, the same on every Submit', () => {
    expect(caseSeeds('a', 50)).toEqual(caseSeeds('a', 50));
    const a = new Set(caseSeeds('a', 50));
    expect(a.size).toBe(50);
    expect(caseSeeds('b', 50).filter((x) => a.has(x))).toEqual([]);
  });
});

describe('gen', () => {
  it('episodes are sorted, do not overlap, and turn into faults with their ends', () => {
    const eps = fc.sample(gen.episodes(gen.outage(), { max: 3 }), { seed: 7, numRuns: 50 });
    for (const es of eps) {
      for (let i = 1; i < es.length; i++) expect(es[i].at).toBeGreaterThanOrEqual(es[i - 1].at + es[i - 1].forMs);
    }
    const crash = { kind: 'crash' as const, nodes: ['B' as const], at: 100, forMs: 400, extraMs: 0 };
    expect(gen.outageFaults(crash, 1000)).toEqual([
      { at: 1100, kind: 'crash', node: 'B' },
      { at: 1500, kind: 'restart', node: 'B' },
    ]);
    expect(words.outage(crash)).toBe('at 100 ms node B crashes for 400 ms');
  });

  it('a counter history resets to a value below the last sample only at a restart', () => {
    for (const h of fc.sample(gen.counterHistory({ samples: [2, 8] }), { seed: 3, numRuns: 100 })) {
      h.values.forEach((v, i) => {
        if (i === 0) return;
        if (h.restarts.includes(i)) expect(v).toBe(h.growth[i - 1]);
        else expect(v - h.values[i - 1]).toBe(h.growth[i - 1]);
      });
    }
  });
});
