/**
 * Renders a results object (docs/CONTRACTS.md "Results") into the exercise's results panel and
 * console. Plain DOM, text only (never innerHTML with learner or test output).
 */
import type { Mode } from '../../browser/protocol';
import type { Results, TestResult } from '../../browser/results';

/** What the page shows of one test's captured output, and of the whole console. */
export const OUTPUT_SHOWN_PER_TEST = 16 * 1024;
export const CONSOLE_SHOWN = 64 * 1024;

const STATUS_WORDS: Record<TestResult['status'], string> = { pass: 'Passed', fail: 'Failed', error: 'Error' };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  return `${s.slice(0, max)}\n… (${(s.length - max).toLocaleString('en')} more characters not shown)`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** One-line summary, also what the live region announces. */
export function summarize(results: Results, mode: Mode): string {
  const what = mode === 'run' ? 'Run' : 'Submit';
  if (results.tests.length === 0) return `${what}: ${results.status === 'pass' ? 'passed' : 'error'} — ${results.message ?? 'no tests ran'}`;
  const passed = results.tests.filter((t) => t.status === 'pass').length;
  const total = results.tests.length;
  const scope = mode === 'run' ? 'visible tests' : 'tests (visible and hidden)';
  if (results.status === 'pass') {
    return mode === 'submit'
      ? `Submit: all ${total} ${scope} passed. Exercise complete.`
      : `Run: all ${total} ${scope} passed. Submit to run the hidden tests too.`;
  }
  const firstBad = results.tests.find((t) => t.status !== 'pass');
  // The grader's own message ("2 of 4 tests failed.") would repeat the count; it is shown only
  // when it says something else (e.g. a missing export).
  const extra = results.message && !/^\d+ of \d+ tests? failed\.?$/.test(results.message) ? ` ${results.message}` : '';
  return `${what}: ${passed} of ${total} ${scope} passed${firstBad ? `; first failure: ${firstBad.name}` : ''}.${extra}`;
}

function renderTest(t: TestResult, index: number): HTMLLIElement {
  const li = el('li', 'ex-test');
  li.dataset.status = t.status;
  li.dataset.visibility = t.visibility;
  li.dataset.testName = t.name;
  const head = el('div', 'ex-test-head');
  head.append(el('span', 'ex-test-status', `${t.status === 'pass' ? '✓' : '✗'} ${STATUS_WORDS[t.status]}`));
  head.append(el('span', 'ex-test-name', t.name));
  if (t.visibility === 'hidden') head.append(el('span', 'ex-badge', 'hidden test'));
  li.append(head);
  if (t.status !== 'pass') {
    if (t.message) li.append(el('p', 'ex-test-msg', clip(t.message, 4000)));
    if (t.visibility === 'hidden' && (t.scenario || t.hint || t.seed !== undefined)) {
      const dl = el('dl');
      const row = (k: string, v: string) => dl.append(el('dt', undefined, k), el('dd', undefined, v));
      if (t.scenario) row('Scenario', t.scenario);
      if (t.hint) row('Hint', t.hint);
      if (t.seed !== undefined) row('Seed', String(t.seed));
      li.append(dl);
    }
    if (t.visibility === 'visible' && t.test_code) {
      const d = el('details');
      d.append(el('summary', undefined, 'Test code'), el('pre', undefined, clip(t.test_code, 8000)));
      li.append(d);
    }
  }
  if (t.output) {
    const d = el('details');
    const lines = t.output.split('\n').length;
    d.append(el('summary', undefined, `Output (${plural(lines, 'line')})`), el('pre', undefined, clip(t.output, OUTPUT_SHOWN_PER_TEST)));
    li.append(d);
  }
  li.setAttribute('aria-posinset', String(index + 1));
  return li;
}

export function renderResults(list: HTMLOListElement, results: Results): void {
  const frag = document.createDocumentFragment();
  results.tests.forEach((t, i) => frag.append(renderTest(t, i)));
  list.replaceChildren(frag);
}

/** Console text: each test's captured output under its name, in test order. */
export function consoleText(results: Results): { text: string; lines: number } {
  let text = '';
  let lines = 0;
  for (const t of results.tests) {
    if (!t.output) continue;
    const chunk = `── ${t.name} ──\n${t.output}${t.output.endsWith('\n') ? '' : '\n'}`;
    lines += t.output.split('\n').length;
    if (text.length < CONSOLE_SHOWN) text += chunk;
  }
  return { text: clip(text, CONSOLE_SHOWN), lines };
}
