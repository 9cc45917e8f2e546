/**
 * The two builds the browser tier tests: the site at "/" (dist-root/) and at "/course/" (dist-sub/),
 * under DIST_BASE (SITE_BUILD_DIR, default the repo root). Run by the browser tier's global setup
 * (test/browser/setup.ts).
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { buildSite, DIST_BASE, ROOT } from './server';

export const SUB_PATH = '/course/';
export const ROOT_DIST = path.join(DIST_BASE, 'dist-root');
export const SUB_DIST = path.join(DIST_BASE, 'dist-sub');

/** Both builds exist (SITE_REUSE_BUILD=1 then skips building them). */
export function sitesBuilt(): boolean {
  return existsSync(ROOT_DIST) && existsSync(SUB_DIST);
}

/**
 * Builds both; resolves with the seconds it took.
 *
 * Both at once: an Astro build is mostly one busy thread, so on two cores the pair takes little longer
 * than one. Except when DIST_BASE is outside the checkout: Astro then stages each build's server
 * chunks in the checkout's own `.astro/`, and two builds at once overwrite each other's.
 */
export async function buildSites(): Promise<number> {
  const t0 = Date.now();
  const root = () => buildSite(ROOT_DIST, '/');
  const sub = () => buildSite(SUB_DIST, SUB_PATH);
  if (path.relative(ROOT, DIST_BASE).startsWith('..')) {
    await root();
    await sub();
  } else {
    await Promise.all([root(), sub()]);
  }
  return (Date.now() - t0) / 1000;
}
