// @ts-check
/**
 * Vite plugin: `virtual:starter-js`, every exercise's starter code compiled at build time, exactly as
 * the page's compile worker would compile it (esbuild-wasm, the same version and options:
 * src/grading/compile-options.ts, file name `solution.ts`). `{ [exerciseId]: js }`; a starter that
 * compiles with a warning has no entry (the page compiles it as any code, and shows the warning); one
 * that does not compile stops the build, with its file and line.
 *
 * The page uses it twice (src/browser/warm-up.ts): the run worker rehearses the starter without
 * waiting for esbuild-wasm's start (the longest part of the warm-up), and a Run of the unchanged
 * starter needs no compile at all.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { transform } from 'esbuild-wasm';
import { learnerCompileOptions, SITE_LEARNER_FILE } from '../../grading/compile-options.ts';

const ID = 'virtual:starter-js';
const RESOLVED = '\0' + ID;

/**
 * One starter compiled for the page, or null when it compiles with a warning (the page compiles it
 * as any code, and shows the warning). A starter that does not compile is an authoring mistake: it
 * throws, naming the place (`<file>:<line>:<column>: <message>`).
 * @param {string} code
 * @param {string} file where the starter is, for the message
 * @returns {Promise<string | null>}
 */
export async function compileStarter(code, file) {
  let out;
  try {
    out = await transform(code, learnerCompileOptions(SITE_LEARNER_FILE));
  } catch (e) {
    /** @type {{ errors?: Array<{ text: string; location?: { line: number; column: number } | null }> }} */
    const failure = /** @type {any} */ (e);
    const first = failure.errors?.[0];
    const where = first?.location ? `${file}:${first.location.line}:${first.location.column + 1}` : file;
    throw new Error(`${where}: the starter does not compile: ${first?.text ?? String(e)}`);
  }
  return out.warnings.length ? null : out.code;
}

/**
 * Every exercise folder's starter (`<dir>/<id>/starter.ts`), compiled. Throws for a starter that does
 * not compile (every such starter named).
 * @param {string} dir
 * @returns {Promise<Record<string, string>>}
 */
export async function compileStarters(dir) {
  /** @type {Record<string, string>} */
  const out = {};
  /** @type {string[]} */
  const broken = [];
  for (const id of readdirSync(dir).sort()) {
    const file = join(dir, id, 'starter.ts');
    if (!existsSync(file)) continue;
    try {
      const js = await compileStarter(readFileSync(file, 'utf8'), relative(process.cwd(), file) || file);
      if (js !== null) out[id] = js;
    } catch (e) {
      broken.push(e instanceof Error ? e.message : String(e));
    }
  }
  if (broken.length) throw new Error(broken.join('\n'));
  return out;
}

/** @returns {import('vite').Plugin} */
export function starterJs() {
  let exercises = resolve('exercises');
  return {
    name: 'qc-starter-js',
    configResolved(config) {
      exercises = join(config.root, 'exercises');
    },
    resolveId(source) {
      return source === ID ? RESOLVED : null;
    },
    async load(id) {
      if (id !== RESOLVED) return null;
      for (const name of readdirSync(exercises)) {
        const file = join(exercises, name, 'starter.ts');
        if (existsSync(file)) this.addWatchFile(file);
      }
      return `export default ${JSON.stringify(await compileStarters(exercises))};`;
    },
  };
}
