/**
 * Helpers for the exercise engine's browser tests (test/browser/exercise*.test.ts) and its benchmark.
 *
 * The playground page (src/pages/playground/demo.astro) embeds the demo exercise (exercises/demo/).
 * The exercise's test hook: `window.__exerciseEditors[id]` = { getValue(), setValue(code), warm,
 * lastResults, run(mode) } once the editor is ready; the root `<qc-exercise>` carries
 * `data-state="static|loading|ready|running|failed"`.
 *
 * A file whose tests all work on one exercise page (Run after Run on the same editor):
 *   const shared = useExercisePage(DEMO_PATH);          // or useExercisePage('playground/read-fallback/', 'read-fallback')
 *   it('…', async () => { await setCode(shared.page, code); … });
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ACTION_TIMEOUT_MS, ROOT } from '../../support/server';
import { launch, newPage, siteUrls, type PageIssues } from './helpers';

export const DEMO_PATH = 'playground/demo/';
export const demoSolution = readFileSync(path.join(ROOT, 'exercises/demo/solution.ts'), 'utf8');
export const demoStarter = readFileSync(path.join(ROOT, 'exercises/demo/starter.ts'), 'utf8');

export const demoMeta = JSON.parse(readFileSync(path.join(ROOT, 'exercises/demo/meta.json'), 'utf8')) as {
  title: string;
  tasks: { id: string; text: string }[];
  hints: string[];
};

const BLOCK_FOR = /export function blockFor\(([^)]*)\)(: [A-Za-z]+)? \{\n/;
const WITH_TIMEOUT = /export function withTimeout<T>\(([^)]*)\)(: [^{]+)? \{\n/;

/**
 * The demo solution with `body` inserted at the start of `blockFor` (and `preamble` at the top of the
 * module): every bad-input case is the correct module plus the one thing that is wrong.
 */
export function demoWithBlockFor(body: string, preamble = ''): string {
  if (!BLOCK_FOR.test(demoSolution)) throw new Error('exercises/demo/solution.ts no longer declares `export function blockFor(…) {`');
  return `${preamble}\n${demoSolution.replace(BLOCK_FOR, (_m, params) => `export function blockFor(${params}): any {\n${body}\n`)}`;
}

/** The demo solution with `body` inserted at the start of `withTimeout`. */
export function demoWithWithTimeout(body: string): string {
  if (!WITH_TIMEOUT.test(demoSolution)) throw new Error('exercises/demo/solution.ts no longer declares `export function withTimeout<T>(…) {`');
  return demoSolution.replace(WITH_TIMEOUT, (_m, params) => `export function withTimeout<T>(${params}): Promise<T> {\n${body}\n`);
}

/** What `useExercisePage` shares with the tests of a file (set once its beforeAll has run). */
export interface SharedExercisePage {
  browser: Browser;
  page: Page;
  issues: PageIssues;
}

/**
 * Registers the file's beforeAll/afterAll: one browser, one page of the root build at `pagePath`
 * (relative to the site's base) with exercise `id` open and warm, closed after the file's last test.
 * `onPage` runs before the page loads (e.g. to listen for its workers).
 */
export function useExercisePage(pagePath: string, id = 'demo', opts: { onPage?: (page: Page) => void } = {}): SharedExercisePage {
  const shared = {} as SharedExercisePage;
  let closePage: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    shared.browser = await launch();
    const p = await newPage(shared.browser, { baseUrl: siteUrls().root });
    shared.page = p.page;
    shared.issues = p.issues;
    closePage = p.close;
    opts.onPage?.(p.page);
    await p.page.goto(siteUrls().root + pagePath);
    await openExercise(p.page, id);
  });
  afterAll(async () => {
    await closePage?.();
    await shared.browser?.close();
  });
  return shared;
}

/**
 * The wall-clock limit per test that the tests of overruns set (4 s): what an author sets with
 * `meta.limits.wallMsPerTest`. Long enough for a correct test on a busy machine; short enough that an
 * infinite loop does not spin a core for the default 10 s in every test of one.
 */
export const OVERRUN_WALL_MS = 4000;

/**
 * Serves every page `page` loads from now on with each exercise's wall-clock limit per test set to
 * `ms`, as `meta.limits.wallMsPerTest` in the exercise's meta.json would set it (the built page's
 * exercise data carries it to the runner). Call before the page loads.
 */
export async function setWallLimit(page: Page, ms: number, base = siteUrls().root): Promise<void> {
  const origin = new URL(base).origin;
  const data = /(<script type="application\/json" data-role="data">)([\s\S]*?)(<\/script>)/g;
  await page.route(
    (url) => url.origin === origin,
    async (route) => {
      if (route.request().resourceType() !== 'document') return route.fallback();
      const res = await route.fetch();
      const html = await res.text();
      const body = html.replace(data, (_m, open: string, json: string, close: string) =>
        open + JSON.stringify({ ...JSON.parse(json), wallMsPerTest: ms }).replace(/</g, '\\u003c') + close,
      );
      if (body === html && html.includes('<qc-exercise')) {
        await route.abort();
        throw new Error(`setWallLimit: no exercise data in ${route.request().url()} (the page's markup changed)`);
      }
      await route.fulfill({ response: res, body });
    },
  );
}

export const exerciseRoot = (page: Page, id = 'demo') => page.locator(`qc-exercise[data-exercise-id="${id}"]`);

