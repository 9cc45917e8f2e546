/**
 * The exercise's Monaco editor: created in place of the build-time static code, following the site's
 * theme, with the editor's TypeScript errors summarised under it (shown, never blocking a Run) and
 * esbuild's compile errors as markers.
 */
import { monaco, currentTheme } from './monaco';
import type { CompileResult } from '../../browser/compile-client';
import type { ExerciseUi } from './ui';
import { mark } from '../../browser/timing';

export interface ExerciseEditor {
  editor: monaco.editor.IStandaloneCodeEditor;
  model: monaco.editor.ITextModel;
  /** The element Monaco draws in (keys pressed inside it are the editor's). */
  element: HTMLElement;
}

/** Replaces the static code with an editor on `file:///exercises/<id>/<fileName>` holding `initial`. */
export function createEditor(ui: ExerciseUi, o: { id: string; fileName: string; title: string; initial: string; starter: string }): ExerciseEditor {
  const uri = monaco.Uri.parse(`file:///exercises/${o.id}/${o.fileName}`);
  const model = monaco.editor.getModel(uri) ?? monaco.editor.createModel(o.initial, 'typescript', uri);
  const element = document.createElement('div');
  element.className = 'ex-monaco';
  const lines = Math.max(o.initial.split('\n').length, o.starter.split('\n').length);
  element.style.setProperty('--ex-editor-h', `${Math.min(Math.max(lines + 3, 14), 34) * 19 + 8}px`);
  ui.q('editor').append(element);
  const narrow = window.matchMedia('(max-width: 40rem)').matches;
  const editor = monaco.editor.create(element, {
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
    ariaLabel: `Code editor: ${o.title}. Press Alt+F1 for accessibility help.`,
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
  ui.q('static-code').remove();
  // Follow the site's theme toggle.
  new MutationObserver(() => monaco.editor.setTheme(currentTheme())).observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return { editor, model, element };
}

/** Keeps the line under the Run and Submit buttons that counts the TypeScript errors (Monaco's TS worker) current. */
export function summarizeTypeErrors(model: monaco.editor.ITextModel, typeinfo: HTMLElement): void {
  const uri = model.uri.toString();
  monaco.editor.onDidChangeMarkers((uris) => {
    if (!uris.some((u) => u.toString() === uri)) return;
    const errs = monaco.editor.getModelMarkers({ resource: model.uri, owner: 'typescript' }).filter((m) => m.severity === monaco.MarkerSeverity.Error);
    mark('type-markers');
    typeinfo.hidden = errs.length === 0;
    typeinfo.textContent = errs.length
      ? `${errs.length} type ${errs.length === 1 ? 'error' : 'errors'} (underlined in the editor; first: line ${errs[0].startLineNumber}: ${errs[0].message.split('\n')[0]}). You can still run your code.`
      : '';
  });
}

/** esbuild's errors for the code as markers (none when it compiled). */
export function setCompileMarkers(model: monaco.editor.ITextModel, r: CompileResult): void {
  // A compiler that failed (`internal`) said nothing about a place in the code.
  const markers = r.ok || r.internal
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
