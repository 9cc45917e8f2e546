/**
 * The interactive exercise, loaded by element.ts when the exercise scrolls into view: Monaco
 * replaces the static code and the controls come alive. The run path is warmed first (esbuild-wasm
 * from the start of boot(), the run worker and its rehearsal of the build-compiled starter from the
 * moment the editor is ready: browser/warm-up.ts); the editor's own workers (type-checking) wait
 * for it and yield to every Run.
 * Learner code runs only in the run worker and only after Run or Submit.
 *
 * This file wires the parts together and holds running (Run / Submit and their results), Reset and
 * Hints; the editor, the progress record, the solution diff and export/import have their own files.
 */
import { monaco, configureTypeScript, typeErrors, wantTypes } from './monaco';
import { compile, knownCompile, precompile, SITE_LEARNER_FILE, warmQuickCompiler } from '../../browser/compile-client';
import { prestartRunSandbox } from '../../browser/run-sandbox';
import { compilerIdleStartMs, holdRunPath, warmCompilerFor, warmRunPath } from '../../browser/warm-up';
import { exerciseStarted } from '../../browser/offline/exercise-start';
import { ExerciseRunner, type RunOutcome } from '../../browser/run-client';
import type { Mode } from '../../browser/protocol';
import { errorResults, type Results } from '../../browser/results';
import { getExercise } from '../../browser/progress-records';
import { clearResults, consoleText, renderResults, summarize } from './results-view';
import { appendInline } from './inline';
import { exerciseUi, type ExerciseUi } from './ui';
import { createEditor, setCompileMarkers, summarizeTypeErrors, type ExerciseEditor } from './editor';
import { trackRecord, type ExerciseRecord } from './record';
import { wireSolution } from './solution';
import { wireTransfer } from './transfer';
import { mark } from '../../browser/timing';

interface ExerciseData {
  id: string;
  title: string;
  starter: string;
  /** The starter compiled at build time (src/browser/build/starter-js.mjs); absent if it did not compile cleanly. */
  starterJs?: string;
  hints: string[];
  lesson: string;
  wallMsPerTest?: number;
}

export interface ExerciseHandle {
  editor: monaco.editor.IStandaloneCodeEditor;
  monaco: typeof monaco;
  getValue(): string;
  setValue(code: string): void;
  /** Resolves when the run path is warm: a run worker started and rehearsed (browser/warm-up.ts). */
  warm: Promise<void>;
  /** Starts esbuild-wasm if it is not (the page does after the first Run) and resolves once it is up and has compiled the editor's code. */
  compiler: () => Promise<void>;
  /** Last results shown (for tests and the benchmark). */
  lastResults: Results | null;
  /** Runs through the same path as the buttons; resolves when the results are shown. */
  run(mode: Mode): Promise<RunOutcome | null>;
  /** Shows a results object in the panel as a graded run would (tests: e.g. a malformed trace). */
  showResults(results: Results, mode: Mode): void;
  /**
   * The main-thread slices of work each run caused (from the button press to the compile request,
   * from the compiled code to the run request, from the results to the rendered panel), as
   * performance.now() intervals: the browser tests check no long task overlaps them.
   */
  runSlices: { start: number; end: number; what: string }[];
  /** The editor code's TypeScript errors, once the driver declarations are loaded. */
  typeErrors: () => Promise<string[]>;
}

declare global {
  interface Window {
    __exerciseEditors?: Record<string, ExerciseHandle>;
  }
}

const FILE_NAME = SITE_LEARNER_FILE;

