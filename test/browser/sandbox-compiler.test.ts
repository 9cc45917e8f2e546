/**
 * Issue 11, "one input breaks the compiler until reload": a deeply nested input used to leave
 * esbuild-wasm unusable for every later compile on the page. Now the compiler that failed is
 * replaced before the next compile: the learner sees a clear error for that input, and the next
 * Run of correct code passes on the same page, without a reload.
 *
 * Issue 17, the run path without the compiler: the build compiles each starter
 * (src/browser/build/starter-js.mjs), so the run worker rehearses and a Run of the unchanged starter
 * is graded without waiting for esbuild-wasm's start — shown here with a compiler that never starts.
 * A Run of other code does not wait for it either: the quick compiler (src/browser/quick-compile.ts)
 * compiles it. A Submit, and a Run of code the quick compiler declines, do wait for esbuild (a few
 * seconds on a page's first compile), and the panel says so — unless the code was compiled on an
 * earlier visit (src/browser/compile-store.ts keeps the last few).
 */
import { describe, expect, it, vi } from 'vitest';
import { DEMO_PATH, clickAndWait, correctRunPasses, demoSolution, demoStarter, exerciseRoot, getCode, openExercise, setCode, shownTests, useExercisePage, summaryStatus, waitForSummary } from './exercise-helpers';
import { newPage, siteUrls } from './helpers';
import type { Page } from 'playwright-core';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const shared = useExercisePage(DEMO_PATH);

/** `depth` nested `open`…`close` around 1, 1000 brackets a line (one 200 000-character line would only test the editor). */
const nested = (open: string, close: string, depth: number): string => {
  const lines = (s: string) => s.repeat(depth).replace(/(.{1000})/g, '$1\n');
  return `export const x = ${lines(open)}1${lines(close)};\n`;
};

/** The demo's saved progress record (src/browser/progress.ts), or undefined. */
const storedDemo = (page: Page) => page.evaluate(() => (JSON.parse(localStorage.getItem('qc:progress') ?? '{}') as { exercises?: Record<string, unknown> }).exercises?.demo);

/** Records every text the demo's summary shows from now on; the returned function reads them. */
async function recordSummaryTexts(page: Page): Promise<() => Promise<string[]>> {
  await exerciseRoot(page).locator('[data-role="summary"]').evaluate((el) => {
    const texts: string[] = [];
    (window as unknown as { __summaryTexts: string[] }).__summaryTexts = texts;
    new MutationObserver(() => texts.push(el.textContent ?? '')).observe(el, { childList: true, characterData: true, subtree: true });
  });
  return () => page.evaluate(() => (window as unknown as { __summaryTexts: string[] }).__summaryTexts);
}

describe('compiler recovery', () => {
  it.each([
    ['100 000 nested parentheses', nested('(', ')', 100_000)],
    ['100 000 nested brackets', nested('[', ']', 100_000)],
  ])('%s: a clear error, a Submit of it is not recorded (the compiler failed, not the code), then correct code compiles and passes on the same page', async (_what, code) => {
    await setCode(shared.page, demoSolution);
    expect(await clickAndWait(shared.page, 'Submit')).toMatch(/^Submit: all \d+ tests/);
    await setCode(shared.page, code);
    const summary = await clickAndWait(shared.page, 'Run');
    expect(await summaryStatus(shared.page)).toBe('error');
    expect(summary).toMatch(/compil/i);
    expect(await clickAndWait(shared.page, 'Submit')).toMatch(/^Submit: error — .*compiler failed on this code.* This Submit was not recorded\.$/);
    expect(await storedDemo(shared.page)).toMatchObject({ status: 'pass', submitted: true, passedCode: demoSolution });
    const after = await correctRunPasses(shared.page);
    expect(after.status, after.summary).toBe('pass');
  });
});

