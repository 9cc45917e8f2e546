/**
 * Registers the offline service worker (src/browser/offline/sw.js, scope = the base path) a few
 * seconds after the page has loaded — unless an exercise on the page has started by then: that
 * exercise registers it once its start is over (offline/exercise-start.ts). Installing the worker
 * fetches and hashes every page and small asset, and it then caches the editor's large files; on two
 * cores that work, done at `load` (or at the first idle moment after it) while a learner opened an
 * exercise, made the editor appear and a first Run finish up to twice as late
 * (bench/results/cold-path-experiments.md, section 8). Only in a built site: `astro dev` has no sw.js.
 * Kept tiny (no import: the build inlines it), it is on every page. A browser that refuses service
 * workers (private mode, policy) just stays online-only.
 */
export function registerOfflineWorker(base: string): void {
  addEventListener('load', () =>
    setTimeout(() => {
      if (!document.querySelector('qc-exercise:not([data-state=static])')) navigator.serviceWorker?.register(`${base}sw.js`).catch(() => {});
    }, REGISTER_AFTER_LOAD_MS),
  );
}

/** The page's first seconds are the learner's: one who opens an exercise at once has them to it. */
const REGISTER_AFTER_LOAD_MS = 5000;
