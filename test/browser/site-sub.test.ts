/**
 * Every built page of dist-sub/ served at /course/, one test per page: what differs under a sub-path,
 * on a phone's 360 px wide window. No console error, failed or off-origin request; every URL in the
 * page's HTML is under /course/ (no root-relative leak); the page does not scroll sideways at 360 px
 * (the same HTML as at "/" but for the base): a table wider than that scrolls inside itself and takes a
 * Tab stop, and no inline code there breaks inside a word (code-wrap.ts); each exercise's editor loads on the first page that
 * has it, and the workers and wasm its warm-up loads (the same files for every exercise) on the
 * first page with an exercise;
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
import { codeBrokenMidWord, scrollersOutOfKeyboardReach } from './code-wrap';

/** Root-relative URLs in the page's href/src attributes that are outside the sub-path. */
async function leaksOutsideBase(page: Page, pageUrl: string): Promise<string[]> {
  const attrs = await page.evaluate(() => [...document.querySelectorAll('[href], [src]')].map((e) => e.getAttribute('href') ?? e.getAttribute('src') ?? ''));
  return attrs.filter((a) => a.startsWith('/') && !a.startsWith(SUB_PATH)).map((a) => `${pageUrl}: root-relative URL outside ${SUB_PATH}: ${a}`);
}

/** A phone's window: every page must fit its width. */
const PHONE = { width: 360, height: 780 };

/** The page is wider than the window: the learner would have to scroll sideways to read it. */
async function scrollsSideways(page: Page, pageUrl: string): Promise<string[]> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  return width > PHONE.width ? [`${pageUrl}: scrolls sideways at ${PHONE.width} px (${width} px wide)`] : [];
}

crawlTests('/course/', {
  base: () => siteUrls().sub,
  dist: path.join(DIST_BASE, 'dist-sub'),
  viewport: PHONE,
  axe: false,
  mountExercises: 'once',
  check: async (page, pageUrl) => [...(await leaksOutsideBase(page, pageUrl)), ...(await scrollsSideways(page, pageUrl)), ...(await codeBrokenMidWord(page, pageUrl)), ...(await scrollersOutOfKeyboardReach(page, pageUrl))],
  pageTest: `no console error, failed or off-origin request, exercise that does not load, URL outside ${SUB_PATH}, sideways scroll, a region scrolling sideways out of keyboard reach or inline code broken inside a word at ${PHONE.width} px`,
});
