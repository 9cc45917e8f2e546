/**
 * `npm run verify`'s type check of exercise folders: the tests an author writes (harness.ts,
 * visible.test.ts, hidden.test.ts), checked in one TypeScript program (strict, against the test
 * API's and the simulator's own types), so a type error in a test is reported by the command that
 * proves the exercise gradable, at its file and line — esbuild, which compiles the tests for
 * grading, strips types without reading them. (starter.ts and solution.ts are learner code: the
 * editor checks them against the run-time globals and the drivers' declarations, and `npm run check`
 * against the real drivers' types.)
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const FILES = ['harness.ts', 'visible.test.ts', 'hidden.test.ts'];

/** Type errors by exercise id, each `exercises/<id>/<file>:<line>:<col>: <message>`. */
export function exerciseTypeErrors(root: string, exercisesDir: string, ids: string[]): Map<string, string[]> {
  const files = ids.flatMap((id) => FILES.map((f) => join(exercisesDir, id, f)).filter((f) => existsSync(f)));
  const program = ts.createProgram(files, {
    strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'], types: [],
    module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, skipLibCheck: true,
    allowImportingTsExtensions: true,
  });
  const byId = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    if (!d.file) continue;
    const id = ids.find((x) => d.file!.fileName.startsWith(join(exercisesDir, x) + '/'));
    if (!id) continue;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
    const where = relative(root, d.file.fileName);
    byId.get(id)!.push(`${where.startsWith('..') ? d.file.fileName : where}:${line + 1}:${character + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
  }
  return byId;
}
