/** The Export progress / Import progress buttons: all progress as a JSON file, and back. */
import * as progress from '../../browser/progress';
import { importProgress, importedMessage } from '../../browser/progress-import';
import type { ExerciseRecord } from './record';
import type { ExerciseUi } from './ui';

export function wireTransfer(ui: ExerciseUi, record: ExerciseRecord): void {
  ui.btn('export').addEventListener('click', () => {
    record.flush();
    const blob = new Blob([progress.exportProgress()], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `quorum-course-progress-${new Date().toISOString().slice(0, 10)}.json`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    ui.announce('Progress exported as a JSON file.');
  });
  const fileInput = ui.q<HTMLInputElement>('import-file');
  ui.btn('import').addEventListener('click', () => fileInput.click());
  fileInput.addEventListener('change', async () => {
    const f = fileInput.files?.[0];
    fileInput.value = '';
    if (!f) return;
    let text: string;
    try {
      text = await f.text();
    } catch {
      ui.note('error', 'import', ['That file could not be read.']);
      return;
    }
    // The editor's latest code is saved first: the import merges with it (the newer of the two stays).
    record.flush();
    const res = importProgress(text);
    if (res.ok) {
      const said = importedMessage(res, `from ${f.name}`);
      ui.note(res.saved ? 'ok' : 'warn', 'import', [said]);
      ui.announce(said);
    } else {
      ui.note('error', 'import', [`Nothing was imported: ${res.error}`]);
      ui.announce(`Nothing was imported: ${res.error}`);
    }
  });
}
