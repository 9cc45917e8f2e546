/**
 * Crawl of a whole built site (used by site-root/site-sub/site tests), one page per test:
 *
 *   const crawl = await openCrawl(browser, { base, dist });   // one browser page, reused
 *   it.each(builtPages(dist))('%s', async (p) => expect(await crawl.visit(p)).toEqual([]));
 *   it('links', async () => { const { report, problems } = await crawl.finish(); … });
 *
 * `visit` loads a page once, mounts every exercise on it (on the first page with one, also waits for
 * the exercise's warm-up: compiler and run worker), runs axe in each theme asked for (light,
 * then dark on the same load: the page switched as the theme toggle switches it, Monaco included) and
 * records its links, assets and ids; it returns that page's problems (console errors, failed and
 * off-origin requests, HTTP status, an exercise that did not load, serious/critical axe violations,
 * and whatever `opts.check` finds). `finish` follows every internal link and asset seen (broken
 * links, #fragments, pages reachable only by a link) and returns the report.
 *
 * A crawl of the sub-path build checks what differs under a sub-path (`axe: false`,
 * `mountExercises: 'once'`): every page loads with no failed request, its links and assets resolve
 * under the base, each exercise's editor loads once, and the warm-up's workers and wasm load on the
 * first page with an exercise (the same files for every exercise); axe has already run
 * on the same HTML in both themes at "/".
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page, Request } from 'playwright-core';
import { newPage, axeViolations } from './browser';

/** Every HTML page of a build, as a path relative to the base ("", "lessons/incident/", "404.html"). */
export function builtPages(dist: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.html')) {
        const rel = path.relative(dist, full).split(path.sep).join('/');
        out.push(rel === 'index.html' ? '' : rel.endsWith('/index.html') ? rel.slice(0, -'index.html'.length) : rel);
      }
    }
  };
  walk(dist);
  return out.sort();
}

export interface Report {
  pages: number; links: number; assets: number; consoleErrors: number; failedRequests: number;
  offOrigin: number; brokenLinks: number; axeSerious: number;
}
async function pageLinks(page: Page): Promise<{ links: string[]; assets: string[] }> {
  return page.evaluate(() => {
    const abs = (v: string) => new URL(v, location.href).href;
    const links = [...document.querySelectorAll<HTMLAnchorElement>('a[href]')]
      .filter((a) => !a.hasAttribute('download') && !a.href.startsWith('blob:'))
      .map((a) => abs(a.getAttribute('href')!));
    const assets = [
      ...[...document.querySelectorAll<HTMLLinkElement>('link[href]')].map((l) => abs(l.getAttribute('href')!)),
      ...[...document.querySelectorAll('script[src], img[src], source[src], iframe[src]')].map((e) => abs(e.getAttribute('src')!)),
    ];
    return { links, assets };
  });
}

export function formatReport(name: string, r: Report): string {
  return `Site report ${name}: pages ${r.pages}, links ${r.links}, assets ${r.assets} | console errors ${r.consoleErrors}, ` +
    `failed requests ${r.failedRequests}, off-origin requests ${r.offOrigin}, broken links ${r.brokenLinks}, ` +
    `serious/critical axe violations ${r.axeSerious}`;
}

/** How long one exercise may take to mount (Monaco, TypeScript worker, esbuild-wasm) on a loaded machine. */
export const EXERCISE_MOUNT_MS = 150_000;

export interface Crawl {
  /** Visit one page (a path relative to the base, as builtPages returns it); returns its problems. */
  visit(pagePath: string): Promise<string[]>;
  /** Follow every link and asset the visited pages had; returns the report and the problems found. */
  finish(): Promise<{ report: Report; problems: string[] }>;
  close(): Promise<void>;
}

/**
 * A crawl of the build in `dist` served at `base`. `axeRules` limits axe to some rules;
 * `followLinks: false` makes `finish` skip the links (another crawl of the same build follows them).
 */
