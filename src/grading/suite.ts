/**
 * The test-definition machinery: what `defineTests` builds (the collected `TestEntry` list) and what
 * the runner (./index) reads (`isTestModule`, `isAssertionFailure`).
 * Exercise authors use ./api, which re-exports only their part of this module; the dependency test
 * (test/lint/boundaries.test.ts) keeps exercises from importing this file.
 *
 * Pure TypeScript: no DOM, no Node built-ins.
 */
import { expect as chaiExpect, AssertionError } from 'chai';
import type { World, WorldOptions } from './world';
import { DEFAULT_MAX_SHRINKS, DEFAULT_RUNS, fc, type PropertySpec } from './property';


/** Learner module as loaded by `ctx.load()`: its `module.exports`. */
export type LearnerModule = Record<string, any>;

export interface TestOptions {
  /** What happens to the system, in plain words (shown for failed hidden tests). */
  scenario?: string;
  /** A nudge shown when this test fails. */
  hint?: string;
  /** Run once per seed; `ctx.seed` is the current one. Default: a single run with seed 1. */
  seeds?: number[];
  /** Per-test virtual-time budget for simulator worlds (ms of simulated time). */
  maxVirtualMs?: number;
  /** Per-test simulator event budget. */
  maxEvents?: number;
}

export interface TestContext {
  /** The seed of this run (one of `seeds`, or 1). */
  readonly seed: number;
  /** The exercise test's full name (`describe > test`). */
  readonly name: string;
  /** Evaluate the learner module afresh and return its exports. */
  load<M = LearnerModule>(): M;
  /** Create a simulator world seeded with `ctx.seed` (and the test's budgets). */
  world(options?: WorldOptions): World;
  /** Fail the test with exactly this message. */
  fail(message: string): never;
}

export type TestBody = (ctx: TestContext) => unknown | Promise<unknown>;

/**
 * A property: an invariant the task states, checked over generated scenarios (`t.property`).
 * Its name is the task sentence it checks.
 */
export interface PropertyOptions<C> {
  /** The scenarios: a fast-check arbitrary; the shared generators are `gen.*`. */
  cases: fc.Arbitrary<C>;
  /** One scenario in plain words (shown for the minimal failing case); `words.*` help. */
  scenario: (c: C) => string;
  /** A nudge shown when the property fails. */
  hint?: string;
  /** Generated cases per Submit. Default 50. */
  runs?: number;
  /** Re-runs spent shrinking a failure. Default 60. */
  maxShrinks?: number;
  /** Per-case virtual-time budget for simulator worlds (ms of simulated time). */
  maxVirtualMs?: number;
  /** Per-case simulator event budget. */
  maxEvents?: number;
}
export type PropertyBody<C> = (ctx: TestContext, scenario: C) => unknown | Promise<unknown>;
export type Hook = (ctx: TestContext) => unknown | Promise<unknown>;

export interface TestBuilder {
  describe(name: string, body: () => void): void;
  test(name: string, body: TestBody): void;
  test(name: string, options: TestOptions, body: TestBody): void;
  /**
   * A property: `body` runs once per generated scenario (each on a fresh context whose `ctx.seed`,
   * the case's seed, also seeds its world); a failing scenario is shrunk to a minimal one.
   */
  property<C>(sentence: string, options: PropertyOptions<C>, body: PropertyBody<C>): void;
  beforeEach(hook: Hook): void;
  afterEach(hook: Hook): void;
  /** Fail the current test with exactly this message. */
  fail(message: string): never;
}

/** One collected test, in file order. */
export interface TestEntry {
  /** Full name, `describe > test`. */
  name: string;
  /** The name as written in `t.test(…)` (without describe prefixes). */
  ownName: string;
  /** How many earlier tests in the file have the same `ownName` (to find its source text). */
  ownNameIndex: number;
  options: TestOptions;
  body: TestBody;
  beforeEach: Hook[];
  afterEach: Hook[];
  /** Set for a property (`t.property`): its generator and check; `body` is then unused. */
  property?: PropertySpec;
}

export interface TestModule {
  readonly kind: 'quorum-course-tests';
  /** Collect the tests (calls the definition function again each time). */
  collect(): TestEntry[];
}

export const NAME_SEPARATOR = ' > ';

/** Thrown by `fail(message)`: reported with exactly `message`. */
export class TestFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TestFailure';
  }
}

export function fail(message: string): never {
  throw new TestFailure(String(message));
}

/** Is this error an assertion failure (→ status `fail`) rather than a crash (→ `error`)? */
export function isAssertionFailure(e: unknown): boolean {
  try {
    return e instanceof TestFailure || e instanceof AssertionError;
  } catch {
    return false; // e.g. a Proxy whose getPrototypeOf trap throws
  }
}

