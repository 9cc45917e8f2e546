/**
 * The exercises added after the core three, each in the lesson that embeds it, in Chromium:
 * read-your-writes (Question 2, /lessons/is-cqrs-ap/), hint-alerts (Question 4,
 * /lessons/hinted-handoff/) and the break-quorum challenge (Question 1, /lessons/why-quorum-failed/,
 * where the learner writes a fault schedule rather than application code). For each: the placeholder it
 * replaced is gone; the reference solution typed into the editor passes Submit and shows the lesson's
 * "What you just fixed" note; the starter fails Submit, a failing hidden test shows its scenario in
 * plain words and what went wrong for the customer with its seed, and the note hides again
 * (`solutionPassesStarterFails` in exercise-helpers.ts). The same checks for circuit-breaker
 * (Question 3, /lessons/fail-fast/) run in exercises-core.test.ts, on the page of that lesson it
 * already loads for health-check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, newPage, siteUrls } from './helpers';
import { solutionPassesStarterFails, type LaterExercise } from './exercise-helpers';

const CASES: LaterExercise[] = [
  { id: 'read-your-writes', lesson: 'lessons/is-cqrs-ap/', prose: [], heading: 'What you just fixed' },
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

describe.each(CASES)('$id in its lesson', (c) => {
  it('the solution passes Submit; the starter fails it and the failing scenario is described', async () => {
    // One lesson per exercise here: each its own page.
    const { page, issues, close } = await newPage(browser, { baseUrl: siteUrls().root });
    await page.goto(siteUrls().root + c.lesson);
    await solutionPassesStarterFails(page, c);
    expect(issues.all()).toEqual([]);
    await close();
  }, 600_000);
});
