/**
 * The exercise engine's whole loop on the demo exercise (playground page), in Chromium:
 * static page without JS → Monaco on scroll-in → wrong answer fails on Run → right answer passes
 * on Submit and the outline marks it done → reload restores code and completion → an infinite
 * loop times out and the next Run works → export, then import in a fresh browser context restores
 * everything. Plus the controls (Reset with confirmation, Hint, Solution diff, keyboard only),
 * compile-error markers, type errors that do not block, degraded storage and axe. (The dark-theme
 * axe check is in exercises-core.test.ts, on the health-check lesson page that file already loads.)
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ROOT, axeViolations, launch, newPage, siteUrls, type PageIssues } from './helpers';
import {
  DEMO_PATH,
  clickAndWait,
  correctRunPasses,
  demoMeta,
  demoSolution,
  demoStarter,
  demoVisibleTests,
  demoWithBlockFor,
  exerciseRoot,
  getCode,
  openExercise,
  setCode,
  shownTests,
  summaryStatus,
  waitForSummary,
} from './exercise-helpers';

// Each page loads Monaco, TypeScript's worker and esbuild-wasm: generous limits for a busy 2-core machine.
vi.setConfig({ testTimeout: 600_000, hookTimeout: 600_000 });

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});

/**
 * One demo page, opened on first use, shared by every test that needs no page of its own: the whole
 * loop (its first user, so it starts from empty storage; it reloads the page), browser A of export →
 * import, the controls and the type checks of every exercise's code. Loading a page costs Monaco,
 * TypeScript's worker, esbuild-wasm and a spare run worker (most of this file's CPU); the tests after
 * the first set the code and state they need on the loaded one. Tests that need a page of their own
 * (JavaScript off, nothing loaded yet, a fresh context, storage that fails, a phone's viewport) open
 * it and say why.
 */
let shared: Promise<{ page: Page; issues: PageIssues; close: () => Promise<void> }> | undefined;
function sharedDemo(): Promise<{ page: Page; issues: PageIssues }> {
  shared ??= (async () => {
    const p = await newPage(browser, { baseUrl: siteUrls().root });
    await p.page.goto(demoUrl());
    await openExercise(p.page);
    return p;
  })();
  return shared;
}

afterAll(async () => {
  if (shared) {
    const { issues, close } = await shared;
    await close();
    expect(realIssues(issues)).toEqual([]);
  }
  await browser?.close();
});

const demoUrl = () => siteUrls().root + DEMO_PATH;
/** Page issues, minus requests the browser itself cancelled because the test reloaded or closed the page. */
const realIssues = (i: PageIssues) => i.all().filter((line) => !/net::ERR_ABORTED/.test(line));