describe("the first Run and the compiler's start", () => {
  it('while esbuild-wasm cannot start: a Run of the unchanged starter is graded (and the run worker rehearsed), a Run of edited code too (the quick compiler); a Submit says the compiler did not start', async () => {
    const { page, close } = await newPage(shared.browser, { baseUrl: siteUrls().root });
    await page.route('**/*.wasm', (route) => route.abort());
    await page.goto(siteUrls().root + DEMO_PATH);
    await openExercise(page); // resolves once the warm-up is over, also when a part of it failed
    const marks = () => page.evaluate(() => performance.getEntriesByType('mark').map((m) => m.name));
    expect(await marks()).toContain('qc:rehearsed');

    const summary = await clickAndWait(page, 'Run');
    expect(summary).toMatch(/^Run: \d+ of \d+ visible tests passed; first failure: /);
    expect(await summaryStatus(page)).toBe('fail');
    expect((await shownTests(page)).some((t) => t.status === 'fail')).toBe(true);
    expect(await marks()).not.toContain('qc:compile-posted');
    expect(await marks()).toContain('qc:compile-reused');

    expect(await marks()).not.toContain('qc:quick-compiled');

    await setCode(page, `${demoStarter}\n// edited\n`);
    expect(await clickAndWait(page, 'Run')).toMatch(/^Run: \d+ of \d+ visible tests passed; first failure: /);
    expect(await marks()).toContain('qc:quick-compiled');
    expect(await clickAndWait(page, 'Submit')).toMatch(/compiler could not start/i);
    expect(await summaryStatus(page)).toBe('error');
    expect(await exerciseRoot(page).getAttribute('data-state')).toBe('ready');
    await close();
  });

  it("a Submit when the test runner's script cannot be loaded says so, and records no Submit (a completed exercise stays completed)", async () => {
    const { page, close } = await newPage(shared.browser, { baseUrl: siteUrls().root });
    await page.goto(siteUrls().root + DEMO_PATH);
    await openExercise(page);
    await setCode(page, demoSolution);
    expect(await clickAndWait(page, 'Submit')).toMatch(/^Submit: all \d+ tests/);
    expect(await storedDemo(page)).toMatchObject({ status: 'pass', submitted: true });
    // The same page again, its test runner's script unreachable (as offline with an incomplete copy).
    await page.route('**/run-worker-*.js', (route) => route.abort());
    await page.reload();
    await openExercise(page, 'demo', { warm: false });
    await setCode(page, `${demoSolution}\n// edited\n`);
    expect(await clickAndWait(page, 'Submit')).toMatch(/^Submit: error — .*test runner/i);
    expect(await storedDemo(page)).toMatchObject({ status: 'pass', submitted: true });
    expect(await exerciseRoot(page).locator('[data-note="complete"]').isVisible()).toBe(true);
    await close();
  });

  it('a Run pressed while esbuild-wasm is starting is graded without waiting for it; one of code the quick compiler declines waits, says so, then shows the compile error; later Runs do not say it', async () => {
    const { page, close } = await newPage(shared.browser, { baseUrl: siteUrls().root });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/*.wasm', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(siteUrls().root + DEMO_PATH);
    await openExercise(page, 'demo', { warm: false }); // the warm-up waits for the compiler too
    const marks = () => page.evaluate(() => performance.getEntriesByType('mark').map((m) => m.name));
    await setCode(page, demoSolution);
    expect(await clickAndWait(page, 'Run')).toMatch(/^Run: all \d+ visible tests passed/);
    expect(await marks()).toContain('qc:quick-compiled');
    expect(await marks()).not.toContain('qc:compiler-ready');

    await setCode(page, `${demoSolution}\nexport const broken = ;\n`);
    const summary = exerciseRoot(page).locator('[data-role="summary"]');
    await exerciseRoot(page).getByRole('button', { name: /^Run\b/ }).click();
    await expect.poll(() => summary.textContent()).toBe('Starting the TypeScript compiler (once per page, a few seconds), then running the visible tests…');
    release();
    expect(await waitForSummary(page)).toMatch(/^Run: error — Your code does not compile: line \d+/);
    expect(await summaryStatus(page)).toBe('error');

    // Every text the summary shows during the next Run (of changed code: esbuild compiles it).
    await setCode(page, `${demoSolution}\n// edited\n`);
    const shownTexts = await recordSummaryTexts(page);
    const quickBefore = (await marks()).filter((m) => m === 'qc:quick-compiled').length;
    expect(await clickAndWait(page, 'Run')).toMatch(/^Run: all \d+ visible tests passed/);
    const shown = await shownTexts();
    expect(shown).toContain('Running the visible tests…');
    expect(shown.filter((t) => t.includes('Starting the TypeScript compiler'))).toEqual([]);
    expect((await marks()).filter((m) => m === 'qc:quick-compiled').length, 'esbuild is up: the quick compiler is not used').toBe(quickBefore);
    await close();
  });

  it('esbuild-wasm starts once the first Run is over, and compiles the code just run: a Submit of it compiles nothing', async () => {
    const { page, close } = await newPage(shared.browser, { baseUrl: siteUrls().root });
    // Not the start it gets a while after the warm-up without a Run (the next test).
    await page.addInitScript(() => ((window as unknown as { __qcCompilerIdleStartMs: number }).__qcCompilerIdleStartMs = 3_600_000));
    await page.goto(siteUrls().root + DEMO_PATH);
    await openExercise(page); // the run path is warm
    const count = (name: string) => page.evaluate((n) => performance.getEntriesByName(n).length, name);
    expect(await count('qc:compiler-spawn'), 'nothing has needed esbuild yet').toBe(0);

    await setCode(page, `${demoSolution}\n// run first\n`);
    expect(await clickAndWait(page, 'Run')).toMatch(/^Run: all \d+ visible tests passed/);
    expect(await count('qc:quick-compiled')).toBe(1);
    await page.evaluate(() => window.__exerciseEditors!.demo.compiler());
    expect(await count('qc:compiler-spawn')).toBe(1);
    const posted = await count('qc:compile-posted');

    expect(await clickAndWait(page, 'Submit')).toMatch(/^Submit: all \d+ tests/);
    expect(await count('qc:compile-posted'), 'the Submit reused the compile made after the Run').toBe(posted);
    expect(await count('qc:compile-reused')).toBeGreaterThan(0);
    expect(await count('qc:quick-compiled'), 'a Submit never uses the quick compiler').toBe(1);
    await close();
  });

  it('code left unchanged for a moment is compiled before the Run: by the quick compiler before esbuild-wasm is up, by esbuild after; the Run then compiles nothing', async () => {
    const { page, close } = await newPage(shared.browser, { baseUrl: siteUrls().root });
    await page.addInitScript(() => ((window as unknown as { __qcCompilerIdleStartMs: number }).__qcCompilerIdleStartMs = 3_600_000));
    await page.goto(siteUrls().root + DEMO_PATH);
    await openExercise(page);
    const count = (name: string) => page.evaluate((n) => performance.getEntriesByName(n).length, name);
    const compiles = async () => ({ quick: await count('qc:quick-compiled'), esbuild: await count('qc:compile-posted') });

    await setCode(page, `${demoSolution}\n// typed, then a pause\n`);
    await expect.poll(() => count('qc:precompiled')).toBe(1);
    expect(await compiles()).toEqual({ quick: 1, esbuild: 0 });
    const reused = await count('qc:compile-reused');
    expect(await clickAndWait(page, 'Run')).toMatch(/^Run: all \d+ visible tests passed/);
    // (esbuild-wasm starts once the Run is over: only the quick compiler's count says what the Run used)
    expect(await count('qc:quick-compiled'), 'the Run used the compile made in the pause').toBe(1);
    expect(await count('qc:compile-reused')).toBe(reused + 1);

    await page.evaluate(() => window.__exerciseEditors!.demo.compiler()); // esbuild-wasm is up
    await setCode(page, `${demoStarter}\n// typed after esbuild started\n`);
    await expect.poll(() => count('qc:precompiled')).toBe(2);
    const now = await compiles();
    expect(now.quick, 'esbuild is up: the quick compiler is not used').toBe(1);
    expect(await clickAndWait(page, 'Run')).toMatch(/^Run: \d+ of \d+ visible tests passed; first failure: /);
    expect(await clickAndWait(page, 'Submit')).toMatch(/^Submit: \d+ of \d+ tests/);
    expect(await compiles(), "the Run and the Submit used esbuild's compile made in the pause").toEqual(now);
    await close();
  });

  it('without a Run, esbuild-wasm starts a while after the warm-up: a Submit then does not wait for its start', async () => {
    const { page, close } = await newPage(shared.browser, { baseUrl: siteUrls().root });
    await page.addInitScript(() => ((window as unknown as { __qcCompilerIdleStartMs: number }).__qcCompilerIdleStartMs = 0));
    await page.goto(siteUrls().root + DEMO_PATH);
    await openExercise(page);
    await expect.poll(() => page.evaluate(() => performance.getEntriesByName('qc:compiler-warm').length)).toBe(1);
    await setCode(page, `${demoSolution}\n// submitted first\n`);
    const shownTexts = await recordSummaryTexts(page);
    expect(await clickAndWait(page, 'Submit')).toMatch(/^Submit: all \d+ tests/);
    const shown = await shownTexts();
    expect(shown).toContain('Running all tests…');
    expect(shown.filter((t) => t.includes('Starting the TypeScript compiler'))).toEqual([]);
    await close();
  });

  it('reopened, code compiled on an earlier visit runs at once without either compiler; changed code runs by the quick compiler, and its Submit needs esbuild', async () => {
    const { page, close } = await newPage(shared.browser, { baseUrl: siteUrls().root });
    await page.goto(siteUrls().root + DEMO_PATH);
    await openExercise(page);
    const code = `${demoSolution}\n// compiled on the first visit\n`;
    await setCode(page, code);
    expect(await clickAndWait(page, 'Run')).toMatch(/^Run: all \d+ visible tests passed/);
    // esbuild starts after the first Run and compiles the code just run; that compile is kept.
    await page.evaluate(() => window.__exerciseEditors!.demo.compiler());
    await expect.poll(() => page.evaluate((c) => localStorage.getItem('qc:compiled')?.includes(JSON.stringify(c).slice(1, -1)) ?? false, code)).toBe(true);

    await page.route('**/*.wasm', (route) => route.abort());
    await page.reload();
    await openExercise(page);
    expect(await getCode(page)).toBe(code);
    expect(await clickAndWait(page, 'Run')).toMatch(/^Run: all \d+ visible tests passed/);
    const count = (name: string) => page.evaluate((n) => performance.getEntriesByName(n).length, name);
    expect(await count('qc:compile-posted')).toBe(0);
    expect(await count('qc:quick-compiled')).toBe(0);

    await setCode(page, `${code}// changed\n`);
    expect(await clickAndWait(page, 'Run')).toMatch(/^Run: all \d+ visible tests passed/);
    expect(await count('qc:quick-compiled')).toBe(1);
    expect(await clickAndWait(page, 'Submit')).toMatch(/compiler could not start/i);
    await close();
  });
});
