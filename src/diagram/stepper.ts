/**
 * Step through a rendered trace in time (browser only). Works on the HTML `renderTraceFigure`
 * produces, so it can enhance a figure rendered at build time or one mounted at run time.
 *
 *   import { mountTraceStepper } from '…/src/diagram/stepper';
 *   const s = mountTraceStepper(container, trace, { caption: 'Hidden test: reads during a partition' });
 *   s.go(0); s.destroy();
 *
 * Keyboard: the Previous / Next / Show all buttons, the native time slider, and ←/→ (Home/End)
 * while focus is inside the figure. The current step is announced in an aria-live region.
 */
import { renderTraceFigure, type RenderOptions } from './render';
import type { DiagramTrace } from './model';
import { fromSimTrace, type AdaptOptions, type SimTraceLike } from './adapt';
import { fmtTime } from './text';
import { FIGURE_STYLE } from './style';

/** Adds the figure styles once per document (the SVG carries its own palette). */
export function ensureFigureStyle(doc: Document = document): void {
  if (doc.getElementById('dg-figure-style')) return;
  const st = doc.createElement('style');
  st.id = 'dg-figure-style';
  st.textContent = FIGURE_STYLE;
  doc.head.appendChild(st);
}

export interface Stepper {
  /** Show the run up to step k (0-based); k ≥ steps shows everything. */
  go(k: number): void;
  readonly step: number;
  readonly steps: number;
  destroy(): void;
}

let counter = 0;

export function enhanceFigure(figure: HTMLElement): Stepper {
  const svg = figure.querySelector<SVGSVGElement>('svg.dg');
  if (!svg) throw new Error('enhanceFigure: no diagram (svg.dg) inside this element');
  const steps = Number(svg.dataset.steps ?? '0');
  const ys = (svg.dataset.ys ?? '').split(',').map(Number);
  const times = (svg.dataset.times ?? '').split(',').map(Number);
  const unit = (svg.dataset.unit as 'ms' | 'us') ?? 'ms';
  const origin = Number(svg.dataset.origin ?? '0');
  const items = [...svg.querySelectorAll<SVGElement>('[data-s]')];
  const spans = items.map((el) => [Number(el.dataset.s), Number(el.dataset.e ?? el.dataset.s)] as const);
  const lis = [...figure.querySelectorAll<HTMLLIElement>('li[data-step]')];
  const now = svg.querySelector<SVGLineElement>('.dg-now');
  const id = `dgs-${++counter}`;

  const bar = document.createElement('div');
  bar.className = 'dg-stepper';
  bar.innerHTML =
    `<button type="button" data-act="prev">◀ Previous</button>` +
    `<label for="${id}-range" class="dg-stepper-label">Time step</label>` +
    `<input id="${id}-range" type="range" min="0" max="${steps}" step="1" value="${steps}" aria-describedby="${id}-status">` +
    `<button type="button" data-act="next">Next ▶</button>` +
    `<button type="button" data-act="all">Show all</button>` +
    `<p id="${id}-status" class="dg-stepper-status" role="status" aria-live="polite"></p>`;
  const scroll = figure.querySelector<HTMLElement>('.dg-scroll');
  (scroll ?? svg).insertAdjacentElement('afterend', bar);
  // On a narrow screen (or in an exercise's panel) lanes are off to the right: say so while the diagram overflows.
  const note = document.createElement('p');
  note.className = 'dg-overflow-note';
  note.textContent = 'Wider than the space here: scroll the diagram sideways to see every lane →';
  note.hidden = true;
  scroll?.insertAdjacentElement('beforebegin', note);
  const fits = scroll && typeof ResizeObserver !== 'undefined'
    ? new ResizeObserver(() => {
        note.hidden = scroll.scrollWidth <= scroll.clientWidth + 2;
      })
    : null;
  if (scroll) fits?.observe(scroll);
  const range = bar.querySelector<HTMLInputElement>('input')!;
  const status = bar.querySelector<HTMLElement>('.dg-stepper-status')!;

  let current = steps; // "steps" = everything shown
  const render = () => {
    const k = current;
    const all = k >= steps;
    for (let i = 0; i < items.length; i++) {
      const [s, e] = spans[i];
      const el = items[i];
      el.classList.toggle('dg-future', !all && s > k);
      el.classList.toggle('dg-current', !all && (s === k || e === k));
    }
    for (const li of lis) {
      const st = Number(li.dataset.step);
      if (!all && st === k) li.setAttribute('aria-current', 'step');
      else li.removeAttribute('aria-current');
      li.classList.toggle('dg-ev-future', !all && st > k);
    }
    if (now) {
      if (all) now.setAttribute('visibility', 'hidden');
      else {
        now.setAttribute('visibility', 'visible');
        now.setAttribute('y1', String(ys[k]));
        now.setAttribute('y2', String(ys[k]));
      }
    }
    range.value = String(k);
    if (all) {
      status.textContent = `Showing the whole run (${steps} time step${steps === 1 ? '' : 's'}).`;
      range.setAttribute('aria-valuetext', 'whole run');
    } else {
      const here = lis.filter((li) => Number(li.dataset.step) === k).map((li) => li.textContent?.replace(/^\S+ \S+ /, '') ?? '');
      const t = (origin ? '+' : '') + fmtTime(times[k] - origin, unit);
      status.textContent = `Step ${k + 1} of ${steps}, ${t}: ${here.join('; ') || 'no event'}`;
      range.setAttribute('aria-valuetext', `step ${k + 1} of ${steps}, ${t}`);
    }
  };
  const go = (k: number) => {
    current = Math.max(0, Math.min(steps, Math.round(k)));
    render();
  };
  const onClick = (ev: Event) => {
    const act = (ev.target as HTMLElement).closest<HTMLElement>('[data-act]')?.dataset.act;
    if (act === 'prev') go(current >= steps ? steps - 1 : current - 1);
    else if (act === 'next') go(current + 1);
    else if (act === 'all') go(steps);
  };
  const onInput = () => go(Number(range.value));
  const onKey = (ev: KeyboardEvent) => {
    if (ev.target === range) return; // the slider handles its own arrows
    const tag = (ev.target as HTMLElement).tagName;
    if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return;
    if (ev.key === 'ArrowRight') go(current >= steps ? 0 : current + 1);
    else if (ev.key === 'ArrowLeft') go(current >= steps ? steps - 1 : current - 1);
    else if (ev.key === 'Home') go(0);
    else if (ev.key === 'End') go(steps);
    else return;
    ev.preventDefault();
  };
  bar.addEventListener('click', onClick);
  range.addEventListener('input', onInput);
  figure.addEventListener('keydown', onKey);
  figure.classList.add('dg-stepping');
  render();
  return {
    go,
    get step() {
      return current;
    },
    steps,
    destroy() {
      bar.removeEventListener('click', onClick);
      range.removeEventListener('input', onInput);
      figure.removeEventListener('keydown', onKey);
      bar.remove();
      fits?.disconnect();
      note.remove();
      for (const el of items) el.classList.remove('dg-future', 'dg-current');
    },
  };
}