describe('exercise page without JavaScript', () => {
  it('shows the tasks and the syntax-highlighted starter code, no editor', async () => {
    const { page, close } = await newPage(browser, { baseUrl: siteUrls().root, javaScriptEnabled: false });
    await page.goto(demoUrl());
    const root = exerciseRoot(page);
    await expect(root.getByRole('heading', { name: demoMeta.title }).count()).resolves.toBe(1);
    const tasks = await root.locator('.ex-tasks li').allTextContents();
    // Task texts as written, `code` rendered as <code> (so the backticks are gone).
    expect(tasks).toEqual(demoMeta.tasks.map((t) => t.text.replace(/`/g, '')));
    expect(await root.locator('.ex-tasks li code').count()).toBe(demoMeta.tasks.reduce((n, t) => n + (t.text.match(/`[^`]+`/g)?.length ?? 0), 0));
    // Shiki output: a <pre class="astro-code"> whose text is the starter, with coloured tokens.
    const pre = root.locator('pre.astro-code');
    expect((await pre.textContent())?.trim()).toBe(demoStarter.trim());
    expect(await pre.locator('span[style*="--shiki-light"]').count()).toBeGreaterThan(10);
    expect(await page.locator('.monaco-editor').count()).toBe(0);
    await close();
  });

  it('loads no exercise JavaScript beyond the tiny element script before the exercise is in view: at most 10 KB of script in all', async () => {
    const { page, close } = await newPage(browser, { baseUrl: siteUrls().root });
    const scripts: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'script' || r.url().endsWith('.wasm')) scripts.push(r.url());
    });
    await page.goto(demoUrl());
    await page.waitForLoadState('networkidle');
    // The element starts loading from its IntersectionObserver's callback. An observer of our own,
    // made later, gets its first (initial) notification in the same task, after the element's: once
    // ours has fired, the element has seen that it is out of view and decided.
    const ours = await page.evaluate(
      () =>
        new Promise<{ intersecting: boolean }>((resolve) => {
          const el = document.querySelector('qc-exercise')!;
          const io = new IntersectionObserver((entries) => {
            io.disconnect();
            resolve({ intersecting: entries.some((e) => e.isIntersecting) });
          });
          io.observe(el);
        }),
    );
    expect(ours.intersecting, 'the exercise is below the fold').toBe(false);
    expect(await exerciseRoot(page).getAttribute('data-state')).toBe('static');
    expect(scripts.filter((u) => /boot|monaco|editor|ts\.worker|tsMode|compile-worker|run-worker|\.wasm/.test(u))).toEqual([]);
    // Monaco's CSS is not on the page either (it is injected by the editor chunk).
    const css = await page.evaluate(() => [...document.styleSheets].map((s) => s.href ?? '').join(' '));
    expect(css).not.toMatch(/boot|monaco/);
    expect(await page.locator('style[data-monaco-css]').count()).toBe(0);
    // Every byte of script the page has run so far (files and inline), as bench/exercise.ts counts it
    // but without the server's headers: the outline's marks, the theme, the storage warning, the
    // exercise element and the progress store — not the exercise records or the import (they load
    // with the editor, or where an import box is).
    const bytes = await page.evaluate(() => {
      const files = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((e) => /\.m?js(\?|$)/.test(e.name));
      const inline = [...document.querySelectorAll('script:not([src])')].filter((e) => !e.getAttribute('type') || e.getAttribute('type') === 'module');
      return { files: files.map((e) => [e.name.split('/').pop(), e.encodedBodySize] as const), inline: inline.reduce((n, e) => n + new TextEncoder().encode(e.textContent ?? '').length, 0) };
    });
    const total = bytes.files.reduce((n, [, b]) => n + b, bytes.inline);
    expect(total, `script before the exercise is in view: ${JSON.stringify(bytes)}`).toBeLessThanOrEqual(10 * 1024);
    await close();
  });
});

describe('type-checking waits for the learner', () => {
  it('a learner who only reads starts no TypeScript worker; moving the pointer over the editor starts it', async () => {
    const { page, close } = await newPage(browser, { baseUrl: siteUrls().root });
    const tsWorkers = () => page.workers().filter((w) => /ts\.worker/.test(w.url())).length;
    await page.goto(demoUrl());
    await openExercise(page);
    // Past the gate the editor's workers waited at before (the warm-up over), and past esbuild-wasm's
    // start after it: a TypeScript worker that did not wait for the learner would have started.
    await page.evaluate(() => window.__exerciseEditors!.demo.compiler());
    expect(await page.evaluate(() => performance.getEntriesByName('qc:editor-worker-typescript').length)).toBe(0);
    expect(tsWorkers()).toBe(0);
    await exerciseRoot(page).locator('.monaco-editor .view-lines').hover();
    await expect.poll(tsWorkers).toBe(1);
    await close();
  });
});

