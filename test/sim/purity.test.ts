import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../../src/sim');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('src/sim is pure TypeScript', () => {
  it('imports only its own modules (no Node built-ins, astro, monaco, esbuild or any package)', () => {
    const bad: string[] = [];
    for (const f of files(ROOT)) {
      const src = ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.ES2022, true);
      const visit = (n: ts.Node) => {
        let spec: string | undefined;
        if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) spec = n.moduleSpecifier.text;
        if (ts.isCallExpression(n) && (n.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(n.expression) && n.expression.text === 'require')) && n.arguments[0] && ts.isStringLiteral(n.arguments[0])) spec = n.arguments[0].text;
        if (spec !== undefined) {
          const target = resolve(join(f, '..'), spec);
          if (!spec.startsWith('.') || !target.startsWith(ROOT)) bad.push(`${f.slice(ROOT.length + 1)} imports '${spec}'`);
        }
        ts.forEachChild(n, visit);
      };
      visit(src);
    }
    expect(bad).toEqual([]);
  });

  it("reads no ambient clock or randomness: Date.now(), new Date(), Math.random() and performance only in realm.ts (which routes learner code's to the world)", () => {
    const bad: string[] = [];
    for (const f of files(ROOT)) {
      if (f.endsWith('/realm.ts')) continue;
      const src = ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.ES2022, true);
      const at = (n: ts.Node) => `${f.slice(ROOT.length + 1)}:${src.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
      const visit = (n: ts.Node) => {
        if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression)) {
          const what = `${n.expression.text}.${n.name.text}`;
          if (what === 'Date.now' || what === 'Math.random') bad.push(`${at(n)}: ${what}`);
        }
        if (ts.isIdentifier(n) && n.text === 'performance' && !(ts.isPropertyAccessExpression(n.parent) && n.parent.name === n)) bad.push(`${at(n)}: performance`);
        if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'Date' && (n.arguments?.length ?? 0) === 0) bad.push(`${at(n)}: new Date()`);
        ts.forEachChild(n, visit);
      };
      visit(src);
    }
    expect(bad).toEqual([]);
  });

  it('type-checks with only the ES2022 library: no DOM or Node globals are used', () => {
    const program = ts.createProgram([join(ROOT, 'index.ts')], {
      lib: ['lib.es2022.d.ts'],
      types: [],
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      skipLibCheck: true,
    });
    const diags = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName.slice(ROOT.length + 1) ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(diags).toEqual([]);
    // the program really covers every simulator file
    const covered = program.getSourceFiles().map((s) => resolve(s.fileName)).filter((p) => p.startsWith(ROOT));
    expect(covered.length).toBeGreaterThanOrEqual(files(ROOT).length - 1);
  }, 60_000);
});
