// @ts-check
/// <reference lib="webworker" />
/**
 * The course's service worker: once a learner has loaded the site, it keeps working offline.
 * Built into `<dist>/sw.js` by src/browser/build/offline.mjs, which puts `self.QC_OFFLINE` (the
 * build's file list, version and every file's SHA-256) in front of this file.
 *
 *  - install: every page and every small asset goes into this version's cache (a few at a time,
 *    each once no page says an exercise on it is starting: see below).
 *  - activate: older versions' caches are dropped. Then the large editor files (Monaco, TypeScript's
 *    worker, esbuild's wasm) go into a shared cache in the background, unless the browser asks to
 *    save data, and whenever the page loads them. That background work yields to the learner:
 *    between two files it waits while a page says an exercise on it is starting (`qc:page` messages
 *    from offline/exercise-start.ts), and so does storing a file a page loaded. It resumes, in a
 *    worker stopped half-way, when a page says its exercises' start is over, and VISIT_GRACE_MS after
 *    any page visit (a page without an exercise says nothing).
 *  - pages: network first (an author's update shows at once), the cached copy when offline, the
 *    cached 404 page for an unknown URL.
 *  - assets (content-hashed file names): cache first.
 *  - only the build's own files: a response is stored, and a cached one served, only when its body
 *    hashes to the manifest's SHA-256 for that URL. Anything else in the origin's CacheStorage (a
 *    rewritten entry, a cache this worker did not make) is never served: a bad entry is dropped and
 *    the file refetched. So whatever once wrote to this origin's caches cannot make a later page
 *    load run its script.
 */
const sw = /** @type {ServiceWorkerGlobalScope & typeof globalThis & { QC_OFFLINE: { base: string; version: string; precache: string[]; large: string[]; sha256: Record<string, string> } }} */ (
  /** @type {unknown} */ (self)
);
const { base, version, precache, large, sha256 } = sw.QC_OFFLINE;
const PREFIX = `qc-offline:${base}:`;
const PAGES = `${PREFIX}${version}`;
const LARGE = `${PREFIX}large`;
const abs = (/** @type {string} */ p) => new URL(base + p, sw.location.origin).href;
const ALL = new Set([...precache, ...large].map(abs));
const LARGE_URLS = large.map(abs);
/** Pages ("", "lessons/x/", "404.html") are served network first; everything else cache first. */
const ASSETS = new Set([...precache.filter((p) => !(p === '' || p.endsWith('/') || p.endsWith('.html'))), ...large].map(abs));
/** The build's SHA-256 (base64) of each file, by absolute URL. */
const EXPECTED = new Map(Object.entries(sha256).map(([p, h]) => [abs(p), h]));

/**
 * The response as the build's own file for `url`, or null when its body is anything else.
 * Reads the body: the returned copy is what gets served or stored.
 */
async function ownFile(/** @type {string} */ url, /** @type {Response | undefined} */ res) {
  const want = EXPECTED.get(url);
  if (!res || !want || !res.ok) return null;
  const body = await res.arrayBuffer();
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', body));
  let bin = '';
  for (const b of digest) bin += String.fromCharCode(b);
  if (btoa(bin) !== want) return null;
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

/** The build's file for `url` from this worker's own caches (never another cache), dropping a bad entry. */
async function cachedOwn(/** @type {string} */ url) {
  for (const name of [PAGES, LARGE]) {
    const cache = await caches.open(name);
    const hit = await cache.match(url);
    if (!hit) continue;
    const own = await ownFile(url, hit);
    if (own) return own;
    await cache.delete(url);
  }
  return null;
}

/** Stores `res` (fetched for `url`) when it is the build's own file. Returns whether it was stored. */
async function storeOwn(/** @type {string} */ cacheName, /** @type {string} */ url, /** @type {Response} */ res) {
  const own = await ownFile(url, res);
  if (!own) return false;
  await (await caches.open(cacheName)).put(url, own);
  return true;
}

/** A page that says an exercise on it is starting holds the background work back at most this long. */
const BUSY_CAP_MS = 30_000;
/** @type {Map<string, number>} client id → exercises starting on that page */
const busyClients = new Map();
/** @type {Array<() => void>} */ let quietWaiters = [];

/** Resolves once no page says an exercise on it is starting (pages closed meanwhile do not count), or BUSY_CAP_MS later. */
async function whenQuiet() {
  for (const id of [...busyClients.keys()]) if (!(await sw.clients.get(id))) busyClients.delete(id);
  if (busyClients.size === 0) return;
  await new Promise((resolve) => {
    quietWaiters.push(/** @type {() => void} */ (resolve));
    setTimeout(resolve, BUSY_CAP_MS);
  });
}

/** Calls `fn` for every item, a few at once, each once no page says an exercise on it is starting. */
async function eachWhenQuiet(/** @type {string[]} */ items, /** @type {(item: string) => Promise<void>} */ fn, width = 4) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const item = items[next++];
        await whenQuiet();
        await fn(item);
      }
    }),
  );
}

