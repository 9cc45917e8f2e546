/**
 * Chromium pages for browser tests and benchmarks (test/browser/helpers.ts documents the API):
 * launch(), newPage() with issue recording, axeViolations(), uncachedFiles() (the offline copy). Shared by test/ and bench/.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import axe from 'axe-core';

import { ACTION_TIMEOUT_MS } from './server';

export { ROOT, ACTION_TIMEOUT_MS } from './server';
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Debian's Chromium, headless, with CHROMIUM_ARGS and `extraArgs`. */
export function launch(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extraArgs], headless: true });
}


export interface PageIssues {
  consoleErrors: string[];
  pageErrors: string[];
  failedRequests: string[];
  offOrigin: string[];
  /** Every issue as one list of readable lines (empty = clean). */
  all(): string[];
}

export interface NewPageOptions {
  baseUrl: string;
  javaScriptEnabled?: boolean;
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
  reducedMotion?: 'reduce' | 'no-preference';
}

export async function newPage(
  browser: Browser,
  opts: NewPageOptions,
): Promise<{ page: Page; context: BrowserContext; issues: PageIssues; close: () => Promise<void> }> {
  const origin = new URL(opts.baseUrl).origin;
  const context = await browser.newContext({
    javaScriptEnabled: opts.javaScriptEnabled ?? true,
    viewport: opts.viewport ?? { width: 1280, height: 900 },
    colorScheme: opts.colorScheme ?? 'light',
    reducedMotion: opts.reducedMotion ?? 'reduce',
    serviceWorkers: 'block',
  });
  const issues: PageIssues = {
    consoleErrors: [], pageErrors: [], failedRequests: [], offOrigin: [],
    all() {
      return [
        ...this.consoleErrors.map((m) => `console error: ${m}`),
        ...this.pageErrors.map((m) => `page error: ${m}`),
        ...this.failedRequests.map((m) => `failed request: ${m}`),
        ...this.offOrigin.map((m) => `off-origin request: ${m}`),
      ];
    },
  };
  // Nothing may leave the origin: record and abort (there is no network anyway).
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (/^(data|blob|about):/.test(u) || new URL(u).origin === origin) return route.continue();
    issues.offOrigin.push(u);
    return route.abort('blockedbyclient');
  });
  // Playwright's default 30 s per action or wait is a timing assumption; a busy machine can need more.
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS);
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') issues.consoleErrors.push(`${msg.text()} (${page.url()})`);
  });
  // The message, the page, and where it was thrown (the first frames: enough to find the module in a build).
  page.on('pageerror', (err) => issues.pageErrors.push(`${err.message} (${page.url()})${stackTop(err)}`));
  page.on('requestfailed', (req) => {
    if (issues.offOrigin.includes(req.url())) return; // already counted as off-origin
    // ERR_ABORTED = the page itself cancelled it (navigated away while an exercise's workers were
    // still loading, or terminated a worker). Missing files show up as HTTP ≥ 400 below.
    if (req.failure()?.errorText === 'net::ERR_ABORTED') return;
    issues.failedRequests.push(`${req.url()}: ${req.failure()?.errorText ?? 'failed'}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) issues.failedRequests.push(`${res.url()}: HTTP ${res.status()}`);
  });
  return { page, context, issues, close: () => context.close() };
}

/** The first frames of an error's stack, one per line ('' when it has none). */
function stackTop(err: Error, frames = 4): string {
  const lines = (err.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)).slice(0, frames);
  return lines.length ? `\n${lines.join('\n')}` : '';
}

/**
 * Serious and critical axe-core violations (WCAG 2.x A/AA + best practices), one line each.
 *
 * axe-core runs in the page itself (`axe.run`), injected once per document. @axe-core/playwright's
 * AxeBuilder injects axe again and opens a blank page for every call (axe.runPartial in each frame,
 * axe.finishRun in the blank page: the way to test inside cross-origin frames); on a page with
 * exercise editors that cost 3–8 CPU s a call where `axe.run` needs 0.3–1.4 (bench/results/test-times.md).
 * A page with frames that axe tests (none on this site: the exercise's run sandbox is a hidden frame,
 * which axe skips either way) still goes through AxeBuilder, so the result is the same either way.
 */
export async function axeViolations(page: Page, opts: { include?: string; rules?: string[] } = {}): Promise<string[]> {
  const context: { include?: string[][]; exclude: string[][] } = opts.include ? { include: [[opts.include]], exclude: [] } : { exclude: [] };
  const options: axe.RunOptions = { resultTypes: ['violations'], ...(opts.rules ? { runOnly: { type: 'rule', values: opts.rules } } : {}) };
  const injected = await page.evaluate((v) => (window as AxeWindow).axe?.version === v, axe.version);
  if (!injected) await page.evaluate(axe.source);
  const frames = await page.evaluate((c) => (window as AxeWindow).axe!.utils.getFrameContexts(c as axe.ContextSpec).length, context);
  let violations: axe.Result[];
  if (frames === 0) {
    // A node the page replaced while axe ran (Monaco redraws its lines when its markers or theme
    // change) is measured detached from the page, without its real background: a violation of no
    // page a learner sees. Such a run is repeated on the page as it is now.
    for (let attempt = 1; ; attempt++) {
      const r = await page.evaluate(inPageAxe, [context, options] as const);
      violations = r.violations;
      if (!r.detached || attempt === AXE_ATTEMPTS) break;
    }
  } else {
    let builder = new AxeBuilder({ page }).options({ resultTypes: ['violations'] });
    if (opts.include) builder = builder.include(opts.include);
    if (opts.rules) builder = builder.withRules(opts.rules);
    violations = (await builder.analyze()).violations as axe.Result[];
  }
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')} (${page.url()})`);
}
type AxeWindow = Window & { axe?: typeof axe };
const AXE_ATTEMPTS = 5;

/** In the page: `axe.run`, and whether a violation was found on a node no longer in the document. */
async function inPageAxe([context, options]: readonly [unknown, axe.RunOptions]): Promise<{ violations: axe.Result[]; detached: boolean }> {
  const r = await (window as AxeWindow).axe!.run(context as axe.ContextSpec, { ...options, elementRef: true });
  let detached = false;
  const violations = r.violations.map((v) => ({
    ...v,
    nodes: v.nodes.map(({ element, ...n }) => {
      if (element && !element.isConnected) detached = true;
      return n;
    }),
  }));
  return { violations: violations as axe.Result[], detached };
}

export { startStaticServer, buildSite } from './server';

/** The build's files (its offline manifest's pages, small assets and large files) not in the page origin's caches yet. */
export function uncachedFiles(page: Page, base: string, manifest: { precache: string[]; large: string[] }): Promise<string[]> {
  const urls = [...manifest.precache, ...manifest.large].map((p) => base + p);
  return page.evaluate(async (list) => {
    const missing: string[] = [];
    for (const u of list) if (!(await caches.match(u))) missing.push(u);
    return missing;
  }, urls);
}
