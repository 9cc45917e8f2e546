/**
 * Fills every progress mark on the page (outline, landing page) from progress.ts and keeps them
 * current. A mark is an element `.mark` inside an element carrying `data-progress-slug` (and
 * optionally `data-progress-exercises="id id"`). The visually hidden text says the state in words.
 */
import { loadProgress, lessonMark, subscribe } from '../browser/progress';

const words = { 'not-started': 'not started', 'in-progress': 'in progress', done: 'done' } as const;

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
      }
    }
  };
  subscribe(render);
  render();
}
