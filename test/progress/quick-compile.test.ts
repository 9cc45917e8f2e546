/**
 * The quick compiler (src/browser/quick-compile.ts) takes only code it can compile as esbuild would,
 * and maps errors back to the learner's line and column. (Its Runs equal esbuild's on every learner
 * file on record: test/differential/quick-compile.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { quickCompile } from '../../src/browser/quick-compile';
import { inlineSourceMap, originalPosition } from '../../src/grading/sourcemap';
import { compileLearnerTs } from '../../scripts/lib/compile';

/** The CommonJS module `js` evaluated with `modules` as what `require` knows. */
function load(js: string, modules: Record<string, unknown> = {}): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  new Function('require', 'module', 'exports', `"use strict";\n${js}`)((n: string) => modules[n], module, module.exports);
  return module.exports;
}

describe('quickCompile', () => {
  it('strips types and turns imports and exports into require', async () => {
    const js = quickCompile(
      [
        "import { Client, types } from 'cassandra-driver';",
        "import type { Pool } from 'pg';",
        'export class Reader {',
        '  constructor(private readonly client: Client, public level: number = types.consistencies.quorum) {}',
        '}',
        'export async function read(c: Client, p?: Pool): Promise<string> { const r = await (c as any).execute(); return `${types.consistencies.quorum}:${r}`; }',
        'export const later = () => read;',
      ].join('\n'),
      'solution.ts',
    );
    expect(js).not.toBeNull();
    const driver = { Client: class {}, types: { consistencies: { quorum: 4 } } };
    const m = load(js!, { 'cassandra-driver': driver });
    const r = new (m.Reader as new (c: unknown) => { level: number })({});
    expect(r.level).toBe(4);
    expect(Object.keys(r)).toEqual(['client', 'level']);
    await expect((m.read as (c: unknown) => Promise<string>)({ execute: async () => 'row' })).resolves.toBe('4:row');
    expect((m.later as () => unknown)()).toBe(m.read);
  });

  it('keeps class fields as JavaScript defines them, as esbuild does for es2022', () => {
    const code = 'export class A { x = 1; } export class B extends A { y = this.x + 1; declare z: number; }';
    const quick = load(quickCompile(code, 'solution.ts')!);
    const esb = compileLearnerTs(code, 'solution.ts');
    expect(esb.ok).toBe(true);
    const ref = load(esb.ok ? esb.js : '');
    const own = (m: Record<string, unknown>) => Object.getOwnPropertyNames(new (m.B as new () => object)());
    expect(own(quick)).toEqual(own(ref));
  });

  const ESBUILD_REPORTS = 'esbuild then reports it';
  const RUNS_DIFFERENTLY = 'sucrase would run it differently';
  it.each([
    ['a syntax error', 'export const x = ;', ESBUILD_REPORTS],
    ['a declaration V8 refuses', 'let a = 1;\nlet a = 2;\nexport { a };', ESBUILD_REPORTS],
    ['top-level await (esbuild refuses it for CommonJS)', "const r = await Promise.resolve(1);\nexport { r };", ESBUILD_REPORTS],
    ['strict-mode-only syntax', 'export function f(o: any) { with (o) { return x; } }', ESBUILD_REPORTS],
    ['an octal literal', 'export const n = 010;', ESBUILD_REPORTS],
    ['a namespace (sucrase would drop its body)', 'namespace N { export const a = 1; }\nexport const b = N.a;', RUNS_DIFFERENTLY],
    ['an enum (esbuild inlines its members)', 'class C { static d = E.X; }\nenum E { X = 7 }\nexport const d = C.d;', RUNS_DIFFERENTLY],
    ['an import after other code (esbuild runs imports first)', "export const t = typeof Client;\nimport { Client } from 'pg';", RUNS_DIFFERENTLY],
    ["import() (esbuild's namespace object is not sucrase's)", "export const later = () => import('pg');", RUNS_DIFFERENTLY],
    ['an exported let (esbuild exports the binding, sucrase a copy)', 'export let n = 1;\nexport function bump() { n++; }', RUNS_DIFFERENTLY],
    ['an interface between two lines the browser would join', 'const a = [1]\ninterface I {}\n[0].forEach(() => {})', RUNS_DIFFERENTLY],
  ])('declines %s (%s)', (_what, code) => {
    expect(quickCompile(code, 'solution.ts')).toBeNull();
  });

  it("maps a generated position back to the learner's line and column, past non-ASCII text", () => {
    const code = "// é — ünïcödé first\ninterface A { x: number }\nexport function f(a: number, b: string): number { if (a > 1) throw new Error('boom'); return a; }\n";
    const js = quickCompile(code, 'solution.ts')!;
    const lines = js.split('\n');
    const line = lines.findIndex((l) => l.includes('throw new Error'));
    const column = lines[line].indexOf('throw new Error');
    expect(originalPosition(inlineSourceMap(js)!, line + 1, column + 1)).toBe(`solution.ts:3:${code.split('\n')[2].indexOf('throw') + 1}`);
  });
});