/** Scrolls the exercise into view and waits until Monaco and the controls are ready. */
export async function openExercise(page: Page, id = 'demo', opts: { warm?: boolean } = {}): Promise<void> {
  const root = exerciseRoot(page, id);
  await root.scrollIntoViewIfNeeded();
  await page.waitForSelector(`qc-exercise[data-exercise-id="${id}"][data-state="ready"]`, { timeout: 120_000 });
  if (opts.warm !== false) await page.evaluate((i) => window.__exerciseEditors![i].warm, id);
}

export async function setCode(page: Page, code: string, id = 'demo'): Promise<void> {
  await page.evaluate(([i, c]) => window.__exerciseEditors![i].setValue(c), [id, code] as const);
}

export async function getCode(page: Page, id = 'demo'): Promise<string> {
  return page.evaluate((i) => window.__exerciseEditors![i].getValue(), id);
}

/** Clicks a control by the start of its accessible name and waits for the run to finish. */
export async function clickAndWait(page: Page, name: 'Run' | 'Submit', id = 'demo'): Promise<string> {
  const root = exerciseRoot(page, id);
  // Each Run or Submit that starts marks `qc:run-pressed` / `qc:submit-pressed` (src/browser/timing.ts).
  const pressed = () => page.evaluate((m) => performance.getEntriesByName(m).length, `qc:${name.toLowerCase()}-pressed`);
  const before = await pressed();
  await root.getByRole('button', { name: new RegExp(`^${name}\\b`) }).click();
  // A click that started nothing fails here, instead of returning the summary of the run before.
  await expect.poll(pressed, { message: `clicking ${name} on ${id} started no ${name}` }).toBeGreaterThan(before);
  return waitForSummary(page, id);
}

/** Waits until the results summary is final (not "Running…") and returns its text. */
export async function waitForSummary(page: Page, id = 'demo', timeout = ACTION_TIMEOUT_MS): Promise<string> {
  const summary = exerciseRoot(page, id).locator('[data-role="summary"]');
  await page.waitForFunction(
    (i) => {
      const root = document.querySelector(`qc-exercise[data-exercise-id="${i}"]`) as HTMLElement | null;
      const s = root?.querySelector<HTMLElement>('[data-role="summary"]');
      return !!root && root.dataset.state === 'ready' && !!s && s.dataset.status !== 'running' && (s.textContent ?? '') !== '';
    },
    id,
    { timeout },
  );
  return (await summary.textContent()) ?? '';
}

export async function summaryStatus(page: Page, id = 'demo'): Promise<string | null> {
  return exerciseRoot(page, id).locator('[data-role="summary"]').getAttribute('data-status');
}

/** Test rows as shown: name → status. */
export async function shownTests(page: Page, id = 'demo'): Promise<{ name: string; status: string; text: string }[]> {
  return exerciseRoot(page, id)
    .locator('[data-role="tests"] > li')
    .evaluateAll((lis) =>
      lis.map((li) => ({ name: (li as HTMLElement).dataset.testName ?? '', status: (li as HTMLElement).dataset.status ?? '', text: li.textContent ?? '' })),
    );
}

/** The names of the demo's visible tests, in file order (what Run shows). */
export async function demoVisibleTests(): Promise<string[]> {
  const mod = (await import('../../exercises/demo/visible.test')).default as { collect(): { name: string }[] };
  return mod.collect().map((e) => e.name);
}

/** Runs the demo solution and asserts it passes — "a correct Run afterwards passes". */
export async function correctRunPasses(page: Page, id = 'demo'): Promise<{ summary: string; status: string | null }> {
  await setCode(page, demoSolution, id);
  const summary = await clickAndWait(page, 'Run', id);
  return { summary, status: await summaryStatus(page, id) };
}

/** An exercise added after the core three, in the lesson that embeds it (exercises-later.test.ts). */
export interface LaterExercise {
  id: string;
  lesson: string;
  /** Words the lesson's text must contain. */
  prose: string[];
  /** The heading of the lesson's note shown once the exercise is complete. */
  heading: string;
}

/**
 * The checks of exercises-later.test.ts on `page`, which shows `lesson` (a fresh page, or one an
 * earlier test of another exercise on the same lesson used): the placeholder the exercise replaced
 * is gone; the reference solution passes Submit and shows the "done" note; the starter fails Submit,
 * a failing hidden test shows its scenario and what went wrong for the customer with its seed, and
 * the note hides again.
 */
export async function solutionPassesStarterFails(page: Page, { id, lesson, prose, heading }: LaterExercise): Promise<void> {
  const read = (file: string) => readFileSync(path.join(ROOT, 'exercises', id, file), 'utf8');
  const hiddenScenarios = () =>
    [...read('hidden.test.ts').matchAll(/scenario:\s*\n?\s*(['"`])((?:(?!\1).)+)\1/g)].map((m) => m[2].replace(/\\'/g, "'"));
  const submit = async () => {
    await exerciseRoot(page, id).getByRole('button', { name: /^Submit\b/ }).click();
    return waitForSummary(page, id, 120_000);
  };
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
  const passSummary = await submit();
  expect(await summaryStatus(page, id), passSummary).toBe('pass');
  await expect.poll(() => note.isVisible()).toBe(true);
  // the tests' names are rendered from Markdown too (a property is named by the task sentence it checks)
  const names = await exerciseRoot(page, id).locator('[data-role="tests"] .ex-test-name').allTextContents();
  expect(names.filter((n) => /\*\*|`/.test(n))).toEqual([]);

  await setCode(page, read('starter.ts'), id);
  const failSummary = await submit();
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
}
