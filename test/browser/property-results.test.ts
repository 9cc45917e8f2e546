/**
 * A failing property in the results panel (issue 12): Submit a read-fallback solution whose only mistake
 * is one nobody hand-picked a scenario for — a read-model miss while PostgreSQL is down reported as "no
 * such order" — and the panel shows the property's sentence, the minimal scenario in words, its seed,
 * and the diagram of that case. The same seed through the CLI replays it: the same verdict, message and
 * scenario as the browser showed.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Results } from '../../src/grading/index';
import { ROOT, launch, newPage, siteUrls } from './helpers';
import { exerciseRoot, openExercise, setCode, summaryStatus, waitForSummary } from './exercise-helpers';

const ID = 'read-fallback';
const WRONG = path.join(ROOT, 'exercises', ID, 'wrong', 'miss-while-pg-down-null.ts');
const PROPERTY = 'When PostgreSQL cannot answer either, throw: never tell a customer an order does not exist because you could not look it up.';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('a failing property in the results panel', () => {
  it('shows its sentence, minimal scenario, seed and diagram; the CLI replays that seed to the same verdict and message', async () => {
    const { page, issues, close } = await newPage(browser, { baseUrl: siteUrls().root });
    await page.goto(siteUrls().root + 'lessons/redesign/');
    await openExercise(page, ID);
    await setCode(page, readFileSync(WRONG, 'utf8'), ID);
    await exerciseRoot(page, ID).getByRole('button', { name: /^Submit\b/ }).click();
    const summary = await waitForSummary(page, ID, 180_000);
    expect(await summaryStatus(page, ID), summary).toBe('fail');

    const row = exerciseRoot(page, ID).locator(`[data-role="tests"] > li[data-status="fail"][data-test-name="${PROPERTY}"]`);
    expect(await row.count(), summary).toBe(1);
    // Only the property caught it: every named scenario passed.
    const failing = await exerciseRoot(page, ID).locator('[data-role="tests"] > li:not([data-status="pass"])').count();
    expect(failing).toBe(1);
    const message = (await row.locator('.ex-test-msg').textContent()) ?? '';
    expect(message).toMatch(/does not exist, but PostgreSQL was down: nobody could check/);
    const fields = await row.locator('dl').evaluate((dl) => {
      const out: Record<string, string> = {};
      dl.querySelectorAll('dt').forEach((dt) => (out[dt.textContent ?? ''] = dt.nextElementSibling?.textContent ?? ''));
      return out;
    });
    // The minimal scenario in words: PostgreSQL down, an order the read model does not have, one read.
    expect(fields.Scenario).toMatch(/PostgreSQL is down/);
    expect(fields.Scenario).toMatch(/\(the smallest failing case found(: made smaller \d+ times?)?\)$/);
    expect(fields.Hint).toBeTruthy();
    const seed = Number(fields.Seed);
    expect(Number.isInteger(seed)).toBe(true);

    // Its diagram, drawn at once (the first failed test's), captioned with the sentence and the seed.
    const svg = row.locator('.ex-trace svg[role="img"]');
    await svg.waitFor({ timeout: 60_000 });
    expect(await row.locator('.ex-trace').getAttribute('open')).not.toBeNull();
    expect(await svg.locator(':scope > title').textContent()).toContain(`hidden test: ${PROPERTY}, seed ${seed}`);
    expect(issues.all()).toEqual([]);
    await close();

    // The same case through the Node CLI, by its seed.
    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/grade.ts', ID, WRONG, '--seed', String(seed)], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
    expect(cli.status, cli.stderr).toBe(1);
    const r = JSON.parse(cli.stdout) as Results;
    const t = r.tests.find((x) => x.name === PROPERTY)!;
    expect(t.status).toBe('fail');
    expect(t.seed).toBe(seed);
    expect(t.message).toBe(message);
    expect(t.scenario).toBe(fields.Scenario);
  });
});
