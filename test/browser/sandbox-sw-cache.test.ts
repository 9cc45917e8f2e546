/**
 * Issue 11, "code in the page's origin, persisting": anything that can write to the origin's
 * CacheStorage (learner code used to share it with the page) rewrote a cached script, and the
 * service worker served it first on every later page load. Now the service worker serves only the
 * build's own files (the manifest's SHA-256 must match): a rewritten entry — in its own caches or in
 * a cache it did not make — is never served, online or offline.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launch } from './helpers';
import { DIST_BASE, startStaticServer } from '../../support/server';
import { SUB_PATH } from './setup';
import { readOfflineManifest } from '../../src/browser/build/offline.mjs';

vi.setConfig({ testTimeout: 300_000 });

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const POISON_JS = "localStorage.setItem('poisoned', 'script ran in the site origin');";
const POISON_HTML = "<!doctype html><title>poisoned</title><p id=poisoned>poisoned page</p><script>localStorage.setItem('poisoned', 'page ran in the site origin')</script>";

describe('the service worker serves only what the build made', () => {
  it('a rewritten cached script or page is never served, online or offline', async () => {
    const dist = path.join(DIST_BASE, 'dist-sub');
    const manifest = readOfflineManifest(dist);
    const server = await startStaticServer(dist, SUB_PATH);
    const base = server.url;
    const context = await browser.newContext({ serviceWorkers: 'allow', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    try {
      const lesson = 'lessons/misconception/';
      await page.goto(base + lesson);
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
      });
      await page.waitForFunction(() => !!navigator.serviceWorker.controller);
      // A script this page loads, from the build's precache list.
      const scripts: string[] = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLScriptElement>('script[type="module"][src]')].map((s) => s.src),
      );
      const script = scripts.find((u) => manifest.precache.includes(u.slice(base.length)));
      expect(script, `one of ${scripts.join(', ')} is in the precache list`).toBeDefined();
      const scriptFile = readFileSync(path.join(dist, script!.slice(base.length)), 'utf8');
      // Every page and small asset is cached once the worker is installed.
      await expect.poll(() => page.evaluate(async (u) => !!(await caches.match(u)), script!), { timeout: 60_000 }).toBe(true);
      await expect.poll(() => page.evaluate(async (u) => !!(await caches.match(u)), base + lesson), { timeout: 60_000 }).toBe(true);

      // Poison: rewrite the entries in every cache that holds them, and add a cache of one's own.
      await page.evaluate(
        async ([js, html, jsUrl, pageUrl]) => {
          const fake = (body: string, type: string) => new Response(body, { headers: { 'content-type': type } });
          for (const name of await caches.keys()) {
            const c = await caches.open(name);
            if (await c.match(jsUrl)) await c.put(jsUrl, fake(js, 'text/javascript'));
            if (await c.match(pageUrl)) await c.put(pageUrl, fake(html, 'text/html'));
          }
          const evil = await caches.open('aaa-evil');
          await evil.put(jsUrl, fake(js, 'text/javascript'));
          await evil.put(pageUrl, fake(html, 'text/html'));
        },
        [POISON_JS, POISON_HTML, script!, base + lesson] as const,
      );

      // Online: the next page load runs the build's script, not the rewritten one.
      await page.reload();
      await page.waitForFunction(() => !!navigator.serviceWorker.controller);
      expect(await page.evaluate((u) => fetch(u).then((r) => r.text()), script!)).toBe(scriptFile);
      expect(await page.evaluate(() => localStorage.getItem('poisoned'))).toBeNull();

      // Offline: neither the rewritten page nor the rewritten script is served.
      await server.close();
      await page.evaluate(
        async ([html, pageUrl]) => {
          for (const name of await caches.keys()) {
            const c = await caches.open(name);
            if (await c.match(pageUrl)) await c.put(pageUrl, new Response(html, { headers: { 'content-type': 'text/html' } }));
          }
        },
        [POISON_HTML, base + lesson] as const,
      );
      await page.goto(base + lesson).catch(() => null);
      expect(await page.locator('#poisoned').count()).toBe(0);
      expect(await page.evaluate(() => localStorage.getItem('poisoned'))).toBeNull();
    } finally {
      await context.close();
      await server.close().catch(() => {});
    }
  });
});