/**
 * A page's state, from offline/exercise-start.ts: `{ type: 'qc:page', busy, quiet }` — how many
 * exercises on it are starting, and whether their start is over (then the background caching
 * resumes). The latest message of a page stands (sent again, it changes nothing).
 */
sw.addEventListener('message', (event) => {
  const id = event.source && 'id' in event.source ? event.source.id : null;
  const data = event.data;
  if (!id || !data || data.type !== 'qc:page' || typeof data.busy !== 'number') return;
  if (data.busy > 0) busyClients.set(id, data.busy);
  else busyClients.delete(id);
  if (busyClients.size === 0) {
    const waiters = quietWaiters;
    quietWaiters = [];
    waiters.forEach((resolve) => resolve());
  }
  if (data.quiet === true && !savingData(undefined)) event.waitUntil(fillLarge());
});

sw.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      await eachWhenQuiet(precache, async (p) => {
        const res = await fetch(new Request(abs(p), { cache: 'reload' }));
        if (!res.ok) throw new Error(`${abs(p)}: HTTP ${res.status}`);
        // A file that differs from the build's (a deploy in progress) is fetched again when used.
        await storeOwn(PAGES, abs(p), res);
      });
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
  // learner reads. A quiet page resumes it if the worker was stopped half-way.
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
    for (const url of LARGE_URLS) {
      await whenQuiet();
      if (await cachedOwn(url)) continue;
      await storeOwn(LARGE, url, await fetch(url));
    }
    filled = true;
  })()
    .catch(() => {})
    .finally(() => {
      filling = null;
    });
  return filling;
}

/** How long after a page visit the large files' caching resumes: time for the page to start its exercise, if it has one. */
const VISIT_GRACE_MS = 10_000;

/** A page visit resumes the large files' caching (a worker stopped half-way), once the page has had time to say an exercise is starting and none is. */
function resumeAfterVisit() {
  if (filled) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, VISIT_GRACE_MS)).then(fillLarge);
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
    if (res.ok && ALL.has(key)) storeOwn(PAGES, key, res.clone()).catch(() => {});
    return res;
  } catch (err) {
    const cached = (await cachedOwn(key)) ?? (key.endsWith('/') ? null : await cachedOwn(`${key}/`));
    if (cached) return cached;
    const notFound = await cachedOwn(abs('404.html'));
    if (notFound) return new Response(notFound.body, { status: 404, statusText: 'Not Found', headers: notFound.headers });
    throw err;
  }
}

async function asset(/** @type {FetchEvent} */ event) {
  const { request } = event;
  const url = new URL(request.url);
  const key = url.origin + url.pathname;
  const cached = await cachedOwn(key);
  if (cached) return cached;
  const res = await fetch(request);
  if (res.ok) {
    const copy = res.clone();
    event.waitUntil(whenQuiet().then(() => storeOwn(LARGE_URLS.includes(key) ? LARGE : PAGES, key, copy)).catch(() => {}));
  }
  return res;
}

sw.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin || !url.pathname.startsWith(base)) return;
  if (request.mode === 'navigate') {
    event.respondWith(page(request));
    if (!savingData(request)) event.waitUntil(resumeAfterVisit());
  }
  else if (ASSETS.has(url.origin + url.pathname) && !request.headers.has('range')) event.respondWith(asset(event));
});
