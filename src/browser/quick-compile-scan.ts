/**
 * Learner TypeScript as sucrase's own parser sees it (the parser its `transform` runs): tokens that
 * know whether they are type-only (`isType`), how an identifier is used (`identifierRole`) and the
 * function scopes. The quick compiler's rules (quick-compile-rules.ts) and rewrites
 * (quick-compile-rewrite.ts) read the learner's code through these helpers, so that nothing inside a
 * string, a comment or a template's text is mistaken for code.
 */
import { parse } from 'sucrase/dist/esm/parser/index.js';
import { IdentifierRole, type Token } from 'sucrase/dist/esm/parser/tokenizer/index.js';
import type { Scope } from 'sucrase/dist/esm/parser/tokenizer/state.js';
import { TokenType as tt } from 'sucrase/dist/esm/parser/tokenizer/types.js';

export { IdentifierRole, tt, type Token };

export interface Scanned {
  code: string;
  /** Every token, the end-of-file token last. */
  tokens: Token[];
  /** Scopes of functions, methods and arrows (not the program's). */
  functionScopes: Scope[];
  /** For each bracket token, the index of the bracket that matches it (-1 for other tokens). */
  partner: Int32Array;
}

/** `code` parsed as TypeScript, or null when sucrase cannot parse it. */
export function scanTypeScript(code: string): Scanned | null {
  try {
    const file = parse(code, false, true, false);
    const last = file.tokens.length - 1;
    const functionScopes = file.scopes.filter((s) => s.isFunctionScope && !(s.startTokenIndex === 0 && s.endTokenIndex >= last));
    return { code, tokens: file.tokens, functionScopes, partner: bracketPartners(file.tokens) };
  } catch {
    return null;
  }
}

/** The source text of token `i` ('' past the end). */
export function text(s: Scanned, i: number): string {
  const t = s.tokens[i];
  return t ? s.code.slice(t.start, t.end) : '';
}

/** Token `i` is of type `type` (false past the end). */
export function isToken(s: Scanned, i: number, type: tt): boolean {
  return s.tokens[i]?.type === type;
}

/** Token `i` is the name `word` (a contextual keyword such as `namespace` is a name token). */
export function isWord(s: Scanned, i: number, word: string): boolean {
  return isToken(s, i, tt.name) && text(s, i) === word;
}

/** Token `i` names a property: after `.` or `?.`, or an object or class member's key. */
export function isPropertyName(s: Scanned, i: number): boolean {
  return isToken(s, i - 1, tt.dot) || isToken(s, i - 1, tt.questionDot) || s.tokens[i]?.identifierRole === IdentifierRole.ObjectKey;
}

/** Token `i` is the name `word` used as a binding (declared or referenced), not as a property. */
export function isBindingWord(s: Scanned, i: number, word: string): boolean {
  return isWord(s, i, word) && !isPropertyName(s, i);
}

/** Whether a line break separates tokens `a` and `b` (a < b). */
export function lineBreakBetween(s: Scanned, a: number, b: number): boolean {
  return /[\n\r\u2028\u2029]/.test(s.code.slice(s.tokens[a].end, s.tokens[b].start));
}

/** Whether token `i` is inside a function, method or arrow (not at the module's top level). */
export function insideFunction(s: Scanned, i: number): boolean {
  return innermostFunction(s, i) !== null;
}

/** The innermost function, method or arrow scope around token `i`, or null at the top level. */
export function innermostFunction(s: Scanned, i: number): Scope | null {
  let best: Scope | null = null;
  for (const f of s.functionScopes) {
    if (f.startTokenIndex > i || i >= f.endTokenIndex) continue;
    if (!best || f.startTokenIndex > best.startTokenIndex || (f.startTokenIndex === best.startTokenIndex && f.endTokenIndex < best.endTokenIndex)) best = f;
  }
  return best;
}

/**
 * Whether `scope` (which starts at a function's `async`, `<`, `(` or body `{`, as sucrase records
 * it) is an async function, method or arrow.
 */
