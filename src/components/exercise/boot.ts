/**
 * The interactive exercise, loaded by element.ts when the exercise scrolls into view:
 * Monaco replaces the static code, the controls come alive, the compile worker (esbuild-wasm) and a
 * spare run worker are warmed while the learner reads. Learner code runs only in the run worker and
 * only after Run or Submit.
 */
import { monaco, configureTypeScript, currentTheme, typeErrors } from './monaco';
import { compile, warmCompiler, type CompileResult } from '../../browser/compile-client';
import { ExerciseRunner, type RunOutcome } from '../../browser/run-client';
import type { Mode } from '../../browser/protocol';
import { errorResults, type Results } from '../../browser/results';
import * as progress from '../../browser/progress';
import { clearResults, consoleText, renderResults, summarize } from './results-view';
import { appendInline } from './inline';

interface ExerciseData {
  id: string;
  title: string;
  starter: string;
  hints: string[];
  lesson: string;
  wallMsPerTest?: number;
}

export interface ExerciseHandle {
  editor: monaco.editor.IStandaloneCodeEditor;
  monaco: typeof monaco;
  getValue(): string;
  setValue(code: string): void;
  /** Resolves when the compiler and a run worker are warm. */
  warm: Promise<void>;
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

const solutions = import.meta.glob('/exercises/*/solution.ts', { query: '?raw', import: 'default' }) as Record<string, () => Promise<string>>;

const SAVE_DEBOUNCE_MS = 400;
const isMac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/** The "What you just fixed" note as one line for the live region: its heading, then its prose. */
function doneNoteText(note: HTMLElement): string {
  const heading = note.querySelector('.ex-subhead');
  const body = [...note.children].filter((c) => c !== heading).map((c) => c.textContent ?? '');
  return `${heading?.textContent?.trim() ?? ''}: ${body.join(' ')}`.replace(/\s+/g, ' ').trim();
}

function idle(fn: () => void, timeout = 1500): void {
  const ric = (window as Window & { requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => number }).requestIdleCallback;
  if (ric) ric(fn, { timeout });
  else setTimeout(fn, 200);
}

export async function boot(root: HTMLElement): Promise<void> {
  const q = <T extends HTMLElement = HTMLElement>(role: string) => root.querySelector<T>(`[data-role="${role}"]`)!;
  const data = JSON.parse(q('data').textContent || '{}') as ExerciseData;
  const id = data.id;
  const fileName = 'solution.ts';

  const typesP = configureTypeScript();

  // ---- editor --------------------------------------------------------------------------------
  const saved = progress.getExercise(id);
  const restored = !!saved && saved.code !== data.starter;
  const initial = saved?.code ?? data.starter;
  const uri = monaco.Uri.parse(`file:///exercises/${id}/${fileName}`);
  const model = monaco.editor.getModel(uri) ?? monaco.editor.createModel(initial, 'typescript', uri);
  const host = q('editor');
  const staticCode = q('static-code');
  const editorEl = document.createElement('div');
  editorEl.className = 'ex-monaco';
  const lines = Math.max(initial.split('\n').length, data.starter.split('\n').length);
  editorEl.style.setProperty('--ex-editor-h', `${Math.min(Math.max(lines + 3, 14), 34) * 19 + 8}px`);
  host.append(editorEl);
  const narrow = window.matchMedia('(max-width: 40rem)').matches;
  const editor = monaco.editor.create(editorEl, {
    model,
    // Small screens: a slim gutter leaves room for the code.
    lineNumbersMinChars: narrow ? 2 : 4,
    lineDecorationsWidth: narrow ? 4 : 10,
    folding: !narrow,
    glyphMargin: false,
    theme: currentTheme(),
    automaticLayout: true,
    minimap: { enabled: false },
    scrollBeyondLastLine: false,
    fontSize: 14,
    lineHeight: 19,
    tabSize: 2,
    fixedOverflowWidgets: true,
    ariaLabel: `Code editor: ${data.title}. Press Alt+F1 for accessibility help.`,
    padding: { top: 4, bottom: 4 },
    renderLineHighlight: 'line',
    // Monaco's defaults draw the last line number and unused code faded, below WCAG contrast.
    renderFinalNewline: 'on',
    showUnused: false,
    // On a phone, wrap the starters' explanatory comments rather than hide them off the right edge.
    // Not on wide screens, where the lines fit and wrapping slowed the editor's start and first Run.
    wordWrap: narrow ? 'on' : 'off',
    wrappingIndent: 'same',
  });
  staticCode.remove();
  // Follow the site's theme toggle.
  new MutationObserver(() => monaco.editor.setTheme(currentTheme())).observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });

  // ---- elements ------------------------------------------------------------------------------
  const toolbar = q('toolbar');
  const btn = (action: string) => root.querySelector<HTMLButtonElement>(`[data-action="${action}"]`)!;
  const runBtn = btn('run');
  const submitBtn = btn('submit');
  const hintBtn = btn('hint');
  const solutionBtn = btn('solution');
  const resetBtn = btn('reset');
  const notes = q('notes');
  const live = q('live');
  const resultsBox = q('results');
  const summaryEl = q('summary');
  const testsEl = q<HTMLOListElement>('tests');
  const consoleBox = q<HTMLDetailsElement>('console');
  const consoleOut = q('console-out');
  const consoleCount = q('console-count');
  const typeinfo = q('typeinfo');
  const dialog = q<HTMLDialogElement>('confirm-reset');
  // The lesson's "What you just fixed" note (optional; done-note.ts shows it from progress storage).
  const doneNote = root.querySelector<HTMLElement>('[data-role="done"]');
  if (isMac) {
    runBtn.querySelector('.ex-kbd')!.textContent = '⌘ ↵';
    submitBtn.querySelector('.ex-kbd')!.textContent = '⌘ ⇧ ↵';
  }

  const announce = (text: string) => {
    // Clear first so the same text twice is announced twice.
    live.textContent = '';
    setTimeout(() => (live.textContent = text), 50);
  };

  function note(kind: 'info' | 'warn' | 'error' | 'ok', role: string, content: (string | Node)[]): HTMLElement {
    notes.querySelector(`[data-note="${role}"]`)?.remove();
    const p = document.createElement('p');
    p.className = `ex-note${kind === 'info' ? '' : ` ex-note--${kind}`}`;
    p.dataset.note = role;
    p.append(...content);
    notes.append(p);
    return p;
  }
  const dropNote = (role: string) => notes.querySelector(`[data-note="${role}"]`)?.remove();
  const linkButton = (label: string, onClick: () => void) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'ex-linkbtn';
    b.textContent = label;
    b.addEventListener('click', onClick);
    return b;
  };

  // ---- progress ------------------------------------------------------------------------------
  let submitted = saved?.submitted ?? false;
  let status: progress.ExerciseStatus = saved?.status ?? 'started';
  /** The reference solution was opened before a Submit passed (recorded in progress, shown in the outline). */
  let viewedBeforePass = saved?.solutionViewedBeforePass ?? false;
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  let applyingExternal = false;

  const save = () => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = null;
    try {
      progress.setExercise(id, { code: editor.getValue(), status, submitted });
    } catch (e) {
      // progress.ts never throws by contract; if it ever does, the learner keeps working.
      note('warn', 'storage', [`Your code could not be saved (${e instanceof Error ? e.message : String(e)}).`]);
    }
  };
  const scheduleSave = () => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(save, SAVE_DEBOUNCE_MS);
  };
  window.addEventListener('pagehide', () => saveTimer && save());
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && saveTimer && save());

  const showCompleted = () => {
    if (status === 'pass' && submitted)
      note('ok', 'complete', [
        viewedBeforePass
          ? '✓ Completed with the solution viewed: your last Submit passed every test, after you opened the reference solution.'
          : '✓ Completed: your last Submit passed every test.',
      ]);
    else dropNote('complete');
  };

  if (restored) {
    const when = new Date(saved!.at);
    note('info', 'restored', [
      `Restored your code from ${when.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })}, ${when.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })} · `,
      linkButton('reset', () => askReset()),
    ]);
  }
  showCompleted();
  solutionBtn.hidden = !submitted;

  model.onDidChangeContent(() => {
    if (applyingExternal) return;
    dropNote('restored');
    scheduleSave();
  });

  // Another tab, or an import on this page: follow the stored code when the learner is not typing here.
  progress.subscribe((p) => {
    const e = p.exercises[id];
    if (!e) return;
    submitted = e.submitted;
    status = e.status;
    viewedBeforePass = e.solutionViewedBeforePass;
    solutionBtn.hidden = !submitted;
    showCompleted();
    if (e.code !== editor.getValue() && !saveTimer) {
      applyingExternal = true;
      editor.setValue(e.code);
      applyingExternal = false;
    }
  });

  // ---- type errors (Monaco's TS worker): shown, never blocking -------------------------------
  monaco.editor.onDidChangeMarkers((uris) => {
    if (!uris.some((u) => u.toString() === uri.toString())) return;
    const errs = monaco.editor.getModelMarkers({ resource: uri, owner: 'typescript' }).filter((m) => m.severity === monaco.MarkerSeverity.Error);
    typeinfo.hidden = errs.length === 0;
    typeinfo.textContent = errs.length
      ? `${errs.length} type ${errs.length === 1 ? 'error' : 'errors'} (underlined in the editor; first: line ${errs[0].startLineNumber}: ${errs[0].message.split('\n')[0]}). You can still run your code.`
      : '';
  });

  // ---- running ---------------------------------------------------------------------------------
  const runner = new ExerciseRunner(id, data.wallMsPerTest);
  let running = false;
  const busyButtons = [runBtn, submitBtn, resetBtn];

  function setCompileMarkers(r: CompileResult) {
    const markers = r.ok
      ? []
      : r.errors.map((d) => ({
          severity: monaco.MarkerSeverity.Error,
          message: d.text,
          startLineNumber: d.line,
          startColumn: d.column,
          endLineNumber: d.endLine,
          endColumn: d.endColumn,
          source: 'esbuild',
        }));
    monaco.editor.setModelMarkers(model, 'esbuild', markers);
  }

  /** `revealed`: this Submit completed the exercise and showed its "What you just fixed" note. */
  function show(results: Results, mode: Mode, kind: RunOutcome['kind'] | 'compile', revealed = false) {
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
    announce(revealed && doneNote ? `${summary} ${doneNoteText(doneNote)}` : summary);
  }

  const slices: { start: number; end: number; what: string }[] = [];
  let sliceStart = 0;
  const slice = (what: string) => {
    const end = performance.now();
    slices.push({ start: sliceStart, end, what });
    if (slices.length > 500) slices.splice(0, slices.length - 500);
  };

  async function go(mode: Mode): Promise<RunOutcome | null> {
    if (running) return null;
    sliceStart = performance.now();
    running = true;
    root.dataset.state = 'running';
    // aria-disabled, not disabled: a disabled button drops keyboard focus to <body> mid-run.
    busyButtons.forEach((b) => b.setAttribute('aria-disabled', 'true'));
    resultsBox.hidden = false;
    summaryEl.dataset.status = 'running';
    summaryEl.dataset.kind = 'pending';
    summaryEl.textContent = mode === 'run' ? 'Running the visible tests…' : 'Running all tests…';
    clearResults(testsEl);
    if (saveTimer) save();
    const code = editor.getValue();
    try {
      const compiling = compile(code, fileName);
      slice('start');
      const compiled = await compiling;
      sliceStart = performance.now();
      setCompileMarkers(compiled);
      if (!compiled.ok) {
        const first = compiled.errors[0];
        const results = errorResults(
          `Your code does not compile: line ${first.line}, column ${first.column}: ${first.text}${compiled.errors.length > 1 ? ` (and ${compiled.errors.length - 1} more, marked in the editor)` : ''}`,
        );
        window.__exerciseEditors![id].lastResults = results;
        show(results, mode, 'compile');
        if (mode === 'submit') recordSubmit(results);
        slice('compile error shown');
        return { kind: 'crash', results, ms: compiled.ms };
      }
      const running_ = runner.run(compiled.js, mode);
      slice('compiled → run request');
      const outcome = await running_;
      sliceStart = performance.now();
      window.__exerciseEditors![id].lastResults = outcome.results;
      // Record first: a passing Submit reveals the "What you just fixed" note, announced with the summary.
      const revealed = mode === 'submit' && recordSubmit(outcome.results);
      show(outcome.results, mode, outcome.kind, revealed);
      slice('results shown');
      return outcome;
    } catch (e) {
      const results = errorResults(`Could not run: ${e instanceof Error ? e.message : String(e)}`);
      show(results, mode, 'crash');
      return { kind: 'crash', results, ms: 0 };
    } finally {
      running = false;
      root.dataset.state = 'ready';
      busyButtons.forEach((b) => b.removeAttribute('aria-disabled'));
    }
  }

  /** Returns true when this Submit revealed the "What you just fixed" note. */
  function recordSubmit(results: Results): boolean {
    const wasHidden = !!doneNote?.hidden;
    submitted = true;
    status = results.status;
    solutionBtn.hidden = false;
    save();
    showCompleted();
    // done-note.ts follows progress storage (save() notified it); set it here too so the announcement
    // below never depends on the order of those listeners.
    if (doneNote) doneNote.hidden = status !== 'pass';
    return wasHidden && !!doneNote && !doneNote.hidden;
  }

  runBtn.addEventListener('click', () => void go('run'));
  submitBtn.addEventListener('click', () => void go('submit'));
  editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => void go('run'));
  editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyMod.Shift | monaco.KeyCode.Enter, () => void go('submit'));
  // The same shortcuts anywhere inside the exercise (e.g. focus on a button or the results).
  root.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter' || !(ev.ctrlKey || ev.metaKey) || editorEl.contains(ev.target as Node)) return;
    ev.preventDefault();
    void go(ev.shiftKey ? 'submit' : 'run');
  });

  // ---- reset -------------------------------------------------------------------------------------
  function askReset() {
    if (typeof dialog.showModal === 'function') {
      dialog.returnValue = '';
      dialog.showModal();
      dialog.querySelector<HTMLButtonElement>('button[value="cancel"]')?.focus();
    } else if (confirm('Reset to the starter code? Your current code will be replaced.')) doReset();
  }
  function doReset() {
    // An edit (not setValue) so Ctrl+Z brings the learner's code back.
    editor.pushUndoStop();
    editor.executeEdits('reset', [{ range: model.getFullModelRange(), text: data.starter }]);
    editor.pushUndoStop();
    monaco.editor.setModelMarkers(model, 'esbuild', []);
    dropNote('restored');
    save();
    announce('The code was reset to the starter.');
    editor.focus();
  }
  dialog.addEventListener('close', () => {
    if (dialog.returnValue === 'reset') doReset();
    else resetBtn.focus();
  });
  resetBtn.addEventListener('click', () => {
    if (!running) askReset();
  });

  // ---- hints ---------------------------------------------------------------------------------
  const hintsBox = q('hints');
  const hintList = q<HTMLOListElement>('hint-list');
  const hintCount = q('hint-count');
  let shownHints = 0;
  const updateHintBtn = () => {
    if (shownHints >= data.hints.length) {
      hintBtn.disabled = true;
      hintCount.textContent = '(all shown)';
    } else hintCount.textContent = `(${shownHints + 1} of ${data.hints.length})`;
  };
  hintBtn.addEventListener('click', () => {
    if (shownHints >= data.hints.length) return;
    const li = document.createElement('li');
    appendInline(li, data.hints[shownHints++]);
    hintList.append(li);
    hintsBox.hidden = false;
    updateHintBtn();
    announce(`Hint ${shownHints}: ${li.textContent}`);
  });
  updateHintBtn();

  // ---- solution (after a first Submit): a diff of the learner's code against the solution --------
  const solutionBox = q('solution');
  let diffEditor: monaco.editor.IStandaloneDiffEditor | null = null;
  solutionBtn.addEventListener('click', async () => {
    if (!solutionBox.hidden) {
      solutionBox.hidden = true;
      solutionBtn.setAttribute('aria-expanded', 'false');
      diffEditor?.dispose();
      diffEditor?.getModel()?.original.dispose();
      diffEditor?.getModel()?.modified.dispose();
      diffEditor = null;
      return;
    }
    const load = solutions[`/exercises/${id}/solution.ts`];
    if (!load) return;
    const solution = await load();
    // Recorded before it is shown: opening the solution before passing is part of the record.
    if (!(status === 'pass' && submitted)) {
      if (saveTimer) save();
      viewedBeforePass = true;
      progress.markSolutionViewed(id, editor.getValue());
      note('info', 'solution-viewed', [
        'You opened the reference solution before passing: this exercise will be recorded as completed with the solution viewed.',
      ]);
    }
    solutionBox.hidden = false;
    solutionBtn.setAttribute('aria-expanded', 'true');
    diffEditor = monaco.editor.createDiffEditor(q('diff'), {
      readOnly: true,
      originalEditable: false,
      automaticLayout: true,
      renderSideBySide: true,
      useInlineViewWhenSpaceIsLimited: true,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      fontSize: 13,
      theme: currentTheme(),
      ariaLabel: 'Your code compared with the reference solution',
      originalAriaLabel: 'Your code (read-only)',
      modifiedAriaLabel: 'Reference solution (read-only)',
    } as monaco.editor.IDiffEditorConstructionOptions);
    // The construction options' labels do not reach the two inner editors' text inputs.
    diffEditor.getOriginalEditor().updateOptions({ ariaLabel: 'Your code (read-only)' });
    diffEditor.getModifiedEditor().updateOptions({ ariaLabel: 'Reference solution (read-only)' });
    // Plain text: token colours on the diff's red and green backgrounds fall below WCAG contrast.
    diffEditor.setModel({
      original: monaco.editor.createModel(editor.getValue(), 'plaintext'),
      modified: monaco.editor.createModel(solution, 'plaintext'),
    });
    announce('Showing your code next to the reference solution.');
  });

  // ---- export / import of all progress -------------------------------------------------------
  btn('export').addEventListener('click', () => {
    if (saveTimer) save();
    const blob = new Blob([progress.exportProgress()], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `quorum-course-progress-${new Date().toISOString().slice(0, 10)}.json`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    announce('Progress exported as a JSON file.');
  });
  const fileInput = q<HTMLInputElement>('import-file');
  btn('import').addEventListener('click', () => fileInput.click());
  fileInput.addEventListener('change', async () => {
    const f = fileInput.files?.[0];
    fileInput.value = '';
    if (!f) return;
    let text: string;
    try {
      text = await f.text();
    } catch {
      note('error', 'import', ['That file could not be read.']);
      return;
    }
    if (saveTimer) clearTimeout(saveTimer), (saveTimer = null);
    const res = progress.importProgress(text);
    if (res.ok) {
      note('ok', 'import', [`Progress imported from ${f.name}.`]);
      announce('Progress imported.');
    } else {
      note('error', 'import', [`Nothing was imported: ${res.error}`]);
      announce(`Nothing was imported: ${res.error}`);
    }
  });

  // ---- ready -------------------------------------------------------------------------------------
  toolbar.hidden = false;
  q('keys').hidden = false;
  q('foot').hidden = false;
  q('loading').remove();
  const warm = new Promise<void>((resolve) => {
    // Start esbuild-wasm and a spare run worker once the editor is on screen and the page is idle,
    // so the first Run does not pay for them.
    idle(() => {
      runner.warm();
      warmCompiler().then(resolve, resolve);
    });
  });
  window.__exerciseEditors ??= {};
  window.__exerciseEditors[id] = {
    editor,
    monaco,
    getValue: () => editor.getValue(),
    setValue: (code: string) => editor.setValue(code),
    warm,
    lastResults: null,
    run: go,
    showResults: (results: Results, mode: Mode) => show(results, mode, 'graded'),
    runSlices: slices,
    typeErrors: () => typesP.then(() => typeErrors(model)),
  };
  root.dataset.state = 'ready';
  root.dispatchEvent(new CustomEvent('exercise-ready', { bubbles: true }));
  const types = await typesP;
  if (!types.driverTypes) root.dataset.driverTypes = 'missing';
}