/**
 * Render `trace` into `container` (replacing its content) and attach a stepper. A trace with more
 * events than `maxEvents` (default 1,500) is paginated: a page picker re-renders the chosen page.
 */
export function mountTraceStepper(
  container: HTMLElement,
  trace: DiagramTrace,
  options: RenderOptions & { caption?: string } = {},
): Stepper {
  ensureFigureStyle(container.ownerDocument);
  let inner: Stepper;
  let page = options.page ?? 0;
  const draw = () => {
    container.innerHTML = renderTraceFigure(trace, { ...options, page });
    const fig = container.querySelector<HTMLElement>('.dg-figure')!;
    const svg = fig.querySelector<SVGSVGElement>('svg.dg')!;
    const pages = Number(svg.dataset.pages ?? '1');
    inner = enhanceFigure(fig);
    if (pages > 1) {
      const nav = document.createElement('div');
      nav.className = 'dg-stepper dg-pages';
      const id = `${svg.id}-pagesel`;
      const label = document.createElement('label');
      label.htmlFor = id;
      label.textContent = 'Page of the run';
      const sel = document.createElement('select');
      sel.id = id;
      for (let i = 0; i < pages; i++) sel.append(new Option(`${i + 1} of ${pages}`, String(i), false, i === page));
      sel.addEventListener('change', () => {
        page = Number(sel.value);
        inner.destroy();
        draw();
        container.querySelector<HTMLSelectElement>('.dg-pages select')?.focus();
      });
      nav.append(label, sel);
      fig.querySelector('.dg-scroll')!.insertAdjacentElement('beforebegin', nav);
    }
  };
  draw();
  return {
    go: (k) => inner.go(k),
    get step() {
      return inner.step;
    },
    get steps() {
      return inner.steps;
    },
    destroy() {
      inner.destroy();
      container.innerHTML = '';
    },
  };
}

/**
 * For the exercise results panel: draw a failed test's `trace` (the simulator's `world.trace()` as
 * carried in Results) with a stepper. `caption` is shown under the figure.
 */
export function mountSimTrace(
  container: HTMLElement,
  simTrace: SimTraceLike,
  options: RenderOptions & { caption?: string; adapt?: AdaptOptions } = {},
): Stepper {
  const { adapt, ...render } = options;
  return mountTraceStepper(container, fromSimTrace(simTrace, { title: options.caption, ...adapt }), render);
}
