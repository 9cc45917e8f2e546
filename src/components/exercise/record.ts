/**
 * The exercise's record in progress storage (browser/progress.ts): the learner's code saved as they
 * type (debounced, and at once when the page is hidden), restored on the next visit, the outcome
 * of each Submit, the reference solution viewed before passing — and the notes that say so. Another
 * tab, or an import, updates the editor when the learner is not typing here.
 */
import * as progress from '../../browser/progress';
import { getExercise, markSolutionViewed, setExercise } from '../../browser/progress-records';
import type { Results } from '../../browser/results';
import type { monaco } from './monaco';
import type { ExerciseUi } from './ui';

const SAVE_DEBOUNCE_MS = 400;

export interface ExerciseRecord {
  /** Completed: the last Submit passed every test. */
  readonly passed: boolean;
  /** Saves now if a save is scheduled (before a run, an export, a page hide). */
  flush(): void;
  /** Saves the editor's code now. */
  save(): void;
  /**
   * Records a Submit's outcome for `code`, the code it graded (the editor may have changed while it ran:
   * its code is saved as the learner's, and a pass keeps `code` as the code that passed); true when it
   * revealed the lesson's "What you just fixed" note.
   */
  submitted(results: Results, code: string): boolean;
  /** Records that the reference solution is being opened (before passing, the exercise says so). */
  solutionViewed(): void;
}

export function trackRecord(
  ui: ExerciseUi,
  o: { id: string; starter: string; editor: monaco.editor.IStandaloneCodeEditor; model: monaco.editor.ITextModel; onReset: () => void },
): ExerciseRecord {
  const { id, editor } = o;
  const solutionBtn = ui.btn('solution');
  // The lesson's "What you just fixed" note (optional; done-note.ts shows it from progress storage).
  const doneNote = ui.root.querySelector<HTMLElement>('[data-role="done"]');
  const saved = getExercise(id);
  let submitted = saved?.submitted ?? false;
  let status: progress.ExerciseStatus = saved?.status ?? 'started';
  /** The reference solution was opened before a Submit passed (recorded in progress, shown in the outline). */
  let viewedBeforePass = saved?.solutionViewedBeforePass ?? false;
  /** The code of the last Submit that passed (progress.ts `passedCode`). */
  let passedCode = saved?.passedCode;
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  let applyingExternal = false;

  /** Saves the editor's code and the record (`passed`: the code a Submit just passed, when one did). */
  const save = (passed?: string) => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = null;
    try {
      setExercise(id, { code: editor.getValue(), status, submitted, ...(passed === undefined ? {} : { passedCode: passed }) });
    } catch (e) {
      // progress.ts never throws by contract; if it ever does, the learner keeps working.
      ui.note('warn', 'storage', [`Your code could not be saved (${e instanceof Error ? e.message : String(e)}).`]);
    }
  };
  const flush = () => {
    if (saveTimer) save();
  };
  const scheduleSave = () => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(save, SAVE_DEBOUNCE_MS);
  };
  window.addEventListener('pagehide', flush);
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && flush());

  const note = completedNote(ui, editor, o.model, () => save());
  const showCompleted = () => note.show({ completed: status === 'pass' && submitted, viewedBeforePass, passedCode });

  if (saved && saved.code !== o.starter) {
    const when = new Date(saved.at);
    ui.note('info', 'restored', [
      `Restored your code from ${when.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })}, ${when.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })} · `,
      ui.linkButton('reset', o.onReset),
    ]);
  }
  showCompleted();
  solutionBtn.hidden = !submitted;

  o.model.onDidChangeContent(() => {
    note.edited();
    if (applyingExternal) return;
    ui.dropNote('restored');
    scheduleSave();
  });

  // Another tab, or an import on this page: follow the stored code when the learner is not typing here.
  progress.subscribe((p) => {
    const e = p.exercises[id];
    if (!e) return;
    submitted = e.submitted;
    status = e.status;
    viewedBeforePass = e.solutionViewedBeforePass;
    passedCode = e.passedCode;
    solutionBtn.hidden = !submitted;
    showCompleted();
    if (e.code !== editor.getValue() && !saveTimer) {
      applyingExternal = true;
      editor.setValue(e.code);
      applyingExternal = false;
    }
  });

  return {
    get passed() {
      return status === 'pass' && submitted;
    },
    flush,
    save,
    submitted(results, code) {
      const wasHidden = !!doneNote?.hidden;
      submitted = true;
      status = results.status;
      if (status === 'pass') passedCode = code;
      solutionBtn.hidden = false;
      save(status === 'pass' ? code : undefined);
      showCompleted();
      // done-note.ts follows progress storage (save() notified it); set it here too so the announcement
      // never depends on the order of those listeners.
      if (doneNote) doneNote.hidden = status !== 'pass';
      return wasHidden && !!doneNote && !doneNote.hidden;
    },
    solutionViewed() {
      // Recorded before it is shown: opening the solution before passing is part of the record.
      if (status === 'pass' && submitted) return;
      flush();
      viewedBeforePass = true;
      markSolutionViewed(id, editor.getValue());
      ui.note('info', 'solution-viewed', [
        'You opened the reference solution before passing: this exercise will be recorded as completed with the solution viewed.',
      ]);
    },
  };
}

interface CompletedState {
  /** The last Submit passed. */
  completed: boolean;
  viewedBeforePass: boolean;
  passedCode: string | undefined;
}

/** The "✓ Completed" note; while the editor holds other code than the code that passed, it offers that code back. */
function completedNote(ui: ExerciseUi, editor: monaco.editor.IStandaloneCodeEditor, model: monaco.editor.ITextModel, save: () => void) {
  let last: CompletedState = { completed: false, viewedBeforePass: false, passedCode: undefined };
  let offers = false;
  const changedSincePass = (s: CompletedState) => s.completed && s.passedCode !== undefined && editor.getValue() !== s.passedCode;
  /** The code that passed back in the editor, as an edit (Ctrl+Z brings the other code back). */
  const restore = (code: string) => () => {
    editor.pushUndoStop();
    editor.executeEdits('restore-passed', [{ range: model.getFullModelRange(), text: code }]);
    editor.pushUndoStop();
    save();
    ui.announce('The code that passed is back in the editor.');
    editor.focus();
  };
  const show = (s: CompletedState) => {
    last = s;
    offers = changedSincePass(s);
    if (!s.completed) return ui.dropNote('complete');
    ui.note('ok', 'complete', [
      s.viewedBeforePass
        ? '✓ Completed with the solution viewed: your last Submit passed every test, after you opened the reference solution.'
        : '✓ Completed: your last Submit passed every test.',
      ...(offers ? [' Your code has changed since · ', ui.linkButton('restore the code that passed', restore(s.passedCode!))] : []),
    ]);
  };
  return {
    show,
    /** After an edit: the note changes only when the code starts or stops being the code that passed (not per key press). */
    edited: () => changedSincePass(last) !== offers && show(last),
  };
}
