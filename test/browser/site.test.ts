/**
 * Site behaviour in Chromium: the 404 page under the sub-path, keyboard-only outline and quiz,
 * JavaScript disabled, themes, progress marks, storage failure warnings,
 * export/import. The crawls (every page at "/": console errors, failed/off-origin requests, broken
 * links, axe in both themes; every page at "/course/" in a 360 px window: the same requests and
 * links, no URL outside /course/ and no sideways scroll) are site-root.test.ts and site-sub.test.ts.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import path from 'node:path';
import { readdirSync } from 'node:fs';
import { lessonSlugFromFile } from '../../src/lib/schemas';
import type { Browser } from 'playwright-core';
import { launch, newPage, siteUrls, ROOT } from './helpers';

let browser: Browser;
beforeAll(async () => { browser = await launch(); });
afterAll(async () => { await browser?.close(); });

describe('sub-path build', () => {
  it('serves the 404 page for unknown URLs, with links that resolve under /course/', async () => {
    const base = siteUrls().sub;
    const { page, close } = await newPage(browser, { baseUrl: base });
    const res = await page.goto(base + 'no-such-lesson/');
    expect(res?.status()).toBe(404);
    await expect(page.locator('h1').textContent()).resolves.toBe('Page not found');
    await page.getByRole('link', { name: 'Go to the course start' }).click();
    await page.waitForURL(base);
    expect(page.url()).toBe(base);
    await close();
  });
});

/** Lesson paths in outline order ("lessons/incident/", …), from the NN- prefixes of content/lessons. */
const lessonSlugs = () =>
  readdirSync(path.join(ROOT, 'content/lessons')).filter((f) => f.endsWith('.mdx')).sort()
    .map((f) => `lessons/${lessonSlugFromFile(f)}/`);

describe('keyboard only', () => {
  it('reaches the outline from the header on a phone and opens another lesson with Enter', async () => {
    const base = siteUrls().root;
    const [first, , third] = lessonSlugs();
    const { page, issues, close } = await newPage(browser, { baseUrl: base, viewport: { width: 360, height: 780 } });
    await page.goto(base + first);
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Skip to content');
    let steps = 0;
    while (steps++ < 5 && (await page.evaluate(() => document.activeElement?.textContent)) !== 'Outline') await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    // The next Tab lands in the outline: its first link.
    await page.keyboard.press('Tab');
    const focused = () => page.evaluate(() => (document.activeElement as HTMLAnchorElement | null)?.getAttribute('href'));
    await expect(focused()).resolves.toBe(`/${first}`);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expect(focused()).resolves.toBe(`/${third}`);
    await page.keyboard.press('Enter');
    await page.waitForURL(base + third);
    await expect(page.locator('.outline a[aria-current="page"]').getAttribute('href')).resolves.toBe(`/${third}`);
    expect(issues.all()).toEqual([]);
    await close();
  });

  it('on a wide screen: skip link focuses the article; Tab order reaches the outline links', async () => {
    const base = siteUrls().root;
    const [first, second] = lessonSlugs();
    const { page, close } = await newPage(browser, { baseUrl: base });
    await page.goto(base + first);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('main');
    let href: string | null | undefined = null;
    for (let i = 0; i < 300 && href !== `/${second}`; i++) {
      await page.keyboard.press('Tab');
      href = await page.evaluate(() => {
        const a = document.activeElement;
        return a?.closest('.outline') ? a.getAttribute('href') : null;
      });
    }
    expect(href).toBe(`/${second}`);
    await page.keyboard.press('Enter');
    await page.waitForURL(base + second);
    await close();
  });

  it('answers the quiz with the keyboard: arrows choose, Enter checks, the result is announced and saved', async () => {
    const base = siteUrls().root;
    const quizPage = await findQuizPage();
    const { page, issues, close } = await newPage(browser, { baseUrl: base });
    await page.goto(base + quizPage);
    const q = page.locator('.quiz-q');
    const count = await q.count();
    expect(count).toBeGreaterThanOrEqual(10);
    // Start from the quiz heading (as a screen-reader user would after jumping by heading).
    await page.evaluate(() => {
      const h = document.querySelector<HTMLElement>('.quiz h2')!;
      h.tabIndex = -1;
      h.focus();
    });

    // Answer every question by keyboard: the first correctly, the second wrongly, the rest correctly.
    for (let i = 0; i < count; i++) {
      const item = q.nth(i);
      const kind = await item.getAttribute('data-kind');
      const correct = await item.locator('.quiz-choice').evaluateAll((els) => els.map((e) => e.getAttribute('data-correct') === 'true'));
      const want = i === 1 ? correct.map((_, k) => k === correct.indexOf(false)) : correct; // question 2: one wrong choice
      // Tab into the group (first radio / checkbox).
      await page.keyboard.press('Tab');
      await expect(page.evaluate(() => (document.activeElement as HTMLInputElement).type)).resolves.toMatch(/radio|checkbox/);
      if (kind === 'single') {
        const target = want.indexOf(true);
        await page.keyboard.press('Space'); // select the first option
        for (let k = 0; k < target; k++) await page.keyboard.press('ArrowDown');
      } else {
        for (let k = 0; k < want.length; k++) {
          if (want[k]) await page.keyboard.press('Space');
          if (k < want.length - 1) await page.keyboard.press('Tab');
        }
      }
      await page.keyboard.press('Tab');
      await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Check answer');
      await page.keyboard.press('Enter');
      const feedback = item.locator('.quiz-feedback');
      await expect(feedback.getAttribute('aria-live')).resolves.toBe('polite');
      const text = await feedback.textContent();
      if (i === 1) expect(text).toMatch(/^Not quite/);
      else expect(text).toBe('Correct.');
      // Every choice now shows its explanation.
      const hiddenExpl = await item.locator('.quiz-choice-expl[hidden]').count();
      expect(hiddenExpl).toBe(0);
      // Focus moved to "Try again", so the next Tab leaves this question.
      await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Try again');
      await page.keyboard.press('Tab'); // the takeaway's "Read more" link, if any
      if ((await page.evaluate(() => document.activeElement?.tagName)) === 'A') {/* skip the link */} else await page.keyboard.press('Shift+Tab');
    }
    const score = page.locator('[data-quiz-score]');
    await expect(score.textContent()).resolves.toBe(`Score: ${count - 1} of ${count} correct.`);
    await expect(score.getAttribute('aria-live')).resolves.toBe('polite');
    // The score survives a reload (progress.ts) and the answers are shown as checked.
    await page.reload();
    await expect(page.locator('[data-quiz-score]').textContent()).resolves.toBe(`Score: ${count - 1} of ${count} correct.`);
    await expect(q.nth(1).locator('.quiz-feedback').textContent()).resolves.toMatch(/^Not quite/);
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('qc:progress')!));
    expect(stored.quiz['quick-check'].score).toBe(count - 1);
    // Try again clears one question and the score follows.
    await q.nth(1).getByRole('button', { name: 'Try again' }).press('Enter');
    await expect(page.locator('[data-quiz-score]').textContent()).resolves.toBe(`Score: ${count - 1} of ${count} correct (${count - 1} answered so far).`);
    expect(issues.all()).toEqual([]);
    await close();
  });
});

