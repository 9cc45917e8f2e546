/**
 * The import declarations and export statements of learner TypeScript, from sucrase's tokens
 * (quick-compile-scan.ts), for the quick compiler's rules and rewrites.
 */
import { IdentifierRole, closing, isAsync, isToken, isWord, text, tt, type Scanned } from './quick-compile-scan';

export interface ImportDeclaration {
  /** Token indexes: the `import`, the module's name (the `import` itself for `import x = …`), the last token. */
  start: number;
  specifier: number;
  end: number;
}

/** Every `import … from '…'` / `import '…'` / `import x = …` declaration (not `import()` or `import.meta`). */
export function importDeclarations(s: Scanned): ImportDeclaration[] {
  const out: ImportDeclaration[] = [];
  s.tokens.forEach((t, i) => {
    if (t.type === tt._import && !isToken(s, i + 1, tt.parenL) && !isToken(s, i + 1, tt.dot)) out.push(importDeclaration(s, i));
  });
  return out;
}

function importDeclaration(s: Scanned, start: number): ImportDeclaration {
  let specifier = isToken(s, start + 1, tt.string) ? start + 1 : -1;
  for (let j = start + 1; specifier < 0 && j < s.tokens.length; j++) {
    if (isWord(s, j, 'from') && isToken(s, j + 1, tt.string)) specifier = j + 1;
    else if (isToken(s, j, tt.semi) || isToken(s, j, tt.eq)) break;
  }
  if (specifier < 0) return { start, specifier: start, end: start };
  let end = specifier;
  if ((isWord(s, end + 1, 'with') || isWord(s, end + 1, 'assert')) && isToken(s, end + 2, tt.braceL)) end = closing(s, end + 2);
  if (isToken(s, end + 1, tt.semi)) end++;
  return { start, specifier, end };
}

export interface ExportStatement {
  /** The `export` token. */
  start: number;
  /**
   * `const`: `export const x = …` (one name); `declaration`: `export function f` / `export class C`
   * (also async, abstract, generator); `default`: `export default function f` / `export default class C`;
   * `other`: any other export of a value.
   */
  kind: 'const' | 'declaration' | 'default' | 'other';
  /** The local names it exports (none for `other`), with the index of each name's token. */
  names: Array<{ name: string; at: number }>;
}

/** Every export statement that is not type-only (those are sucrase's to remove). */
export function exportStatements(s: Scanned): ExportStatement[] {
  const out: ExportStatement[] = [];
  s.tokens.forEach((t, i) => {
    if (t.type === tt._export && !t.isType) out.push(exportStatement(s, i));
  });
  return out;
}

function exportStatement(s: Scanned, start: number): ExportStatement {
  const isConst = isToken(s, start + 1, tt._const);
  const isDefault = isToken(s, start + 1, tt._default);
  const name = isConst ? singleConstName(s, start) : declaredName(s, isDefault ? start + 2 : start + 1);
  // `__proto__` would set the exports object's prototype, not export anything
  if (name === null || text(s, name) === '__proto__') return other(start);
  return { start, kind: isConst ? 'const' : isDefault ? 'default' : 'declaration', names: [{ name: text(s, name), at: name }] };
}

const other = (start: number): ExportStatement => ({ start, kind: 'other', names: [] });

/** The name token of `export const name …` when it declares that one name (no destructuring, no `a = 1, b = 2`). */
function singleConstName(s: Scanned, start: number): number | null {
  const end = s.tokens[start].rhsEndIndex;
  const name = start + 2;
  if (end === null || !isToken(s, name, tt.name)) return null;
  const declared = s.tokens.slice(start, end).filter((t) => t.identifierRole === IdentifierRole.TopLevelDeclaration);
  return declared.length === 1 && s.tokens[name].identifierRole === IdentifierRole.TopLevelDeclaration ? name : null;
}

/** The name token of a function or class declaration starting at `i` (`async`, `abstract` and `*` allowed), or null. */
function declaredName(s: Scanned, i: number): number | null {
  let k = i;
  if (isAsync(s, k) && isToken(s, k + 1, tt._function)) k++;
  if (isToken(s, k, tt._abstract) && isToken(s, k + 1, tt._class)) k++;
  if (isToken(s, k, tt._function)) k = isToken(s, k + 1, tt.star) ? k + 2 : k + 1;
  else if (isToken(s, k, tt._class)) k++;
  else return null;
  return isToken(s, k, tt.name) ? k : null;
}
