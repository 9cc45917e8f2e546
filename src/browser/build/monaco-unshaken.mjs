// @ts-check
/**
 * Vite plugin: Rollup skips tree-shaking where it finds nothing to remove — Monaco's modules in the
 * editor chunk, and the TypeScript compiler inside Monaco's language worker.
 *
 * Tree-shaking them was about 30 % of a build's CPU (one `astro build`: 97 → 68 CPU s, most of it the
 * 9 MB `typescriptServices.js`) and removed nothing: without it the editor chunk came out 4 bytes
 * larger and the language worker byte for byte the same (measured 2026-12-06). In the editor worker,
 * shaking Monaco's modules does remove 33 kB, so workers get only the TypeScript filter. Every other
 * module, ours included, is still tree-shaken.
 */

/** Any module of monaco-editor (for the page's editor chunk). */
export const MONACO_MODULES = /[\\/]node_modules[\\/]monaco-editor[\\/].*\.js$/;
/** The TypeScript compiler and its lib files inside Monaco's language worker. */
export const MONACO_TYPESCRIPT = /[\\/]node_modules[\\/]monaco-editor[\\/].*[\\/]typescript[\\/]lib[\\/][^\\/]+\.js$/;

/**
 * @param {RegExp} modules the module ids not to tree-shake
 * @returns {import('vite').Plugin}
 */
export function unshaken(modules) {
  return {
    name: 'qc-unshaken',
    apply: 'build',
    transform(code, id) {
      if (!modules.test(id)) return null;
      // the code is unchanged (`map: null` keeps its source map); only Rollup's analysis is skipped
      return { code, map: null, moduleSideEffects: 'no-treeshake' };
    },
  };
}
