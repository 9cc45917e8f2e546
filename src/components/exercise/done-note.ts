/**
 * The lessons' "What you just fixed" notes (Exercise.astro's `done` slot, rendered hidden by
 * ExerciseDone.astro): each is shown while progress storage marks its exercise complete (the last
 * Submit passed, the outline's rule), from page load on and after every progress change (this page's
 * Submit, an import, another tab). Loaded only on pages that have a note (with the exercise records,
 * progress-records.ts; progress.ts is on every page already).
 */
import { subscribe } from '../../browser/progress';
import { getExercise } from '../../browser/progress-records';

/** Shows or hides every note in `doc` to match progress storage; keeps doing so. Returns the unsubscribe. */
export function watchDoneNotes(doc: Document = document): () => void {
  const sync = () => {
    for (const note of doc.querySelectorAll<HTMLElement>('qc-exercise [data-role="done"]')) {
      const e = getExercise(note.closest<HTMLElement>('qc-exercise')?.dataset.exerciseId ?? '');
      note.hidden = !(e?.submitted && e.status === 'pass');
    }
  };
  sync();
  return subscribe(sync);
}
