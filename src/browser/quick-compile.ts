/**
 * The quick compiler: learner TypeScript → CommonJS with sucrase, pure JavaScript that is ready in
 * milliseconds. It serves one case only: a Run pressed while esbuild-wasm is still starting (its
 * start costs about 2 CPU s, bench/results/esbuild-start.md), so that the learner's first Run does
 * not wait for it. esbuild stays the compiler of record: a Submit, every compile once esbuild is up,
 * what is kept for later visits and the Node CLI all use esbuild (src/grading/compile-options.ts).
 *
 * It only ever answers for code that esbuild would run the same way, or not at all (`null`: then the
 * Run waits for esbuild, which reports any error in its own words). The rule: sucrase
 * (`typescript` + `imports`, `disableESTransforms`) strips types and turns imports into `require`,
 * leaving every JavaScript construct as written, as esbuild does for es2022 — except where the two
 * differ in what the grader can observe (exports, values, console output, errors) or where esbuild
 * refuses code the grader's function body would run. Those constructs are found in sucrase's own
 * tokens of the learner's code (quick-compile-scan.ts: never in strings or comments) and the quick
 * compiler declines them (quick-compile-rules.ts, one rule each):
 *  - TypeScript with a value sucrase does not compile as esbuild: `namespace`/`module`, `enum`
 *    (esbuild inlines members), decorators and `using` (esbuild lowers them);
 *  - module forms: an `import` after other code (esbuild hoists imports), `import * as`, `import()`,
 *    `import x = …`, `export =`, any export but `export const x` / `function` / `class` /
 *    `default function f` / `default class C` (esbuild exports are getters over bindings), an
 *    imported or exported binding assigned to, `require` / `module` / `exports` / `eval` in learner code;
 *  - what a module refuses and a function body allows: `return` / `new.target` at the top level,
 *    `await` outside an async function, a top-level function or import declared twice;
 *  - a nested function or class named like another declaration (esbuild renames it: its `name`);
 *  - TypeScript removed at a line end before a line starting with `(`, `[`, `` ` ``, `+`, `-`, `/`,
 *    `<` (TypeScript ended the statement there; the browser would join the lines);
 *  - parameter properties that quick-compile-rewrite.ts cannot declare as fields without moving
 *    code, or whose `super(…)` sucrase would not follow as esbuild does.
 * Two differences are rewritten instead (quick-compile-rewrite.ts, keeping every line and column):
 * parameter properties are declared as fields first, as esbuild does, and `export const x` is
 * exported once the module has loaded, so that reads of `x` are not sucrase's `exports.x`.
 * Its output must also parse as the grader evaluates learner code (a strict function body,
 * src/grading/sandbox.ts), so anything else V8 refuses is esbuild's to report. What still differs:
 * the text V8 quotes from compiled code in some error messages (esbuild's `import_pg.Pool` and
 * renamed shadowing locals `x2`, sucrase's `_pg.Pool` and `x`), and functions' source text.
 * The source map is inline, as esbuild's, so stack frames map back to the learner's lines.
 * test/differential/quick-compile.test.ts grades every solution, wrong answer and fixture compiled
 * both ways and requires the same Run results; quick-compile-generated.test.ts runs generated
 * programs of all these constructs both ways and requires a decline or the same observed result.
 */
import { transform, type Options } from 'sucrase';
import { declineReason } from './quick-compile-rules';
import { forSucrase } from './quick-compile-rewrite';
import { scanTypeScript } from './quick-compile-scan';

export const QUICK_COMPILE_OPTIONS: Options = { transforms: ['typescript', 'imports'], disableESTransforms: true };

const utf8 = new TextEncoder();

/** Base64 of `text`'s UTF-8 bytes (what an inline source map holds). */
function base64Utf8(text: string): string {
  const bytes = utf8.encode(text);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** Whether V8 parses `js` as the grader wraps it (without running it). */
function parsesAsGraded(js: string): boolean {
  try {
    new Function('require', 'module', 'exports', 'console', `"use strict";\n${js}`);
    return true;
  } catch {
    return false;
  }
}

/** `code` compiled to CommonJS with an inline source map, or null when esbuild should decide (see above). */
export function quickCompile(code: string, file: string): string | null {
  const scanned = scanTypeScript(code);
  if (scanned === null || declineReason(scanned) !== null) return null;
  const { source, suffix } = forSucrase(scanned);
  let out: ReturnType<typeof transform>;
  try {
    out = transform(source, { ...QUICK_COMPILE_OPTIONS, filePath: file, sourceMapOptions: { compiledFilename: file } });
  } catch {
    return null;
  }
  const js = suffix ? `${out.code}\n${suffix}` : out.code;
  if (!out.sourceMap || !parsesAsGraded(js)) return null;
  const map = { ...out.sourceMap, sources: [file], sourcesContent: [code] };
  return `${js}\n//# sourceMappingURL=data:application/json;base64,${base64Utf8(JSON.stringify(map))}\n`;
}
