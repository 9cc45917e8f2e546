/**
 * The learner-facing code of the three core exercises (starter, reference solution, known-wrong
 * solutions) must compile unchanged against the REAL libraries' type declarations
 * (`cassandra-driver`, `pg` + `@types/pg`, `kafkajs`), not only against the simulator's
 * driver-shaped modules: what the course teaches has to work with the real drivers.
 */
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import { readdirSync, existsSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const EXERCISES = ['read-fallback', 'dlq-processor', 'health-check', 'read-your-writes', 'circuit-breaker']; // hint-alerts uses no driver (metric samples in, alerts out)

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  types: ['node'],
  typeRoots: [join(ROOT, 'node_modules/@types')],
  esModuleInterop: true,
  skipLibCheck: true,
  noImplicitReturns: true,
  isolatedModules: true,
};

/** Where each driver import must resolve: the real package's declarations. */
const REAL: Record<string, string> = {
  'cassandra-driver': join(ROOT, 'node_modules', 'cassandra-driver') + sep,
  pg: join(ROOT, 'node_modules', '@types', 'pg') + sep,
  kafkajs: join(ROOT, 'node_modules', 'kafkajs') + sep,
};

function learnerFiles(id: string): string[] {
  const dir = join(ROOT, 'exercises', id);
  const files = ['starter.ts', 'solution.ts'].map((f) => join(dir, f));
  const wrongDir = join(dir, 'wrong');
  if (existsSync(wrongDir)) {
    for (const f of readdirSync(wrongDir).sort()) if (f.endsWith('.ts')) files.push(join(wrongDir, f));
  }
  return files;
}

const MISUSE_FILE = join(ROOT, 'test/exercises/__virtual__/misuses-driver.ts');
/** Deliberately wrong: an option the real cassandra-driver does not have (so the check is known to bite). */
const MISUSE_TEXT = `import type { Client } from 'cassandra-driver';
export async function read(client: Client, id: string): Promise<number> {
  const rs = await client.execute('SELECT id FROM orders WHERE id = ?', [id], { readTimeoutMs: 100 });
  return rs.rowLength;
}
`;

type Checked = { diagnostics: string[]; resolved: Record<string, string | undefined> };

/** One program for every file (each is its own module), so the whole check costs one compile. */
function compileAll(files: string[]): Map<string, Checked> {
  const host = ts.createCompilerHost(OPTIONS, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) =>
    name === MISUSE_FILE ? ts.createSourceFile(name, MISUSE_TEXT, lang) : getSourceFile(name, lang, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === MISUSE_FILE || fileExists(name);
  const program = ts.createProgram(files, OPTIONS, host);
  const out = new Map<string, Checked>();
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (!source) {
      out.set(file, { diagnostics: [`${file}: could not be read`], resolved: {} });
      continue;
    }
    const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => {
      const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : null;
      const name = d.file ? d.file.fileName.replace(ROOT + '/', '') : '';
      return `${name}${where ? `:${where.line + 1}:${where.character + 1}` : ''} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    const resolved: Record<string, string | undefined> = {};
    for (const stmt of source.statements) {
      if (ts.isImportDeclaration(stmt) && ts.isStringLiteral(stmt.moduleSpecifier)) {
        const spec = stmt.moduleSpecifier.text;
        resolved[spec] = ts.resolveModuleName(spec, file, OPTIONS, host).resolvedModule?.resolvedFileName;
      }
    }
    out.set(file, { diagnostics, resolved });
  }
  const global = program.getGlobalDiagnostics().map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  if (global.length) throw new Error(`TypeScript global diagnostics: ${global.join('; ')}`);
  return out;
}

const ALL_FILES = EXERCISES.flatMap(learnerFiles);
let results: Map<string, Checked>;
const checked = (file: string): Checked => (results ??= compileAll([...ALL_FILES, MISUSE_FILE])).get(file)!;

describe('exercise code compiles against the real driver types', () => {
  for (const id of EXERCISES) {
    describe(id, () => {
      const files = learnerFiles(id);
      it('has a starter, a solution and at least 8 known-wrong solutions', () => {
        expect(files.length).toBeGreaterThanOrEqual(10);
      });
      for (const file of files) {
        it(file.replace(ROOT + '/', ''), () => {
          const { diagnostics, resolved } = checked(file);
          expect(diagnostics).toEqual([]);
          const specs = Object.keys(resolved);
          expect(specs.length, 'imports at least one driver module').toBeGreaterThan(0);
          for (const spec of specs) {
            expect(Object.keys(REAL), `only driver modules may be imported, found '${spec}'`).toContain(spec);
            expect(resolved[spec], `'${spec}' resolves to the real library's declarations`).toMatch(
              new RegExp('^' + REAL[spec].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
            );
          }
        });
      }
    });
  }

  it('rejects code that misuses the real API (the check can fail)', () => {
    const { diagnostics } = checked(MISUSE_FILE);
    expect(diagnostics.join('\n')).toMatch(/readTimeoutMs/);
  });
});
