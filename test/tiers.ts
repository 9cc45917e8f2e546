/**
 * Which test file runs in which tier (read by vitest.config.ts and by test/lint/hygiene.test.ts).
 *
 *   fast     `npm run test:fast`  pure unit tests: *.test.ts in FAST_FOLDERS, in-process, no build,
 *                                 no spawned process, no server. The lint test fails a fast file that
 *                                 spawns a process, opens a socket or imports a database driver.
 *                                 Two Vitest projects: `fast` shares one module graph per worker
 *                                 between its files (each file does not load TypeScript, the simulator
 *                                 and fast-check again); `fast-isolated` (ISOLATED_FOLDERS) runs each
 *                                 file in a process of its own, because grading learner code hardens
 *                                 the realm for good (SES `lockdown()` freezes every built-in).
 *   slow     `npm run test:slow`  everything else outside test/browser/: any *.slow.test.ts (spawned
 *                                 CLIs, a content-layer sync, child processes), SLOW_FILES, and every
 *                                 test in a folder not listed below (e.g. test/differential/, a real
 *                                 PostgreSQL).
 *   browser  `npm run test:browser`  test/browser/**: Chromium against the built site.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const TEST_DIR = path.resolve(import.meta.dirname);

/** Folders of pure unit tests. A new file here is fast by default; name it *.slow.test.ts if it is not. */
export const FAST_FOLDERS = ['sim', 'grading', 'diagram', 'progress', 'content', 'exercises', 'lint', 'offline'] as const;

export const SLOW_SUFFIX = '.slow.test.ts';

/**
 * Files in a fast folder that run in the slow tier although pure, because they grade whole exercises
 * (paths relative to test/). fixtures.test.ts Submits every other correct solution of every exercise:
 * `verify`'s sibling, a fifth of the fast tier's time; the docs name it, so it keeps its name.
 */
export const SLOW_FILES = ['exercises/fixtures.test.ts'];

/**
 * Fast folders whose files each run in a fresh process: their tests grade learner code, which
 * hardens the realm (test/support/realm-untouched.ts fails a file of the shared project that does).
 */
export const ISOLATED_FOLDERS = ['grading'] as const;

/** Globs (relative to the repo root) of the fast tier's two projects. */
export const FAST_ISOLATED_INCLUDE = ISOLATED_FOLDERS.map((f) => `test/${f}/**/*.test.ts`);
export const FAST_SHARED_INCLUDE = FAST_FOLDERS.filter((f) => !(ISOLATED_FOLDERS as readonly string[]).includes(f)).map((f) => `test/${f}/**/*.test.ts`);
export const FAST_EXCLUDE = [`test/**/*${SLOW_SUFFIX}`, ...SLOW_FILES.map((f) => `test/${f}`)];

/** Globs of the slow tier: every *.slow.test.ts, and every folder of test/ that is neither fast nor browser. */
export function slowInclude(): string[] {
  const otherFolders = readdirSync(TEST_DIR).filter(
    (name) => statSync(path.join(TEST_DIR, name)).isDirectory() && name !== 'browser' && !(FAST_FOLDERS as readonly string[]).includes(name),
  );
  return [`test/**/*${SLOW_SUFFIX}`, ...SLOW_FILES.map((f) => `test/${f}`), 'test/*.test.ts', ...otherFolders.map((f) => `test/${f}/**/*.test.ts`)];
}
export const SLOW_EXCLUDE = ['test/browser/**'];

export const BROWSER_INCLUDE = ['test/browser/**/*.test.ts'];
