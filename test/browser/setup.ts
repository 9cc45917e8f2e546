/**
 * Global setup of the browser suite (vitest.browser.config.ts): build the site for "/" (dist-root/)
 * and for "/course/" (dist-sub/), serve both on free localhost ports, and provide their URLs to
 * tests (`siteUrls()` in helpers.ts, or `inject('siteRootUrl' | 'siteSubUrl')`).
 * SITE_REUSE_BUILD=1 skips the builds when both dist directories exist (fast local iteration);
 * SITE_BUILD_DIR puts them under another directory (two people testing in one checkout).
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { buildSite, startStaticServer, DIST_BASE } from '../../support/server';

declare module 'vitest' {
  export interface ProvidedContext {
    siteRootUrl: string;
    siteSubUrl: string;
  }
}

export const SUB_PATH = '/course/';

export default async function setup(project: TestProject) {
  const rootDir = path.join(DIST_BASE, 'dist-root');
  const subDir = path.join(DIST_BASE, 'dist-sub');
  const reuse = process.env.SITE_REUSE_BUILD === '1' && existsSync(rootDir) && existsSync(subDir);
  if (!reuse) {
    const t0 = Date.now();
    // Both at once: an Astro build is mostly one busy thread, so on two cores the pair takes little
    // longer than one (and on a machine shared with other work, two processes get two shares of it).
    // Once per `npm test`: every browser test file and the crawls share these two builds.
    await Promise.all([buildSite(rootDir, '/'), buildSite(subDir, SUB_PATH)]);
    console.log(`[browser setup] built dist-root/ and dist-sub/ in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  const root = await startStaticServer(rootDir, '/');
  const sub = await startStaticServer(subDir, SUB_PATH);
  project.provide('siteRootUrl', root.url);
  project.provide('siteSubUrl', sub.url);
  return async () => {
    await root.close();
    await sub.close();
  };
}
