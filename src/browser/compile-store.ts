/**
 * The last few compiles, kept in browser storage so that the first Run after reopening an exercise —
 * of code compiled on an earlier visit — does not wait for esbuild-wasm's start (docs/CONTRACTS.md,
 * "Browser storage"). localStorage key `qc:compiled`:
 *   { version: 1, compiler: string, entries: [{ file, code, js }] }   (oldest first, at most MAX_ENTRIES)
 * `compiler` names esbuild-wasm's version and the compile options: entries of another compiler are
 * ignored. Only clean compiles are kept (no errors, no warnings), and none over MAX_JS_CHARS.
 *
 * Best effort, never a throw: missing, blocked or malformed storage is read as no entries; a write that
 * fails (e.g. a full quota) removes the key, so that the learner's progress (`qc:progress`), which
 * matters more, keeps the space. A stored entry is only ever used for exactly its own code and file
 * name; what it holds runs in the run worker's sandbox like any learner code.
 */
import { version as ESBUILD_VERSION } from 'esbuild-wasm/package.json';
import { LEARNER_COMPILE_OPTIONS } from '../grading/compile-options';

export const COMPILED_KEY = 'qc:compiled';
export const MAX_ENTRIES = 4;
export const MAX_JS_CHARS = 200_000;

/** The compiler whose output the entries are: esbuild-wasm's version and the options. */
export const COMPILER_ID = `esbuild-wasm@${ESBUILD_VERSION} ${JSON.stringify(LEARNER_COMPILE_OPTIONS)}`;

export interface StoredCompile {
  file: string;
  code: string;
  js: string;
}

type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const isEntry = (e: unknown): e is StoredCompile => {
  const o = e as Record<string, unknown> | null;
  return !!o && typeof o === 'object' && typeof o.file === 'string' && typeof o.code === 'string' && typeof o.js === 'string';
};

/** The stored compiles of `compiler`, oldest first (none when storage is missing, unreadable or of another compiler). */
export function loadCompiles(storage: StorageLike | null | undefined, compiler = COMPILER_ID): StoredCompile[] {
  try {
    const doc = JSON.parse(storage?.getItem(COMPILED_KEY) ?? 'null') as { version?: unknown; compiler?: unknown; entries?: unknown } | null;
    if (!doc || doc.version !== 1 || doc.compiler !== compiler || !Array.isArray(doc.entries)) return [];
    return doc.entries.filter(isEntry).slice(-MAX_ENTRIES);
  } catch {
    return [];
  }
}

/** Keeps `entry` as the newest (replacing an older one of the same code and file); drops the key if the write fails. */
export function saveCompile(storage: StorageLike | null | undefined, entry: StoredCompile, compiler = COMPILER_ID): void {
  if (!storage || entry.js.length > MAX_JS_CHARS) return;
  const kept = loadCompiles(storage, compiler).filter((e) => e.code !== entry.code || e.file !== entry.file);
  const entries = [...kept, { file: entry.file, code: entry.code, js: entry.js }].slice(-MAX_ENTRIES);
  try {
    storage.setItem(COMPILED_KEY, JSON.stringify({ version: 1, compiler, entries }));
  } catch {
    try {
      storage.removeItem(COMPILED_KEY);
    } catch {
      /* storage unusable: nothing is kept */
    }
  }
}

/** The page's localStorage, or null where it is missing or blocked. */
export function pageStorage(): StorageLike | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