export async function boot(root: HTMLElement): Promise<void> {
  const data = JSON.parse(root.querySelector('[data-role="data"]')?.textContent || '{}') as ExerciseData;
  const { id } = data;
  mark('boot');
  // The run worker (in the frame made as the editor's chunk loaded, element.ts) and the quick
  // compiler start now, beside the editor's creation; the rest of the warm-up (browser/warm-up.ts)
  // starts once the editor is created, and the editor's own workers, created with it, wait for it.
  prestartRunSandbox(id);
  warmQuickCompiler();
  // A Run of the unchanged starter uses the build's compile of it (the same esbuild and options).
  if (typeof data.starterJs === 'string') knownCompile(data.starter, FILE_NAME, data.starterJs);
  let warmed!: () => void;
  const warm = holdRunPath(new Promise<void>((resolve) => (warmed = resolve)));
  const typesP = configureTypeScript();
  const ui = exerciseUi(root);
  const initial = getExercise(id)?.code ?? data.starter;
  const ed = createEditor(ui, { id, fileName: FILE_NAME, title: data.title, initial, starter: data.starter });
  const reset = wireReset(ui, ed, data.starter, () => record);
  const record = trackRecord(ui, { id, starter: data.starter, editor: ed.editor, model: ed.model, onReset: reset.ask });
  summarizeTypeErrors(ed.model, ui.q('typeinfo'));
  wantTypesOnFirstTouch(ed.editor);
  compileOnPause(ed.model);
  // esbuild-wasm starts once, after the first Run or Submit is over (or after a while without one),
  // and compiles the editor's code (browser/warm-up.ts). Then this exercise's start is over: the
  // offline worker, held back since it scrolled into view (browser/run-sandbox.ts prestart), may go on.
  let compilerUp: Promise<void> | null = null;
  const compiler = () => (compilerUp ??= warmCompilerFor(ed.editor.getValue(), FILE_NAME).then(exerciseStarted));
  const running = wireRunning(ui, {
    id, data, ed, record,
    afterRun: () => {
      wantTypes();
      void compiler();
    },
  });
  reset.isRunning = running.busy;
  wireHints(ui, data.hints);
  wireSolution(ui, { id, editor: ed.editor, record });
  wireTransfer(ui, record);

  ui.q('toolbar').hidden = false;
  ui.q('keys').hidden = false;
  ui.q('foot').hidden = false;
  ui.q('loading').remove();
  // The rest of the warm-up (run worker, rehearsal) right after the ready event's task.
  setTimeout(() => void warmRunPath(running.runner, { code: data.starter, file: FILE_NAME, js: data.starterJs }).then(warmed), 0);
  // If no Run comes first, esbuild-wasm starts a while after the warm-up (browser/warm-up.ts).
  void warm.then(() => setTimeout(() => void compiler(), compilerIdleStartMs()));
  window.__exerciseEditors ??= {};
  window.__exerciseEditors[id] = {
    editor: ed.editor,
    monaco,
    getValue: () => ed.editor.getValue(),
    setValue: (code: string) => ed.editor.setValue(code),
    warm,
    compiler,
    lastResults: null,
    run: running.go,
    showResults: (results: Results, mode: Mode) => running.show(results, mode, 'graded'),
    runSlices: running.slices,
    typeErrors: () => typesP.then(() => typeErrors(ed.model)),
  };
  root.dataset.state = 'ready';
  mark('editor-ready');
  root.dispatchEvent(new CustomEvent('exercise-ready', { bubbles: true }));
  const types = await typesP;
  if (!types.driverTypes) root.dataset.driverTypes = 'missing';
}

/** Type-checking starts at the learner's first focus in or pointer over the editor (monaco.ts `wantTypes`). */
function wantTypesOnFirstTouch(editor: monaco.editor.IStandaloneCodeEditor): void {
  const subscriptions = [editor.onDidFocusEditorWidget(touched), editor.onMouseMove(touched)];
  function touched(): void {
    wantTypes();
    for (const s of subscriptions) s.dispose();
  }
}

/**
 * What the live region says of the "What you just fixed" note a passing Submit revealed: that it is
 * there and where, not its prose (a hundred words and more, read out in one breath, drown the
 * verdict). It is a heading, so a screen reader's heading navigation reaches it.
 */
function doneNoteText(note: HTMLElement): string {
  const heading = note.querySelector('.ex-subhead')?.textContent?.replace(/\s+/g, ' ').trim() || 'What you just fixed';
  return `The note “${heading}” is now shown above the results.`;
}

/** Renders a run's results in the panel and announces their summary. */
function resultsPanel(ui: ExerciseUi, id: string) {
  const resultsBox = ui.q('results');
  const summaryEl = ui.q('summary');
  const testsEl = ui.q<HTMLOListElement>('tests');
  const consoleBox = ui.q<HTMLDetailsElement>('console');
  const consoleOut = ui.q('console-out');
  const consoleCount = ui.q('console-count');
  const doneNote = ui.root.querySelector<HTMLElement>('[data-role="done"]');
  return {
    /** The panel while a run is in progress. */
    /** `compilerStarting`: the code waits for the compiler's start (the page's first compile) before it runs. */
    pending(mode: Mode, compilerStarting = false) {
      resultsBox.hidden = false;
      summaryEl.dataset.status = 'running';
      summaryEl.dataset.kind = 'pending';
      const tests = mode === 'run' ? 'the visible tests' : 'all tests';
      summaryEl.textContent = compilerStarting ? `Starting the TypeScript compiler (once per page, a few seconds), then running ${tests}…` : `Running ${tests}…`;
      clearResults(testsEl);
    },
    /** `revealed`: this Submit completed the exercise and showed its "What you just fixed" note. */
    show(results: Results, mode: Mode, kind: RunOutcome['kind'] | 'compile', revealed = false) {
      resultsBox.hidden = false;
      summaryEl.dataset.status = results.status;
      summaryEl.dataset.kind = kind;
      const summary = summarize(results, mode);
      summaryEl.textContent = summary;
      renderResults(testsEl, results, { idPrefix: id });
      const c = consoleText(results);
      consoleBox.hidden = false;
      consoleOut.textContent = c.text || '(no output)';
      consoleCount.textContent = c.lines ? `(${c.lines} ${c.lines === 1 ? 'line' : 'lines'})` : '(empty)';
      ui.announce(revealed && doneNote ? `${summary} ${doneNoteText(doneNote)}` : summary);
    },
  };
}

