/**
 * The learner's TypeScript as the quick compiler hands it to sucrase, so that sucrase's output runs
 * as esbuild's does, every line and column of the learner's code left where it was (the source map
 * stays right):
 *  - each class with parameter properties declares them as fields first, after its `{` (what esbuild
 *    does, quick-compile-classes.ts);
 *  - `export const x = …` loses its `export` (six spaces instead) and `exports.x = x;` is run once the
 *    module has loaded. sucrase would read every use of `x` through `exports.x`, which is `undefined`
 *    where esbuild's `x` throws (before its declaration has run); an exported `const` never changes,
 *    and the grader reads exports only once the module has loaded.
 */
import { parameterPropertyClasses } from './quick-compile-classes';
import { exportStatements } from './quick-compile-modules';
import type { Scanned } from './quick-compile-scan';

export interface ForSucrase {
  /** The code to compile (same lines and columns as the learner's). */
  source: string;
  /** JavaScript to run after sucrase's output. */
  suffix: string;
}

interface Edit {
  at: number;
  length: number;
  insert: string;
}

export function forSucrase(s: Scanned): ForSucrase {
  const fields: Edit[] = parameterPropertyClasses(s).map((c) => ({ at: s.tokens[c.bodyOpen].end, length: 0, insert: c.names.map((n) => `${n};`).join('') }));
  const consts = exportStatements(s).filter((e) => e.kind === 'const');
  const unexported: Edit[] = consts.map((e) => ({ at: s.tokens[e.start].start, length: 'export'.length, insert: ' '.repeat('export'.length) }));
  return { source: applyEdits(s.code, [...fields, ...unexported]), suffix: consts.map((e) => `exports.${e.names[0].name} = ${e.names[0].name};`).join(' ') };
}

function applyEdits(code: string, edits: Edit[]): string {
  let out = code;
  for (const e of [...edits].sort((a, b) => b.at - a.at)) out = out.slice(0, e.at) + e.insert + out.slice(e.at + e.length);
  return out;
}
