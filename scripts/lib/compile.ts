/** Learner TypeScript → the CommonJS the grader evaluates, with the browser's options (src/grading/compile-options.ts). */
import { createRequire } from 'node:module';
import type { Message } from 'esbuild';
import { learnerCompileOptions } from '#grading/compile-options';

export type Compiled = { ok: true; js: string } | { ok: false; message: string };

const nodeRequire = createRequire(import.meta.url);

/** `file:line:column: text`, as the CLI prints an esbuild error. */
export function formatEsbuildMessage(file: string, m: Message): string {
  const loc = m.location;
  return loc ? `${file}:${loc.line}:${loc.column + 1}: ${m.text}` : `${file}: ${m.text}`;
}

/** Compile learner TypeScript as the contract says; syntax errors name file:line:column. */
export function compileLearnerTs(code: string, file: string): Compiled {
  // loaded lazily: grading itself does not need esbuild
  const { transformSync } = nodeRequire('esbuild') as typeof import('esbuild');
  try {
    return { ok: true, js: transformSync(code, learnerCompileOptions(file)).code };
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors;
    if (errors?.length) return { ok: false, message: errors.map((m) => formatEsbuildMessage(file, m)).join('\n') };
    return { ok: false, message: `${file}: ${(e as Error).message}` };
  }
}
