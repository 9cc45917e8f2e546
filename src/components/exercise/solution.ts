/**
 * The Solution button (shown after a first Submit): toggles a read-only diff of the learner's code
 * against the exercise's reference solution, loaded only when asked for. Opening it before passing
 * is recorded first (record.ts).
 *
 * The diff editor, once made, is kept for the page's life and only hidden: Monaco 0.57's diff editor
 * makes itself the page's source of hover helpers, and disposing it left every editor on the page
 * asking a disposed service for them — the exercise's completion list (Ctrl+Space) then stayed
 * empty, with "InstantiationService has been disposed" thrown (microsoft/monaco-editor#4612).
 */
import { monaco, currentTheme } from './monaco';
import type { ExerciseRecord } from './record';
import type { ExerciseUi } from './ui';

const solutions = import.meta.glob('/exercises/*/solution.ts', { query: '?raw', import: 'default' }) as Record<string, () => Promise<string>>;

export function wireSolution(ui: ExerciseUi, o: { id: string; editor: monaco.editor.IStandaloneCodeEditor; record: ExerciseRecord }): void {
  const solutionBtn = ui.btn('solution');
  const solutionBox = ui.q('solution');
  let diffEditor: monaco.editor.IStandaloneDiffEditor | null = null;
  solutionBtn.addEventListener('click', async () => {
    if (!solutionBox.hidden) {
      solutionBox.hidden = true;
      solutionBtn.setAttribute('aria-expanded', 'false');
      return;
    }
    const load = solutions[`/exercises/${o.id}/solution.ts`];
    if (!load) return;
    const solution = await load();
    o.record.solutionViewed();
    solutionBox.hidden = false;
    solutionBtn.setAttribute('aria-expanded', 'true');
    if (diffEditor) diffEditor.getModel()?.original.setValue(o.editor.getValue());
    else diffEditor = showDiff(ui.q('diff'), o.editor.getValue(), solution);
    ui.announce('Showing your code next to the reference solution.');
  });
}

function showDiff(host: HTMLElement, code: string, solution: string): monaco.editor.IStandaloneDiffEditor {
  const diffEditor = monaco.editor.createDiffEditor(host, {
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
    original: monaco.editor.createModel(code, 'plaintext'),
    modified: monaco.editor.createModel(solution, 'plaintext'),
  });
  return diffEditor;
}