async function findQuizPage(): Promise<string> {
  const base = siteUrls().root;
  const { page, close } = await newPage(browser, { baseUrl: base, javaScriptEnabled: false });
  for (const p of lessonSlugs()) {
    await page.goto(base + p);
    if ((await page.locator('.quiz').count()) > 0) { await close(); return p; }
  }
  await close();
  throw new Error('No lesson renders the quick-check quiz (<Quiz id="quick-check" />)');
}

describe('without JavaScript', () => {
  it('every lesson is readable: title, prose, outline and prev/next; widgets that need JS stay hidden', async () => {
    const base = siteUrls().root;
    const { page, issues, close } = await newPage(browser, { baseUrl: base, javaScriptEnabled: false });
    for (const p of lessonSlugs()) {
      await page.goto(base + p);
      await expect(page.locator('h1').isVisible()).resolves.toBe(true);
      const words = (await page.locator('.prose').innerText()).split(/\s+/).length;
      expect(words, `${p} prose`).toBeGreaterThan(20);
      await expect(page.locator('.outline a').count()).resolves.toBe(lessonSlugs().length);
      await expect(page.locator('[data-lesson-done]').isVisible()).resolves.toBe(false);
      await expect(page.locator('[data-theme-toggle]').isVisible()).resolves.toBe(false);
      await expect(page.locator('.prevnext a').count()).resolves.toBeGreaterThan(0);
    }
    expect(issues.all()).toEqual([]);
    await close();
  });

  it('the quiz is a readable list of questions with the answers in <details>', async () => {
    const base = siteUrls().root;
    const quizPage = await findQuizPage();
    const { page, close } = await newPage(browser, { baseUrl: base, javaScriptEnabled: false });
    await page.goto(base + quizPage);
    const n = await page.locator('.quiz-q').count();
    await expect(page.locator('.quiz-q details.quiz-answer').count()).resolves.toBe(n);
    await expect(page.locator('.quiz-actions').first().isVisible()).resolves.toBe(false);
    const first = page.locator('.quiz-q').first();
    await expect(first.locator('details .quiz-answer, details p').first().isVisible()).resolves.toBe(false);
    await first.locator('summary').click();
    await expect(first.locator('details').innerText()).resolves.toMatch(/Answer:/);
    await close();
  });
});

