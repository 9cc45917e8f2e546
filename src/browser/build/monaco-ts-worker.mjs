// @ts-check
/**
 * Vite plugin (build only): Monaco's TypeScript language worker is bundled by esbuild, not by a nested
 * Rollup build.
 *
 * The worker is Monaco's `ts.worker` module and the whole TypeScript compiler (7 MB minified), with
 * nothing of ours in it: esbuild bundles and minifies it in about 2 s, where Vite's worker builds (Rollup,
 * then esbuild's minifier; twice, see WORKER_MANAGER) spent about a third of each `astro build`'s CPU on it. The page gets what
 * Vite's `?worker` import gives it: a constructor of a module worker taking `{ name }`, its file among
 * the build's assets (`_astro/ts.worker.<hash>.js`, so the offline copy and the CSP treat it as any
 * other). `astro dev` keeps Vite's own handling.
 */
import path from 'node:path';
import { build } from 'esbuild';

/** The `?worker` import of Monaco's TypeScript worker (src/components/exercise/monaco.ts). */
const TS_WORKER_IMPORT = /[\\/]monaco-editor[\\/].*[\\/]ts\.worker\.js$/;
/**
 * Monaco's own way to the same worker, used only when `MonacoEnvironment.getWorker` is not defined (it
 * is: monaco.ts): left to Vite, it made a second Rollup build of the 7 MB file.
 */
const WORKER_MANAGER = /[\\/]monaco-editor[\\/].*[\\/]typescript[\\/]workerManager\.js$/;
const FALLBACK_URL = "new URL('ts.worker.js', import.meta.url)";

/**
 * The worker's script: one ES module file, minified, for the browsers the site supports.
 * @param {string} entry
 * @returns {Promise<string>}
 */
async function bundleTsWorker(entry) {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2020',
    write: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  return out.outputFiles[0].text;
}

/** @returns {import('vite').Plugin} */
export function monacoTsWorkerByEsbuild() {
  /** @type {Map<string, Promise<string>>} entry file → the build's reference to its emitted bundle */
  let emitted = new Map();
  /**
   * @param {import('rollup').PluginContext} ctx
   * @param {string} entry
   */
  const emitOnce = (ctx, entry) => {
    let ref = emitted.get(entry);
    if (!ref) {
      ref = bundleTsWorker(entry).then((source) => ctx.emitFile({ type: 'asset', name: 'ts.worker.js', source }));
      emitted.set(entry, ref);
    }
    return ref;
  };
  return {
    name: 'qc-monaco-ts-worker',
    apply: 'build',
    enforce: 'pre',
    buildStart() {
      emitted = new Map();
    },
    async resolveId(source, importer) {
      if (!source.endsWith('ts.worker?worker')) return null;
      const resolved = await this.resolve(source.slice(0, -'?worker'.length), importer, { skipSelf: true });
      return resolved && TS_WORKER_IMPORT.test(resolved.id) ? `\0qc-ts-worker:${resolved.id}` : null;
    },
    async load(id) {
      if (!id.startsWith('\0qc-ts-worker:')) return null;
      const ref = await emitOnce(this, id.slice('\0qc-ts-worker:'.length));
      return `export default function TsWorker(options) {
  return new Worker(import.meta.ROLLUP_FILE_URL_${ref}, { type: 'module', name: options?.name });
}`;
    },
    async transform(code, id) {
      if (!WORKER_MANAGER.test(id)) return null;
      if (!code.includes(FALLBACK_URL)) this.error(`${id}: Monaco no longer creates its TypeScript worker with ${FALLBACK_URL}; update src/browser/build/monaco-ts-worker.mjs`);
      const ref = await emitOnce(this, path.join(path.dirname(id), 'ts.worker.js'));
      return { code: code.replace(FALLBACK_URL, `new URL(import.meta.ROLLUP_FILE_URL_${ref})`), map: null };
    },
  };
}
