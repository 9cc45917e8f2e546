/**
 * Registers the offline service worker (src/browser/offline/sw.js, scope = the base path) once the
 * page has loaded. Only in a built site: `astro dev` has no sw.js. Kept tiny, it is on every page.
 * A browser that refuses service workers (private mode, policy) just stays online-only.
 */
export function registerOfflineWorker(base: string): void {
  addEventListener('load', () => navigator.serviceWorker?.register(`${base}sw.js`).catch(() => {}));
}
