/**
 * Classes with TypeScript parameter properties (`constructor(private x: number)`), from sucrase's
 * tokens. esbuild (like TypeScript with class fields) declares each as a class field before the
 * class's other fields, then assigns it when `super()` returns; sucrase only assigns it, after the
 * other fields, so an object's own keys come in another order and an assignment may reach a base
 * class's setter. quick-compile-rewrite.ts declares the fields for sucrase; quick-compile-rules.ts
 * declines the classes where that rewrite, or sucrase's placing of the assignments, cannot be trusted.
 */
import { CONTINUES, closing, enclosingBrace, isToken, isWord, lineBreakBetween, text, tt, IdentifierRole, type Scanned } from './quick-compile-scan';

export interface ParameterPropertyClass {
  /** The class body's `{`. */
  bodyOpen: number;
  /** The parameter properties' names, in order. */
  names: string[];
  /**
   * Whether the fields can be declared after the `{` without moving any code (nothing but comments
   * follows it on its line) and sucrase places the assignments where esbuild does (no `super(…)`, or
   * one `super(…);` statement of the constructor's own body).
   */
  rewritable: boolean;
}

const MODIFIERS = new Set([tt._public, tt._private, tt._protected, tt._readonly, tt._override]);

/** Every class whose constructor declares parameter properties. */
export function parameterPropertyClasses(s: Scanned): ParameterPropertyClass[] {
  const out: ParameterPropertyClass[] = [];
  s.tokens.forEach((t, i) => {
    if (t.isType || !isToken(s, i + 1, tt.parenL)) return;
    const named = isWord(s, i, 'constructor') && t.identifierRole === IdentifierRole.ObjectKey;
    const quoted = isToken(s, i, tt.string) && /^["']constructor["']$/.test(text(s, i));
    if (!named && !quoted) return;
    const close = closing(s, i + 1);
    const names = parameterProperties(s, i + 1, close);
    if (names.length === 0) return;
    const bodyOpen = enclosingBrace(s, i);
    const rewritable = named && bodyOpen >= 0 && lineBreakBetween(s, bodyOpen, bodyOpen + 1) && superInPlace(s, close + 1);
    out.push({ bodyOpen, names, rewritable });
  });
  return out;
}

/** Names of the parameters between `open` and `close` that carry a modifier. */
function parameterProperties(s: Scanned, open: number, close: number): string[] {
  const names: string[] = [];
  let depth = 0;
  for (let j = open + 1; j < close; j++) {
    const type = s.tokens[j].type;
    if (type === tt.parenL || type === tt.bracketL || type === tt.braceL || type === tt.dollarBraceL) depth++;
    else if (type === tt.parenR || type === tt.bracketR || type === tt.braceR) depth--;
    else if (depth === 0 && MODIFIERS.has(type) && isToken(s, j + 1, tt.name)) names.push(text(s, j + 1));
  }
  return names;
}

/** Whether the constructor body at `body` has no `super(…)`, or one that is a whole statement of that body. */
function superInPlace(s: Scanned, body: number): boolean {
  if (!isToken(s, body, tt.braceL)) return false;
  const end = closing(s, body);
  const calls: number[] = [];
  for (let j = body + 1; j < end; j++) if (isToken(s, j, tt._super) && isToken(s, j + 1, tt.parenL)) calls.push(j);
  if (calls.length === 0) return true;
  if (calls.length > 1) return false;
  const call = calls[0];
  const startsStatement = call === body + 1 || isToken(s, call - 1, tt.semi) || isToken(s, call - 1, tt.braceR);
  const after = closing(s, call + 1) + 1;
  const endsStatement = isToken(s, after, tt.semi) || isToken(s, after, tt.braceR) || (lineBreakBetween(s, after - 1, after) && !CONTINUES.has(s.tokens[after].type));
  return startsStatement && endsStatement && enclosingBrace(s, call) === body;
}
