/**
 * Shared helpers for browser tests (test/browser/*.test.ts, run by vitest.browser.config.ts) and benches.
 *
 * The global setup (test/browser/setup.ts) has already built the site twice and serves it:
 *   const { root, sub } = siteUrls();   // e.g. http://127.0.0.1:41234/  and  http://127.0.0.1:41235/course/
 *
 * Typical test file (pages/contexts are isolated; the browser process is the worker's, shared):
 *   let browser: Browser;
 *   beforeAll(async () => { browser = await launch(); });
 *   afterAll(async () => { await browser?.close(); });
 *   it('…', async () => {
 *     const { page, issues, close } = await newPage(browser, { baseUrl: siteUrls().root });
 *     await page.goto(siteUrls().root + 'lessons/incident/');
 *     …
 *     expect(issues.all()).toEqual([]);           // console errors, page errors, failed + off-origin requests
 *     expect(await axeViolations(page)).toEqual([]); // serious/critical axe-core violations
 *     await close();
 *   });
 *
 * API
 *   launch(): Promise<Browser>                        Debian chromium (/usr/bin/chromium) via playwright-core, with TEST_CHROMIUM_ARGS:
 *                                                     one per Vitest worker, shared by its files; `close()` closes the file's contexts
 *   siteUrls(): { root: string; sub: string }         base URLs of the two served builds (end with "/")
 *   newPage(browser, opts): { page, context, issues, close }
 *       opts.baseUrl (required)  the site's URL: any request to another origin is recorded and aborted
 *       opts.javaScriptEnabled, opts.viewport, opts.colorScheme, opts.reducedMotion
 *       issues.consoleErrors / pageErrors / failedRequests / offOrigin: string[];  issues.all(): string[]
 *   axeViolations(page, { include?, rules? }): Promise<string[]>   serious + critical only, one readable line each
 *   uncachedFiles(page, base, manifest): Promise<string[]>  the build's files (offline manifest) not in the origin's caches yet (support/browser.ts)
 *   startStaticServer(dir, base): Promise<{ url, close }>  serve a built dist dir under base ("/" or "/course/")
 *   buildSite(outDir, base): Promise<void>                  `astro build --outDir` with BASE_PATH=base
 */
import { inject } from 'vitest';

import type { Browser, BrowserContext } from 'playwright-core';
import { launch as launchChromium } from '../../support/browser';

export * from '../../support/browser';

/**
 * V8 flags of the tests' Chromium: `--liftoff-only` compiles WebAssembly (esbuild-wasm) with V8's
 * baseline compiler only. Optimising esbuild's hot functions again in the background cost about
 * 3.5 CPU s on every page that mounts an exercise (a third of such a page's CPU, by the per-thread
 * CPU time of one page load, warm-up and Run). `--max-opt=2` stops JavaScript's tiers at Maglev:
 * TurboFan's background compiles of Monaco, the grader and the simulator cost more than they save in
 * the tests' short pages (6–8 % of the CPU of half the tier's files, bench/results/test-times.md).
 * No test can observe either: JavaScript and WebAssembly mean the same in every tier. Benchmarks
 * (bench/) launch Chromium without them, as a learner's browser runs.
 */
export const TEST_CHROMIUM_ARGS = ['--js-flags=--liftoff-only --max-opt=2'];

/** This Vitest worker's Chromium (the config's `isolate: false` keeps this module across its files). */
let workerBrowser: Promise<Browser> | null = null;

/**
 * Chromium for a test file: the worker's one Chromium (support/browser.ts's launch with
 * TEST_CHROMIUM_ARGS), started by its first file and again if it is gone. A launch costs about 2 CPU s
 * (its browser, GPU and network processes); the tier's 21 files used to pay it 21 times. The file gets
 * a view of it whose `close()` closes the contexts the file opened, not the browser (Playwright ends it
 * with the worker's process).
 */
export async function launch(): Promise<Browser> {
  let browser = workerBrowser ? await workerBrowser.catch(() => null) : null;
  if (!browser?.isConnected()) {
    workerBrowser = launchChromium(TEST_CHROMIUM_ARGS);
    browser = await workerBrowser;
  }
  return fileView(browser);
}

/** `browser` as one file sees it: what it opens is tracked, and `close()` closes only that. */
function fileView(browser: Browser): Browser {
  const opened = new Set<BrowserContext>();
  const track = (context: BrowserContext): BrowserContext => {
    opened.add(context);
    context.once('close', () => opened.delete(context));
    return context;
  };
  const own: Partial<Browser> = {
    newContext: async (...args) => track(await browser.newContext(...args)),
    newPage: async (...args) => {
      const page = await browser.newPage(...args);
      track(page.context());
      return page;
    },
    close: async () => {
      await Promise.all([...opened].map((c) => c.close().catch(() => {})));
    },
  };
  return new Proxy(browser, {
    get(target, prop) {
      if (Object.hasOwn(own, prop)) return own[prop as keyof Browser];
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export function siteUrls(): { root: string; sub: string } {
  return { root: inject('siteRootUrl'), sub: inject('siteSubUrl') };
}