describe('the whole loop on the demo exercise', () => {
  it('wrong → Run fails; right → Submit passes and marks done; reload restores; infinite loop times out; next Run works', async () => {
    // The shared page's first test: it starts from "not started" (empty storage), the editor open.
    const { page, issues } = await sharedDemo();
    const mark = page.getByTestId('playground-mark').locator('.mark');
    expect(await mark.getAttribute('data-mark')).toBe('not-started');
    expect(await page.locator('.monaco-editor').count()).toBeGreaterThan(0);
    expect(await getCode(page)).toBe(demoStarter);

    // The starter is wrong: Run shows the visible tests in file order, and which fail.
    const visible = await demoVisibleTests();
    let summary = await clickAndWait(page, 'Run');
    expect(await summaryStatus(page)).toBe('fail');
    let tests = await shownTests(page);
    expect(tests.map((t) => t.name)).toEqual(visible);
    const failing = tests.filter((t) => t.status !== 'pass');
    expect(failing.length).toBeGreaterThan(0);
    expect(summary).toBe(`Run: ${visible.length - failing.length} of ${visible.length} visible tests passed; first failure: ${failing[0].name}.`);
    expect(failing[0].text).toMatch(/Failed|Error/);
    // Run executes only the visible tests.
    expect(await exerciseRoot(page).locator('[data-visibility="hidden"]').count()).toBe(0);
    // Announced to screen readers.
    await page.waitForFunction(() => /first failure/.test(document.querySelector('[data-role="live"]')?.textContent ?? ''));
    // Solution is offered only after a first Submit.
    expect(await exerciseRoot(page).getByRole('button', { name: /^Solution/ }).isVisible()).toBe(false);

    // Submit with the starter: hidden failures show scenario/hint/seed but not their code.
    summary = await clickAndWait(page, 'Submit');
    expect(summary).toMatch(/^Submit: \d+ of \d+ tests \(visible and hidden\) passed/);
    const hidden = exerciseRoot(page).locator('[data-visibility="hidden"][data-status="fail"]');
    expect(await hidden.count()).toBeGreaterThan(0);
    // Seeded hidden tests name the seed of the failing scenario.
    const hiddenTexts = await hidden.allTextContents();
    expect(hiddenTexts.some((t) => /Seed\s*\d+/.test(t))).toBe(true);
    expect(hiddenTexts.some((t) => /Hint/.test(t))).toBe(true);
    expect(await hidden.locator('summary', { hasText: 'Test code' }).count()).toBe(0); // no "Test code" for hidden tests
    expect(await exerciseRoot(page).getByRole('button', { name: /^Solution/ }).isVisible()).toBe(true);
    expect(await mark.getAttribute('data-mark')).toBe('in-progress');

    // The right answer: Submit (keyboard shortcut inside the editor) passes everything.
    await setCode(page, demoSolution);
    await page.locator('.monaco-editor textarea').first().focus();
    await page.keyboard.press('Control+Shift+Enter');
    summary = await waitForSummary(page);
    expect(summary).toMatch(/^Submit: all \d+ tests \(visible and hidden\) passed\. Exercise complete\./);
    expect(await summaryStatus(page)).toBe('pass');
    await expect.poll(() => mark.getAttribute('data-mark')).toBe('done');
    expect(await exerciseRoot(page).locator('[data-note="complete"]').textContent()).toContain('Completed');

    // Reload: code and completion come back, with the "restored your code · reset" note.
    await page.reload();
    await expect.poll(() => mark.getAttribute('data-mark')).toBe('done');
    await openExercise(page, 'demo', { warm: false });
    expect(await getCode(page)).toBe(demoSolution);
    const restored = exerciseRoot(page).locator('[data-note="restored"]');
    expect(await restored.textContent()).toMatch(/^Restored your code from .+ · reset$/);
    expect(await restored.getByRole('button', { name: 'reset' }).isVisible()).toBe(true);
    expect(await exerciseRoot(page).getByRole('button', { name: /^Solution/ }).isVisible()).toBe(true);

    // An infinite loop: a timeout verdict, then the next Run works.
    // (How long the timeout verdict takes is measured by bench/exercise.ts, not asserted here.)
    await page.evaluate(() => window.__exerciseEditors!.demo.warm);
    await setCode(page, demoWithBlockFor('while (true) {}'));
    summary = await clickAndWait(page, 'Run');
    expect(summary).toContain(`Timed out in "${visible[0]}" after 10 s: the runner was stopped; ${visible.length - 1} later tests did not run.`);
    expect(await summaryStatus(page)).toBe('fail');
    const again = await correctRunPasses(page);
    expect(again.status).toBe('pass');
    expect(again.summary).toMatch(new RegExp(`^Run: all ${visible.length} visible tests passed`));
    // A timed-out Run does not change completion (only Submit does).
    expect(await mark.getAttribute('data-mark')).toBe('done');
    expect(realIssues(issues)).toEqual([]);
  });

  it('typing while a Submit runs: the pass is recorded for the code it graded; the Completed note offers that code back', async () => {
    const { page } = await sharedDemo();
    const marker = '// passing, before the learner typed\n';
    await setCode(page, marker + demoSolution);
    // The click reads the code at once (boot.ts go()); the edit lands in the same task, so during the Submit.
    const typedDuring = await page.evaluate(() => {
      const root = document.querySelector<HTMLElement>('qc-exercise[data-exercise-id="demo"]')!;
      root.querySelector<HTMLButtonElement>('[data-action="submit"]')!.click();
      const running = root.dataset.state === 'running';
      window.__exerciseEditors!.demo.setValue('// started over\n');
      return running;
    });
    expect(typedDuring, 'the Submit was still running when the code changed').toBe(true);
    expect(await waitForSummary(page)).toMatch(/^Submit: all \d+ tests/);
    const stored = () => page.evaluate(() => (JSON.parse(localStorage.getItem('qc:progress') ?? '{}') as { exercises: Record<string, { code: string; passedCode?: string; status: string }> }).exercises.demo);
    await expect.poll(async () => (await stored()).code, { message: 'what the learner typed is saved as their code' }).toBe('// started over\n');
    expect(await stored()).toMatchObject({ status: 'pass', passedCode: marker + demoSolution });
    const note = exerciseRoot(page).locator('[data-note="complete"]');
    expect(await note.textContent()).toMatch(/Completed: your last Submit passed every test\. Your code has changed since/);
    await note.getByRole('button', { name: 'restore the code that passed' }).click();
    expect(await getCode(page)).toBe(marker + demoSolution);
    await expect.poll(async () => (await stored()).code).toBe(marker + demoSolution);
    expect(await note.textContent(), 'the editor holds the code that passed: nothing to offer').not.toMatch(/changed since/);
  });

  it('export → import in a fresh browser context restores every exercise’s code and status', async () => {
    // Browser A: the shared demo page (what it held before does not matter: the test sets the code
    // and submits). Browser B: a fresh context, empty storage, as on another machine.
    const a = await sharedDemo();
    const marker = '// exported from browser A\n';
    await setCode(a.page, marker + demoSolution);
    await clickAndWait(a.page, 'Submit');
    expect(await summaryStatus(a.page)).toBe('pass');
    const [download] = await Promise.all([
      a.page.waitForEvent('download'),
      exerciseRoot(a.page).getByRole('button', { name: /^Export progress/ }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^quorum-course-progress-\d{4}-\d\d-\d\d\.json$/);
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'qc-export-')), download.suggestedFilename());
    await download.saveAs(file); // the download's own file goes away with its context
    const exported = JSON.parse(readFileSync(file, 'utf8'));
    expect(exported.version).toBe(2);
    expect(exported.exercises.demo).toMatchObject({ code: marker + demoSolution, status: 'pass', submitted: true });

    const b = await newPage(browser, { baseUrl: siteUrls().root });
    await b.page.goto(demoUrl());
    const mark = b.page.getByTestId('playground-mark').locator('.mark');
    expect(await mark.getAttribute('data-mark')).toBe('not-started');
    await openExercise(b.page, 'demo', { warm: false });
    expect(await getCode(b.page)).toBe(demoStarter);
    await exerciseRoot(b.page).locator('[data-role="import-file"]').setInputFiles(file);
    await expect.poll(() => exerciseRoot(b.page).locator('[data-note="import"]').textContent()).toBe(`Imported from ${download.suggestedFilename()}: 1 entry taken from the file.`);
    expect(await getCode(b.page)).toBe(marker + demoSolution);
    await expect.poll(() => mark.getAttribute('data-mark')).toBe('done');
    expect(await exerciseRoot(b.page).getByRole('button', { name: /^Solution/ }).isVisible()).toBe(true);
    // And it survives a reload in the new context.
    await b.page.reload();
    await openExercise(b.page, 'demo', { warm: false });
    expect(await getCode(b.page)).toBe(marker + demoSolution);
    // Work done here after that export is newer: importing the file again keeps it (an import merges).
    await setCode(b.page, `${marker}// newer work in browser B\n`);
    await exerciseRoot(b.page).locator('[data-role="import-file"]').setInputFiles(file);
    await expect.poll(() => exerciseRoot(b.page).locator('[data-note="import"]').textContent()).toMatch(/: 0 entries taken from the file\. 1 entry stored here was newer and kept\.$/);
    expect(await getCode(b.page)).toBe(`${marker}// newer work in browser B\n`);
    // A broken file imports nothing and says why.
    await exerciseRoot(b.page).locator('[data-role="import-file"]').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"version": 99}') });
    await expect.poll(() => exerciseRoot(b.page).locator('[data-note="import"]').textContent()).toMatch(/^Nothing was imported: .*version/);
    expect(await getCode(b.page)).toBe(`${marker}// newer work in browser B\n`);
    expect(realIssues(b.issues)).toEqual([]);
    await b.close();
  });
});

