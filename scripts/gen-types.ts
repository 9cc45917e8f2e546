/**
 * Declarations for the driver-shaped modules, generated from src/sim with the TypeScript compiler API
 * (never written by hand): { "cassandra-driver": "declare module 'cassandra-driver' { … }", "pg": …,
 * "kafkajs": … }. The site's Vite plugin (src/browser/build/driver-types.mjs) serves them to Monaco as
 * `virtual:driver-types`; `npm run gen:types` prints them.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MODULES: Record<string, string> = {
  'cassandra-driver': 'src/sim/drivers/cassandra.ts',
  pg: 'src/sim/drivers/pg.ts',
  kafkajs: 'src/sim/drivers/kafkajs.ts',
};

/** The files the declarations come from (absolute paths). */
export const DRIVER_SOURCES: string[] = Object.values(MODULES).map((f) => resolve(ROOT, f));

export function generateDriverTypes(): Record<string, string> {
  const files = DRIVER_SOURCES;
  const out = new Map<string, string>();
  const program = ts.createProgram(files, {
    declaration: true,
    emitDeclarationOnly: true,
    stripInternal: true,
    removeComments: false,
    lib: ['lib.es2022.d.ts'],
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    skipLibCheck: true,
    strict: true,
  });
  const diags = ts.getPreEmitDiagnostics(program);
  if (diags.length > 0) throw new Error('src/sim does not type-check:\n' + diags.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('\n'));
  const emit = program.emit(undefined, (name, text) => out.set(resolve(name), text), undefined, true);
  if (emit.emitSkipped) throw new Error('declaration emit failed');
  const result: Record<string, string> = {};
  for (const [mod, src] of Object.entries(MODULES)) {
    const dts = out.get(resolve(ROOT, src.replace(/\.ts$/, '.d.ts')));
    if (!dts) throw new Error(`no declarations emitted for ${src}`);
    const imports = dts.split('\n').filter((l) => /^\s*import\b/.test(l) || /\bimport\(/.test(l));
    if (imports.length > 0) throw new Error(`the public API of ${src} refers to internal modules; keep it self-contained:\n${imports.join('\n')}`);
    const body = dts
      .split('\n')
      .filter((l) => l.trim() !== 'export {};')
      .map((l) => l.replace(/^export declare /, 'export ').replace(/^declare /, ''))
      .map((l) => (l.length > 0 ? '  ' + l : l))
      .join('\n')
      .trimEnd();
    result[mod] = `declare module '${mod}' {\n${body}\n}\n`;
  }
  return result;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const [mod, dts] of Object.entries(generateDriverTypes())) console.log(`// ---- ${mod}\n${dts}`);
}
