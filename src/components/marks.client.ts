/**
 * Fills every progress mark on the page (outline, landing page) from progress.ts and keeps them
 * current. A mark is an element `.mark` inside an element carrying `data-progress-slug` (and
 * optionally `data-progress-exercises="id id"`). The visually hidden text says the state in words, and
 * the mark's tooltip says it too; a lesson whose exercises were passed after viewing the reference
 * solution shows "completed with the solution viewed".
 */
import { loadProgress, lessonMark, subscribe } from '../browser/progress';

const words = {
  'not-started': 'not started',
  'in-progress': 'in progress',
  done: 'done',
  'done-with-solution': 'completed with the solution viewed',
} as const;

export function initProgressMarks(): void {
  const render = () => {
    const p = loadProgress();
    for (const el of document.querySelectorAll<HTMLElement>('[data-progress-slug]')) {
      const ex = (el.dataset.progressExercises ?? '').split(' ').filter(Boolean);
      const m = lessonMark(p, el.dataset.progressSlug!, ex);
      for (const mark of el.querySelectorAll<HTMLElement>('.mark')) {
        if (mark.dataset.mark === m) continue;
        mark.dataset.mark = m;
        mark.firstElementChild!.textContent = `(${words[m]})`;
        if (m === 'done-with-solution') mark.title = 'Completed with the solution viewed';
        else mark.removeAttribute('title');
      }
    }
  };
  subscribe(render);
  render();
}
