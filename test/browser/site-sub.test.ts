/**
 * Every built page of dist-sub/ served at /course/, one test per page: what differs under a sub-path.
 * No console error, failed or off-origin request; every URL in the page's HTML is under /course/ (no
 * root-relative leak); each exercise's editor loads on the first page that has it, and the workers and
 * wasm its warm-up loads (the same files for every exercise) on the first page with an exercise;
 * then every internal link, #fragment and asset resolves under /course/. Prints the report. (The same
 * HTML gets axe in both themes at "/": site-root.test.ts. The service worker's scope under /course/:
 * offline.test.ts and sandbox-sw-cache.test.ts.)
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { siteUrls } from './helpers';
import { DIST_BASE } from '../../support/server';
import { SUB_PATH } from './setup';
import { crawlTests } from './crawl-tests';

/** Root-relative URLs in the page's href/src attributes that are outside the sub-path. */
async function leaksOutsideBase(page: Page, pageUrl: string): Promise<string[]> {
  const attrs = await page.evaluate(() => [...document.querySelectorAll('[href], [src]')].map((e) => e.getAttribute('href') ?? e.getAttribute('src') ?? ''));
  return attrs.filter((a) => a.startsWith('/') && !a.startsWith(SUB_PATH)).map((a) => `${pageUrl}: root-relative URL outside ${SUB_PATH}: ${a}`);
}

crawlTests('/course/', {
  base: () => siteUrls().sub,
  dist: path.join(DIST_BASE, 'dist-sub'),
  axe: false,
  mountExercises: 'once',
  check: leaksOutsideBase,
  pageTest: `no console error, failed or off-origin request, exercise that does not load, or URL outside ${SUB_PATH}`,
});
