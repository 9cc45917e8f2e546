/**
 * Renders a results object (docs/CONTRACTS.md "Results") into the exercise's results panel and
 * console. Plain DOM, text only (never innerHTML with learner or test output).
 *
 * A failed test that carries a simulator `trace` gets "What happened in the cluster": the diagram
 * with its stepper (src/diagram/stepper.ts `mountSimTrace`, loaded on first use). Only the first
 * such test is drawn at once; the others are drawn when their <details> is first opened, so a
 * Submit with many failures does not build many large SVGs in one go. Every diagram's ids carry
 * the exercise id, a per-page render counter and the test index, so re-renders and several
 * exercises on one page never share an id. `clearResults` destroys the steppers of the last render.
 */
import type { Mode } from '../../browser/protocol';
import type { Results, TestResult } from '../../browser/results';
import type { Stepper } from '../../diagram/stepper';
import { appendInline, plainInline } from './inline';

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

/** How much of the grader's message the summary line (and the live region) says: a learner's error message can be megabytes. */
export const SUMMARY_MESSAGE_MAX = 400;

/** `message` cut to SUMMARY_MESSAGE_MAX characters, saying how much was left out. */
function summaryMessage(message: string): string {
  if (message.length <= SUMMARY_MESSAGE_MAX) return message;
  return `${message.slice(0, SUMMARY_MESSAGE_MAX)}… (${(message.length - SUMMARY_MESSAGE_MAX).toLocaleString('en')} more characters not shown)`;
}

/** One-line summary, also what the live region announces. */
export function summarize(results: Results, mode: Mode): string {
  const what = mode === 'run' ? 'Run' : 'Submit';
  if (results.tests.length === 0) return `${what}: ${results.status === 'pass' ? 'passed' : 'error'} — ${summaryMessage(results.message ?? 'no tests ran')}`;
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
  const extra = results.message && !/^\d+ of \d+ tests? failed\.?$/.test(results.message) ? ` ${summaryMessage(results.message)}` : '';
  return `${what}: ${passed} of ${total} ${scope} passed${firstBad ? `; first failure: ${plainInline(firstBad.name).replace(/\.$/, '')}` : ''}.${extra}`;
}

/** Steppers mounted in a results list (destroyed when the list is re-rendered or cleared). */
const mounted = new WeakMap<HTMLElement, Stepper[]>();
/** Counts renders on this page: part of every diagram id. */
let renders = 0;
let stepperModule: Promise<typeof import('../../diagram/stepper')> | null = null;
const loadStepper = () => (stepperModule ??= import('../../diagram/stepper'));

/** The caption under a failed test's diagram, in plain words. */
export function traceCaption(t: TestResult): string {
  return `What happened in the cluster — ${t.visibility} test: ${plainInline(t.name)}${t.seed !== undefined ? `, seed ${t.seed}` : ''}`;
}

/** Replaces a diagram slot's content with a short note (a trace that cannot be drawn never breaks the panel). */
function traceNote(slot: HTMLElement, e: unknown): void {
  const why = e instanceof Error ? e.message : String(e);
  slot.replaceChildren(el('p', 'ex-trace-note', `The diagram of this run could not be drawn (${clip(why, 300)}).`));
}

/**
 * Draws `t.trace` into `slot` with a stepper. Resolves when it is drawn (or replaced by a note);
 * if the list was re-rendered meanwhile, the stepper is destroyed at once.
 */
async function mountTrace(list: HTMLElement, owner: Stepper[], slot: HTMLElement, t: TestResult, idPrefix: string): Promise<void> {
  slot.setAttribute('aria-busy', 'true');
  try {
    const { mountSimTrace } = await loadStepper();
    if (mounted.get(list) !== owner) return; // a newer render replaced this one
    const s = mountSimTrace(slot, t.trace as Parameters<typeof mountSimTrace>[1], { caption: traceCaption(t), idPrefix });
    owner.push(s);
  } catch (e) {
    traceNote(slot, e);
  } finally {
    slot.removeAttribute('aria-busy');
  }
}

function renderTrace(list: HTMLElement, owner: Stepper[], t: TestResult, idPrefix: string, drawNow: boolean): HTMLDetailsElement {
  const d = el('details', 'ex-trace');
  d.append(el('summary', undefined, 'Show what happened in the cluster'));
  const slot = el('div', 'ex-trace-slot');
  d.append(slot);
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    void mountTrace(list, owner, slot, t, idPrefix);
  };
  if (drawNow) {
    d.open = true;
    start();
  } else {
    d.addEventListener('toggle', () => d.open && start());
  }
  return d;
}

function renderTest(t: TestResult, index: number, trace?: (t: TestResult) => HTMLElement | null): HTMLLIElement {
  const li = el('li', 'ex-test');
  li.dataset.status = t.status;
  li.dataset.visibility = t.visibility;
  li.dataset.testName = t.name;
  const head = el('div', 'ex-test-head');
  head.append(el('span', 'ex-test-status', `${t.status === 'pass' ? '✓' : '✗'} ${STATUS_WORDS[t.status]}`));
  // A property's name is the task sentence it checks, which may carry `code` and **strong**.
  head.append(appendInline(el('span', 'ex-test-name'), t.name));
  if (t.visibility === 'hidden') head.append(el('span', 'ex-badge', 'hidden test'));
  li.append(head);
  if (t.status !== 'pass') {
    if (t.message) li.append(el('p', 'ex-test-msg', clip(t.message, 4000)));
    if (t.visibility === 'hidden' && (t.scenario || t.hint || t.seed !== undefined)) {
      const dl = el('dl');
      const row = (k: string, v: string) => dl.append(el('dt', undefined, k), appendInline(el('dd'), v));
      if (t.scenario) row('Scenario', t.scenario);
      if (t.hint) row('Hint', t.hint);
      if (t.seed !== undefined) {
        // The seed alone is jargon: say what it buys the learner (docs/CONTRACTS.md: a Submit is repeatable).
        const dd = el('dd');
        dd.append(el('span', 'ex-seed', String(t.seed)), el('span', 'ex-seed-note', ' (every Submit replays this same case)'));
        dl.append(el('dt', undefined, 'Seed'), dd);
      }
      li.append(dl);
    }
    const diagram = t.trace !== undefined && t.trace !== null ? trace?.(t) : null;
    if (diagram) li.append(diagram);
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

/** Destroys the steppers of the last render and empties the list. */
export function clearResults(list: HTMLElement): void {
  for (const s of mounted.get(list) ?? []) s.destroy();
  mounted.delete(list);
  list.replaceChildren();
}

/**
 * Renders every test into `list` (replacing the last render and destroying its steppers).
 * `idPrefix` (e.g. the exercise id) starts every diagram id.
 */
export function renderResults(list: HTMLOListElement, results: Results, opts: { idPrefix?: string } = {}): void {
  clearResults(list);
  const owner: Stepper[] = [];
  mounted.set(list, owner);
  const run = ++renders;
  const base = `ex-${(opts.idPrefix ?? 'results').replace(/[^A-Za-z0-9_-]/g, '-')}-r${run}`;
  let drawn = 0;
  const frag = document.createDocumentFragment();
  results.tests.forEach((t, i) =>
    frag.append(renderTest(t, i, (test) => renderTrace(list, owner, test, `${base}-t${i}`, drawn++ === 0))),
  );
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
