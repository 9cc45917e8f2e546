/**
 * Global setup of the browser suite (vitest.browser.config.ts): build the site for "/" (dist-root/)
 * and for "/course/" (dist-sub/) (support/build-sites.ts), serve both on free localhost ports, and
 * provide their URLs to tests (`siteUrls()` in helpers.ts, or `inject('siteRootUrl' | 'siteSubUrl')`).
 * SITE_REUSE_BUILD=1 skips the builds when both dist directories exist (fast local iteration);
 * SITE_BUILD_DIR puts them under another directory (two people testing in one checkout).
 */
import type { TestProject } from 'vitest/node';
import { startStaticServer } from '../../support/server';
import { ROOT_DIST, SUB_DIST, SUB_PATH, buildSites, sitesBuilt } from '../../support/build-sites';

declare module 'vitest' {
  export interface ProvidedContext {
    siteRootUrl: string;
    siteSubUrl: string;
  }
}

export { SUB_PATH };

export default async function setup(project: TestProject) {
  if (!(process.env.SITE_REUSE_BUILD === '1' && sitesBuilt())) {
    // Once per `npm test`: every browser test file and the crawls share these two builds.
    const seconds = await buildSites();
    console.log(`[browser setup] built dist-root/ and dist-sub/ in ${seconds.toFixed(1)} s`);
  }
  const root = await startStaticServer(ROOT_DIST, '/');
  const sub = await startStaticServer(SUB_DIST, SUB_PATH);
  project.provide('siteRootUrl', root.url);
  project.provide('siteSubUrl', sub.url);
  return async () => {
    await root.close();
    await sub.close();
  };
}
