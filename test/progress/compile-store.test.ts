/**
 * src/browser/compile-store.ts: the last few clean compiles in browser storage (`qc:compiled`), read
 * back on the next visit so that a Run of code compiled before does not wait for the compiler.
 */
import { describe, expect, it } from 'vitest';
import { COMPILED_KEY, COMPILER_ID, MAX_ENTRIES, MAX_JS_CHARS, loadCompiles, saveCompile } from '../../src/browser/compile-store';

/** Storage whose writes of `qc:compiled` can be made to fail as a full quota does. */
function storage(items: Record<string, string> = {}) {
  const map = new Map(Object.entries(items));
  const s = {
    full: false,
    map,
    getItem: (k: string) => map.get(k) ?? null,
    setItem(k: string, v: string) {
      if (s.full) throw Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
      map.set(k, v);
    },
    removeItem: (k: string) => void map.delete(k),
  };
  return s;
}

const entry = (n: number, file = 'solution.ts') => ({ file, code: `export const n = ${n};\n`, js: `exports.n = ${n};\n` });

describe('compile store', () => {
  it('reads back what was saved, newest last, at most MAX_ENTRIES; the same code and file again replaces its entry', () => {
    const s = storage();
    for (let n = 1; n <= MAX_ENTRIES + 2; n++) saveCompile(s, entry(n));
    expect(loadCompiles(s)).toEqual([3, 4, 5, 6].map((n) => entry(n)));
    saveCompile(s, { ...entry(4), js: 'exports.n = 4; // again\n' });
    expect(loadCompiles(s).map((e) => e.js)).toEqual(['exports.n = 3;\n', 'exports.n = 5;\n', 'exports.n = 6;\n', 'exports.n = 4; // again\n']);
    // the same code under another file name is another entry
    saveCompile(s, entry(6, 'other.ts'));
    expect(loadCompiles(s).map((e) => `${e.file}:${e.code.trim()}`)).toEqual(['solution.ts:export const n = 5;', 'solution.ts:export const n = 6;', 'solution.ts:export const n = 4;', 'other.ts:export const n = 6;']);
  });

  it("ignores another compiler's entries, malformed documents and malformed entries, and never throws", () => {
    const s = storage();
    saveCompile(s, entry(1), 'esbuild-wasm@0.0.1 {}');
    expect(loadCompiles(s)).toEqual([]);
    expect(loadCompiles(s, 'esbuild-wasm@0.0.1 {}')).toEqual([entry(1)]);
    for (const raw of ['{', 'null', '[]', '{"version":2}', JSON.stringify({ version: 1, compiler: COMPILER_ID, entries: 'x' })]) {
      expect(loadCompiles(storage({ [COMPILED_KEY]: raw }))).toEqual([]);
    }
    const mixed = JSON.stringify({ version: 1, compiler: COMPILER_ID, entries: [entry(1), { file: 'solution.ts', code: 1, js: 'x' }, null, entry(2)] });
    expect(loadCompiles(storage({ [COMPILED_KEY]: mixed }))).toEqual([entry(1), entry(2)]);
    expect(loadCompiles(null)).toEqual([]);
    expect(() => saveCompile(null, entry(1))).not.toThrow();
    const blocked = { getItem: () => { throw new Error('SecurityError'); }, setItem: () => { throw new Error('SecurityError'); }, removeItem: () => { throw new Error('SecurityError'); } };
    expect(loadCompiles(blocked)).toEqual([]);
    expect(() => saveCompile(blocked, entry(1))).not.toThrow();
  });

  it('gives the space back when a write fails (the progress document is untouched), and keeps no oversized output', () => {
    const s = storage({ 'qc:progress': '{"version":2}' });
    saveCompile(s, entry(1));
    s.full = true;
    saveCompile(s, entry(2));
    expect(s.map.has(COMPILED_KEY)).toBe(false);
    expect(s.map.get('qc:progress')).toBe('{"version":2}');
    s.full = false;
    saveCompile(s, { ...entry(3), js: 'x'.repeat(MAX_JS_CHARS + 1) });
    expect(loadCompiles(s)).toEqual([]);
  });

  it('names the compiler by esbuild-wasm version and options', () => {
    expect(COMPILER_ID).toMatch(/^esbuild-wasm@\d+\.\d+\.\d+ \{"loader":"ts","format":"cjs"/);
  });
});