describe('controls', () => {
  let page: Page;
  let sharedIssues: PageIssues;
  beforeAll(async () => {
    ({ page, issues: sharedIssues } = await sharedDemo());
  });

  it('Reset asks first, then restores the starter; Hint reveals one hint at a time; Solution shows a diff', async () => {
    const root = exerciseRoot(page);
    await setCode(page, demoWithBlockFor('return 1;'));
    const mine = await getCode(page);

    // Reset → Cancel keeps the code; Reset → confirm restores the starter.
    await root.getByRole('button', { name: /^Reset/ }).click();
    const dialog = root.locator('dialog[data-role="confirm-reset"]');
    expect(await dialog.isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await dialog.isVisible()).toBe(false);
    expect(await getCode(page)).toBe(mine);
    await root.getByRole('button', { name: /^Reset/ }).click();
    await dialog.getByRole('button', { name: 'Reset code' }).click();
    // The dialog's close event (which resets) is a queued task, not part of the click.
    await expect.poll(() => getCode(page)).toBe(demoStarter);

    // Hints: one per click, in order, then the button is exhausted.
    const hintBtn = root.getByRole('button', { name: /^Hint/ });
    const n = demoMeta.hints.length;
    expect(await hintBtn.textContent()).toContain(`(1 of ${n})`);
    await hintBtn.click();
    expect(await root.locator('[data-role="hint-list"] li').allTextContents()).toEqual([demoMeta.hints[0]]);
    expect(await hintBtn.textContent()).toContain(`(2 of ${n})`);
    // The rest from the keyboard: the last one exhausts the button without taking the focus away.
    await hintBtn.focus();
    for (let i = 1; i < n; i++) await page.keyboard.press('Enter');
    expect(await root.locator('[data-role="hint-list"] li').allTextContents()).toEqual(demoMeta.hints);
    expect(await hintBtn.getAttribute('aria-disabled')).toBe('true');
    expect(await hintBtn.textContent()).toContain('(all shown)');
    // (Chromium moves focus off a button disabled while focused at its next rendering update: wait for two.)
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(await hintBtn.evaluate((b) => document.activeElement === b)).toBe(true);
    await page.keyboard.press('Enter');
    expect(await root.locator('[data-role="hint-list"] li').count()).toBe(n);

    // Solution appears after the first Submit, as a diff editor of the learner's code vs the solution.
    await clickAndWait(page, 'Submit');
    const solBtn = root.getByRole('button', { name: /^Solution/ });
    await solBtn.click();
    await expect.poll(() => solBtn.getAttribute('aria-expanded')).toBe('true');
    await page.waitForSelector('[data-role="diff"] .monaco-diff-editor');
    const diffText = await page.evaluate(() => {
      const m = (window.__exerciseEditors!.demo.monaco.editor.getDiffEditors()[0]?.getModel()) ?? null;
      return m ? { original: m.original.getValue(), modified: m.modified.getValue() } : null;
    });
    expect(diffText).toEqual({ original: demoStarter, modified: demoSolution });
    await solBtn.click();
    expect(await root.locator('[data-role="solution"]').isVisible()).toBe(false);
  });

  it('after the Solution diff was shown and hidden, the editor still lists completions (Ctrl+Space) and the diff shows the code of now', async () => {
    // Disposing Monaco's diff editor broke every editor's completion list on the page (solution.ts).
    const root = exerciseRoot(page);
    const solBtn = root.getByRole('button', { name: /^Solution/ });
    for (const code of [demoStarter, demoWithBlockFor('return 3;')]) {
      await setCode(page, code);
      await solBtn.click();
      await expect.poll(() => solBtn.getAttribute('aria-expanded')).toBe('true');
      await page.waitForSelector('[data-role="diff"] .monaco-diff-editor');
      const shown = await page.evaluate(() => window.__exerciseEditors!.demo.monaco.editor.getDiffEditors().map((d) => d.getModel()?.original.getValue()));
      expect(shown).toEqual([code]);
      await solBtn.click();
      await expect.poll(() => solBtn.getAttribute('aria-expanded')).toBe('false');
    }
    await setCode(page, `${demoSolution}\nconst probe = Math.ma`);
    await page.locator('.ex-monaco .view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Control+Space');
    const rows = page.locator('.suggest-widget.visible .monaco-list-row');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    expect(await rows.allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^max/)]));
    await page.keyboard.press('Escape');
    await expect.poll(() => rows.count()).toBe(0);
    // The shared page has had no issue so far (its afterAll checks the same list at the end).
    expect(realIssues(sharedIssues)).toEqual([]);
  });

  it('works from the keyboard alone: Tab to Run, Enter runs; Ctrl+Enter in the editor runs', async () => {
    // On the shared page: the test puts focus where it starts (a click in the editor), and no other
    // test turns on Monaco's tab focus mode (this one turns it off again at the end).
    await setCode(page, demoSolution);
    // Focus the editor, then leave it with Ctrl+M (tab focus mode) + Tab to reach the Run button.
    await page.locator('.ex-monaco .view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\n// typed from the keyboard');
    expect(await getCode(page)).toContain('// typed from the keyboard');
    await page.keyboard.press('Control+Enter');
    let summary = await waitForSummary(page);
    expect(summary).toMatch(/^Run: all \d+ visible tests passed/);
    await page.locator('.ex-monaco .view-lines').click(); // focus back in the editor after the run
    await page.waitForFunction(() => window.__exerciseEditors!.demo.editor.hasTextFocus());
    await page.keyboard.press('Control+m');
    // Monaco announces the switch to tab focus mode (Tab now moves focus out of the editor).
    await page.waitForFunction(() => [...document.querySelectorAll('.monaco-alert')].some((e) => /Tab will now move focus/.test(e.textContent ?? '')));
    // Tab leaves the editor (through Monaco's own focusable widgets, e.g. sticky scroll) to Run.
    let focused = '';
    for (let i = 0; i < 4 && !/^Run/.test(focused); i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => (document.activeElement?.tagName === 'BUTTON' ? document.activeElement.textContent ?? '' : ''));
    }
    expect(focused).toMatch(/^Run/);
    await page.evaluate(() => {
      const s = document.querySelector<HTMLElement>('[data-role="summary"]')!;
      s.textContent = '';
    });
    await page.keyboard.press('Enter');
    summary = await waitForSummary(page);
    expect(summary).toMatch(/^Run: all \d+ visible tests passed/);
    // Ctrl+Shift+Enter from a focused button submits.
    await page.keyboard.press('Control+Shift+Enter');
    await page.waitForFunction(() => /^Submit/.test(document.querySelector('[data-role="summary"]')?.textContent ?? ''));
    summary = await waitForSummary(page);
    expect(summary).toMatch(/^Submit: all \d+ tests/);
    // Tab focus mode off again (Ctrl+M in the editor), as the next test on this page expects.
    await page.locator('.ex-monaco .view-lines').click();
    await page.waitForFunction(() => window.__exerciseEditors!.demo.editor.hasTextFocus());
    await page.keyboard.press('Control+m');
    await page.waitForFunction(() => [...document.querySelectorAll('.monaco-alert')].some((e) => /Tab will now insert/.test(e.textContent ?? '')));
  });

  it('a compile error becomes an editor marker at the right line and column; type errors are shown but do not block', async () => {
    // Line 3, column 17: the stray ")" (esbuild reports a 0-based byte column; Monaco shows 1-based).
    await setCode(page, "export type ConsistencyLevel = 'ONE';\nexport function blockFor(cl: string, rf: number) {\n  return rf + 1 );\n}\n");
    const summary = await clickAndWait(page, 'Run');
    expect(summary).toMatch(/Your code does not compile: line 3, column 17: Expected ";" but found "\)"/);
    const markers = await page.evaluate(() => {
      const { monaco } = window.__exerciseEditors!.demo;
      return monaco.editor.getModelMarkers({ owner: 'esbuild' }).map((m) => [m.startLineNumber, m.startColumn, m.message]);
    });
    expect(markers).toEqual([[3, 17, 'Expected ";" but found ")"']]);

    // A type error (valid syntax): the run still happens and passes; the type error is reported.
    await setCode(page, demoSolution.replace('export function missProbability(n: number, r: number, w: number): number {', 'export function missProbability(n: number, r: number, w: number): number {\n  const unused: string = 42;'));
    await expect.poll(() => exerciseRoot(page).locator('[data-role="typeinfo"]').textContent()).toMatch(/1 type error .*line \d+: Type 'number' is not assignable to type 'string'.*You can still run your code/);
    const ok = await clickAndWait(page, 'Run');
    expect(ok).toMatch(/^Run: all \d+ visible tests passed/);
    expect(await page.evaluate(() => window.__exerciseEditors!.demo.monaco.editor.getModelMarkers({ owner: 'esbuild' }).length)).toBe(0);

    // The line comes and goes whenever the type checker finishes, also just as the learner clicks:
    // it must not move the Run and Submit buttons.
    const runTop = () => page.evaluate(() => {
      const root = document.querySelector('qc-exercise[data-exercise-id="demo"]')!;
      return root.querySelector('[data-action="run"]')!.getBoundingClientRect().top - root.getBoundingClientRect().top;
    });
    const withTypeError = await runTop();
    await setCode(page, demoSolution);
    await expect.poll(() => exerciseRoot(page).locator('[data-role="typeinfo"]').isHidden()).toBe(true);
    expect(await runTop()).toBe(withTypeError);
  });

  it('compiles unchanged code once: Run then Submit of the same code, and a compile error run twice, ask the compiler once each', async () => {
    // Every request to the compiler is marked `qc:compile-posted` (src/browser/timing.ts).
    const asked = () => page.evaluate(() => performance.getEntriesByName('qc:compile-posted').length);
    const code = `${demoSolution}\n// compiled once: ${Date.now()}\n`;
    await page.evaluate(() => window.__exerciseEditors!.demo.warm); // the warm-up's compile of the starter is over
    // Counted before the code is set: the page may compile it as soon as typing pauses (boot.ts), or the Run does.
    const before = await asked();
    await setCode(page, code);
    expect(await clickAndWait(page, 'Run')).toMatch(/^Run: all \d+ visible tests passed/);
    expect(await asked()).toBe(before + 1);
    expect(await clickAndWait(page, 'Submit')).toMatch(/passed/);
    expect(await summaryStatus(page)).toBe('pass');
    expect(await clickAndWait(page, 'Run')).toMatch(/^Run: all \d+ visible tests passed/);
    expect(await asked()).toBe(before + 1);

    // A change is compiled; a compile error shows its marker again when run again unchanged.
    const broken = `${code}\nconst x = (1;\n`;
    await setCode(page, broken);
    expect(await clickAndWait(page, 'Run')).toMatch(/Your code does not compile/);
    expect(await asked()).toBe(before + 2);
    await page.evaluate(() => window.__exerciseEditors!.demo.monaco.editor.setModelMarkers(window.__exerciseEditors!.demo.editor.getModel()!, 'esbuild', []));
    expect(await clickAndWait(page, 'Submit')).toMatch(/Your code does not compile/);
    expect(await asked()).toBe(before + 2);
    expect(await page.evaluate(() => window.__exerciseEditors!.demo.monaco.editor.getModelMarkers({ owner: 'esbuild' }).length)).toBe(1);
    await setCode(page, code);
    expect(await clickAndWait(page, 'Run')).toMatch(/^Run: all \d+ visible tests passed/);
    expect(await asked()).toBe(before + 2);
  });

  it('keeps working in an in-memory session, with a visible warning, when storage is full', async () => {
    // A fresh page: storage must fail from the page's first script on.
    const { page, context, issues, close } = await newPage(browser, { baseUrl: siteUrls().root });
    await context.addInitScript(() => {
      Storage.prototype.setItem = function () {
        throw new DOMException('quota', 'QuotaExceededError');
      };
    });
    await page.goto(demoUrl());
    await openExercise(page);
    await setCode(page, demoSolution);
    const summary = await clickAndWait(page, 'Submit');
    expect(summary).toMatch(/^Submit: all \d+ tests/);
    const warning = page.locator('[data-storage-warning]');
    await expect.poll(() => warning.isVisible()).toBe(true);
    expect(await warning.textContent()).toMatch(/storage is full/i);
    expect(issues.pageErrors).toEqual([]);
    await close();
  });

  it('has no serious or critical axe violations with results and hints shown, nor with the reset dialog open', async () => {
    await clickAndWait(page, 'Submit');
    // Code that ends in a newline: Monaco's default draws the last line number at 40 % opacity.
    // (Set before both checks, so each covers it: one axe pass fewer over Monaco's DOM.)
    await setCode(page, `${demoSolution.trimEnd()}\n`);
    await page.waitForFunction(() => document.querySelectorAll('.exercise .line-numbers').length > 3);
    await exerciseRoot(page).getByRole('button', { name: /^Reset/ }).click();
    expect(await axeViolations(page, { include: '.exercise' })).toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(() => exerciseRoot(page).locator('dialog[data-role="confirm-reset"]').isVisible()).toBe(false);
    expect(await axeViolations(page, { include: '.exercise' })).toEqual([]);
  });
});

