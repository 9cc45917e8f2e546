// @ts-check
/// <reference lib="webworker" />
/**
 * The course's service worker: once a learner has loaded the site, it keeps working offline.
 * Built into `<dist>/sw.js` by src/browser/build/offline.mjs, which puts `self.QC_OFFLINE` (the
 * build's file list and version) in front of this file.
 *
 *  - install: every page and every small asset goes into this version's cache.
 *  - activate: older versions' caches are dropped. Then the large editor files (Monaco, TypeScript's
 *    worker, esbuild's wasm) go into a shared cache in the background, resumed on each page visit,
 *    unless the browser asks to save data; and whenever the page loads them.
 *  - pages: network first (an author's update shows at once), the cached copy when offline, the
 *    cached 404 page for an unknown URL.
 *  - assets (content-hashed file names): cache first.
 */
const sw = /** @type {ServiceWorkerGlobalScope & typeof globalThis & { QC_OFFLINE: { base: string; version: string; precache: string[]; large: string[] } }} */ (
  /** @type {unknown} */ (self)
);
const { base, version, precache, large } = sw.QC_OFFLINE;
const PREFIX = `qc-offline:${base}:`;
const PAGES = `${PREFIX}${version}`;
const LARGE = `${PREFIX}large`;
const abs = (/** @type {string} */ p) => new URL(base + p, sw.location.origin).href;
const ALL = new Set([...precache, ...large].map(abs));
const LARGE_URLS = large.map(abs);
/** Pages ("", "lessons/x/", "404.html") are served network first; everything else cache first. */
const ASSETS = new Set([...precache.filter((p) => !(p === '' || p.endsWith('/') || p.endsWith('.html'))), ...large].map(abs));

sw.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(PAGES);
      await cache.addAll(precache.map((p) => new Request(abs(p), { cache: 'reload' })));
      await sw.skipWaiting();
    })(),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name.startsWith(PREFIX) && name !== PAGES && name !== LARGE) await caches.delete(name);
      const cache = await caches.open(LARGE);
      for (const req of await cache.keys()) if (!ALL.has(req.url)) await cache.delete(req);
      await sw.clients.claim();
    })(),
  );
  // Not part of activation (that would hold up every request): the editor's files arrive while the
  // learner reads. Each page visit resumes it if the worker was stopped half-way.
  if (!savingData(undefined)) void fillLarge();
});

/** True when the browser asks to save data (data saver on: Save-Data header, or the connection's flag). */
function savingData(/** @type {Request | undefined} */ request) {
  const connection = /** @type {{ connection?: { saveData?: boolean } }} */ (/** @type {unknown} */ (navigator)).connection;
  return request?.headers.get('save-data') === 'on' || connection?.saveData === true;
}

/** @type {Promise<void> | null} */ let filling = null;
let filled = false;

/** Caches the editor's large files that are not cached yet, one at a time; at most one run at once. */
function fillLarge() {
  if (filled) return Promise.resolve();
  filling ??= (async () => {
    const cache = await caches.open(LARGE);
    for (const url of LARGE_URLS) {
      if (await cache.match(url)) continue;
      const res = await fetch(url);
      if (res.ok) await cache.put(url, res);
    }
    filled = true;
  })()
    .catch(() => {})
    .finally(() => {
      filling = null;
    });
  return filling;
}

/** The cache key of a page: `…/lessons/x/` for `…/lessons/x/index.html`, and for `…/lessons/x`. */
function pageKey(/** @type {URL} */ url) {
  const u = new URL(url.href);
  u.search = '';
  u.hash = '';
  if (u.pathname.endsWith('/index.html')) u.pathname = u.pathname.slice(0, -'index.html'.length);
  return u.href;
}

async function page(/** @type {Request} */ request) {
  const url = new URL(request.url);
  const key = pageKey(url);
  try {
    const res = await fetch(request);
    if (res.ok && ALL.has(key)) (await caches.open(PAGES)).put(key, res.clone());
    return res;
  } catch (err) {
    const cached = (await caches.match(key)) ?? (await caches.match(key.endsWith('/') ? key : `${key}/`));
    if (cached) return cached;
    const notFound = await caches.match(abs('404.html'));
    if (notFound) return new Response(notFound.body, { status: 404, statusText: 'Not Found', headers: notFound.headers });
    throw err;
  }
}

async function asset(/** @type {Request} */ request) {
  const cached = await caches.match(request.url);
  if (cached) return cached;
  const res = await fetch(request);
  if (res.ok) (await caches.open(LARGE_URLS.includes(request.url) ? LARGE : PAGES)).put(request.url, res.clone());
  return res;
}

sw.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin || !url.pathname.startsWith(base)) return;
  if (request.mode === 'navigate') {
    event.respondWith(page(request));
    if (!savingData(request)) event.waitUntil(fillLarge());
  }
  else if (ASSETS.has(url.origin + url.pathname) && !request.headers.has('range')) event.respondWith(asset(request));
});
