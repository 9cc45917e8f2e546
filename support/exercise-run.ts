/** A Run or Submit through an exercise's documented test hook, timed inside the page (benchmarks). */
import type { Page } from 'playwright-core';

export type Mode = 'run' | 'submit';

export interface TimedRun {
  /** performance.now() from the hook's run(mode) call to its results rendered */
  ms: number;
  status: string | undefined;
  /** results listed (a property counts as one) */
  tests: number;
  message: string | undefined;
}

/** `window.__exerciseEditors[id].run(mode)`, timed in the page. */
export function timedInPage(page: Page, id: string, mode: Mode): Promise<TimedRun> {
  return page.evaluate(
    async ([i, m]) => {
      const t0 = performance.now();
      const o = await window.__exerciseEditors![i].run(m);
      return { ms: performance.now() - t0, status: o?.results.status, tests: o?.results.tests.length ?? 0, message: o?.results.message };
    },
    [id, mode] as const,
  );
}
