/**
 * Issue 11, "one input breaks the compiler until reload": a deeply nested input used to leave
 * esbuild-wasm unusable for every later compile on the page. Now the compiler that failed is
 * replaced before the next compile: the learner sees a clear error for that input, and the next
 * Run of correct code passes on the same page, without a reload.
 */
import { describe, expect, it, vi } from 'vitest';
import { DEMO_PATH, clickAndWait, correctRunPasses, setCode, useExercisePage, summaryStatus } from './exercise-helpers';

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
