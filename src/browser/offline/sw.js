// @ts-check
/// <reference lib="webworker" />
/**
 * The course's service worker: once a learner has loaded the site, it keeps working offline.
 * Built into `<dist>/sw.js` by src/browser/build/offline.mjs, which puts `self.QC_OFFLINE` (the
 * build's file list, version and the SHA-256 of every block of every file) in front of this file.
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
 *  - only the build's own files: a response is stored, and a cached one served, only as blocks of
 *    `blockBytes` that each hash to the manifest's SHA-256 for that block of that URL. Anything else
 *    in the origin's CacheStorage (a rewritten entry, a cache this worker did not make) is never
 *    served: a bad entry is dropped and the file refetched (from the bad block on, if earlier blocks
 *    were served). So whatever once wrote to this origin's caches cannot make a later page load run
 *    its script. Checking block by block lets a cached file stream: the editor's 4 MB script starts
 *    arriving once its first block is checked, not once all of it is read and hashed.
 */
const sw = /** @type {ServiceWorkerGlobalScope & typeof globalThis & { QC_OFFLINE: { base: string; version: string; precache: string[]; large: string[]; blockBytes: number; sha256: Record<string, string[]> } }} */ (
  /** @type {unknown} */ (self)
);
const { base, version, precache, large, blockBytes, sha256 } = sw.QC_OFFLINE;
const PREFIX = `qc-offline:${base}:`;
const PAGES = `${PREFIX}${version}`;
const LARGE = `${PREFIX}large`;
const abs = (/** @type {string} */ p) => new URL(base + p, sw.location.origin).href;
const ALL = new Set([...precache, ...large].map(abs));
const LARGE_URLS = large.map(abs);
/** Pages ("", "lessons/x/", "404.html") are served network first; everything else cache first. */
const ASSETS = new Set([...precache.filter((p) => !(p === '' || p.endsWith('/') || p.endsWith('.html'))), ...large].map(abs));
/** The build's SHA-256 (base64) of each block of each file, by absolute URL. */
const EXPECTED = new Map(Object.entries(sha256).map(([p, h]) => [abs(p), h]));

/**
 * A source of a file's bytes: `open` answers a response (or nothing); `bad` is called when its bytes are not the build's.
 * @typedef {{ open: () => Promise<Response | undefined>; bad: () => Promise<unknown> }} Source
 */

/** `body` in blocks of `blockBytes` (the last one shorter; an empty body is one empty block), as the build hashed it. */
async function* blocksOf(/** @type {ReadableStream<Uint8Array>} */ body) {
  const reader = body.getReader();
  let block = new Uint8Array(blockBytes);
  let filled = 0;
  let yielded = false;
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      for (let at = 0; at < r.value.length; ) {
        const n = Math.min(blockBytes - filled, r.value.length - at);
        block.set(r.value.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled === blockBytes) {
          yield block;
          yielded = true;
          block = new Uint8Array(blockBytes);
          filled = 0;
        }
      }
    }
    if (filled > 0 || !yielded) yield block.subarray(0, filled);
  } finally {
    reader.cancel().catch(() => {});
  }
}

async function base64Sha256(/** @type {Uint8Array<ArrayBuffer>} */ bytes) {
  let bin = '';
  for (const b of new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))) bin += String.fromCharCode(b);
  return btoa(bin);
}

/**
 * Block after block of the build's file `url`, each one only once it hashes to the build's. Reads
 * `sources` in turn: from the first block a source gets wrong (a different block, a missing or an
 * extra one, an error), the next source takes over at that block. Throws when no source is left.
 * @param {string} url
 * @param {Source[]} sources
 * @returns {AsyncGenerator<Uint8Array, void, void>}
 */