export function defineTests(define: (t: TestBuilder) => void): TestModule {
  return {
    kind: 'quorum-course-tests',
    collect() {
      const entries: TestEntry[] = [];
      const seen = new Map<string, number>();
      type Frame = { name: string | null; before: Hook[]; after: Hook[] };
      const stack: Frame[] = [{ name: null, before: [], after: [] }];
      const frames = new Map<TestEntry, Frame[]>();
      let collecting = true;
      const guard = (what: string) => {
        if (!collecting) throw new Error(`t.${what}() must be called while the tests are being defined, not inside a test`);
      };
      const add = (name: string, options: TestOptions, body: TestBody): TestEntry => {
        const prefix = stack.map((s) => s.name).filter((n): n is string => n !== null);
        const full = [...prefix, name].join(NAME_SEPARATOR);
        if (entries.some((e) => e.name === full)) throw new Error(`Two tests are named "${full}": test names must be unique`);
        const ownNameIndex = seen.get(name) ?? 0;
        seen.set(name, ownNameIndex + 1);
        const entry: TestEntry = { name: full, ownName: name, ownNameIndex, options, body, beforeEach: [], afterEach: [] };
        frames.set(entry, [...stack]);
        entries.push(entry);
        return entry;
      };
      const builder: TestBuilder = {
        describe(name, body) {
          guard('describe');
          if (typeof name !== 'string' || !name) throw new Error('t.describe(name, fn): name must be a non-empty string');
          stack.push({ name, before: [], after: [] });
          try {
            body();
          } finally {
            stack.pop();
          }
        },
        test(name: string, a: TestOptions | TestBody, b?: TestBody) {
          guard('test');
          const options: TestOptions = typeof a === 'function' ? {} : a ?? {};
          const body = typeof a === 'function' ? a : b;
          if (typeof name !== 'string' || !name) throw new Error('t.test(name, …): name must be a non-empty string');
          if (typeof body !== 'function') throw new Error(`t.test("${name}"): the last argument must be the test function`);
          if (options.seeds !== undefined) {
            if (!Array.isArray(options.seeds) || options.seeds.length === 0 || !options.seeds.every((s) => Number.isInteger(s)))
              throw new Error(`t.test("${name}"): seeds must be a non-empty array of integers`);
          }
          add(name, options, body);
        },
        property<C>(sentence: string, options: PropertyOptions<C>, body: PropertyBody<C>) {
          guard('property');
          if (typeof sentence !== 'string' || !sentence) throw new Error('t.property(sentence, …): the sentence must be a non-empty string');
          const where = `t.property("${sentence}")`;
          if (!options || !(options.cases instanceof fc.Arbitrary))
            throw new Error(`${where}: options.cases must be a fast-check arbitrary (e.g. gen.outage(…))`);
          if (typeof options.scenario !== 'function') throw new Error(`${where}: options.scenario must say a case in words: (c) => string`);
          if (typeof body !== 'function') throw new Error(`${where}: the last argument must be the check, (ctx, scenario) => …`);
          const count = (v: number | undefined, what: string, dflt: number) => {
            if (v === undefined) return dflt;
            if (!Number.isInteger(v) || v < 1) throw new Error(`${where}: ${what} must be a positive integer`);
            return v;
          };
          const spec: PropertySpec = {
            cases: options.cases as fc.Arbitrary<unknown>,
            describe: options.scenario as (c: unknown) => string,
            runs: count(options.runs, 'runs', DEFAULT_RUNS),
            maxShrinks: count(options.maxShrinks, 'maxShrinks', DEFAULT_MAX_SHRINKS),
            body: body as PropertySpec['body'],
          };
          const testOptions: TestOptions = { hint: options.hint, maxVirtualMs: options.maxVirtualMs, maxEvents: options.maxEvents };
          add(sentence, testOptions, () => {
            throw new Error(`${where} is a property: the grader runs it with its generated scenarios`);
          }).property = spec;
        },
        beforeEach(hook) {
          guard('beforeEach');
          stack[stack.length - 1].before.push(hook);
        },
        afterEach(hook) {
          guard('afterEach');
          stack[stack.length - 1].after.push(hook);
        },
        fail,
      };
      define(builder);
      collecting = false;
      // hooks apply to every test of their scope, wherever they were declared in it
      for (const e of entries) {
        const fs = frames.get(e)!;
        e.beforeEach = fs.flatMap((f) => f.before);
        e.afterEach = fs.flatMap((f) => [...f.after].reverse()).reverse();
      }
      return entries;
    },
  };
}

export function isTestModule(v: unknown): v is TestModule {
  return typeof v === 'object' && v !== null && (v as TestModule).kind === 'quorum-course-tests';
}

/** chai's `expect`. Learner code cannot change the built-ins it relies on (src/grading/sandbox.ts). */
export const expect: typeof chaiExpect = chaiExpect;
