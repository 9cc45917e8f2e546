/**
 * Where in the learner's TypeScript an error was thrown: the first stack frame inside the
 * evaluated learner module, mapped back through the inline source map esbuild emits
 * (`sourcemap: 'inline'`). Pure TypeScript; never throws.
 */
import { LEARNER_LINE_OFFSET, LEARNER_SOURCE_URL } from './sandbox';
import { stackOf } from './thrown';

/** A stack frame in the learner module (the sandbox names it with a `//# sourceURL`). */
const LEARNER_FRAME = new RegExp(`${LEARNER_SOURCE_URL.replace(/[.]/g, '\\.')}:(\\d+):(\\d+)`);

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

type Segment = [genCol: number, src: number, srcLine: number, srcCol: number];

export interface SourceMap {
  sources: string[];
  /** per generated line (0-based), segments sorted by generated column */
  lines: Segment[][];
}

function decodeBase64(b64: string): string | null {
  try {
    const bin = (globalThis as { atob?: (s: string) => string }).atob?.(b64);
    if (bin === undefined) return null;
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new TextDecoder().decode(bytes);
  } catch {
    return null;
  }
}

/** Parse the inline source map at the end of `js`, or null. */
export function inlineSourceMap(js: string): SourceMap | null {
  const m = /\/\/# sourceMappingURL=data:application\/json(?:;charset=[^;,]+)?;base64,([A-Za-z0-9+/=]+)\s*$/.exec(js);
  if (!m) return null;
  const text = decodeBase64(m[1]);
  if (!text) return null;
  try {
    const raw = JSON.parse(text) as { sources?: string[]; mappings?: string };
    if (typeof raw.mappings !== 'string') return null;
    const lines: Segment[][] = [];
    let src = 0, srcLine = 0, srcCol = 0;
    for (const lineText of raw.mappings.split(';')) {
      const segs: Segment[] = [];
      let genCol = 0;
      for (const seg of lineText.split(',')) {
        if (!seg) continue;
        const vals: number[] = [];
        let value = 0, shift = 0;
        for (const ch of seg) {
          const d = B64_INDEX.get(ch);
          if (d === undefined) return null;
          value += (d & 31) << shift;
          if (d & 32) shift += 5;
          else {
            vals.push(value & 1 ? -(value >>> 1) : value >>> 1);
            value = 0;
            shift = 0;
          }
        }
        genCol += vals[0] ?? 0;
        if (vals.length >= 4) {
          src += vals[1];
          srcLine += vals[2];
          srcCol += vals[3];
          segs.push([genCol, src, srcLine, srcCol]);
        }
      }
      lines.push(segs);
    }
    return { sources: raw.sources ?? [], lines };
  } catch {
    return null;
  }
}

/** Map a generated position (1-based line and column) to `source:line:column` (1-based). */
export function originalPosition(map: SourceMap, line: number, column: number): string | null {
  const segs = map.lines[line - 1];
  if (!segs || segs.length === 0) return null;
  let best: Segment | null = null;
  for (const s of segs) {
    if (s[0] <= column - 1) best = s;
    else break;
  }
  best ??= segs[0];
  const file = map.sources[best[1]] ?? 'your code';
  return `${file.replace(/^.*[\\/]/, '')}:${best[2] + 1}:${best[3] + 1}`;
}

/** The learner-code location of the first stack frame inside the learner module, or null. */
export function learnerLocation(error: unknown, map: SourceMap | null): string | null {
  if (!map) return null;
  const stack = stackOf(error); // undefined when reading it would run learner code (thrown.ts)
  if (stack === undefined) return null;
  const m = LEARNER_FRAME.exec(stack);
  if (!m) return null;
  return originalPosition(map, Number(m[1]) - LEARNER_LINE_OFFSET, Number(m[2]));
}