async function* verifiedBlocks(url, sources) {
  const want = EXPECTED.get(url) ?? [];
  let next = 0;
  for (const source of sources) {
    try {
      const res = await source.open();
      if (!res?.ok || !res.body) continue;
      let i = 0;
      for await (const block of blocksOf(res.body)) {
        if (i < next) {
          i++;
          continue;
        }
        if (i >= want.length || (await base64Sha256(block)) !== want[i]) break;
        yield block;
        next = ++i;
      }
      if (next === want.length) return;
    } catch {
      // a source that fails counts as a bad one
    }
    await source.bad().catch(() => {});
  }
  throw new Error(`${url}: not the build's file`);
}

/**
 * A response streaming `url` from `sources` (verifiedBlocks), or null when none of them has its
 * first block. `fallback` takes over for a later block only (the first one decides whether to answer).
 */
async function ownResponse(/** @type {string} */ url, /** @type {Source[]} */ sources, /** @type {Source[]} */ fallback = []) {
  /** the response last opened among `sources`: the one the first block came from, whose status and headers are answered */
  let opened = /** @type {Response | undefined} */ (undefined);
  const recorded = sources.map((s) => ({ open: async () => (opened = await s.open()), bad: s.bad }));
  let started = false;
  const blocks = verifiedBlocks(url, [...recorded, ...fallback.map((s) => ({ open: async () => (started ? s.open() : undefined), bad: s.bad }))]);
  const first = await blocks.next().catch(() => null);
  if (!first || first.done || !opened) return null;
  started = true;
  const { status, statusText, headers } = opened;
  const body = new ReadableStream(
    {
      start: (controller) => controller.enqueue(first.value),
      async pull(controller) {
        try {
          const r = await blocks.next();
          if (r.done) controller.close();
          else controller.enqueue(r.value);
        } catch (err) {
          controller.error(err);
        }
      },
      cancel: () => void blocks.return(),
    },
    { highWaterMark: 4 },
  );
  return new Response(body, { status, statusText, headers });
}

/** The cached copies of `url` in this worker's own caches (never another cache); a bad one is dropped. */
function cachedSources(/** @type {string} */ url) {
  return [PAGES, LARGE].map((name) => ({
    open: async () => (await caches.open(name)).match(url),
    bad: async () => (await caches.open(name)).delete(url),
  }));
}

/** `url` fetched again (a cached copy went bad half-way through serving it). */
const refetched = (/** @type {string} */ url) => [{ open: () => fetch(url), bad: async () => {} }];

/** The build's file for `url` from this worker's own caches, streaming; null when no cached copy is the build's. */
function cachedOwn(/** @type {string} */ url) {
  return ownResponse(url, cachedSources(url), refetched(url));
}

/** The build's page `url` from this worker's own caches, read whole (a page answers whole or not at all), or null. */
async function cachedPage(/** @type {string} */ url) {
  const res = await ownResponse(url, cachedSources(url));
  if (!res) return null;
  const body = await res.arrayBuffer().catch(() => null);
  return body && new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

/**
 * Whether this worker's own caches hold a copy of `url`. Its bytes are not read here: every serve
 * checks them block by block (and drops a bad copy, so it is fetched again), and a worker started
 * again would otherwise read and hash all the large files each time, beside the learner's work.
 */
async function isCached(/** @type {string} */ url) {
  for (const source of cachedSources(url)) if (await source.open()) return true;
  return false;
}

/**
 * Stores `res` (fetched for `url`) when it is the build's own file. Returns whether it was stored;
 * throws when storing it failed otherwise (storage full: the caller tries again later).
 */
async function storeOwn(/** @type {string} */ cacheName, /** @type {string} */ url, /** @type {Response} */ res) {
  let notOwn = false;
  const own = await ownResponse(url, [{ open: async () => res, bad: async () => (notOwn = true) }]);
  if (!own) return false;
  try {
    await (await caches.open(cacheName)).put(url, own);
    return true;
  } catch (err) {
    if (notOwn) return false; // a later block was not the build's: nothing stored
    throw err;
  }
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
      if (await isCached(url)) continue;
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
    const cached = (await cachedPage(key)) ?? (key.endsWith('/') ? null : await cachedPage(`${key}/`));
    if (cached) return cached;
    const notFound = await cachedPage(abs('404.html'));
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
