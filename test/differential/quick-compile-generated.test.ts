/**
 * The quick compiler (src/browser/quick-compile.ts, sucrase) against the compiler of record (esbuild
 * with the site's options, scripts/lib/compile.ts) on generated programs: each program is a few
 * fragments of quick-compile-programs.ts in any order, compiled both ways and evaluated as the grader
 * evaluates learner code (a strict function body given require, module, exports and console). The
 * quick compiler must decline (null) or give what the grader would observe of esbuild's output:
 * console output, whether loading threw and what (class and message), every export by name (key
 * order aside: the grader reads exports by name), then every exported function's result (classes
 * are instantiated) and the exports again (bindings that changed). A program esbuild refuses must be
 * declined. On a mismatch fast-check shrinks the program and prints it with the seed; set
 * QC_DIFF_SEED / QC_DIFF_RUNS to explore further.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quickCompile } from '../../src/browser/quick-compile';
import { SITE_LEARNER_FILE } from '../../src/grading/compile-options';
import { describeThrown, formatArgs, inspect } from '../../src/grading/format';
import { compileLearnerTs } from '../../scripts/lib/compile';
import { FRAGMENTS, RED_TEAM } from './quick-compile-programs';

const SEED = Number(process.env.QC_DIFF_SEED ?? 20260301);
const RUNS = Number(process.env.QC_DIFF_RUNS ?? 300);

class Client {}
class Pool {}
class Kafka {}
/** What `require` gives learner code: small stand-ins for the driver modules, frozen as the grader's are. */
const MODULES: Record<string, object> = Object.freeze({
  'cassandra-driver': Object.freeze({ Client, types: Object.freeze({ consistencies: Object.freeze({ one: 1, quorum: 4 }) }), errors: Object.freeze({}) }),
  pg: Object.freeze({ Pool, Client }),
  kafkajs: Object.freeze({ Kafka }),
});

function fakeRequire(name: string): object {
  if (Object.prototype.hasOwnProperty.call(MODULES, name)) return MODULES[name];
  throw new Error(`Module '${name}' is not available in this exercise.`);
}

/** What the grader can observe of one compiled module. */
interface Observed {
  log: string[];
  load: string;
  exports: Record<string, string>;
  calls: Record<string, string>;
  exportsAfterCalls: Record<string, string>;
}

type Seen = { compiled: false; message: string } | { compiled: true; observed: Observed };

const isClass = (f: unknown) => typeof f === 'function' && Function.prototype.toString.call(f).startsWith('class');

/** Each export, by name, as the grader's console would print it. */
function exportsByName(exp: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(exp).sort()) {
    try {
      out[name] = inspect(exp[name]);
    } catch (e) {
      out[name] = `threw ${describeThrown(e)}`;
    }
  }
  return out;
}

/** Call an exported function (instantiate an exported class) as a test would; its result or what it threw. */
async function callExport(f: unknown): Promise<string> {
  try {
    const ctor = f as new () => unknown;
    const result = isClass(f) ? new ctor() : await (f as () => unknown)();
    return inspect(result);
  } catch (e) {
    return `threw ${describeThrown(e)}`;
  }
}

/** Evaluate `js` as src/grading/sandbox.ts does (minus the compartment) and observe it. */
async function observe(js: string): Promise<Observed> {
  const log: string[] = [];
  const learnerConsole = { log: (...args: unknown[]) => log.push(formatArgs(args)) };
  const module = { exports: {} as Record<string, unknown> };
  const seen: Observed = { log, load: 'ok', exports: {}, calls: {}, exportsAfterCalls: {} };
  try {
    new Function('require', 'module', 'exports', 'console', `"use strict";\n${js}`)(fakeRequire, module, module.exports, learnerConsole);
  } catch (e) {
    seen.load = `threw ${describeThrown(e)}`;
    return seen;
  }
  const exp = module.exports;
  seen.exports = exportsByName(exp);
  for (const name of Object.keys(seen.exports)) {
    if (typeof exp[name] === 'function') seen.calls[name] = await callExport(exp[name]);
  }
  seen.exportsAfterCalls = exportsByName(exp);
  return seen;
}

