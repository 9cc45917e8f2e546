/**
 * The results' one-line summary (src/components/exercise/results-view.ts `summarize`), which the
 * live region also announces: it says what happened, and a learner's huge error message does not
 * become a summary tens of thousands of characters long.
 */
import { describe, expect, it } from 'vitest';
import { SUMMARY_MESSAGE_MAX, summarize } from '../../src/components/exercise/results-view';
import type { Results } from '../../src/browser/results';

const error = (message: string): Results => ({ version: 3, status: 'error', message, tests: [] });

describe('summarize', () => {
  it('says an error that stopped every test in full when it is short', () => {
    expect(summarize(error('Your module does not export `blockFor`.'), 'run')).toBe('Run: error — Your module does not export `blockFor`.');
  });

  it("cuts the grader's message to a few hundred characters and says how much was left out, whatever its length", () => {
    for (const n of [SUMMARY_MESSAGE_MAX + 1, 65_000, 5_000_000]) {
      const message = `Your module threw while loading: Error: ${'x'.repeat(n)}`;
      const s = summarize(error(message), 'submit');
      expect(s.length).toBeLessThan(SUMMARY_MESSAGE_MAX + 100);
      expect(s.startsWith(`Submit: error — ${message.slice(0, SUMMARY_MESSAGE_MAX)}… (`)).toBe(true);
      expect(s).toMatch(new RegExp(`\\(${(message.length - SUMMARY_MESSAGE_MAX).toLocaleString('en')} more characters not shown\\)$`));
    }
  });

  it('cuts the message after the counts too (a run that failed with a long message of its own)', () => {
    const r: Results = { version: 3, status: 'fail', message: `Timed out: ${'y'.repeat(10_000)}`, tests: [{ name: 'a', status: 'fail', visibility: 'visible' }] };
    const s = summarize(r, 'run');
    expect(s.startsWith('Run: 0 of 1 visible tests passed; first failure: a. Timed out: ')).toBe(true);
    expect(s.length).toBeLessThan(SUMMARY_MESSAGE_MAX + 150);
  });
});
