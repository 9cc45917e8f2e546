// @ts-check
/**
 * Vite plugin: SES's modules keep their functions' names through minification.
 *
 * Hardened JavaScript replaces some constructors with its own (`const ResultError = function Error(…)`,
 * likewise `RegExp` and `Function`); minified, learner code in the run worker saw `Error.name === 'l'`
 * where `npm run grade` and Node say 'Error'. esbuild's `keepNames` sets each function's name
 * explicitly, so the minifier's renaming no longer shows (test/browser/host-parity.test.ts).
 */
import { transform } from 'esbuild';

const SES = /[\\/]node_modules[\\/]ses[\\/].*\.js$/;

/** @returns {import('vite').Plugin} */
export function sesKeepsNames() {
  return {
    name: 'qc-ses-keeps-names',
    async transform(code, id) {
      if (!SES.test(id.split('?')[0])) return null;
      const r = await transform(code, { loader: 'js', format: 'esm', target: 'es2022', keepNames: true, sourcemap: true, sourcefile: id });
      return { code: r.code, map: r.map };
    },
  };
}