describe('layout, themes and progress', () => {
  it('follows the OS theme, the toggle overrides it and the choice applies before first paint on the next page', async () => {
    const base = siteUrls().root;
    const { page, close } = await newPage(browser, { baseUrl: base, colorScheme: 'dark' });
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.goto(base);
    const dark = await bg();
    expect(dark).toBe('rgb(20, 22, 25)');
    await page.getByRole('button', { name: 'Switch to the light theme' }).click();
    expect(await bg()).toBe('rgb(253, 253, 251)');
    // Next page: the inline head script sets data-theme before the body is parsed.
    await page.goto(base + lessonSlugs()[0]);
    const atFirstParse = await page.evaluate(() => document.documentElement.dataset.theme);
    expect(atFirstParse).toBe('light');
    expect(await bg()).toBe('rgb(253, 253, 251)');
    await close();
  });

  it('marks lessons in progress on visit and done with the button, in the outline and on the landing page', async () => {
    const base = siteUrls().root;
    const [first, second] = lessonSlugs();
    const { page, issues, close } = await newPage(browser, { baseUrl: base });
    const mark = (href: string) => page.locator(`.outline a[href="/${href}"] .mark`).getAttribute('data-mark');
    await page.goto(base + first);
    await expect(mark(first)).resolves.toBe('in-progress');
    await expect(mark(second)).resolves.toBe('not-started');
    await page.getByRole('button', { name: 'Mark lesson done' }).click();
    await expect(mark(first)).resolves.toBe('done');
    await expect(page.locator('[data-done-status]').textContent()).resolves.toMatch(/marked this lesson done/);
    await page.goto(base + second);
    await expect(mark(first)).resolves.toBe('done');
    await expect(mark(second)).resolves.toBe('in-progress');
    await expect(page.locator(`.outline a[href="/${first}"] .mark`).innerText()).resolves.toBe('(done)');
    await page.goto(base);
    await expect(page.locator(`[data-progress-slug="${first.split('/')[1]}"] .mark`).getAttribute('data-mark')).resolves.toBe('done');
    // Undo.
    await page.goto(base + first);
    await page.getByRole('button', { name: 'Mark as not done' }).click();
    await expect(mark(first)).resolves.toBe('in-progress');
    expect(issues.all()).toEqual([]);
    await close();
  });

  it('corrupt storage shows a visible warning and still works for the session; "Start fresh" fixes it', async () => {
    const base = siteUrls().root;
    const { page, issues, close } = await newPage(browser, { baseUrl: base });
    await page.goto(base);
    await page.evaluate(() => localStorage.setItem('qc:progress', '{"version":1,"lessons":'));
    await page.goto(base + lessonSlugs()[0]);
    const warning = page.locator('[data-storage-warning]');
    await expect(warning.isVisible()).resolves.toBe(true);
    await expect(warning.innerText()).resolves.toMatch(/could not be read/);
    await page.getByRole('button', { name: 'Mark lesson done' }).click();
    await expect(page.locator('.outline a[aria-current] .mark').getAttribute('data-mark')).resolves.toBe('done');
    page.once('dialog', (d) => d.accept());
    await page.getByRole('button', { name: 'Start fresh' }).click();
    await expect(warning.isVisible()).resolves.toBe(false);
    await expect(page.evaluate(() => JSON.parse(localStorage.getItem('qc:progress')!).version)).resolves.toBe(2);
    expect(issues.all()).toEqual([]);
    await close();
  });

  it('blocked storage (throws on access) degrades to memory with a warning, no page error', async () => {
    const base = siteUrls().root;
    const { page, context, issues, close } = await newPage(browser, { baseUrl: base });
    await context.addInitScript(() => {
      Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('The operation is insecure.', 'SecurityError'); } });
    });
    await page.goto(base + lessonSlugs()[0]);
    await expect(page.locator('[data-storage-warning]').innerText()).resolves.toMatch(/not available/);
    await page.getByRole('button', { name: 'Mark lesson done' }).click();
    await expect(page.locator('.outline a[aria-current] .mark').getAttribute('data-mark')).resolves.toBe('done');
    expect(issues.all()).toEqual([]);
    await close();
  });

  it('exports progress and imports it into a fresh browser profile', async () => {
    const base = siteUrls().root;
    const [first] = lessonSlugs();
    const a = await newPage(browser, { baseUrl: base });
    await a.page.goto(base + first);
    await a.page.getByRole('button', { name: 'Mark lesson done' }).click();
    await a.page.goto(base);
    await a.page.getByRole('button', { name: 'Export progress' }).click();
    const json = await a.page.locator('#progress-import').inputValue();
    expect(JSON.parse(json).lessons[first.split('/')[1]].state).toBe('done');
    await a.close();
    const b = await newPage(browser, { baseUrl: base });
    await b.page.goto(base);
    await b.page.locator('#progress-import').fill('{"version": 9}');
    await b.page.getByRole('button', { name: 'Import progress' }).click();
    await expect(b.page.locator('[data-progress-msg]').textContent()).resolves.toMatch(/unsupported version 9/);
    await b.page.locator('#progress-import').fill(json);
    await b.page.getByRole('button', { name: 'Import progress' }).click();
    await expect(b.page.locator(`[data-progress-slug="${first.split('/')[1]}"] .mark`).getAttribute('data-mark')).resolves.toBe('done');
    expect(b.issues.all()).toEqual([]);
    await b.close();
  });
});
