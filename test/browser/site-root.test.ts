/**
 * Every built page of dist-root/ served at /: no console error, failed or off-origin request,
 * broken internal link or #fragment, and no serious/critical axe-core violation. Prints the report.
 */
import { it, expect, beforeAll, afterAll } from 'vitest';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launch, siteUrls } from './helpers';
import { DIST_BASE } from './server';
import { crawlSite, formatReport } from './crawl';

let browser: Browser;
beforeAll(async () => { browser = await launch(); });
afterAll(async () => { await browser?.close(); });

it('every page at / is clean: 0 console errors, 0 failed/off-origin requests, 0 broken links, 0 serious axe violations', async () => {
  const { report, problems } = await crawlSite(browser, { base: siteUrls().root, dist: path.join(DIST_BASE, 'dist-root') });
  console.log(formatReport('/', report));
  expect(report.pages).toBeGreaterThanOrEqual(3);
  expect(problems).toEqual([]);
}, 900_000);