describe('types in the editor', () => {
  const ids = readdirSync(path.join(ROOT, 'exercises')).filter((d) => existsSync(path.join(ROOT, 'exercises', d, 'meta.json')));
  const read = (id: string, file: string) => readFileSync(path.join(ROOT, 'exercises', id, file), 'utf8');
  // Every exercise's code in the shared demo page's editor: the driver declarations and compiler
  // options are the same for every exercise (monaco.ts declares them once per page), and an exercise
  // page's editor starts with exactly its starter.ts (Exercise.astro), so checking an exercise's
  // files here is what its own page checks, without loading Monaco and the TS worker once per exercise.
  let page: Page;
  beforeAll(async () => {
    ({ page } = await sharedDemo());
  });
  const errors = () => page.evaluate(() => window.__exerciseEditors!.demo.typeErrors());

  it('there are at least 8 exercises', () => {
    expect(ids.length).toBeGreaterThanOrEqual(8);
  });

  it.each(ids)("%s: the starter and the reference solution have no type errors (the driver modules are declared)", async (id) => {
    const starter = read(id, 'starter.ts');
    await setCode(page, starter);
    expect(await errors(), 'starter').toEqual([]);
    // What a learner sees: no "type errors" line under the editor. To know the line reflects a
    // finished check of the starter (not one still pending, nor the code of an earlier test), add a
    // type error only this test writes, wait for the line to name it, put the starter back and wait
    // for the line to go (the TS worker answers the checks in order).
    const typeinfo = exerciseRoot(page).locator('[data-role="typeinfo"]');
    const probeName = `__typeProbe_${id.replace(/\W/g, '_')}`;
    await setCode(page, `${starter}\n${probeName};\n`);
    await expect.poll(() => typeinfo.textContent()).toContain(`Cannot find name '${probeName}'`);
    await setCode(page, starter);
    await typeinfo.waitFor({ state: 'hidden' });
    await setCode(page, read(id, 'solution.ts'));
    expect(await errors(), 'solution').toEqual([]);
  });

  it('the check itself works: a call with the wrong argument type is reported', async () => {
    await setCode(page, "import { types } from 'cassandra-driver';\nconst n: string = types.consistencies.quorum;\n");
    expect(await errors()).toEqual([expect.stringMatching(/^line 2: Type 'number' is not assignable to type 'string'/)]);
  });
});

