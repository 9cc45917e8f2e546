/**
 * Issue 11, "progress records honestly": an exercise passed after the learner opened its reference
 * solution is recorded as such — in the exercise ("Completed with the solution viewed") and in the
 * course outline's mark for its lesson — and the record survives a reload. Opening the solution
 * after passing changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { ROOT, launch, newPage, siteUrls } from './helpers';
import { exerciseRoot, openExercise, setCode, waitForSummary } from './exercise-helpers';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const ID = 'hint-alerts';
const LESSON = 'lessons/hinted-handoff/';
const solution = readFileSync(path.join(ROOT, 'exercises', ID, 'solution.ts'), 'utf8');

describe('progress: completed with the solution viewed', () => {
  it('opening the solution before passing is recorded and shown in the outline', async () => {
    const { page, issues, close } = await newPage(browser, { baseUrl: siteUrls().root });
    await page.goto(siteUrls().root + LESSON);
    await openExercise(page, ID);
    const root = exerciseRoot(page, ID);
    const mark = page.locator('nav.outline a[aria-current="page"] .mark');

    // A failing Submit of the starter makes the Solution button available; open it.
    await root.getByRole('button', { name: /^Submit\b/ }).click();
    await waitForSummary(page, ID, 120_000);
    await root.locator('[data-action="solution"]').click();
    await expect.poll(() => root.locator('[data-note="solution-viewed"]').count(), { timeout: 60_000 }).toBe(1);

    // Then pass.
    await setCode(page, solution, ID);
    await root.getByRole('button', { name: /^Submit\b/ }).click();
    expect(await waitForSummary(page, ID, 120_000)).toMatch(/^Submit: all \d+ tests/);
    await expect.poll(() => root.locator('[data-note="complete"]').textContent(), { timeout: 60_000 }).toMatch(/Completed with the solution viewed/);
    await expect.poll(() => mark.getAttribute('data-mark'), { timeout: 60_000 }).toBe('done-with-solution');
    expect(await mark.textContent()).toBe('(completed with the solution viewed)');

    // The record survives a reload, and opening the solution again (now passed) does not change it.
    await page.reload();
    await expect.poll(() => mark.getAttribute('data-mark'), { timeout: 60_000 }).toBe('done-with-solution');
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('qc:progress')!));
    expect(stored.version).toBe(2);
    expect(stored.exercises[ID]).toMatchObject({ status: 'pass', submitted: true, solutionViewedBeforePass: true });
    expect(issues.all()).toEqual([]);
    await close();
  });

  it('opening the solution only after passing keeps the plain "done"', async () => {
    const { page, issues, close } = await newPage(browser, { baseUrl: siteUrls().root });
    await page.goto(siteUrls().root + LESSON);
    await openExercise(page, ID);
    const root = exerciseRoot(page, ID);
    await setCode(page, solution, ID);
    await root.getByRole('button', { name: /^Submit\b/ }).click();
    expect(await waitForSummary(page, ID, 120_000)).toMatch(/^Submit: all \d+ tests/);
    await root.locator('[data-action="solution"]').click();
    await expect.poll(() => root.locator('[data-role="solution"]').isVisible(), { timeout: 60_000 }).toBe(true);
    const mark = page.locator('nav.outline a[aria-current="page"] .mark');
    await expect.poll(() => mark.getAttribute('data-mark'), { timeout: 60_000 }).toBe('done');
    expect(await root.locator('[data-note="solution-viewed"]').count()).toBe(0);
    expect(await root.locator('[data-note="complete"]').textContent()).toMatch(/^✓ Completed: /);
    expect(issues.all()).toEqual([]);
    await close();
  });
});