/** How long the code must stay unchanged before it is compiled ahead of a Run. */
const PAUSE_COMPILE_MS = 400;

/** Compiles the editor's code whenever the learner pauses typing, so that a Run finds it compiled (compile-client.ts `precompile`). */
function compileOnPause(model: monaco.editor.ITextModel): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  model.onDidChangeContent(() => {
    clearTimeout(timer);
    timer = setTimeout(() => precompile(model.getValue(), FILE_NAME), PAUSE_COMPILE_MS);
  });
}

/** A Submit whose compiler or test runner failed, said so: the learner's record is as it was. */
const notRecorded = (r: Results): Results => ({ ...r, message: `${r.message ?? ''} This Submit was not recorded.`.trimStart() });

/** Run and Submit (buttons and shortcuts): compile, run in the run worker, record a Submit, show the results. */
function wireRunning(ui: ExerciseUi, o: { id: string; data: ExerciseData; ed: ExerciseEditor; record: ExerciseRecord; afterRun: () => void }) {
  const { id, ed, record } = o;
  const runner = new ExerciseRunner(id, o.data.wallMsPerTest);
  const panel = resultsPanel(ui, id);
  const runBtn = ui.btn('run');
  const submitBtn = ui.btn('submit');
  const busyButtons = [runBtn, submitBtn, ui.btn('reset')];
  let running = false;
  const slices: { start: number; end: number; what: string }[] = [];
  let sliceStart = 0;
  const slice = (what: string) => {
    slices.push({ start: sliceStart, end: performance.now(), what });
    if (slices.length > 500) slices.splice(0, slices.length - 500);
  };
  const setLast = (results: Results) => (window.__exerciseEditors![id].lastResults = results);

  /** While the code waits for the compiler's start the panel says so; once it is compiled, that the tests run. */
  async function compileAndRun(mode: Mode, code: string): Promise<RunOutcome> {
    let compilerStarting = false;
    const onWait = () => {
      compilerStarting = true;
      panel.pending(mode, true);
    };
    // A Run need not wait for esbuild-wasm's start (the quick compiler); a Submit is esbuild's.
    const compiling = compile(code, FILE_NAME, { quick: mode === 'run', onWait });
    slice('start');
    const compiled = await compiling;
    sliceStart = performance.now();
    setCompileMarkers(ed.model, compiled);
    if (!compiled.ok) {
      const first = compiled.errors[0];
      let results = errorResults(
        compiled.internal
          ? first.text
          : `Your code does not compile: line ${first.line}, column ${first.column}: ${first.text}${compiled.errors.length > 1 ? ` (and ${compiled.errors.length - 1} more, marked in the editor)` : ''}`,
      );
      // A compiler that failed or stopped answering said nothing of the code: no Submit is recorded.
      if (mode === 'submit' && compiled.internal) results = notRecorded(results);
      else if (mode === 'submit') record.submitted(results, code);
      setLast(results);
      panel.show(results, mode, 'compile');
      slice('compile error shown');
      return { kind: 'crash', results, ms: compiled.ms, ...(compiled.internal ? { unavailable: true as const } : {}) };
    }
    if (compilerStarting) panel.pending(mode);
    const running_ = runner.run(compiled.js, mode);
    slice('compiled → run request');
    const ran = await running_;
    const outcome = mode === 'submit' && ran.unavailable ? { ...ran, results: notRecorded(ran.results) } : ran;
    sliceStart = performance.now();
    setLast(outcome.results);
    // Record first: a passing Submit reveals the "What you just fixed" note, announced with the summary.
    // (a runner that never started says nothing of the code: the learner's record stays as it was)
    const revealed = mode === 'submit' && !outcome.unavailable && record.submitted(outcome.results, code);
    panel.show(outcome.results, mode, outcome.kind, revealed);
    slice('results shown');
    mark('results-shown');
    return outcome;
  }

  async function go(mode: Mode): Promise<RunOutcome | null> {
    if (running) return null;
    mark(`${mode}-pressed`);
    sliceStart = performance.now();
    running = true;
    ui.root.dataset.state = 'running';
    // aria-disabled, not disabled: a disabled button drops keyboard focus to <body> mid-run.
    busyButtons.forEach((b) => b.setAttribute('aria-disabled', 'true'));
    const code = ed.editor.getValue();
    panel.pending(mode);
    record.flush();
    runner.expectRun();
    try {
      // The editor's workers (type-checking) wait while this runs (browser/warm-up.ts).
      return await holdRunPath(compileAndRun(mode, code));
    } catch (e) {
      const results = errorResults(`Could not run: ${e instanceof Error ? e.message : String(e)}`);
      panel.show(results, mode, 'crash');
      return { kind: 'crash', results, ms: 0 };
    } finally {
      running = false;
      ui.root.dataset.state = 'ready';
      busyButtons.forEach((b) => b.removeAttribute('aria-disabled'));
      o.afterRun();
    }
  }

  runBtn.addEventListener('click', () => void go('run'));
  submitBtn.addEventListener('click', () => void go('submit'));
  ed.editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => void go('run'));
  ed.editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyMod.Shift | monaco.KeyCode.Enter, () => void go('submit'));
  // The same shortcuts anywhere inside the exercise (e.g. focus on a button or the results).
  ui.root.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter' || !(ev.ctrlKey || ev.metaKey) || ed.element.contains(ev.target as Node)) return;
    ev.preventDefault();
    void go(ev.shiftKey ? 'submit' : 'run');
  });
  return { go, show: panel.show, slices, busy: () => running, runner };
}

