/** Where exercises live and what an exercise folder holds (for `npm run grade`, `npm run verify` and bench/). */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root: the nearest folder above this module with the course's package.json. Found by
 * looking, not by a fixed number of `..`, because benchmarks run this module bundled into bench/.
 */
function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'quorum-course') return dir;
    if (dirname(dir) === dir) throw new Error(`No quorum-course package.json above ${from}`);
  }
}

export const ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
/** `QC_EXERCISES_DIR` overrides where exercises are read from (used by the CLI tests). */
export const EXERCISES_DIR = process.env.QC_EXERCISES_DIR ? resolve(process.env.QC_EXERCISES_DIR) : join(ROOT, 'exercises');

/** All files of an exercise folder, relative path → text. */
export function readExerciseFiles(id: string): Record<string, string> {
  const dir = join(EXERCISES_DIR, id);
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files[relative(dir, p).split('\\').join('/')] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return files;
}

export function exerciseIds(): string[] {
  return readdirSync(EXERCISES_DIR)
    .filter((n) => statSync(join(EXERCISES_DIR, n)).isDirectory())
    .sort();
}
