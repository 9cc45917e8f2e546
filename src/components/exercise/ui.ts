/**
 * The exercise's controls as rendered by Exercise.astro (found by `data-role` / `data-action`), and
 * the small ways the exercise talks to the learner: notes above the editor and the live region
 * that screen readers announce.
 */

export interface ExerciseUi {
  root: HTMLElement;
  /** The element with `data-role="<role>"` (Exercise.astro renders every role used here). */
  q<T extends HTMLElement = HTMLElement>(role: string): T;
  /** The button with `data-action="<action>"`. */
  btn(action: string): HTMLButtonElement;
  /** Shows (or replaces) the note `role` above the editor. */
  note(kind: 'info' | 'warn' | 'error' | 'ok', role: string, content: (string | Node)[]): HTMLElement;
  dropNote(role: string): void;
  /** Says `text` in the live region (the same text twice is announced twice). */
  announce(text: string): void;
  /** A button styled as a link, for use inside notes. */
  linkButton(label: string, onClick: () => void): HTMLButtonElement;
}

const isMac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

export function exerciseUi(root: HTMLElement): ExerciseUi {
  const q = <T extends HTMLElement = HTMLElement>(role: string) => root.querySelector<T>(`[data-role="${role}"]`)!;
  const btn = (action: string) => root.querySelector<HTMLButtonElement>(`[data-action="${action}"]`)!;
  const notes = q('notes');
  const live = q('live');
  if (isMac) {
    btn('run').querySelector('.ex-kbd')!.textContent = '⌘ ↵';
    btn('submit').querySelector('.ex-kbd')!.textContent = '⌘ ⇧ ↵';
  }
  return {
    root,
    q,
    btn,
    note(kind, role, content) {
      notes.querySelector(`[data-note="${role}"]`)?.remove();
      const p = document.createElement('p');
      p.className = `ex-note${kind === 'info' ? '' : ` ex-note--${kind}`}`;
      p.dataset.note = role;
      p.append(...content);
      notes.append(p);
      return p;
    },
    dropNote: (role) => notes.querySelector(`[data-note="${role}"]`)?.remove(),
    announce(text) {
      // Clear first so the same text twice is announced twice.
      live.textContent = '';
      setTimeout(() => (live.textContent = text), 50);
    },
    linkButton(label, onClick) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'ex-linkbtn';
      b.textContent = label;
      b.addEventListener('click', onClick);
      return b;
    },
  };
}
