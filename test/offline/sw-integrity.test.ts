/**
 * The offline worker serves and stores only the build's own files (src/browser/offline/sw.js), block
 * by block: every block it passes on hashes to the build's SHA-256 for that block of that file
 * (src/browser/build/offline.mjs `fileBlocks`). A cached copy rewritten by anything else — all of it,
 * one later block, cut short, or longer — never reaches a page: online the file comes from the
 * network instead (from the bad block on, if earlier blocks were already passed on), offline the
 * load fails or the cached 404 page answers. Run in Node against the real script
 * (test/support/fake-service-worker.ts), with 16-byte blocks so that small files span several.
 */
import { describe, expect, it } from 'vitest';
import { loadServiceWorker } from '../support/fake-service-worker';

const BLOCK = 16;
const text = (s: string) => new TextEncoder().encode(s);
const decode = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));
/** `n` bytes that differ block to block, so that a block moved or repeated does not hash alike */
const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) % 251);

const SCRIPT = '_astro/app.js';
const EDITOR = '_astro/editor.js';
const files: Record<string, Uint8Array> = {
  '': text('<!doctype html><title>Course</title><p>the landing page, long enough for several blocks'),
  'lessons/one/': text('<!doctype html><title>One</title><p>lesson one, long enough for several blocks'),
  '404.html': text('<!doctype html><title>Not found</title><p>no such page in this course'),
  [SCRIPT]: bytes(100, 1), // six full blocks and a short one
  '_astro/even.js': bytes(4 * BLOCK, 2), // exactly four blocks
  '_astro/empty.css': new Uint8Array(0),
  [EDITOR]: bytes(10 * BLOCK + 3, 3),
};
const LARGE = [EDITOR];
const FOREIGN = text('localStorage.poisoned = "ran in the site origin"; // a script the build never made');

/** A worker that installed and cached every file, then was started again with page-1 open. */
async function cachedEverything() {
  const sw = loadServiceWorker({ base: '/course/', files, large: LARGE, blockBytes: BLOCK });
  sw.openPages.add('page-1');
  await sw.dispatch('install');
  await sw.dispatch('activate');
  await sw.until(async () => (await sw.cached()).length === Object.keys(files).length);
  sw.fetched.length = 0;
  return sw;
}

/** `file` with the bytes from `at` on replaced by others of the same length. */
const changedFrom = (file: Uint8Array, at: number) => Uint8Array.from(file, (b, i) => (i >= at ? (b + 1) % 256 : b));
const isPrefixOf = (part: Uint8Array, whole: Uint8Array) => part.length <= whole.length && part.every((b, i) => b === whole[i]);

describe('the offline worker serves a cached file', () => {
  it('byte for byte from its cache, without the network: several blocks, an exact number of blocks, an empty file', async () => {
    const sw = await cachedEverything();
    sw.network.on = false;
    for (const p of [SCRIPT, '_astro/even.js', '_astro/empty.css', EDITOR]) {
      expect(await sw.fetch(p).response, p).toEqual(files[p]);
    }
    expect(sw.fetched).toEqual([]);
  });
});

describe('a cached copy something else rewrote is never served', () => {
  const rewrites: Array<[string, (f: Uint8Array) => Uint8Array]> = [
    ['all of it', () => FOREIGN],
    ['its first block', (f) => changedFrom(f, 0).map((b, i) => (i < BLOCK ? b : f[i]))],
    ['one later block', (f) => changedFrom(f, 3 * BLOCK + 5)],
    ['only its short last block', (f) => changedFrom(f, f.length - 1)],
    ['cut short by its last block', (f) => f.slice(0, 6 * BLOCK)],
    ['one byte longer', (f) => Uint8Array.from([...f, 0])],
  ];

  for (const [how, rewrite] of rewrites) {
    it(`online, ${how}: the page gets the build's file (the bad part from the network) and the bad copy is dropped`, async () => {
      const sw = await cachedEverything();
      sw.rewrite(SCRIPT, rewrite(files[SCRIPT]));
      const { response, after } = sw.fetch(SCRIPT);
      expect(await response).toEqual(files[SCRIPT]);
      await after;
      expect(sw.fetched).toEqual([sw.url(SCRIPT)]);
      // what is cached now, if anything, is the build's file again
      sw.network.on = false;
      const again = await sw.fetch(SCRIPT).response;
      if (again !== null) expect(again).toEqual(files[SCRIPT]);
    });

    it(`offline, ${how}: the load fails, and what reached the page before is the build's own bytes`, async () => {
      const sw = await cachedEverything();
      sw.network.on = false;
      sw.rewrite(SCRIPT, rewrite(files[SCRIPT]));
      const answer = sw.fetch(SCRIPT);
      expect(await answer.response).toBeNull();
      const received = await answer.received();
      expect(isPrefixOf(received, files[SCRIPT]), `${received.length} bytes received`).toBe(true);
      expect(received.length).toBeLessThan(files[SCRIPT].length);
    });
  }

  it('a large file (its own cache), one later block rewritten: online the build’s file, offline a failed load', async () => {
    const sw = await cachedEverything();
    sw.rewrite(EDITOR, changedFrom(files[EDITOR], 9 * BLOCK));
    expect(await sw.fetch(EDITOR).response).toEqual(files[EDITOR]);
    sw.rewrite(EDITOR, changedFrom(files[EDITOR], 9 * BLOCK));
    sw.network.on = false;
    expect(await sw.fetch(EDITOR).response).toBeNull();
  });

  it('offline, a rewritten page (its first block the build’s): the cached 404 page answers, not a part of the rewritten one', async () => {
    const sw = await cachedEverything();
    sw.network.on = false;
    sw.rewrite('lessons/one/', text('<!doctype html><p id=poisoned>poisoned page</p>'));
    expect(decode(await sw.navigate('lessons/one/').response)).toBe(decode(files['404.html']));
    expect(decode(await sw.navigate('').response)).toBe(decode(files['']));
  });

  it('online, the network’s copy differs from the build’s (a deploy in progress): it is served as the network sent it, and not stored', async () => {
    const sw = loadServiceWorker({ base: '/course/', files, large: LARGE, blockBytes: BLOCK });
    sw.openPages.add('page-1');
    sw.network.serve(SCRIPT, FOREIGN);
    await sw.dispatch('install');
    expect(await sw.cached()).not.toContain(sw.url(SCRIPT));
    const { response, after } = sw.fetch(SCRIPT);
    expect(await response).toEqual(FOREIGN);
    await after;
    expect(await sw.cached()).not.toContain(sw.url(SCRIPT));
    sw.network.serve(SCRIPT, changedFrom(files[SCRIPT], 5 * BLOCK));
    await sw.fetch(SCRIPT).after;
    expect(await sw.cached()).not.toContain(sw.url(SCRIPT));
    sw.network.serve(SCRIPT, files[SCRIPT]);
    await sw.fetch(SCRIPT).after;
    expect(await sw.cached()).toContain(sw.url(SCRIPT));
  });
});
