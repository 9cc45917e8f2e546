/**
 * Registers the offline service worker (src/browser/offline/sw.js, scope = the base path) once the
 * page has loaded, at an idle moment — unless an exercise on the page has started by then: that
 * exercise registers it once its start is over (offline/exercise-start.ts). Installing the worker
 * fetches and hashes every page and small asset, and it then caches the editor's large files; on
 * two cores that work, done at `load` while an exercise started, made the editor appear and a first
 * Run finish about twice as late (bench/results/exercise.md). Only in a built site: `astro dev` has
 * no sw.js. Kept tiny (no import: the build inlines it), it is on every page. A browser that refuses
 * service workers (private mode, policy) just stays online-only.
 */
export function registerOfflineWorker(base: string): void {
  // requestIdleCallback where there is one (Safari has none)
  addEventListener('load', () =>
    (self.requestIdleCallback ?? setTimeout)(() => {
      if (!document.querySelector('qc-exercise:not([data-state=static])')) navigator.serviceWorker?.register(`${base}sw.js`).catch(() => {});
    }),
  );
}
