/**
 * Crawl of a whole built site (used by site-root/site-sub/site tests): visit every built page, follow
 * every internal link and asset, record console errors, failed and off-origin requests, broken links
 * and #fragments, and serious/critical axe-core violations.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { newPage, axeViolations } from './helpers';

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

/**
 * Visit every page of `dist` served at `base`. `axeRules` limits axe to some rules (e.g. a dark-theme
 * pass that only re-checks colour contrast). Returns the counts and every problem as a readable line.
 */
export async function crawlSite(
  browser: Browser,
  opts: { base: string; dist: string; colorScheme?: 'light' | 'dark'; axeRules?: string[]; pages?: string[]; followLinks?: boolean },
): Promise<{ report: Report; problems: string[] }> {
  const { base, dist } = opts;
  const pages = opts.pages ?? builtPages(dist);
  const { page, issues, close, context } = await newPage(browser, { baseUrl: base, colorScheme: opts.colorScheme ?? 'light' });
  const problems: string[] = [];
  if (!opts.pages && (!pages.includes('') || !pages.includes('404.html'))) problems.push(`build ${dist} lacks index.html or 404.html`);
  const visited = new Set<string>();
  const linkTargets = new Map<string, string>(); // target → first page linking to it
  const assetTargets = new Set<string>();
  const ids = new Map<string, Set<string>>();
  let axeCount = 0;

  const visit = async (pageUrl: string) => {
    visited.add(pageUrl);
    const res = await page.goto(pageUrl, { waitUntil: 'load' });
    if (!res || res.status() !== 200) problems.push(`page ${pageUrl}: HTTP ${res?.status()}`);
    // Exercises mount their editor on scroll-in. Mount every one, so axe always sees the page the
    // learner works in (not a race between the editor's loading and the check).
    for (const ex of await page.locator('qc-exercise').all()) {
      await ex.scrollIntoViewIfNeeded();
      const settled = ex.and(page.locator('[data-state="ready"], [data-state="failed"]'));
      const state = await settled.waitFor({ timeout: 60_000 }).then(
        () => ex.getAttribute('data-state'),
        async () => `still ${await ex.getAttribute('data-state')} after 60 s`,
      );
      if (state !== 'ready') problems.push(`page ${pageUrl}: exercise ${await ex.getAttribute('data-exercise-id')} did not load (${state})`);
    }
    await page.evaluate(() => window.scrollTo(0, 0));
    const violations = await axeViolations(page, { rules: opts.axeRules });
    axeCount += violations.length;
    problems.push(...violations);
    ids.set(pageUrl, new Set(await page.evaluate(() => [...document.querySelectorAll('[id]')].map((e) => e.id))));
    const { links, assets } = await pageLinks(page);
    for (const l of links) if (!linkTargets.has(l)) linkTargets.set(l, pageUrl);
    for (const a of assets) assetTargets.add(a);
  };

  for (const p of pages) await visit(base + p);
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
      if ((r.headers()['content-type'] ?? '').includes('text/html')) await visit(pageUrl);
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
  problems.push(...issues.all());
  await close();
  return {
    report: {
      pages: visited.size, links: linkTargets.size, assets: assetTargets.size,
      consoleErrors: issues.consoleErrors.length + issues.pageErrors.length, failedRequests: issues.failedRequests.length,
      offOrigin: issues.offOrigin.length, brokenLinks: broken, axeSerious: axeCount,
    },
    problems,
  };
}
