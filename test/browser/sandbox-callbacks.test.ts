/**
 * Issue 11, "one run changes later runs" through callbacks the run's clean-up did not track: a Run
 * leaves a callback behind (a prioritized task, an animation frame, a chain of host promises) that
 * keeps patching a built-in once the run is over. The next Run of the correct solution must still
 * pass: that run gets a worker nothing of the earlier run can reach.
 */
import { describe, expect, it, vi } from 'vitest';
import { DEMO_PATH, clickAndWait, correctRunPasses, demoWithBlockFor, setCode, useExercisePage } from './exercise-helpers';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const shared = useExercisePage(DEMO_PATH);

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
    await setCode(shared.page, demoWithBlockFor('return 1;', leaveBehind(schedule)));
    await clickAndWait(shared.page, 'Run');
    for (let i = 0; i < 3; i++) {
      const after = await correctRunPasses(shared.page);
      expect(after.status, `correct Run ${i + 1} after it: ${after.summary}`).toBe('pass');
    }
  });
});
