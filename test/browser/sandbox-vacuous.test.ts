/**
 * Issue 11, "patched built-ins can make a test's checks vacuous": learner code that, after doing its
 * (wrong) work, replaces `Array.prototype.forEach`, `entries`, `find` and `some` turned the tests'
 * own loops over the results into no-ops, so failing tests passed. Every test the unmodified starter
 * fails must still fail when the starter patches built-ins on its way out.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ROOT, launch, newPage, siteUrls } from './helpers';
import { clickAndWait, openExercise, setCode, shownTests } from './exercise-helpers';

vi.setConfig({ testTimeout: 400_000, hookTimeout: 300_000 });

const ID = 'read-fallback';
const starter = readFileSync(path.join(ROOT, 'exercises', ID, 'starter.ts'), 'utf8');

let browser: Browser;
let page: Page;
let closePage: () => Promise<void>;

beforeAll(async () => {
  browser = await launch();
  const p = await newPage(browser, { baseUrl: siteUrls().root });
  page = p.page;
  closePage = p.close;
  await page.goto(siteUrls().root + `playground/${ID}/`);
  await openExercise(page, ID);
});

afterAll(async () => {
  await closePage?.();
  await browser?.close();
});

/** The starter, its `getOrder` wrapped: `patch` runs after the starter's own work, before returning. */
function patchingOnTheWayOut(patch: string): string {
  const head = 'export async function getOrder(';
  if (!starter.includes(head)) throw new Error(`exercises/${ID}/starter.ts no longer declares \`${head}…\``);
  return `${starter.replace(head, 'async function starterGetOrder(')}
export async function getOrder(deps: any, orderId: string): Promise<any> {
  const result = await starterGetOrder(deps, orderId);
  try {
${patch}
  } catch {}
  return result;
}
`;
}

const PATCH = `
const A: any = Array.prototype;
A.forEach = function () {};
A.entries = function* () {};
A.find = function () { return undefined; };
A.some = function () { return false; };
A.every = function () { return true; };
A.includes = function () { return false; };
(Object as any).keys = () => [];
`;

describe('patched built-ins cannot make the tests’ checks vacuous', () => {
  it('every test the starter fails still fails when the starter patches built-ins', async () => {
    await setCode(page, starter, ID);
    await clickAndWait(page, 'Submit', ID);
    const failing = (await shownTests(page, ID)).filter((t) => t.status !== 'pass').map((t) => t.name);
    expect(failing.length).toBeGreaterThan(0);

    await setCode(page, patchingOnTheWayOut(PATCH), ID);
    await clickAndWait(page, 'Submit', ID);
    const after = new Map((await shownTests(page, ID)).map((t) => [t.name, t.status]));
    const nowPassing = failing.filter((name) => after.get(name) === 'pass');
    expect(nowPassing).toEqual([]);
  });
});