export interface CrawlOptions {
  base: string;
  dist: string;
  /** Themes axe checks each page in, on one load (default: light only). */
  themes?: Theme[];
  /** false: no axe (default true). */
  axe?: boolean;
  axeRules?: string[];
  /** 'all' (default): mount every exercise on every page; 'once': each exercise id on the first page that has it. */
  mountExercises?: 'all' | 'once';
  /** false: `finish` skips the links (another crawl of the same build follows them). */
  followLinks?: boolean;
  /** More per-page checks on the loaded page; returns problems. */
  check?: (page: Page, pageUrl: string) => Promise<string[]>;
  /** The window the pages are loaded in (default 1280 × 900). */
  viewport?: { width: number; height: number };
}

export type Theme = 'light' | 'dark';

/**
 * Show the loaded page in `theme` as a learner switching it would see it: the OS preference
 * (prefers-color-scheme) and the site's `data-theme` (what the toggle sets; Monaco follows it).
 * Waits until every mounted editor has redrawn in that theme.
 */
async function showTheme(page: Page, theme: Theme): Promise<void> {
  await page.emulateMedia({ colorScheme: theme });
  await page.evaluate((t) => {
    document.documentElement.dataset.theme = t;
  }, theme);
  await page.waitForFunction(
    (dark) => [...document.querySelectorAll('.monaco-editor')].every((e) => e.classList.contains('vs-dark') === dark),
    theme === 'dark',
  );
}