/** Reset (button, the restored note's link): after a confirmation, the starter code as an undoable edit. */
function wireReset(ui: ExerciseUi, ed: ExerciseEditor, starter: string, record: () => ExerciseRecord) {
  const dialog = ui.q<HTMLDialogElement>('confirm-reset');
  const resetBtn = ui.btn('reset');
  const state = { isRunning: () => false, ask };
  function ask() {
    if (typeof dialog.showModal === 'function') {
      dialog.returnValue = '';
      dialog.showModal();
      dialog.querySelector<HTMLButtonElement>('button[value="cancel"]')?.focus();
    } else if (confirm('Reset to the starter code? Your current code will be replaced.')) doReset();
  }
  function doReset() {
    // An edit (not setValue) so Ctrl+Z brings the learner's code back.
    ed.editor.pushUndoStop();
    ed.editor.executeEdits('reset', [{ range: ed.model.getFullModelRange(), text: starter }]);
    ed.editor.pushUndoStop();
    monaco.editor.setModelMarkers(ed.model, 'esbuild', []);
    ui.dropNote('restored');
    record().save();
    ui.announce('The code was reset to the starter.');
    ed.editor.focus();
  }
  dialog.addEventListener('close', () => {
    if (dialog.returnValue === 'reset') doReset();
    else resetBtn.focus();
  });
  resetBtn.addEventListener('click', () => {
    if (!state.isRunning()) ask();
  });
  return state;
}

/** Hint: reveals the exercise's hints one at a time, announcing each. */
function wireHints(ui: ExerciseUi, hints: string[]): void {
  const hintBtn = ui.btn('hint');
  const hintsBox = ui.q('hints');
  const hintList = ui.q<HTMLOListElement>('hint-list');
  const hintCount = ui.q('hint-count');
  let shown = 0;
  const update = () => {
    if (shown >= hints.length) {
      // aria-disabled, not disabled: disabling the focused button would drop keyboard focus to <body>.
      hintBtn.setAttribute('aria-disabled', 'true');
      hintCount.textContent = '(all shown)';
    } else hintCount.textContent = `(${shown + 1} of ${hints.length})`;
  };
  hintBtn.addEventListener('click', () => {
    if (shown >= hints.length) return;
    const li = document.createElement('li');
    appendInline(li, hints[shown++]);
    hintList.append(li);
    hintsBox.hidden = false;
    update();
    ui.announce(`Hint ${shown}: ${li.textContent}`);
  });
  update();
}
