/**
 * The crawl as vitest tests, one test per built page (so no single test needs minutes on a loaded
 * machine, and a failure names its page), then one test for every link, #fragment and asset seen.
 * Used by site-root.test.ts (every page at "/", axe in the light and the dark theme on one load) and
 * site-sub.test.ts (every page at "/course/": what differs under a sub-path).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch } from './helpers';
import { builtPages, formatReport, openCrawl, type Crawl, type CrawlOptions } from '../../support/crawl';

/** Per page: load, mount every exercise (up to 150 s each when the machine is busy), axe in each theme. */
const PAGE_TEST_MS = 600_000;

export function crawlTests(
  name: string,
  opts: Omit<CrawlOptions, 'base'> & { base: () => string; minPages?: number; pageTest: string },
): void {
  const pages = builtPages(opts.dist);
  let browser: Browser;
  let crawl: Crawl;
  beforeAll(async () => {
    browser = await launch();
    crawl = await openCrawl(browser, { ...opts, base: opts.base() });
  });
  afterAll(async () => {
    await crawl?.close();
    await browser?.close();
  });

  describe(name, () => {
    it('the build has the landing page, the 404 page and more', () => {
      expect(pages).toContain('');
      expect(pages).toContain('404.html');
      expect(pages.length).toBeGreaterThanOrEqual(opts.minPages ?? 3);
    });

    it.each(pages.map((p) => [p || '/']))(`%s: ${opts.pageTest}`, async (p) => {
      expect(await crawl.visit(p === '/' ? '' : p)).toEqual([]);
    }, PAGE_TEST_MS);

    it(opts.followLinks === false ? 'prints the report' : 'every internal link, #fragment and asset on those pages resolves', async () => {
      const { report, problems } = await crawl.finish();
      console.log(formatReport(name, report));
      expect(report.pages).toBeGreaterThanOrEqual(pages.length);
      expect(problems).toEqual([]);
    }, PAGE_TEST_MS);
  });
}