export async function openCrawl(browser: Browser, opts: CrawlOptions): Promise<Crawl> {
  const { base } = opts;
  const themes = opts.themes ?? ['light'];
  const { page, issues, close, context } = await newPage(browser, { baseUrl: base, colorScheme: 'light', viewport: opts.viewport });
  const mounted = new Set<string>();
  const visited = new Set<string>();
  const linkTargets = new Map<string, string>(); // target → first page linking to it
  const assetTargets = new Set<string>();
  const ids = new Map<string, Set<string>>();
  let axeCount = 0;
  let reported = 0; // issues already attributed to an earlier page
  let warmedUp = false;
  // Requests the page started that have not finished or failed yet.
  const inFlight = new Set<Request>();
  let onSettled: (() => void) | null = null;
  const settle = (r: Request) => {
    inFlight.delete(r);
    if (inFlight.size === 0) onSettled?.();
  };
  page.on('request', (r) => inFlight.add(r));
  page.on('requestfinished', settle);
  page.on('requestfailed', settle);
  const requestsSettled = () =>
    inFlight.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => (onSettled = () => { onSettled = null; resolve(); }));

  /** Issues (console errors, failed and off-origin requests) that arose since the last call. */
  const newIssues = () => {
    const all = issues.all();
    const fresh = all.slice(reported);
    reported = all.length;
    return fresh;
  };

  const visitUrl = async (pageUrl: string): Promise<string[]> => {
    const problems: string[] = [];
    visited.add(pageUrl);
    await page.emulateMedia({ colorScheme: 'light' });
    const res = await page.goto(pageUrl, { waitUntil: 'load' });
    if (!res || res.status() !== 200) problems.push(`page ${pageUrl}: HTTP ${res?.status()}`);
    // Exercises mount their editor on scroll-in. Mount every one, so axe always sees the page the
    // learner works in (not a race between the editor's loading and the check).
    for (const ex of await page.locator('qc-exercise').all()) {
      const id = (await ex.getAttribute('data-exercise-id')) ?? '';
      if (opts.mountExercises === 'once' && mounted.has(id)) continue;
      mounted.add(id);
      await ex.scrollIntoViewIfNeeded();
      const settled = ex.and(page.locator('[data-state="ready"], [data-state="failed"]'));
      const state = await settled.waitFor({ timeout: EXERCISE_MOUNT_MS }).then(
        () => ex.getAttribute('data-state'),
        async () => `still ${await ex.getAttribute('data-state')} after ${EXERCISE_MOUNT_MS / 1000} s`,
      );
      if (state !== 'ready') problems.push(`page ${pageUrl}: exercise ${await ex.getAttribute('data-exercise-id')} did not load (${state})`);
    }
    // What a mounted exercise starts once its editor is ready (esbuild-wasm and its worker, the run
    // worker's script): the same files for every exercise, so the crawl waits for that warm-up and
    // every request it made once, on the first page with an exercise (a missing file shows there).
    // On later pages it may still be loading when the crawl moves on (those requests end ERR_ABORTED).
    if (!warmedUp && (await page.evaluate(() => Object.keys(window.__exerciseEditors ?? {}).length)) > 0) {
      await page.evaluate(() => Promise.all(Object.values(window.__exerciseEditors ?? {}).map((h) => h.warm)));
      await requestsSettled();
      warmedUp = true;
    }
    await page.evaluate(() => window.scrollTo(0, 0));
    if (opts.axe !== false) {
      for (const theme of themes) {
        if (theme !== 'light') await showTheme(page, theme);
        const violations = await axeViolations(page, { rules: opts.axeRules });
        axeCount += violations.length;
        problems.push(...violations.map((v) => (themes.length > 1 ? `${theme} theme: ${v}` : v)));
      }
    }
    if (opts.check) problems.push(...(await opts.check(page, pageUrl)));
    ids.set(pageUrl, new Set(await page.evaluate(() => [...document.querySelectorAll('[id]')].map((e) => e.id))));
    const { links, assets } = await pageLinks(page);
    for (const l of links) if (!linkTargets.has(l)) linkTargets.set(l, pageUrl);
    for (const a of assets) assetTargets.add(a);
    problems.push(...newIssues());
    return problems;
  };

  return {
    visit: (pagePath) => visitUrl(base + pagePath),
    async finish() {
      const problems: string[] = [];
      const origin = new URL(base).origin;
      const basePath = new URL(base).pathname;
      let broken = 0;
      for (const [target, from] of opts.followLinks === false ? [] : linkTargets) {
        const u = new URL(target);
        if (u.origin !== origin) { problems.push(`external link ${target} on ${from}`); issues.offOrigin.push(target); continue; }
        if (!u.pathname.startsWith(basePath)) { problems.push(`link outside the base path: ${target} on ${from}`); broken++; continue; }
        const pageUrl = u.origin + u.pathname;
        if (!visited.has(pageUrl)) {
          const r = await context.request.get(pageUrl, { maxRedirects: 0 });
          if (r.status() !== 200) { problems.push(`broken link ${target} on ${from}: HTTP ${r.status()}`); broken++; continue; }
          // A page reachable by a link but missing from the build listing (e.g. a redirect target): check it too.
          if ((r.headers()['content-type'] ?? '').includes('text/html')) problems.push(...(await visitUrl(pageUrl)));
        }
        if (u.hash && ids.has(pageUrl) && !ids.get(pageUrl)!.has(decodeURIComponent(u.hash.slice(1)))) {
          problems.push(`broken fragment ${target} on ${from}`);
          broken++;
        }
      }
      for (const a of assetTargets) {
        if (new URL(a).origin !== origin) continue; // recorded as off-origin by newPage
        const r = await context.request.get(a);
        if (r.status() !== 200) { problems.push(`broken asset ${a}: HTTP ${r.status()}`); broken++; }
      }
      problems.push(...newIssues());
      return {
        report: {
          pages: visited.size, links: linkTargets.size, assets: assetTargets.size,
          consoleErrors: issues.consoleErrors.length + issues.pageErrors.length, failedRequests: issues.failedRequests.length,
          offOrigin: issues.offOrigin.length, brokenLinks: broken, axeSerious: axeCount,
        },
        problems,
      };
    },
    close,
  };
}
