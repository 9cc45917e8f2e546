/**
 * Issue 11, "one input breaks the compiler until reload": a deeply nested input used to leave
 * esbuild-wasm unusable for every later compile on the page. Now the compiler that failed is
 * replaced before the next compile: the learner sees a clear error for that input, and the next
 * Run of correct code passes on the same page, without a reload.
 *
 * Issue 17, the run path without the compiler: the build compiles each starter
 * (src/browser/build/starter-js.mjs), so the run worker rehearses and a Run of the unchanged starter
 * is graded without waiting for esbuild-wasm's start — shown here with a compiler that never starts.
 */
import { describe, expect, it, vi } from 'vitest';
import { DEMO_PATH, clickAndWait, correctRunPasses, demoStarter, exerciseRoot, openExercise, setCode, shownTests, useExercisePage, summaryStatus } from './exercise-helpers';
import { newPage, siteUrls } from './helpers';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const shared = useExercisePage(DEMO_PATH);

/** `depth` nested `open`…`close` around 1, 1000 brackets a line (one 200 000-character line would only test the editor). */
const nested = (open: string, close: string, depth: number): string => {
  const lines = (s: string) => s.repeat(depth).replace(/(.{1000})/g, '$1\n');
  return `export const x = ${lines(open)}1${lines(close)};\n`;
};

describe('compiler recovery', () => {
  it.each([
    ['100 000 nested parentheses', nested('(', ')', 100_000)],
    ['100 000 nested brackets', nested('[', ']', 100_000)],
  ])('%s: a clear error, then correct code compiles and passes on the same page', async (_what, code) => {
    await setCode(shared.page, code);
    const summary = await clickAndWait(shared.page, 'Run');
    expect(await summaryStatus(shared.page)).toBe('error');
    expect(summary).toMatch(/compil/i);
    const after = await correctRunPasses(shared.page);
    expect(after.status, after.summary).toBe('pass');
  });
});

describe('the starter without the compiler', () => {
  it('a Run of the unchanged starter is graded (and the run worker rehearsed) while esbuild-wasm cannot start; edited code says the compiler did not start', async () => {
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

    await setCode(page, `${demoStarter}\n// edited\n`);
    expect(await clickAndWait(page, 'Run')).toMatch(/compiler could not start/i);
    expect(await summaryStatus(page)).toBe('error');
    expect(await exerciseRoot(page).getAttribute('data-state')).toBe('ready');
    await close();
  });
});
