/**
 * Issue 6 widgets in real Chromium: the build-time diagrams, the quorum explorer and the partition lab
 * on /lab/widgets/. Screenshots of each widget at 360 px and 1280 px go to docs/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { axeViolations, launch, newPage, ROOT, siteUrls } from './helpers';
import { startStaticServer } from '../../support/server';

const SHOTS = path.join(ROOT, 'docs/screenshots');
mkdirSync(SHOTS, { recursive: true });
// The machine is shared and slow under load: generous per-test time limits (no timing is asserted here;
// interaction latency is measured by bench/widgets.ts).
const SLOW = { timeout: 600_000 };
const SCENES = ['normal', 'zone-a-isolated', 'quorum-read-repair', 'cqrs-t1-t7', 'hints-pile-up-and-replay'];

let browser: Browser;
// Normally the suite's global setup builds and serves the site (siteUrls()). WIDGETS_DIST_ROOT and
// WIDGETS_DIST_SUB point at other builds (base "/" and "/course/") for iterating on the widgets alone.
let urls: { root: string; sub: string };
const servers: Array<{ close: () => Promise<void> }> = [];
beforeAll(async () => {
  browser = await launch();
  if (process.env.WIDGETS_DIST_ROOT && process.env.WIDGETS_DIST_SUB) {
    const r = await startStaticServer(process.env.WIDGETS_DIST_ROOT, '/');
    const s = await startStaticServer(process.env.WIDGETS_DIST_SUB, '/course/');
    servers.push(r, s);
    urls = { root: r.url, sub: s.url };
  } else urls = siteUrls();
});
afterAll(async () => {
  await browser?.close();
  for (const s of servers) await s.close();
});

async function open(width: number, opts: { js?: boolean; dark?: boolean; base?: 'root' | 'sub' } = {}) {
  const base = urls[opts.base ?? 'root'];
  const p = await newPage(browser, {
    baseUrl: base,
    viewport: { width, height: 900 },
    javaScriptEnabled: opts.js ?? true,
    colorScheme: opts.dark ? 'dark' : 'light',
  });
  await p.page.goto(base + 'lab/widgets/');
  return p;
}

async function runLab(page: Page, zone: string, op: 'read' | 'write', level: string) {
  const lab = page.locator('#partition-lab');
  const before = Number((await lab.getAttribute('data-runs')) ?? '0');
  await lab.locator(`input[name=zone][value=${zone}]`).check();
  await lab.locator(`input[name=op][value=${op}]`).check();
  await lab.locator(`input[name=level][value=${level}]`).check();
  await lab.locator('button.pl-run').click();
  await expect.poll(async () => Number((await lab.getAttribute('data-runs')) ?? '0')).toBe(before + 1);
  return (await lab.locator('.pl-outcome').textContent()) ?? '';
}

describe('lesson diagrams (build time)', () => {
  it('are inline SVG with a text alternative, visible with JavaScript off', SLOW, async () => {
    const { page, issues, close } = await open(1280, { js: false });
    for (const s of SCENES) {
      const fig = page.locator(`[data-diagram-scene="${s}"] .dg-figure`);
      await expect.poll(() => fig.count()).toBe(1);
      const svg = fig.locator('svg.dg');
      expect(await svg.getAttribute('role')).toBe('img');
      expect(await svg.locator('title').first().textContent()).not.toBe('');
      expect(Number(await svg.getAttribute('data-events'))).toBeGreaterThan(3);
      expect(await fig.locator('details.dg-text li').count()).toBeGreaterThan(3);
      const box = await svg.boundingBox();
      expect(box!.height).toBeGreaterThan(100);
    }
    // the corrected partition diagram: the read from zone A fails, it is not answered with stale data
    const iso = page.locator('[data-diagram-scene="zone-a-isolated"] details.dg-text');
    const text = (await iso.textContent()) ?? '';
    expect(text).toMatch(/Unavailable|ReadTimeout|Timeout/);
    expect(await page.locator('.qe-table tbody tr').count()).toBe(9);
    expect(await page.locator('.pl-nojs').isVisible()).toBe(true);
    expect(issues.all()).toEqual([]);
    await close();
  });

  it('step through time with the keyboard', SLOW, async () => {
    const { page, issues, close } = await open(1280);
    const wrap = page.locator('[data-diagram-scene="quorum-read-repair"]');
    const status = wrap.locator('.dg-stepper-status');
    await expect.poll(() => status.textContent()).toMatch(/whole run/);
    await wrap.locator('.dg-scroll').focus();
    await page.keyboard.press('Home');
    expect(await status.textContent()).toMatch(/^Step 1 of \d+/);
    const future1 = await wrap.locator('svg .dg-future').count();
    expect(future1).toBeGreaterThan(0);
    await page.keyboard.press('ArrowRight');
    expect(await status.textContent()).toMatch(/^Step 2 of/);
    expect(await wrap.locator('svg .dg-future').count()).toBeLessThan(future1);
    await page.keyboard.press('End');
    expect(await wrap.locator('svg .dg-future').count()).toBe(0);
    // buttons are reachable and work
    await wrap.locator('button[data-act=prev]').focus();
    await page.keyboard.press('Enter');
    expect(await status.textContent()).toMatch(/^Step \d+ of/);
    expect(issues.all()).toEqual([]);
    await close();
  });
});

describe('quorum explorer', () => {
  it('updates the exact probability and the picture by keyboard, and measures in a worker', SLOW, async () => {
    const { page, issues, close } = await open(1280);
    const qe = page.locator('#quorum-explorer');
    await expect.poll(() => qe.getAttribute('data-miss')).toBe('2/3'); // N=3, R=W=1
    // measured by the simulator, close to 2/3
    await expect.poll(() => qe.getAttribute('data-measured')).toMatch(/^\d+\/\d+$/);
    const [m, n] = (await qe.getAttribute('data-measured'))!.split('/').map(Number);
    expect(Math.abs(m / n - 2 / 3)).toBeLessThan(0.04);
    // keyboard: W = 2 → 1/3
    await qe.locator('select[name=w]').focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => qe.getAttribute('data-miss')).toBe('1/3');
    expect(await qe.locator('.qe-exact').textContent()).toContain('C(3−2, 1) / C(3, 1) = 1/3');
    // R = 2 → overlap guaranteed, 0
    await qe.locator('select[name=r]').focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => qe.getAttribute('data-miss')).toBe('0');
    expect(await qe.locator('.qe-exact').textContent()).toMatch(/every read set shares at least 1 replica/);
    expect(await qe.locator('.qe-table tr.qe-current td').first().textContent()).toBe('2');
    // cut off two replicas with the keyboard (Space on checkboxes) → Unavailable
    await qe.locator('input[name=cut][value="0"]').focus();
    await page.keyboard.press('Space');
    await qe.locator('input[name=cut][value="1"]').focus();
    await page.keyboard.press('Space');
    await expect.poll(() => qe.getAttribute('data-miss')).toBe('unavailable');
    expect(await qe.locator('.qe-exact').textContent()).toMatch(/Unavailable/);
    expect(await axeViolations(page, { include: '#quorum-explorer' })).toEqual([]);
    expect(issues.all()).toEqual([]);
    await close();
  });
});

describe('partition lab', () => {
  it('isolates zone A: reads through A fail, never stale; ONE from A is stale after a write from B', SLOW, async () => {
    const { page, issues, close } = await open(1280);
    const lab = page.locator('#partition-lab');
    await lab.locator('button[data-isolate=A]').focus();
    await page.keyboard.press('Enter');
    // the lab's simulator answers from its Worker
    await expect.poll(() => lab.locator('button[data-isolate=A]').getAttribute('aria-pressed')).toBe('true');
    // write v2 from zone B at QUORUM: B and C have it
    expect(await runLab(page, 'B', 'write', 'QUORUM')).toMatch(/ok, v2 acknowledged/);
    // QUORUM read from zone A: ReadTimeout before the failure detector convicts B and C
    expect(await runLab(page, 'A', 'read', 'QUORUM')).toMatch(/ReadTimeout/);
    await lab.locator('button[data-wait]').click();
    expect(await runLab(page, 'A', 'read', 'QUORUM')).toMatch(/Unavailable/);
    // ONE from zone A answers from A's replica: v1, stale and highlighted
    expect(await runLab(page, 'A', 'read', 'ONE')).toMatch(/read v1 — STALE/);
    expect(await lab.locator('.pl-log .pl-stale').count()).toBe(1);
    // QUORUM from zone C: v2; ALL from zone C: fails
    expect(await runLab(page, 'C', 'read', 'QUORUM')).toMatch(/ok, read v2 \(/);
    expect(await runLab(page, 'C', 'read', 'ALL')).toMatch(/Unavailable|ReadTimeout/);
    // the diagram of the last run is drawn, with a stepper
    expect(await lab.locator('.pl-diagram svg.dg').count()).toBe(1);
    expect(await lab.locator('.pl-diagram .dg-stepper').count()).toBe(1);
    expect(await axeViolations(page, { include: '#partition-lab' })).toEqual([]);
    expect(issues.all()).toEqual([]);
    await close();
  });
});

describe('whole page', () => {
  for (const dark of [false, true]) {
    it(`is axe clean (${dark ? 'dark' : 'light'} theme) and works under a sub-path`, SLOW, async () => {
      const { page, issues, close } = await open(1280, { dark, base: 'sub' });
      await expect.poll(() => page.locator('#quorum-explorer').getAttribute('data-measured')).toMatch(/\d/);
      await runLab(page, 'A', 'read', 'QUORUM');
      expect(await axeViolations(page)).toEqual([]);
      expect(issues.all()).toEqual([]);
      await close();
    });
  }
});

describe('screenshots (docs/screenshots/)', () => {
  for (const width of [360, 1280]) {
    it(`every widget at ${width} px`, SLOW, async () => {
      const { page, issues, close } = await open(width);
      const qe = page.locator('#quorum-explorer');
      await expect.poll(() => qe.getAttribute('data-measured')).toMatch(/\d/);
      await qe.screenshot({ path: path.join(SHOTS, `quorum-explorer-${width}.png`) });
      const lab = page.locator('#partition-lab');
      await lab.locator('button[data-isolate=A]').click();
      await runLab(page, 'B', 'write', 'QUORUM');
      await runLab(page, 'A', 'read', 'ONE');
      await lab.screenshot({ path: path.join(SHOTS, `partition-lab-${width}.png`) });
      for (const s of SCENES) {
        await page.locator(`[data-diagram-scene="${s}"]`).screenshot({ path: path.join(SHOTS, `diagram-${s}-${width}.png`) });
      }
      // the page itself never scrolls sideways; only the figures do
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      // a diagram wider than the screen says it scrolls sideways; one that fits does not
      const notes = await page.locator('[data-diagram-scene]').evaluateAll((figs) =>
        figs.map((f) => {
          const box = f.querySelector('.dg-scroll')!;
          const note = f.querySelector<HTMLElement>('.dg-overflow-note');
          return { overflows: box.scrollWidth > box.clientWidth + 2, noted: !!note && !note.hidden, says: note?.textContent ?? '' };
        }),
      );
      expect(notes.length).toBe(SCENES.length);
      for (const n of notes) expect(n.noted).toBe(n.overflows);
      // it says where the rest is, not that the screen is too small (an exercise's panel is narrower than a desktop screen)
      for (const n of notes.filter((x) => x.noted)) expect(n.says).toBe('Wider than the space here: scroll the diagram sideways to see every lane →');
      if (width === 360) expect(notes.some((n) => n.overflows)).toBe(true);
      expect(issues.all()).toEqual([]);
      await close();
    });
  }
});
