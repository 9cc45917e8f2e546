/**
 * The three core exercises (read-fallback, dlq-processor, health-check) in the lessons that embed
 * them, in Chromium: the reference solution typed into the editor passes Submit; the starter (the
 * team's code) fails Submit, and a failing hidden test shows its scenario in plain words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { ROOT, launch, newPage, siteUrls } from './helpers';
import { exerciseRoot, openExercise, setCode, shownTests, summaryStatus, waitForSummary } from './exercise-helpers';

const EXERCISES: { id: string; lesson: string }[] = [
  { id: 'health-check', lesson: 'lessons/fail-fast/' },
  { id: 'read-fallback', lesson: 'lessons/redesign/' },
  { id: 'dlq-processor', lesson: 'lessons/redesign/' },
];

const read = (id: string, file: string) => readFileSync(path.join(ROOT, 'exercises', id, file), 'utf8');
const hiddenScenarios = (id: string) =>
  [...read(id, 'hidden.test.ts').matchAll(/scenario:\s*\n?\s*(['"`])((?:(?!\1).)+)\1/g)].map((m) => m[2].replace(/\\'/g, "'"));

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function submit(page: import('playwright-core').Page, id: string): Promise<string> {
  await exerciseRoot(page, id).getByRole('button', { name: /^Submit\b/ }).click();
  return waitForSummary(page, id, 120_000);
}

describe('core exercises in their lessons', () => {
  for (const { id, lesson } of EXERCISES) {
    it(`${id}: the solution passes Submit; the starter fails it and the failing scenario is described`, async () => {
      const { page, issues, close } = await newPage(browser, { baseUrl: siteUrls().root });
      await page.goto(siteUrls().root + lesson);
      expect(await exerciseRoot(page, id).count(), `${lesson} embeds <Exercise id="${id}" />`).toBe(1);
      await openExercise(page, id);

      await setCode(page, read(id, 'solution.ts'), id);
      const passSummary = await submit(page, id);
      expect(await summaryStatus(page, id), passSummary).toBe('pass');

      await setCode(page, read(id, 'starter.ts'), id);
      const failSummary = await submit(page, id);
      expect(await summaryStatus(page, id), failSummary).toBe('fail');
      const failed = (await shownTests(page, id)).filter((t) => t.status !== 'pass');
      expect(failed.length).toBeGreaterThan(0);
      const scenarios = hiddenScenarios(id);
      expect(scenarios.length).toBeGreaterThanOrEqual(8);
      expect(
        failed.some((t) => scenarios.some((s) => t.text.includes(s))),
        `a failed test shows its scenario; shown: ${failed.map((t) => t.text.slice(0, 120)).join(' | ')}`,
      ).toBe(true);
      expect(issues.all()).toEqual([]);
      await close();
    }, 300_000);
  }
});
