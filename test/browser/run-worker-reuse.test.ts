/**
 * The run worker is kept for the next run only while runs leave it as they found it (a warm Run
 * in a blink, and nothing a learner module does survives into the next run). Observed
 * from outside, through the page's workers: run workers are the ones started from `blob:` URLs,
 * each with its own URL. Every learner module here also logs `self.location.href`, so each run
 * names the worker it ran in: "kept" is the next run naming the same worker, "replaced" is the next
 * run naming another one and the old one's `close` event. No waiting for something not to happen.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, Page, Worker } from 'playwright-core';
import { launch, newPage, siteUrls } from './helpers';
import { DEMO_PATH, clickAndWait, demoSolution, openExercise, setCode, summaryStatus } from './exercise-helpers';

vi.setConfig({ testTimeout: 600_000, hookTimeout: 600_000 });

let browser: Browser;
let page: Page;
let closePage: () => Promise<void>;
const started: Worker[] = [];
const closedUrls = new Set<string>();

beforeAll(async () => {
  browser = await launch();
  const p = await newPage(browser, { baseUrl: siteUrls().root });
  page = p.page;
  closePage = p.close;
  page.on('worker', (w) => {
    if (!w.url().startsWith('blob:')) return;
    started.push(w);
    w.on('close', () => closedUrls.add(w.url()));
  });
  await page.goto(siteUrls().root + DEMO_PATH);
  await openExercise(page);
});

afterAll(async () => {
  await closePage?.();
  await browser?.close();
});

/** Appended to every learner module: logs the URL of the worker the module runs in. */
const WHERE = "\nconsole.log('run worker: ' + (globalThis as any).location.href);\n";

/** Runs `code` and returns the verdict and the URL of the run worker that ran it. */
async function runIn(code: string): Promise<{ status: string | null; worker: string }> {
  await setCode(page, code + WHERE);
  await clickAndWait(page, 'Run');
  const status = await summaryStatus(page);
  const outputs = await page.evaluate(() => (window.__exerciseEditors!.demo.lastResults?.tests ?? []).map((t) => t.output ?? ''));
  const urls = new Set(outputs.flatMap((o) => [...o.matchAll(/run worker: (blob:\S+)/g)].map((m) => m[1])));
  expect(urls.size, `every test of one run names the same worker: ${[...urls].join(', ')}`).toBe(1);
  return { status, worker: [...urls][0] };
}

describe('run worker reuse', () => {
  it('keeps one warm worker across clean runs (plus one spare), terminating none', async () => {
    const first = await runIn(demoSolution);
    expect(first.status).toBe('pass');
    expect(started.map((w) => w.url())).toContain(first.worker);
    for (let i = 0; i < 3; i++) {
      const next = await runIn(demoSolution);
      expect(next.status).toBe('pass');
      expect(next.worker, `run ${i + 2} ran in the worker of run 1`).toBe(first.worker);
    }
    expect(started.length).toBeLessThanOrEqual(2);
    expect([...closedUrls]).toEqual([]);
  });

  it.each([
    ['left a real timer behind', `${demoSolution}\nsetInterval(() => {}, 60_000);\n`],
    ['changed built-ins', `${demoSolution}\nMath.max = () => 0;\n(Array.prototype as any).includes = () => true;\n`],
    ['made a MessageChannel', `${demoSolution}\nconst ping = new MessageChannel();\nping.port1.onmessage = () => ping.port2.postMessage(0);\n`],
  ])('replaces the worker after a run that %s, and the next run passes on a clean one', async (_what, code) => {
    const tainted = await runIn(code);
    const next = await runIn(demoSolution);
    expect(next.status).toBe('pass');
    expect(next.worker, 'the next run uses another worker').not.toBe(tainted.worker);
    // The tainted worker is terminated: wait for its close event.
    await expect.poll(() => closedUrls.has(tainted.worker)).toBe(true);
    // The clean one is kept again.
    const after = await runIn(demoSolution);
    expect(after.status).toBe('pass');
    expect(after.worker).toBe(next.worker);
    expect(closedUrls.has(next.worker)).toBe(false);
  });
});
