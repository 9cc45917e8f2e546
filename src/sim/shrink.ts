/** Shrinking a failing fault schedule: drop faults one at a time while the failure still reproduces. */
import type { Fault } from './faults';

/**
 * `fails(faults)` re-runs the scenario with a candidate schedule (same seed) and says whether it
 * still fails. Returns a 1-minimal schedule: removing any single remaining fault makes it pass.
 */
export async function shrinkSchedule(faults: readonly Fault[], fails: (faults: Fault[]) => Promise<boolean>, maxRuns = 200): Promise<{ faults: Fault[]; runs: number }> {
  let cur = faults.slice();
  let runs = 0;
  let progress = true;
  while (progress && runs < maxRuns) {
    progress = false;
    for (let i = 0; i < cur.length && runs < maxRuns; i++) {
      const cand = cur.slice(0, i).concat(cur.slice(i + 1));
      runs++;
      if (await fails(cand)) {
        cur = cand;
        progress = true;
        i--;
      }
    }
  }
  return { faults: cur, runs };
}
