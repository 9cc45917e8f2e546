/**
 * The course's offline worker (src/browser/offline/sw.js) in Node, for unit tests of its logic: the
 * script as the build writes it (`self.QC_OFFLINE` in front) evaluated in a context of its own whose
 * service-worker surface — CacheStorage, fetch, clients, events, timers — is in memory and recorded.
 * Nothing here is timing: a test waits for a recorded fact (a fetch, a timer the worker set, a
 * cache entry), never for a while.
 *
 *   const sw = loadServiceWorker({ base: '/', files: { '': '<html>', 'big.wasm': bytes }, large: ['big.wasm'] });
 *   await sw.dispatch('install'); await sw.dispatch('activate');
 *   sw.message('page-1', 'qc:busy');
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { ROOT } from '../../support/server';
import { BLOCK_BYTES, fileBlocks } from '../../src/browser/build/offline.mjs';

const SOURCE = readFileSync(path.join(ROOT, 'src/browser/offline/sw.js'), 'utf8');
const ORIGIN = 'https://course.test';

export interface FakeWorkerOptions {
  base: string;
  /** every file of the "build" by its URL path relative to base ('' = the landing page) */
  files: Record<string, string | Uint8Array>;
  /** which of them are the large ones (cached after activation) */
  large: string[];
  /** the block size the worker checks (the build's BLOCK_BYTES unless given) */
  blockBytes?: number;
}

/** A timer the worker set (setTimeout): the test fires it when the time it stands for has passed. */
export interface FakeTimer {
  ms: number;
  fire(): void;
}

/** What the worker answered a request with. */
export interface Answer {
  /** the whole body; null when the worker did not answer or the body failed */
  response: Promise<Uint8Array | null>;
  /** once the response settled: every byte the page received, also of a body that failed half-way */
  received(): Promise<Uint8Array>;
  /** the work the request left behind */
  after: Promise<void>;
}

export interface FakeWorker {
  /** every URL the worker fetched, in order */
  fetched: string[];
  /** timers the worker set and that have not fired */
  timers: FakeTimer[];
  /** open page ids (clients.get answers for these) */
  openPages: Set<string>;
  /** the URLs in the worker's cache named `…large` */
  largeCached(): Promise<string[]>;
  /** the URLs in any of the worker's caches */
  cached(): Promise<string[]>;
  /** makes the URL's entry in each cache holding it hold `body` (as anything else writing to the origin's caches could) */
  rewrite(pathFromBase: string, body: Uint8Array): void;
  /** the network: fetches reject while it is off, and a file's body can be replaced (a deploy in progress) */
  network: { on: boolean; serve(pathFromBase: string, body: Uint8Array): void };
  /** the origin's storage: while full, every cache put fails (QuotaExceededError); the URLs refused so; the URLs whose cached body was read */
  storage: { full: boolean; refused: string[]; read: string[] };
  /** the browser stops the worker and starts it again: a new instance of the script, the same caches, no timers */
  restart(): void;
  /** dispatches an extendable event; resolves when every promise passed to waitUntil/respondWith settled */
  dispatch(type: 'install' | 'activate'): Promise<void>;
  /** a page (client id) posts `data` to the worker; resolves when the work it started settled */
  message(clientId: string, data: unknown): Promise<void>;
  /** the browser navigates to a page; resolves with the page's body (null when the worker could not answer) and the work left behind */
  navigate(pathFromBase: string): Answer;
  /** a GET the page makes; returns the response's body and a promise for the work the fetch left behind */
  fetch(pathFromBase: string): Answer;
  url(pathFromBase: string): string;
  /** resolves when `pred` holds, re-checked after every fetch, timer set and cache write */
  until(pred: () => boolean | Promise<boolean>): Promise<void>;
}

const bytes = (x: string | Uint8Array) => (typeof x === 'string' ? new TextEncoder().encode(x) : x);

/** The worker script with its manifest in front, as src/browser/build/offline.mjs writes it. */
function script(opts: FakeWorkerOptions): string {
  const sha: Record<string, string[]> = {};
  for (const [p, body] of Object.entries(opts.files)) sha[p] = fileBlocks(bytes(body), opts.blockBytes ?? BLOCK_BYTES);
  const manifest = {
    base: opts.base,
    version: 'test',
    precache: Object.keys(opts.files).filter((p) => !opts.large.includes(p)),
    large: opts.large,
    blockBytes: opts.blockBytes ?? BLOCK_BYTES,
    sha256: sha,
  };
  return `self.QC_OFFLINE = ${JSON.stringify(manifest)};\n${SOURCE}`;
}

class FakeCache {
  entries = new Map<string, Response>();
  constructor(
    private readonly changed: () => void,
    private readonly storage: { full: boolean; refused: string[]; read: string[] },
  ) {}
  /** A copy of the entry; reading its body is recorded (`storage.read`), finding it is not. */
  async match(req: string | Request) {
    const url = typeof req === 'string' ? req : req.url;
    const r = this.entries.get(url);
    if (!r) return undefined;
    const reader = r.clone().body!.getReader();
    const read = this.storage.read;
    let first = true;
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          if (first) read.push(url);
          first = false;
          const c = await reader.read();
          if (c.done) controller.close();
          else controller.enqueue(c.value);
        },
        cancel: () => reader.cancel(),
      },
      { highWaterMark: 0 }, // nothing is read until the body is
    );
    return new Response(body, { status: r.status, headers: r.headers });
  }
  /** Like CacheStorage's: reads the whole body first, and stores nothing when that fails. */
  async put(req: string | Request, res: Response) {
    const body = await res.arrayBuffer();
    if (this.storage.full) {
      this.storage.refused.push(typeof req === 'string' ? req : req.url);
      this.changed();
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    }
    this.entries.set(typeof req === 'string' ? req : req.url, new Response(body, { status: res.status, headers: res.headers }));
    this.changed();
  }
  async delete(req: string | Request) {
    return this.entries.delete(typeof req === 'string' ? req : req.url);
  }
  async keys() {
    return [...this.entries.keys()].map((u) => new Request(u));
  }
}

