/**
 * Issue 11, "one input breaks the compiler until reload": a deeply nested input used to leave
 * esbuild-wasm unusable for every later compile on the page. Now the compiler that failed is
 * replaced before the next compile: the learner sees a clear error for that input, and the next
 * Run of correct code passes on the same page, without a reload.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, newPage, siteUrls } from './helpers';
import { DEMO_PATH, clickAndWait, correctRunPasses, openExercise, setCode, summaryStatus } from './exercise-helpers';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

let browser: Browser;
let page: Page;
let closePage: () => Promise<void>;

beforeAll(async () => {
  browser = await launch();
  const p = await newPage(browser, { baseUrl: siteUrls().root });
  page = p.page;
  closePage = p.close;
  await page.goto(siteUrls().root + DEMO_PATH);
  await openExercise(page);
});

afterAll(async () => {
  await closePage?.();
  await browser?.close();
});

/** `depth` nested `open`…`close` around 1, 1000 brackets a line (one 200 000-character line would only test the editor). */
const nested = (open: string, close: string, depth: number): string => {
  const lines = (s: string) => s.repeat(depth).replace(/(.{1000})/g, '$1\n');
  return `export const x = ${lines(open)}1${lines(close)};\n`;
};

describe('compiler recovery', () => {
  it.each([
    ['100 000 nested parentheses', nested('(', ')', 100_000)],
    ['100 000 nested brackets', nested('[', ']', 100_000)],
  ])('%s: a clear error, then correct code compiles and passes on the same page', async (_what, code) => {
    await setCode(page, code);
    const summary = await clickAndWait(page, 'Run');
    expect(await summaryStatus(page)).toBe('error');
    expect(summary).toMatch(/compil/i);
    const after = await correctRunPasses(page);
    expect(after.status, after.summary).toBe('pass');
  });
});