export function isAsyncScope(s: Scanned, scope: Scope): boolean {
  let start = scope.startTokenIndex;
  if (isAsync(s, start)) return true; // async x => …
  if (isToken(s, start, tt.braceL)) {
    let k = start - 1;
    const arrow = isToken(s, k, tt.arrow);
    if (arrow) k--;
    while (k >= 0 && s.tokens[k].isType) k--; // a return type
    if (arrow && isToken(s, k, tt.name)) return isAsync(s, k - 1); // async x => { … }
    if (!isToken(s, k, tt.parenR)) return false;
    start = opening(s, k);
  }
  return asyncBefore(s, start);
}

/** Whether the function whose type parameters or parameters open at `start` is declared `async`. */
function asyncBefore(s: Scanned, start: number): boolean {
  let k = start - 1;
  while (k >= 0 && s.tokens[k].isType) k--; // type parameters
  if (isArrowAt(s, start)) return isAsync(s, k);
  if (isToken(s, k, tt.bracketR)) k = opening(s, k) - 1; // a computed method name
  else if (isToken(s, k, tt.name) || isToken(s, k, tt.string) || isToken(s, k, tt.num)) k--;
  if (isToken(s, k, tt.hash)) k--;
  if (isToken(s, k, tt.star)) k--;
  if (isToken(s, k, tt._function)) k--;
  return isAsync(s, k);
}

/** `async` is a name token, or a keyword token in a class body. */
export const isAsync = (s: Scanned, i: number) => isWord(s, i, 'async') || isToken(s, i, tt._async);

/** Whether the parameters opening at `start` (or its type parameters) are an arrow function's. */
function isArrowAt(s: Scanned, start: number): boolean {
  let k = start;
  while (s.tokens[k]?.isType) k++; // type parameters
  if (!isToken(s, k, tt.parenL)) return false;
  k = closing(s, k) + 1;
  while (s.tokens[k]?.isType) k++; // a return type
  return isToken(s, k, tt.arrow);
}

/** Tokens that can start a statement and also continue the expression before them (automatic semicolons). */
export const CONTINUES = new Set([tt.parenL, tt.bracketL, tt.backQuote, tt.plus, tt.minus, tt.slash, tt.regexp, tt.lessThan]);

const OPENS = new Set([tt.parenL, tt.bracketL, tt.braceL, tt.dollarBraceL]);
const CLOSES = new Set([tt.parenR, tt.bracketR, tt.braceR]);

/** For each bracket token (`(` `)` `[` `]` `{` `}` `${`), the index of its partner; -1 elsewhere. */
function bracketPartners(tokens: Token[]): Int32Array {
  const partner = new Int32Array(tokens.length).fill(-1);
  const open: number[] = [];
  tokens.forEach((t, i) => {
    if (OPENS.has(t.type)) open.push(i);
    else if (CLOSES.has(t.type) && open.length > 0) {
      const o = open.pop() as number;
      partner[o] = i;
      partner[i] = o;
    }
  });
  return partner;
}

/** The index of the bracket that closes the one at `open` (`(`, `[`, `{` or `${`), or -1. */
export const closing = (s: Scanned, open: number): number => s.partner[open];

/** The index of the bracket that opens the one at `close`, or -1. */
export const opening = (s: Scanned, close: number): number => s.partner[close];

/** The index of the `{` of the innermost block, class body or object around token `i`, or -1. */
export function enclosingBrace(s: Scanned, i: number): number {
  for (let k = i - 1; k >= 0; k--) {
    const type = s.tokens[k].type;
    if (type === tt.braceL || type === tt.dollarBraceL) return k;
    if (CLOSES.has(type) && s.partner[k] >= 0) k = s.partner[k];
  }
  return -1;
}

/** Names declared at the top level that are values (not types), with the index of each declaration. */
export function topLevelDeclarations(s: Scanned): Array<{ name: string; at: number }> {
  const roles = [IdentifierRole.TopLevelDeclaration, IdentifierRole.ObjectShorthandTopLevelDeclaration, IdentifierRole.ImportDeclaration];
  const out: Array<{ name: string; at: number }> = [];
  s.tokens.forEach((t, i) => {
    if (!t.isType && t.type === tt.name && roles.includes(t.identifierRole as IdentifierRole)) out.push({ name: text(s, i), at: i });
  });
  return out;
}
