// @ts-check
/**
 * Vite plugin: every web worker is built as one self-contained file (no chunks, no `import`).
 *
 * The run worker is started inside an opaque-origin frame (src/browser/sandbox-frame.mjs) from a
 * `blob:` copy of its script that the page fetched; a module in an opaque origin could import the
 * site's chunks only through CORS, which static hosting does not offer. So the worker's file must
 * hold everything it runs: the grader, the simulator and every exercise's tests.
 */

/** @returns {import('vite').Plugin} */
export function workersAsSingleFiles() {
  return {
    name: 'qc-workers-single-file',
    config: () => ({ worker: { rollupOptions: { output: { inlineDynamicImports: true } } } }),
  };
}
