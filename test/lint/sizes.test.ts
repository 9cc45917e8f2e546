/**
 * Small functions, files that say what they hold (the authors' kit): no function in src/ or scripts/
 * longer than FUNCTION_LINES, no file longer than FILE_LINES unless its first comment gives the reason
 * in a sentence starting "Why this file is over 400 lines:" (see src/sim/drivers/cassandra.ts).
 * A function's length counts its whole body, nested functions included; a long callback passed to a
 * call counts as a function of its own.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
export const FUNCTION_LINES = 120;
export const FILE_LINES = 400;
const FOLDERS = ['src', 'scripts'];

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.(ts|mts|mjs|cjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

interface Long {
  file: string;
  line: number;
  name: string;
  lines: number;
}

function functionName(node: ts.Node, sf: ts.SourceFile): string {
  const named = node as ts.FunctionLikeDeclaration;
  if (named.name) return named.name.getText(sf);
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText(sf);
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText(sf);
  if (parent && ts.isCallExpression(parent)) return `callback of ${parent.expression.getText(sf).slice(0, 40)}`;
  return '(anonymous)';
}

/** Every function-like node longer than the limit. */
export function longFunctions(file: string, text = readFileSync(file, 'utf8'), limit = FUNCTION_LINES): Long[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: Long[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && (node as ts.FunctionLikeDeclaration).body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > limit) out.push({ file: relative(ROOT, file), line: start + 1, name: functionName(node, sf), lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** A long file is allowed when its leading comment says why ("Why this file is over 400 lines: …"). */
export function statesItsSize(text: string): boolean {
  const lead = /^(?:#![^\n]*\n)?(?:\s*['"]use strict['"];?[^\n]*\n)?\s*(\/\*[\s\S]*?\*\/|(?:\/\/[^\n]*\n)+)/.exec(text);
  if (lead === null) return false;
  const words = lead[1]
    .replace(/^\/\*+|\*\/$/g, '')
    .split('\n')
    .map((line) => line.replace(/^\s*(?:\*|\/\/)?\s*/, ''))
    .join(' ');
  return new RegExp(`Why this file is over ${FILE_LINES} lines:\\s*\\S`).test(words);
}

const files = FOLDERS.flatMap((f) => sources(join(ROOT, f)));

describe('sizes of source files and functions', () => {
  it('finds the functions and files it measures (the checker itself)', () => {
    const body = Array.from({ length: 5 }, (_, i) => `  const v${i} = ${i};`).join('\n');
    expect(longFunctions('x.ts', `export function f() {\n${body}\n}\n`, 3)).toEqual([
      { file: 'x.ts', line: 1, name: 'f', lines: 7 },
    ]);
    expect(longFunctions('x.ts', `run(async () => {\n${body}\n});\n`, 3)[0].name).toBe('callback of run');
    expect(statesItsSize('/**\n * The parser.\n *\n * Why this file is over 400 lines: one grammar,\n * kept together.\n */\nexport {}')).toBe(true);
    expect(statesItsSize('/** The parser. */\n// Why this file is over 400 lines: later\nexport {}')).toBe(false);
    expect(statesItsSize('/** The parser. Why this file is over 400 lines: */\nexport {}')).toBe(false);
    expect(statesItsSize("'use strict';\n// The worker.\n// Why this file is over 400 lines: one file.\nconst x = 1;")).toBe(true);
    expect(files.length).toBeGreaterThan(50);
  });

  it(`no function in ${FOLDERS.join('/ or ')}/ is over ${FUNCTION_LINES} lines`, () => {
    const long = files.flatMap((f) => longFunctions(f));
    expect(long.map((l) => `${l.file}:${l.line} ${l.name}: ${l.lines} lines`)).toEqual([]);
  });

  it(`no file in ${FOLDERS.join('/ or ')}/ is over ${FILE_LINES} lines without a reason at its top`, () => {
    const long = files
      .map((f) => ({ f, text: readFileSync(f, 'utf8') }))
      .filter(({ text }) => text.split('\n').length > FILE_LINES && !statesItsSize(text))
      .map(({ f, text }) => `${relative(ROOT, f)}: ${text.split('\n').length} lines`);
    expect(long).toEqual([]);
  });
});