async function byEsbuild(code: string): Promise<Seen> {
  const out = compileLearnerTs(code, SITE_LEARNER_FILE);
  return out.ok ? { compiled: true, observed: await observe(out.js) } : { compiled: false, message: out.message };
}

const counts = { programs: 0, answered: 0 };

/** null when the quick compiler declines or agrees with esbuild, else what differs (for the failure message). */
async function difference(code: string): Promise<string | null> {
  counts.programs++;
  const quick = quickCompile(code, SITE_LEARNER_FILE);
  if (quick === null) return null;
  counts.answered++;
  const [q, e] = [await observe(quick), await byEsbuild(code)];
  if (e.compiled && JSON.stringify(q) === JSON.stringify(e.observed)) return null;
  const esbuildSide = e.compiled ? JSON.stringify(e.observed, null, 1) : `refused to compile it: ${e.message}`;
  return `program:\n${code}\n\nquick compiler:\n${JSON.stringify(q, null, 1)}\n\nesbuild:\n${esbuildSide}`;
}

/** A program: a few fragments, each at most once, in any order, on lines of their own (after a `;` or not). */
const program = (names: string[], max: number) =>
  fc
    .tuple(fc.shuffledSubarray(names, { minLength: 1, maxLength: max }), fc.constantFrom('\n', ';\n'))
    .map(([picked, between]) => picked.map((n) => FRAGMENTS[n]).join(between));

async function assertNoDifference(code: string): Promise<void> {
  const diff = await difference(code);
  if (diff) throw new Error(diff);
}

describe('the quick compiler declines, or runs code as esbuild does', () => {
  it.each(Object.keys(FRAGMENTS))('%s', async (name) => {
    await assertNoDifference(FRAGMENTS[name]);
  });

  it.each(Object.keys(RED_TEAM))('red team: %s', async (name) => {
    await assertNoDifference(RED_TEAM[name]);
  });

  it(`generated programs of up to 5 fragments (seed ${SEED}, ${RUNS} runs)`, async () => {
    await fc.assert(fc.asyncProperty(program(Object.keys(FRAGMENTS), 5), assertNoDifference), { seed: SEED, numRuns: RUNS });
  }, 60_000);

  it(`generated programs of the fragments it answers for (seed ${SEED}, ${RUNS} runs)`, async () => {
    const taken = Object.keys(FRAGMENTS).filter((n) => quickCompile(FRAGMENTS[n], SITE_LEARNER_FILE) !== null);
    const before = { ...counts };
    await fc.assert(fc.asyncProperty(program(taken, 6), assertNoDifference), { seed: SEED, numRuns: RUNS });
    const [programs, answered] = [counts.programs - before.programs, counts.answered - before.answered];
    console.log(`the quick compiler answered for ${answered} of ${programs} programs, all as esbuild`);
    // Not vacuous: many of these programs were compiled by the quick compiler and compared (the
    // others put an import after code, or meet another fragment's names).
    expect(answered).toBeGreaterThan(programs / 3);
  }, 60_000);
});

describe('the quick compiler still answers for everyday code', () => {
  it.each([
    'import named',
    'import type-only',
    'uses an import in a function',
    'parameter properties and fields',
    'parameter property over a base accessor',
    'parameter property and code before super()',
    'class fields',
    'exported class with a parameter property',
    'abstract class and overrides',
    'exported const read before its declaration',
    'default export of a named function',
    'overload signatures',
    'generic arrow',
    'generic call',
    'instantiation expression',
    'satisfies and as const',
    'statement starting with a bracket',
    'plain functions and a class',
    'await in async functions and methods',
    'an import used in many places',
    'exported consts used by functions',
    'parameter properties after a comment on the brace line',
    'declare field with semicolons',
    'exported overloads',
  ])('%s', (name) => {
    expect(quickCompile(FRAGMENTS[name], SITE_LEARNER_FILE)).not.toBeNull();
  });
});
