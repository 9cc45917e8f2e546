/**
 * The exercises added after the core three, each in the lesson that embeds it, in Chromium:
 * read-your-writes (Question 2, /lessons/is-cqrs-ap/), circuit-breaker (Question 3,
 * /lessons/fail-fast/, after the health-check exercise on the same page), hint-alerts (Question 4,
 * /lessons/hinted-handoff/) and the break-quorum challenge (Question 1, /lessons/why-quorum-failed/,
 * where the learner writes a fault schedule rather than application code). For each: the placeholder it
 * replaced is gone; the reference solution typed into the editor passes Submit and shows the lesson's
 * "What you just fixed" note; the starter fails Submit, a failing hidden test shows its scenario in
 * plain words and what went wrong for the customer with its seed, and the note hides again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ROOT, launch, newPage, siteUrls } from './helpers';
import { exerciseRoot, openExercise, setCode, shownTests, summaryStatus, waitForSummary } from './exercise-helpers';

const CASES = [
  { id: 'read-your-writes', lesson: 'lessons/is-cqrs-ap/', prose: [] as string[], heading: 'What you just fixed' },
  // the lesson names the libraries used in production
  { id: 'circuit-breaker', lesson: 'lessons/fail-fast/', prose: ['cockatiel', 'opossum'], heading: 'What you just fixed' },
  { id: 'hint-alerts', lesson: 'lessons/hinted-handoff/', prose: ['Hints_not_stored'], heading: 'What you just fixed' },
  // the set-up paragraph says what the learner writes; a challenge's note says what they showed
  { id: 'break-quorum', lesson: 'lessons/why-quorum-failed/', prose: ['schedule(plan)'], heading: 'What you just showed' },
];

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe.each(CASES)('$id in its lesson', ({ id, lesson, prose, heading }) => {
  const read = (file: string) => readFileSync(path.join(ROOT, 'exercises', id, file), 'utf8');
  const hiddenScenarios = () =>
    [...read('hidden.test.ts').matchAll(/scenario:\s*\n?\s*(['"`])((?:(?!\1).)+)\1/g)].map((m) => m[2].replace(/\\'/g, "'"));
  async function submit(page: Page): Promise<string> {
    await exerciseRoot(page, id).getByRole('button', { name: /^Submit\b/ }).click();
    return waitForSummary(page, id, 120_000);
  }

  it('the solution passes Submit; the starter fails it and the failing scenario is described', async () => {
    const { page, issues, close } = await newPage(browser, { baseUrl: siteUrls().root });
    await page.goto(siteUrls().root + lesson);
    expect(await exerciseRoot(page, id).count(), `${lesson} embeds <Exercise id="${id}" />`).toBe(1);
    // The placeholder this exercise replaces is gone.
    expect(await page.locator(`[data-placeholder-id="${id}"]`).count()).toBe(0);
    const text = (await page.locator('main').textContent()) ?? '';
    for (const word of prose) expect(text).toContain(word);
    // the tasks' Markdown (`code`, **strong**) is rendered, not shown as typed
    const tasks = exerciseRoot(page, id).locator('.ex-tasks');
    expect(await tasks.textContent()).not.toMatch(/\*\*|`/);
    const note = exerciseRoot(page, id).locator('[data-role="done"]');
    expect(await note.count(), `${lesson} writes a "done" note for ${id}`).toBe(1);
    expect(await note.textContent()).toMatch(new RegExp(`${heading}\\s*\\S.{200,}`, 's'));
    await openExercise(page, id);
    expect(await note.isVisible()).toBe(false);

    await setCode(page, read('solution.ts'), id);
    const passSummary = await submit(page);
    expect(await summaryStatus(page, id), passSummary).toBe('pass');
    await expect.poll(() => note.isVisible()).toBe(true);

    await setCode(page, read('starter.ts'), id);
    const failSummary = await submit(page);
    expect(await summaryStatus(page, id), failSummary).toBe('fail');
    await expect.poll(() => note.isVisible()).toBe(false);
    const failed = (await shownTests(page, id)).filter((t) => t.status !== 'pass');
    expect(failed.length).toBeGreaterThan(0);
    const scenarios = hiddenScenarios();
    expect(scenarios.length).toBeGreaterThanOrEqual(8);
    expect(
      failed.some((t) => scenarios.some((s) => t.text.includes(s))),
      `a failed test shows its scenario; shown: ${failed.map((t) => t.text.slice(0, 120)).join(' | ')}`,
    ).toBe(true);
    // A failed hidden test says what went wrong for the customer and names its seed.
    expect(failed.some((t) => /customer/.test(t.text) && /seed \d+/.test(t.text))).toBe(true);
    expect(issues.all()).toEqual([]);
    await close();
  }, 600_000);
});
