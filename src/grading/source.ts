/**
 * Finding a visible test's source text (its `t.test(…)` call) in the visible test file, so the
 * learner sees the TypeScript the author wrote rather than compiled JavaScript.
 *
 * A small scanner: skips comments, strings and template literals, finds calls `<x>.test(` whose
 * first argument is a plain string literal, and returns the whole call up to its closing `)`.
 *
 * Pure TypeScript: no DOM, no Node built-ins.
 */

export interface FoundTest {
  name: string;
  /** The call text, `t.test('name', …)`, dedented. */
  code: string;
}

function skipString(src: string, i: number): number {
  const q = src[i];
  for (i++; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') i++;
    else if (c === q) return i + 1;
    else if (c === '\n' && q !== '`') return i;
    else if (q === '`' && c === '$' && src[i + 1] === '{') i = skipBalanced(src, i + 1, '{', '}') - 1;
  }
  return i;
}

function skipComment(src: string, i: number): number {
  if (src[i + 1] === '/') {
    const e = src.indexOf('\n', i);
    return e < 0 ? src.length : e;
  }
  const e = src.indexOf('*/', i + 2);
  return e < 0 ? src.length : e + 2;
}

/** From `src[i] === open`, return the index just after the matching `close`. */
function skipBalanced(src: string, i: number, open: string, close: string): number {
  let depth = 0;
  for (; i < src.length; i++) {
    const c = src[i];
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(src, i) - 1;
    } else if (c === '/' && (src[i + 1] === '/' || src[i + 1] === '*')) {
      i = skipComment(src, i) - 1;
    } else if (c === open) depth++;
    else if (c === close) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return src.length;
}

function unquote(lit: string): string | null {
  const q = lit[0];
  if (q === '`') return lit.includes('${') ? null : lit.slice(1, -1).replace(/\\`/g, '`').replace(/\\\\/g, '\\');
  try {
    return q === '"' ? (JSON.parse(lit) as string) : (JSON.parse(`"${lit.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) as string);
  } catch {
    return null;
  }
}

function dedent(text: string, firstLineIndent: string): string {
  const lines = (firstLineIndent + text).split('\n');
  let min = Infinity;
  for (const l of lines) {
    if (!l.trim()) continue;
    min = Math.min(min, l.length - l.trimStart().length);
  }
  if (!Number.isFinite(min)) min = 0;
  return lines.map((l) => l.slice(Math.min(min, l.length - l.trimStart().length))).join('\n');
}

/** Every `x.test('name', …)` call in `src`, in order. */
export function findTestCalls(src: string): FoundTest[] {
  const found: FoundTest[] = [];
  const re = /\.test\s*\(/g;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(src, i) - 1;
      continue;
    }
    if (c === '/' && (src[i + 1] === '/' || src[i + 1] === '*')) {
      i = skipComment(src, i) - 1;
      continue;
    }
    if (c !== '.') continue;
    re.lastIndex = i;
    const m = re.exec(src);
    if (!m || m.index !== i) continue;
    const open = i + m[0].length - 1;
    let j = open + 1;
    while (j < src.length && /\s/.test(src[j])) j++;
    const q = src[j];
    if (q !== '"' && q !== "'" && q !== '`') continue;
    const litEnd = skipString(src, j);
    const name = unquote(src.slice(j, litEnd));
    if (name === null) continue;
    const end = skipBalanced(src, open, '(', ')');
    // start of the call expression: back up over the receiver identifier (e.g. `t`)
    let start = i;
    while (start > 0 && /[\w$]/.test(src[start - 1])) start--;
    const lineStart = src.lastIndexOf('\n', start - 1) + 1;
    const indent = /^[ \t]*/.exec(src.slice(lineStart, start))?.[0] ?? '';
    found.push({ name, code: dedent(src.slice(start, end), indent) });
    i = end - 1;
  }
  return found;
}

/** The source of the `index`-th test called `name` in `src` (0 = first), or null. */
export function testSource(src: string, name: string, index = 0): string | null {
  const calls = findTestCalls(src).filter((c) => c.name === name);
  return calls[index]?.code ?? null;
}
