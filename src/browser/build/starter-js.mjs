// @ts-check
/**
 * Vite plugin: `virtual:starter-js`, every exercise's starter code compiled at build time, exactly as
 * the page's compile worker would compile it (esbuild-wasm, the same version and options:
 * src/grading/compile-options.ts, file name `solution.ts`). `{ [exerciseId]: js }`; a starter that
 * does not compile cleanly (an error or a warning) has no entry, and the page compiles it as any code.
 *
 * The page uses it twice (src/browser/warm-up.ts): the run worker rehearses the starter without
 * waiting for esbuild-wasm's start (the longest part of the warm-up), and a Run of the unchanged
 * starter needs no compile at all.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { transform } from 'esbuild-wasm';
import { learnerCompileOptions, SITE_LEARNER_FILE } from '../../grading/compile-options.ts';

const ID = 'virtual:starter-js';
const RESOLVED = '\0' + ID;

/**
 * One starter compiled for the page, or null when it should be compiled in the page instead.
 * @param {string} code
 * @returns {Promise<string | null>}
 */
export async function compileStarter(code) {
  try {
    const out = await transform(code, learnerCompileOptions(SITE_LEARNER_FILE));
    return out.warnings.length ? null : out.code;
  } catch {
    return null; // the page shows the starter's compile error itself
  }
}

/**
 * Every exercise folder's starter (`<dir>/<id>/starter.ts`), compiled.
 * @param {string} dir
 * @returns {Promise<Record<string, string>>}
 */
export async function compileStarters(dir) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const id of readdirSync(dir).sort()) {
    const file = join(dir, id, 'starter.ts');
    if (!existsSync(file)) continue;
    const js = await compileStarter(readFileSync(file, 'utf8'));
    if (js !== null) out[id] = js;
  }
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
