/**
 * The property phase of a hidden suite: an invariant of the task, checked over many generated
 * scenarios, and shrunk to a minimal failing one (docs/CONTRACTS.md "Properties").
 *
 * Generation and shrinking are fast-check's: each case is one `fc.check` of one generated value,
 * seeded with the case's own seed, so a single integer names a case (`--seed <n>` replays it: the
 * same value is generated, fails the same way and shrinks the same way — shrinking is deterministic
 * because every run of learner code is a seeded simulation). The simulator world of a case is seeded
 * with the same integer, and keeps that seed while the scenario shrinks.
 *
 * Pure TypeScript: no DOM, no Node built-ins, no clock, no Math.random (every `fc.check` gets a seed).
 */
import * as fc from 'fast-check';

export { fc };

/** Defaults: generated cases per property per Submit, and re-runs spent on shrinking one failure. */
export const DEFAULT_RUNS = 50;
export const DEFAULT_MAX_SHRINKS = 60;

export interface PropertySpec<C = unknown> {
  /** The scenarios: a fast-check arbitrary (shared ones: `gen` in ./generators). */
  cases: fc.Arbitrary<C>;
  /** One scenario in plain words: what the learner reads for the minimal failing case. */
  describe: (c: C) => string;
  /** Generated cases per Submit (default 50). */
  runs: number;
  /** Re-runs spent shrinking a failure (default 60); the smallest failing case found by then is reported. */
  maxShrinks: number;
  /** The check, run once per case with a fresh context (`ctx.seed` = the case's seed). */
  body: (ctx: import('./api').TestContext, c: C) => unknown | Promise<unknown>;
}

/** What one run of one case came to (the runner's attempt; only `status` matters here). */
export interface CaseOutcome {
  status: 'pass' | 'fail' | 'error';
  /** A failure no smaller case could explain better (the console flooded): reported as it is, not shrunk. */
  unshrinkable?: boolean;
}

export interface PropertyFailure<A extends CaseOutcome> {
  /** The seed of the generated case (replays it: `--seed <n>`). */
  seed: number;
  /** The minimal failing case, its outcome, and its scenario in words. */
  value: unknown;
  outcome: A;
  words: string;
  /** Generated cases run before this one failed (this one included). */
  cases: number;
  /** Smaller failing cases found while shrinking (0: the generated case was already minimal). */
  shrinks: number;
}

export type PropertyResult<A extends CaseOutcome> =
  | { ok: true; cases: number }
  | { ok: false; failure: PropertyFailure<A> }
  | { ok: false; broken: string };

/** A 31-bit mix of a string (FNV-1a). */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A 31-bit avalanche of an integer (splitmix32's finaliser). */
function mix(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 1;
}

/**
 * The seeds of a property's cases for one Submit: `runs` integers drawn from the property's name and
 * the suite's base seed. The same name and base always give the same cases (a Submit is repeatable);
 * two properties do not share cases.
 */
export function caseSeeds(name: string, runs: number, base = 1): number[] {
  const h = hashName(name) ^ mix(base);
  return Array.from({ length: runs }, (_, i) => mix(h + i) || i + 1);
}

/**
 * Runs the cases of `spec` in turn until one fails, then shrinks that one. `attempt(seed, value)` runs
 * the property's check once on a fresh context and never throws.
 */
export async function runProperty<A extends CaseOutcome>(
  spec: PropertySpec,
  seeds: number[],
  attempt: (seed: number, value: unknown) => Promise<A>,
): Promise<PropertyResult<A>> {
  for (let i = 0; i < seeds.length; i++) {
    const seed = seeds[i];
    // Fast path: most cases pass. `fc.sample` with the seed gives the value `fc.check` would try first
    // (test/grading/property.test.ts checks it), for a fraction of a full check's set-up.
    let first: unknown;
    try {
      first = fc.sample(spec.cases, { seed, numRuns: 1 })[0];
    } catch (e) {
      return { ok: false, broken: `The property's scenarios could not be generated: ${e instanceof Error ? e.message : String(e)}` };
    }
    const outcome = await attempt(seed, first);
    if (outcome.status === 'pass') continue;
    if (outcome.unshrinkable) return { ok: false, failure: { seed, value: first, outcome, words: describeCase(spec, first), cases: i + 1, shrinks: 0 } };
    // It failed: run it again under fast-check, which shrinks it (every run is a seeded simulation: the
    // first run fails the same way — if it does not, the first failure stands, below).
    let failing: { value: unknown; outcome: A } | null = null;
    let shrinks = 0;
    let reruns = 0;
    const property = fc.asyncProperty(spec.cases, async (value) => {
      if (failing) {
        // Shrinking: once the budget is spent, report the smallest failing case found so far.
        if (reruns >= spec.maxShrinks) return true;
        reruns++;
      }
      const outcome = await attempt(seed, value);
      if (outcome.status === 'pass') return true;
      // fast-check adopts every failing candidate and shrinks on from it: the last one is minimal.
      if (failing) shrinks++;
      failing = { value, outcome };
      return false;
    });
    let failed: boolean;
    try {
      failed = (await fc.check(property, { seed, numRuns: 1 })).failed;
    } catch (e) {
      return { ok: false, broken: `The property's scenarios could not be generated: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (failed && failing) {
      const f: { value: unknown; outcome: A } = failing;
      return { ok: false, failure: { seed, value: f.value, outcome: f.outcome, words: describeCase(spec, f.value), cases: i + 1, shrinks } };
    }
    // The same case passed when run again: the code answered one scenario two ways. The case failed,
    // so the property fails, with the first outcome (a second chance would pass code that can tell a
    // re-run from a first run).
    return { ok: false, failure: { seed, value: first, outcome, words: describeCase(spec, first), cases: i + 1, shrinks: 0 } };
  }
  return { ok: true, cases: seeds.length };
}

function describeCase(spec: PropertySpec, value: unknown): string {
  try {
    return String(spec.describe(value));
  } catch (e) {
    return `(the scenario could not be described: ${e instanceof Error ? e.message : String(e)})`;
  }
}
