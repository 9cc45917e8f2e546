/**
 * Helpers for the exercise engine's browser tests (test/browser/exercise*.test.ts) and its benchmark.
 *
 * The playground page (src/pages/playground/demo.astro) embeds the demo exercise (exercises/demo/).
 * The exercise's test hook: `window.__exerciseEditors[id]` = { getValue(), setValue(code), warm,
 * lastResults, run(mode) } once the editor is ready; the root `<qc-exercise>` carries
 * `data-state="static|loading|ready|running|failed"`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from './server';

export const DEMO_PATH = 'playground/demo/';
export const demoSolution = readFileSync(path.join(ROOT, 'exercises/demo/solution.ts'), 'utf8');
export const demoStarter = readFileSync(path.join(ROOT, 'exercises/demo/starter.ts'), 'utf8');

/** The demo solution with `blockFor`'s body replaced by `body` (for bad-input cases). */
export function demoWithBlockFor(body: string, preamble = ''): string {
  return `${preamble}\nexport type ConsistencyLevel = 'ANY' | 'ONE' | 'TWO' | 'THREE' | 'QUORUM' | 'ALL';
export function blockFor(cl: ConsistencyLevel, rf: number): any {
${body}
}
export function missProbability(n: number, r: number, w: number): number {
  const choose = (a: number, b: number) => { if (b < 0 || b > a) return 0; let c = 1; for (let i = 1; i <= b; i++) c = (c * (a - b + i)) / i; return c; };
  return choose(n - w, r) / choose(n, r);
}
`;
}

export const exerciseRoot = (page: Page, id = 'demo') => page.locator(`qc-exercise[data-exercise-id="${id}"]`);

/** Scrolls the exercise into view and waits until Monaco and the controls are ready. */
export async function openExercise(page: Page, id = 'demo', opts: { warm?: boolean } = {}): Promise<void> {
  const root = exerciseRoot(page, id);
  await root.scrollIntoViewIfNeeded();
  await page.waitForSelector(`qc-exercise[data-exercise-id="${id}"][data-state="ready"]`, { timeout: 45_000 });
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
  await root.getByRole('button', { name: new RegExp(`^${name}\\b`) }).click();
  return waitForSummary(page, id);
}

/** Waits until the results summary is final (not "Running…") and returns its text. */
export async function waitForSummary(page: Page, id = 'demo', timeout = 30_000): Promise<string> {
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

/** Runs the demo solution and asserts it passes — "a correct Run afterwards passes". */
export async function correctRunPasses(page: Page, id = 'demo'): Promise<{ summary: string; status: string | null }> {
  await setCode(page, demoSolution, id);
  const summary = await clickAndWait(page, 'Run', id);
  return { summary, status: await summaryStatus(page, id) };
}