export function loadServiceWorker(opts: FakeWorkerOptions): FakeWorker {
  const listeners = new Map<string, Array<(e: unknown) => void>>();
  const caches = new Map<string, FakeCache>();
  const fetched: string[] = [];
  const timers: FakeTimer[] = [];
  const openPages = new Set<string>();
  let wake: Array<() => void> = [];
  const changed = () => {
    const w = wake;
    wake = [];
    w.forEach((f) => f());
  };
  const abs = (p: string) => new URL(opts.base + p, ORIGIN).href;
  const bodies = new Map(Object.entries(opts.files).map(([p, b]) => [abs(p), bytes(b)]));
  const network = { on: true, serve: (p: string, body: Uint8Array) => void bodies.set(abs(p), body) };
  const storage = { full: false, refused: [] as string[], read: [] as string[] };

  const self = {
    location: { origin: ORIGIN },
    addEventListener(type: string, fn: (e: unknown) => void) {
      listeners.set(type, [...(listeners.get(type) ?? []), fn]);
    },
    skipWaiting: async () => {},
    clients: {
      claim: async () => {},
      get: async (id: string) => (openPages.has(id) ? { id } : undefined),
    },
  };
  const globals = () => ({
    self,
    caches: {
      open: async (name: string) => {
        if (!caches.has(name)) caches.set(name, new FakeCache(changed, storage));
        return caches.get(name)!;
      },
      keys: async () => [...caches.keys()],
      delete: async (name: string) => caches.delete(name),
    },
    fetch: async (req: string | Request) => {
      const url = typeof req === 'string' ? req : req.url;
      fetched.push(url);
      changed();
      if (!network.on) throw new TypeError('Failed to fetch');
      const body = bodies.get(new URL(url).origin + new URL(url).pathname);
      return body ? new Response(body.slice(), { status: 200 }) : new Response('not found', { status: 404 });
    },
    setTimeout: (fn: () => void, ms: number) => {
      const t: FakeTimer = {
        ms,
        fire: () => {
          const i = timers.indexOf(t);
          if (i >= 0) timers.splice(i, 1);
          fn();
        },
      };
      timers.push(t);
      changed();
      return t;
    },
    navigator: {},
    crypto: globalThis.crypto,
    btoa,
    ReadableStream,
    URL,
    Request,
    Response,
  });
  const start = () => vm.runInContext(script(opts), vm.createContext(globals()), { filename: 'sw.js' });
  start();

  /** Calls the listeners of `type` with an event whose waitUntil/respondWith promises are collected. */
  function fire(type: string, fields: Record<string, unknown>): { settled: Promise<void>; responded: Promise<unknown> | null } {
    const pending: Promise<unknown>[] = [];
    let responded: Promise<unknown> | null = null;
    const event = {
      ...fields,
      waitUntil: (p: Promise<unknown>) => void pending.push(p),
      respondWith: (p: Promise<unknown>) => {
        responded = Promise.resolve(p);
        pending.push(responded);
      },
    };
    for (const fn of listeners.get(type) ?? []) fn(event);
    // waitUntil may be called later, while a respondWith promise is pending: collect until none is added
    const settled = (async () => {
      for (let seen = 0; seen < pending.length; ) {
        const batch = pending.slice(seen);
        seen = pending.length;
        await Promise.allSettled(batch);
      }
    })();
    return { settled, responded };
  }

  /**
   * The body the worker answered with (null when it did not answer, or its body failed), every byte
   * that reached the page (also of a body that failed half-way), and the work the event left behind.
   */
  function respond({ settled, responded }: ReturnType<typeof fire>): Answer {
    const chunks: Uint8Array[] = [];
    const received = () => new Uint8Array(Buffer.concat(chunks));
    const read = async (r: Response) => {
      const reader = r.body!.getReader();
      for (let c = await reader.read(); !c.done; c = await reader.read()) chunks.push(c.value);
      return received();
    };
    const response = responded ? (responded as Promise<Response>).then(read).catch(() => null) : Promise.resolve(null);
    return { response, received: () => response.then(received), after: settled };
  }

  return {
    fetched,
    timers,
    openPages,
    url: abs,
    async cached() {
      return [...caches.values()].flatMap((c) => [...c.entries.keys()]);
    },
    rewrite(p, body) {
      for (const c of caches.values()) if (c.entries.has(abs(p))) c.entries.set(abs(p), new Response(body.slice(), { status: 200 }));
    },
    network,
    storage,
    restart() {
      listeners.clear();
      timers.length = 0;
      start();
    },
    async largeCached() {
      const c = caches.get(`qc-offline:${opts.base}:large`);
      return c ? [...c.entries.keys()] : [];
    },
    dispatch: (type) => fire(type, {}).settled,
    message: (clientId, data) => fire('message', { data, source: { id: clientId } }).settled,
    navigate(p) {
      // a navigation request (Node's Request cannot have mode 'navigate'): what sw.js reads of it
      const request = { url: abs(p), method: 'GET', mode: 'navigate', headers: new Headers() };
      return respond(fire('fetch', { request }));
    },
    fetch(p) {
      return respond(fire('fetch', { request: new Request(abs(p)) }));
    },

    async until(pred) {
      while (!(await pred())) await new Promise<void>((resolve) => wake.push(resolve));
    },
  };
}
