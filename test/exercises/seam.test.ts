/**
 * The seam between exercises and the simulator is checked by the compiler: harnesses and suites use
 * the simulator's real public types (`World` from src/grading/api.ts is src/sim's `PublicWorld`), with
 * no casts that switch the check off, so a wrong field access in a harness is a type error.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const EXERCISES = join(ROOT, 'exercises');

/** Every TypeScript file under exercises/ except the known-wrong learner solutions. */
function exerciseFiles(dir = EXERCISES): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'wrong') out.push(...exerciseFiles(p));
    } else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** `x as unknown as T`, `x as any as T` and `x as never` (or the `<never>x` form): casts that turn the type check off. */
function checkDefeatingCasts(fileName: string, text: string): string[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const where = (n: ts.Node) => `${relative(ROOT, fileName)}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
  const isKw = (t: ts.TypeNode, k: ts.SyntaxKind) => t.kind === k;
  const visit = (n: ts.Node) => {
    if (ts.isAsExpression(n) || ts.isTypeAssertionExpression(n)) {
      if (isKw(n.type, ts.SyntaxKind.NeverKeyword)) found.push(`${where(n)}: as never`);
      const inner = ts.isParenthesizedExpression(n.expression) ? n.expression.expression : n.expression;
      if ((ts.isAsExpression(inner) || ts.isTypeAssertionExpression(inner)) && (isKw(inner.type, ts.SyntaxKind.UnknownKeyword) || isKw(inner.type, ts.SyntaxKind.AnyKeyword))) {
        found.push(`${where(n)}: as ${inner.type.getText(sf)} as ${n.type.getText(sf)}`);
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2022.d.ts'],
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  types: [],
  skipLibCheck: true,
  noUncheckedIndexedAccess: false,
};

/** Type-check `files`, with `virtual` files served from memory; diagnostics as "path:line: message". */
function typeCheck(files: string[], virtual: Record<string, string> = {}): string[] {
  const host = ts.createCompilerHost(OPTIONS, true);
  const read = host.readFile.bind(host);
  const exists = host.fileExists.bind(host);
  const getSource = host.getSourceFile.bind(host);
  host.readFile = (f) => virtual[resolve(f)] ?? read(f);
  host.fileExists = (f) => resolve(f) in virtual || exists(f);
  host.getSourceFile = (f, lang, ...rest) =>
    resolve(f) in virtual ? ts.createSourceFile(f, virtual[resolve(f)], lang, true, ts.ScriptKind.TS) : getSource(f, lang, ...rest);
  const roots = [...files, ...Object.keys(virtual)];
  const program = ts.createProgram(roots, OPTIONS, host);
  // The roots' own diagnostics: the simulator's files are type-checked by `npm run check` already;
  // checking a root still reads the simulator's real types wherever the root uses them.
  const rootFiles = roots.map((f) => program.getSourceFile(f)!);
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...rootFiles.flatMap((sf) => [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]),
  ];
  return diagnostics.map((d) => {
    const pos = d.file && d.start !== undefined ? `${relative(ROOT, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : '?';
    return `${pos}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

const FIXTURE = join(EXERCISES, '__seam_fixture__', 'harness.ts');
/** A harness as an author writes one; `WRONG` is a field the world does not have. */
const fixture = (extra: string) => `import { type TestContext } from '../../src/grading/api';
export function setup(ctx: TestContext) {
  const world = ctx.world({ failureDetectorMs: 2000 });
  world.pgInsert('orders', { id: 'o-1', customer_id: 'c', status: 'paid', total: 1, version: 1 });
  world.schedule([{ at: 1000, kind: 'isolate', zone: 'A' }]);
  const client = world.cassandraClient({ zone: 'A', contactPoints: ['A'] });
  ${extra}
  return { world, client, rows: world.pgRows('orders'), queries: world.queries.length };
}
`;

describe('the exercises ↔ simulator seam', () => {
  it('no cast under exercises/ (wrong/ aside) switches the type check off', () => {
    const found = exerciseFiles().flatMap((f) => checkDefeatingCasts(f, readFileSync(f, 'utf8')));
    expect(found).toEqual([]);
  });

  it('the cast check recognises each form it forbids', () => {
    const text = 'const a = (w as unknown as { x: 1 });\nconst b = w as never;\nconst c = <never>w;\nconst d = (w as any) as number;\nconst ok = w as { x: 1 };\n';
    expect(checkDefeatingCasts('x.ts', text).map((s) => s.replace(/^.*?:(\d+): /, '$1: '))).toEqual([
      '1: as unknown as { x: 1 }',
      '2: as never',
      '3: as never',
      '4: as any as number',
    ]);
  });

  it('every harness and suite type-checks against the real simulator types, and a wrong field access does not', () => {
    const files = exerciseFiles();
    // one program: the real exercises, a correct fixture and a fixture with two wrong accesses
    const bad = join(EXERCISES, '__seam_fixture__', 'bad-harness.ts');
    const diags = typeCheck(files, {
      [FIXTURE]: fixture(''),
      [bad]: fixture("world.pgRowz('orders');\n  const d: string = world.now;\n  world.schedule([{ at: 1, kind: 'isolate', zones: 'A' }]);"),
    });
    const inBad = diags.filter((d) => d.startsWith(relative(ROOT, bad)));
    expect(diags.filter((d) => !inBad.includes(d))).toEqual([]);
    expect(inBad.join('\n')).toMatch(/pgRowz.* does not exist on type 'PublicWorld'/);
    expect(inBad.join('\n')).toMatch(/Type 'number' is not assignable to type 'string'/);
    expect(inBad.join('\n')).toMatch(/zones/);
    expect(inBad).toHaveLength(3);
  }, 600_000);
});
