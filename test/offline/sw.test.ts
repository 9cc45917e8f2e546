/**
 * The offline worker's background caching yields to a learner's exercise (src/browser/offline/sw.js):
 * the editor's large files are cached after activation, when a page says it is quiet and a while
 * after a page visit, but not while a page says an exercise on it is starting; a page that never says so, or closes, holds it
 * back only for a while; a file the page loads meanwhile is served at once and stored afterwards.
 * Run in Node against the real script (test/support/fake-service-worker.ts).
 */
import { describe, expect, it } from 'vitest';
import { loadServiceWorker } from '../support/fake-service-worker';

// which files are the large ones is the manifest's list (as the build writes it), not their size
const LARGE = ['_astro/editor.js', '_astro/ts.worker.js', '_astro/esbuild.wasm'];
const files: Record<string, string | Uint8Array> = {
  '': '<!doctype html><title>Course</title>',
  'lessons/one/': '<!doctype html><title>One</title>',
  '_astro/page.css': 'body{}',
  ...Object.fromEntries(LARGE.map((p, i) => [p, new Uint8Array(1024).fill(i + 1)])),
};

/** A page's state message (src/browser/offline/exercise-start.ts) */
const busy = (n: number) => ({ type: 'qc:page', busy: n, quiet: false });
const quietPage = { type: 'qc:page', busy: 0, quiet: true };

/** A worker for the build above with page `page-1` open. */
function fresh() {
  const sw = loadServiceWorker({ base: '/course/', files, large: LARGE });
  sw.openPages.add('page-1');
  return sw;
}

/** The same, installed (activating it starts caching the large files). */
async function activated() {
  const sw = fresh();
  await sw.dispatch('install');
  return sw;
}

const largeFetches = (sw: ReturnType<typeof loadServiceWorker>) => sw.fetched.filter((u) => LARGE.some((p) => u === sw.url(p)));
/** The worker is waiting for quiet: it set the timer that caps the wait (30 s, longer than any other it sets). */
const waitingForQuiet = (sw: ReturnType<typeof loadServiceWorker>) => sw.timers.some((t) => t.ms >= 20_000);
const allCached = async (sw: ReturnType<typeof loadServiceWorker>) => (await sw.largeCached()).length === LARGE.length;
/**
 * Lets every queued microtask run (one macrotask). In the fake, everything between the worker
 * resuming and its next fetch is microtasks (in-memory caches), so a wrong resume shows by then.
 */
const drained = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('the offline worker installs', () => {
  it('with every page and small asset in its cache', async () => {
    const sw = fresh();
    await sw.dispatch('install');
    const small = Object.keys(files).filter((p) => !LARGE.includes(p)).map(sw.url);
    expect([...sw.fetched].sort()).toEqual(small.sort());
    expect((await sw.cached()).sort()).toEqual(small.sort());
  });

  it('not while the page that registered it says an exercise on it is starting: then it goes on', async () => {
    const sw = fresh();
    await sw.message('page-1', busy(1));
    const installed = sw.dispatch('install');
    await sw.until(() => waitingForQuiet(sw));
    expect(sw.fetched).toEqual([]);
    await sw.message('page-1', busy(0));
    await installed;
    expect(sw.fetched.length).toBe(Object.keys(files).length - LARGE.length);
  });
});

