// @ts-check
/**
 * Astro integration: writes `<dist>/sw.js`, the service worker that keeps the course working offline
 * (src/browser/offline/sw.js, registered by src/browser/offline/register.ts). Runs after every other
 * build step has written its files (list it last), so the version hashes what is really served.
 *
 * The worker learns the build's files from `self.QC_OFFLINE`: pages as the URLs they are visited at
 * ("", "lessons/x/", "404.html"), assets by path; files of LARGE_BYTES or more (Monaco, TypeScript's
 * worker, esbuild's wasm) are cached separately, when the page asks or loads them. `sha256` holds
 * the SHA-256 (base64) of every BLOCK_BYTES block of every file (`fileBlocks`), by that URL: the
 * worker serves or stores a response only block by block as the build's own file (a cache entry
 * written by anything else is dropped and refetched).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SW_FILE = 'sw.js';
export const LARGE_BYTES = 256 * 1024;
/** The worker checks a file's bytes, and passes them on, this many at a time. */
export const BLOCK_BYTES = 128 * 1024;
const SOURCE = fileURLToPath(new URL('../offline/sw.js', import.meta.url));

/**
 * @param {string} dir
 * @param {string} [rel]
 * @returns {AsyncGenerator<string>} paths relative to `dir`, with "/"
 */
async function* files(dir, rel = '') {
  for (const e of (await readdir(path.join(dir, rel), { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) yield* files(dir, r);
    else if (r !== SW_FILE) yield r;
  }
}

/**
 * The SHA-256 (base64) of each `blockBytes` block of `body`, in order; the last block is shorter, and
 * an empty file is one empty block (as the worker reads it: sw.js `blocksOf`).
 * @param {Uint8Array} body
 * @param {number} [blockBytes]
 */
export function fileBlocks(body, blockBytes = BLOCK_BYTES) {
  /** @type {string[]} */ const out = [];
  for (let at = 0; at < body.length || out.length === 0; at += blockBytes) {
    out.push(createHash('sha256').update(body.subarray(at, at + blockBytes)).digest('base64'));
  }
  return out;
}

/**
 * The worker's manifest for a built site.
 * @param {string} dir
 * @param {string} base
 */
export async function offlineManifest(dir, base) {
  const hash = createHash('sha256');
  /** @type {string[]} */ const precache = [];
  /** @type {string[]} */ const large = [];
  /** @type {Record<string, string[]>} */ const sha256 = {};
  for await (const rel of files(dir)) {
    const body = await readFile(path.join(dir, rel));
    hash.update(rel).update('\0').update(body);
    const url = rel === 'index.html' ? '' : rel.endsWith('/index.html') ? rel.slice(0, -'index.html'.length) : rel;
    (body.length >= LARGE_BYTES ? large : precache).push(url);
    sha256[url] = fileBlocks(body);
  }
  return { base, version: hash.digest('hex').slice(0, 16), precache, large, blockBytes: BLOCK_BYTES, sha256 };
}

const HEADER = /^self\.QC_OFFLINE = (.*);$/m;

/**
 * The manifest a built site's sw.js carries (for tests and benchmarks).
 * @param {string} dir
 * @returns {{ base: string; version: string; precache: string[]; large: string[]; blockBytes: number; sha256: Record<string, string[]> }}
 */
export function readOfflineManifest(dir) {
  const m = HEADER.exec(readFileSync(path.join(dir, SW_FILE), 'utf8'));
  if (!m) throw new Error(`${path.join(dir, SW_FILE)} has no QC_OFFLINE manifest`);
  return JSON.parse(m[1]);
}

/** @returns {import('astro').AstroIntegration} */
export function offlineWorker() {
  /** @type {string} */ let base = '/';
  return {
    name: 'qc-offline-worker',
    hooks: {
      'astro:config:done': ({ config }) => {
        base = config.base.endsWith('/') ? config.base : `${config.base}/`;
      },
      'astro:build:done': async ({ dir, logger }) => {
        const out = fileURLToPath(dir);
        const manifest = await offlineManifest(out, base);
        const source = await readFile(SOURCE, 'utf8');
        await writeFile(path.join(out, SW_FILE), `self.QC_OFFLINE = ${JSON.stringify(manifest)};\n${source}`);
        logger.info(`${SW_FILE}: ${manifest.precache.length} files cached on install, ${manifest.large.length} large ones on demand (version ${manifest.version})`);
      },
    },
  };
}
