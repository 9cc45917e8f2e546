/**
 * The run worker is kept for the next run only while runs leave it as they found it (issue 4:
 * a warm Run in a blink, and nothing a learner module does survives into the next run). Observed
 * from outside, through the page's workers: run workers are the ones started from `blob:` URLs.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, Page, Worker } from 'playwright-core';
import { launch, newPage, siteUrls } from './helpers';
import { DEMO_PATH, clickAndWait, demoSolution, openExercise, setCode, summaryStatus } from './exercise-helpers';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

let browser: Browser;
let page: Page;
let closePage: () => Promise<void>;
const started: Worker[] = [];
const closed = new Set<Worker>();

beforeAll(async () => {
  browser = await launch();
  const p = await newPage(browser, { baseUrl: siteUrls().root });
  page = p.page;
  closePage = p.close;
  page.on('worker', (w) => {
    if (!w.url().startsWith('blob:')) return;
    started.push(w);
    w.on('close', () => closed.add(w));
  });
  await page.goto(siteUrls().root + DEMO_PATH);
  await openExercise(page);
});

afterAll(async () => {
  await closePage?.();
  await browser?.close();
});

/** Runs `code` and returns the run workers that closed because of that run (after a short settle). */
async function runAndSeeClosed(code: string): Promise<{ status: string | null; closedNow: number }> {
  const before = closed.size;
  await setCode(page, code);
  await clickAndWait(page, 'Run');
  const status = await summaryStatus(page);
  await page.waitForTimeout(500); // a replaced worker is terminated in a later task
  return { status, closedNow: closed.size - before };
}

describe('run worker reuse', () => {
  it('keeps one warm worker across clean runs (plus one spare), terminating none', async () => {
    for (let i = 0; i < 4; i++) {
      const r = await runAndSeeClosed(demoSolution);
      expect(r.status).toBe('pass');
      expect(r.closedNow).toBe(0);
    }
    expect(started.length).toBeLessThanOrEqual(2);
  });

  it.each([
    ['left a real timer behind', `${demoSolution}\nsetInterval(() => {}, 60_000);\n`],
    ['changed built-ins', `${demoSolution}\nMath.max = () => 0;\n(Array.prototype as any).includes = () => true;\n`],
    ['made a MessageChannel', `${demoSolution}\nconst ping = new MessageChannel();\nping.port1.onmessage = () => ping.port2.postMessage(0);\n`],
  ])('replaces the worker after a run that %s, and the next run passes on a clean one', async (_what, code) => {
    expect((await runAndSeeClosed(code)).closedNow).toBe(1);
    const next = await runAndSeeClosed(demoSolution);
    expect(next.status).toBe('pass');
    expect(next.closedNow).toBe(0);
  });
});
