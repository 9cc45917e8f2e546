/**
 * The quick compiler: learner TypeScript → CommonJS with sucrase, pure JavaScript that is ready in
 * milliseconds. It serves one case only: a Run pressed while esbuild-wasm is still starting (its
 * start costs about 2 CPU s, bench/results/esbuild-start.md), so that the learner's first Run does
 * not wait for it. esbuild stays the compiler of record: a Submit, every compile once esbuild is up,
 * what is kept for later visits and the Node CLI all use esbuild (src/grading/compile-options.ts).
 *
 * It only ever answers for code that esbuild would run the same way, or not at all (`null`: then the
 * Run waits for esbuild, which reports any error in its own words):
 *  - sucrase strips the types and turns `import`/`export` (also `import()`) into `require`, leaving
 *    every JavaScript construct as written (`disableESTransforms`), as esbuild does for es2022;
 *  - its output must parse as the grader evaluates learner code (a strict function body,
 *    src/grading/sandbox.ts), so anything V8 refuses is esbuild's to report;
 *  - the source map is inline, as esbuild's, so stack frames map back to the learner's lines.
 * test/differential/quick-compile.test.ts grades every solution, wrong answer and fixture compiled
 * both ways and requires the same Run results.
 */
import { transform, type Options } from 'sucrase';

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
  let out: ReturnType<typeof transform>;
  try {
    out = transform(code, { ...QUICK_COMPILE_OPTIONS, filePath: file, sourceMapOptions: { compiledFilename: file } });
  } catch {
    return null;
  }
  if (!out.sourceMap || !parsesAsGraded(out.code)) return null;
  const map = { ...out.sourceMap, sources: [file], sourcesContent: [code] };
  return `${out.code}\n//# sourceMappingURL=data:application/json;base64,${base64Utf8(JSON.stringify(map))}\n`;
}
