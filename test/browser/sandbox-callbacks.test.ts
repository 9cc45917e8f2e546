/**
 * Issue 11, "one run changes later runs" through callbacks the run's clean-up did not track: a Run
 * leaves a callback behind (a prioritized task, an animation frame, a chain of host promises) that
 * keeps patching a built-in once the run is over. The next Run of the correct solution must still
 * pass: that run gets a worker nothing of the earlier run can reach.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, newPage, siteUrls } from './helpers';
import { DEMO_PATH, clickAndWait, correctRunPasses, demoWithBlockFor, openExercise, setCode } from './exercise-helpers';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

let browser: Browser;
let page: Page;
let closePage: () => Promise<void>;

beforeAll(async () => {
  browser = await launch();
  const p = await newPage(browser, { baseUrl: siteUrls().root });
  page = p.page;
  closePage = p.close;
  await page.goto(siteUrls().root + DEMO_PATH);
  await openExercise(page);
});

afterAll(async () => {
  await closePage?.();
  await browser?.close();
});

/**
 * Learner code whose callback, scheduled by `schedule(tick)`, re-arms itself forever and — once no
 * test has loaded the module for 20 ms, i.e. after the run's clean-up — breaks `Math.floor` (which
 * the correct `blockFor('QUORUM', …)` uses). Its state hides on `Intl` (a clean-up that restores the
 * global object would otherwise notice it).
 */
const leaveBehind = (schedule: string) => `
const hide: any = Intl;
hide.__s ??= { now: Date.now, armed: false, last: 0 };
const st = hide.__s;
st.last = st.now();
if (!st.armed) {
  st.armed = true;
  const g: any = globalThis;
  const realFloor = Math.floor;
  const tick = (): void => {
    if (st.now() - st.last > 20) Math.floor = ((x: number) => realFloor(x) - 1) as typeof Math.floor;
    ${schedule};
  };
  try { ${schedule}; } catch (e) { console.log('could not schedule: ' + e); }
}
`;

describe('callbacks left behind by a run do not reach the next run', () => {
  it.each([
    ['scheduler.postTask', 'g.scheduler.postTask(tick, { delay: 1 })'],
    ['requestAnimationFrame', 'g.requestAnimationFrame(tick)'],
    ['a chain of host promises (crypto.subtle)', "g.crypto.subtle.digest('SHA-256', new Uint8Array(1)).then(tick)"],
  ])('%s', async (_what, schedule) => {
    await setCode(page, demoWithBlockFor('return 1;', leaveBehind(schedule)));
    await clickAndWait(page, 'Run');
    for (let i = 0; i < 3; i++) {
      const after = await correctRunPasses(page);
      expect(after.status, `correct Run ${i + 1} after it: ${after.summary}`).toBe('pass');
    }
  });
});