describe('on a phone', () => {
  it("long lines wrap: the starter's explanation is not cut off at the editor's right edge", async () => {
    const id = 'break-quorum';
    const { page, close } = await newPage(browser, { baseUrl: siteUrls().root, viewport: { width: 360, height: 740 } });
    await page.goto(`${siteUrls().root}playground/${id}/`);
    await openExercise(page, id, { warm: false });
    const fit = await page.evaluate((i) => {
      const { editor } = window.__exerciseEditors![i];
      return { scroll: editor.getScrollWidth(), width: editor.getLayoutInfo().width };
    }, id);
    expect(fit.scroll).toBeLessThanOrEqual(fit.width);
    await close();
  });
});

describe('on a wide screen', () => {
  it("no wrapping there (editor.ts), so hint-alerts' starter fits: its metric names and Alert type are not cut off", async () => {
    const id = 'hint-alerts';
    const { page, close } = await newPage(browser, { baseUrl: siteUrls().root, viewport: { width: 1280, height: 900 } });
    await page.goto(`${siteUrls().root}lessons/hinted-handoff/`);
    await openExercise(page, id, { warm: false });
    // Every line's text within the text area (Monaco's scroll width adds a few columns of slack).
    const fit = await page.evaluate((i) => {
      const { editor, monaco } = window.__exerciseEditors![i];
      const charWidth = editor.getOption(monaco.editor.EditorOption.fontInfo).typicalHalfwidthCharacterWidth;
      const longest = Math.max(...editor.getModel()!.getLinesContent().map((l) => l.length));
      const layout = editor.getLayoutInfo();
      return { text: longest * charWidth, width: layout.contentWidth - layout.verticalScrollbarWidth };
    }, id);
    expect(fit.text).toBeLessThanOrEqual(fit.width);
    await close();
  });
});
