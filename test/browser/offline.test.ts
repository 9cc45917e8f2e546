/**
 * Offline, under the sub-path: a learner loads the course once, the host goes away, and the course
 * still works — lessons never opened, an exercise never opened (Monaco, esbuild-wasm, grading),
 * the 404 page for an unknown URL. The "host going away" is the static server closing, so nothing
 * can come from the network. The service worker's scope is the base path.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { ROOT, launch } from './helpers';
import { DIST_BASE, startStaticServer } from '../../support/server';
import { uncachedFiles } from '../../support/browser';
import { SUB_PATH } from './setup';
import { readOfflineManifest } from '../../src/browser/build/offline.mjs';
import { exerciseRoot, openExercise, setCode, waitForSummary } from './exercise-helpers';

vi.setConfig({ testTimeout: 600_000 });

let browser: Browser;

/**
 * The sub-path build served, and a browser context that has never visited it: service workers
 * allowed (the other browser tests block them), no request interception; page errors recorded.
 */
async function freshVisitor() {
  const dist = path.join(DIST_BASE, 'dist-sub');
  const manifest = readOfflineManifest(dist);
  const server = await startStaticServer(dist, SUB_PATH);
  const context = await browser.newContext({ serviceWorkers: 'allow', viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return { manifest, server, base: server.url, context, page, pageErrors };
}

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('offline once loaded', () => {
  it('after one visit, lessons and exercises never opened still work with the host gone', async () => {
    const { manifest, server, base, context, page, pageErrors } = await freshVisitor();
    expect(manifest.base).toBe(SUB_PATH);
    expect(manifest.precache).toContain('lessons/misconception/');
    expect(manifest.large.some((f) => f.endsWith('.wasm'))).toBe(true);

    // One visit to the landing page, online.
    await page.goto(base);
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    expect(scope).toBe(base);
    // Every file of the build ends up cached: pages and small assets at install, the editor's large
    // files in the background.
    await expect.poll(() => uncachedFiles(page, base, manifest), { timeout: 120_000, interval: 500 }).toEqual([]);

    await server.close();

    // A lesson never opened.
    await page.goto(base + 'lessons/misconception/');
    expect(await page.locator('h1').textContent()).toMatch(/misconception/i);
    // A link from it to the next lesson, and back through the outline.
    await page.locator('nav.outline a', { hasText: 'Question 3' }).click();
    await page.waitForURL(base + 'lessons/fail-fast/');
    expect(await page.locator('h1').textContent()).toMatch(/fail fast/i);

    // An exercise never opened: the editor loads, the reference solution compiles and passes Submit.
    const id = 'health-check';
    await page.goto(base + `playground/${id}/`);
    await openExercise(page, id);
    await setCode(page, readFileSync(path.join(ROOT, 'exercises', id, 'solution.ts'), 'utf8'), id);
    await exerciseRoot(page, id).getByRole('button', { name: /^Submit\b/ }).click();
    expect(await waitForSummary(page, id, 120_000)).toMatch(/^Submit: all \d+ tests/);

    // An unknown URL gets the course's 404 page, with a way back.
    const res = await page.goto(base + 'lessons/no-such-lesson/');
    expect(res?.status()).toBe(404);
    expect(await page.locator('a[href="' + SUB_PATH + '"]').count()).toBeGreaterThan(0);

    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('a first visit that opens an exercise at once: the worker registers only once the exercise’s start is over, then caches everything', async () => {
    const { manifest, server, base, context, page, pageErrors } = await freshVisitor();
    // esbuild-wasm starts right after the warm-up (not a few seconds later): the exercise's start is over sooner
    await page.addInitScript(() => ((window as unknown as { __qcCompilerIdleStartMs: number }).__qcCompilerIdleStartMs = 0));
    // Every call of register() leaves a mark among the page's own (src/browser/timing.ts).
    await page.addInitScript(() => {
      const register = ServiceWorkerContainer.prototype.register;
      ServiceWorkerContainer.prototype.register = function (...args: Parameters<typeof register>) {
        performance.mark('qc:test-sw-register');
        return register.apply(this, args);
      };
    });

    const id = 'health-check';
    await page.goto(base + `playground/${id}/`);
    await openExercise(page, id);
    expect(await page.evaluate(async () => (await navigator.serviceWorker.ready).scope)).toBe(base);
    // The page's User Timing marks, in the order they were made: the one registration came after the
    // editor, the run path's warm-up and esbuild-wasm's start — not at `load`, when it would compete with them.
    const marks = await page.evaluate(() => performance.getEntriesByType('mark').map((m) => m.name.replace(/^qc:/, '')));
    const loadEnd = await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd);
    const editorReady = await page.evaluate(() => performance.getEntriesByName('qc:editor-ready')[0]?.startTime ?? 0);
    expect(editorReady, 'the exercise started after the page had loaded').toBeGreaterThan(loadEnd);
    const order = ['editor-ready', 'warm', 'compiler-warm', 'test-sw-register'];
    expect(marks.filter((m) => order.includes(m)), marks.join(', ')).toEqual(order);

    // …and the worker then caches every file of the build.
    await expect.poll(() => uncachedFiles(page, base, manifest), { timeout: 120_000, interval: 500 }).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
    await server.close();
  });
});