describe('the offline worker caches the editor’s large files in the background', () => {
  it('after activation, every large file is cached when no page is busy', async () => {
    const sw = await activated();
    await sw.dispatch('activate');
    await sw.until(() => allCached(sw));
    expect((await sw.largeCached()).sort()).toEqual(LARGE.map(sw.url).sort());
  });

  it('waits while a page says an exercise on it is starting, and goes on when it says it is quiet', async () => {
    const sw = await activated();
    await sw.message('page-1', busy(1));
    await sw.dispatch('activate');
    await sw.until(() => waitingForQuiet(sw));
    expect(largeFetches(sw)).toEqual([]);
    expect(await sw.largeCached()).toEqual([]);

    await sw.message('page-1', busy(0));
    await sw.until(() => allCached(sw));
    expect(largeFetches(sw).sort()).toEqual(LARGE.map(sw.url).sort());
  });

  it('two pages, each with an exercise starting, the state of one told twice: it waits until both are over', async () => {
    const sw = await activated();
    sw.openPages.add('page-2');
    await sw.message('page-1', busy(1));
    await sw.message('page-2', busy(2));
    await sw.message('page-1', busy(1));
    await sw.dispatch('activate');
    await sw.until(() => waitingForQuiet(sw));
    await sw.message('page-1', busy(0));
    await sw.message('page-2', busy(1));
    await drained();
    // page 2 still has one starting: nothing fetched
    expect(largeFetches(sw)).toEqual([]);
    await sw.message('page-2', busy(0));
    await sw.until(() => allCached(sw));
  });

  it('a page that never says it is quiet holds it back only until the cap', async () => {
    const sw = await activated();
    await sw.message('page-1', busy(1));
    await sw.dispatch('activate');
    await sw.until(() => waitingForQuiet(sw));
    // the time each cap stands for passes (each file waits again, each time at most the cap)
    while (!(await allCached(sw))) {
      await sw.until(async () => waitingForQuiet(sw) || (await allCached(sw)));
      sw.timers.find((t) => t.ms >= 20_000)?.fire();
    }
    expect((await sw.largeCached()).sort()).toEqual(LARGE.map(sw.url).sort());
  });

  it('a busy page that was closed does not hold it back', async () => {
    const sw = await activated();
    await sw.message('page-1', busy(1));
    sw.openPages.delete('page-1');
    await sw.dispatch('activate');
    await sw.until(() => allCached(sw));
  });

  it('a quiet page resumes caching in a worker that was stopped half-way (started again, nothing activating it)', async () => {
    const sw = await activated();
    // this worker instance never saw `activate`: as one the browser stopped and started again
    await sw.message('page-1', quietPage);
    await sw.until(() => allCached(sw));
  });

  it('a page visit resumes caching in a worker that was stopped half-way, a while later (time for the page to say an exercise is starting)', async () => {
    const sw = await activated();
    const { response, after } = sw.navigate('lessons/one/');
    expect(new TextDecoder().decode((await response)!)).toBe(files['lessons/one/']);
    await sw.until(() => sw.timers.length > 0);
    expect(largeFetches(sw)).toEqual([]);
    sw.timers[0].fire(); // the while passes
    await after;
    expect(await allCached(sw)).toBe(true);
  });

  it('a page visit while an exercise on a page is starting: after the while, it still waits for it', async () => {
    const sw = await activated();
    await sw.message('page-1', busy(1));
    sw.navigate('lessons/one/');
    await sw.until(() => sw.timers.length > 0);
    sw.timers[0].fire();
    await sw.until(() => waitingForQuiet(sw));
    expect(largeFetches(sw)).toEqual([]);
    await sw.message('page-1', busy(0));
    await sw.until(() => allCached(sw));
  });

  it('a large file the page loads while an exercise starts is served at once, and stored once the page is quiet', async () => {
    const sw = await activated();
    await sw.message('page-1', busy(1));
    const { response, after } = sw.fetch('_astro/esbuild.wasm');
    expect(await response).toEqual(files['_astro/esbuild.wasm']);
    await sw.until(() => waitingForQuiet(sw));
    expect(await sw.largeCached()).toEqual([]);
    await sw.message('page-1', busy(0));
    await after;
    expect(await sw.largeCached()).toEqual([sw.url('_astro/esbuild.wasm')]);
  });

  it('storage full: the large files are tried again when a page is next quiet, and then cached', async () => {
    const sw = await activated();
    sw.storage.full = true;
    await sw.dispatch('activate');
    // a large file fetched and refused by the storage: that pass ends there (microtasks)
    await sw.until(() => sw.storage.refused.length > 0);
    await drained();
    expect(await sw.largeCached()).toEqual([]);
    sw.storage.full = false;
    await sw.message('page-1', quietPage); // resolves once the work it started is over
    expect((await sw.largeCached()).sort()).toEqual(LARGE.map(sw.url).sort());
  });

  it('a worker started again does not read the large files it holds: each is checked when it is served', async () => {
    const sw = await activated();
    await sw.dispatch('activate');
    await sw.until(() => allCached(sw));
    sw.restart();
    sw.storage.read.length = 0;
    const fetchedBefore = sw.fetched.length;
    await sw.message('page-1', quietPage); // resolves once the work it started is over
    expect(sw.storage.read).toEqual([]);
    expect(sw.fetched.length).toBe(fetchedBefore);
    // served, a large file is read (and checked) then
    expect(await sw.fetch('_astro/editor.js').response).toEqual(files['_astro/editor.js']);
    expect(sw.storage.read).toEqual([sw.url('_astro/editor.js')]);
  });
});
