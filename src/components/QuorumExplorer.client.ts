/** Client side of <QuorumExplorer />: exact math on the main thread, measurement in a Worker. */
import { analyzeQuorum, wilson, fractionText } from '../diagram/quorum';
import { quorumSentence, renderQuorumSets, replicaName } from '../diagram/quorum-view';
import type { MeasureRequest, MeasureReply } from './quorum.worker';

const TRIALS = 2000;

function options(select: HTMLSelectElement, max: number, keep: number): number {
  const v = Math.min(Math.max(1, keep), max);
  if (select.options.length !== max) {
    select.replaceChildren(...Array.from({ length: max }, (_, i) => new Option(String(i + 1), String(i + 1))));
  }
  select.value = String(v);
  return v;
}

/** One measurement worker shared by every explorer on the page, started on first use. */
interface MeasureWorker {
  /** Sends a request; `onReply` gets its progress and final reply. Null if no Worker could start. */
  send(req: Omit<MeasureRequest, 'job'>, onReply: (r: MeasureReply) => void): number | null;
}

function measureWorker(): MeasureWorker {
  let worker: Worker | null = null;
  let workerFailed = false;
  const pending = new Map<number, (r: MeasureReply) => void>();
  let jobSeq = 0;
  const start = (): Worker | null => {
    if (worker || workerFailed) return worker;
    try {
      worker = new Worker(new URL('./quorum.worker.ts', import.meta.url), { type: 'module' });
      worker.onmessage = (e: MessageEvent<MeasureReply>) => pending.get(e.data.job)?.(e.data);
      worker.onerror = () => {
        workerFailed = true;
        for (const cb of pending.values()) cb({ job: -1, kind: 'error', message: 'The simulator worker could not start.' });
      };
    } catch {
      workerFailed = true;
    }
    return worker;
  };
  return {
    send(req, onReply) {
      const wk = start();
      if (!wk) return null;
      const job = ++jobSeq;
      pending.set(job, (rep) => {
        if (rep.kind !== 'progress') pending.delete(job);
        onReply(rep);
      });
      wk.postMessage({ ...req, job } satisfies MeasureRequest);
      return job;
    },
  };
}

/** The sentence under the picture once the simulator has answered. */
function measuredSentence(rep: Exclude<MeasureReply, { kind: 'progress' }>, n: number, r: number, seed: number): string {
  if (rep.kind === 'error') return `Measured in the simulator: failed — ${rep.message}`;
  const { misses, trials, unavailable } = rep;
  if (unavailable === trials) {
    return `Measured in the simulator: all ${trials.toLocaleString('en')} attempts were refused as Unavailable (seed ${seed}).`;
  }
  const done = trials - unavailable;
  const [lo, hi] = wilson(misses, done);
  const p = (x: number) => `${(100 * x).toFixed(1)}%`;
  const how =
    rep.mode === 'read-path'
      ? 'reads through the simulated cluster, random coordinator'
      : `the simulator's PBS model — no consistency level reads exactly ${r} of ${n}`;
  return `Measured in the simulator (${how}): ${misses.toLocaleString('en')} of ${done.toLocaleString('en')} reads missed the write (${p(misses / done)}, 95% interval ${p(lo)}–${p(hi)}; seed ${seed}).`;
}

/** The cut-replica checkboxes, one per replica, keeping the ones already checked. */
function syncCutBoxes(cutList: HTMLElement, n: number, checked: number[]): void {
  if (cutList.querySelectorAll('input[name=cut]').length === n) return;
  const was = new Set(checked);
  cutList.replaceChildren(
    ...Array.from({ length: n }, (_, i) => {
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.name = 'cut';
      box.value = String(i);
      box.checked = was.has(i);
      label.append(box, ` ${replicaName(i)}`);
      return label;
    }),
  );
}

function initExplorer(root: HTMLElement, worker: MeasureWorker): void {
  root.dataset.ready = '';
  const live = root.querySelector<HTMLElement>('.qe-live')!;
  live.hidden = false;
  const form = root.querySelector<HTMLFormElement>('.qe-form')!;
  const selN = form.elements.namedItem('n') as HTMLSelectElement;
  const selR = form.elements.namedItem('r') as HTMLSelectElement;
  const selW = form.elements.namedItem('w') as HTMLSelectElement;
  const cutList = root.querySelector<HTMLElement>('.qe-cutlist')!;
  const pic = root.querySelector<HTMLElement>('.qe-pic')!;
  const exact = root.querySelector<HTMLElement>('.qe-exact')!;
  const measured = root.querySelector<HTMLElement>('.qe-measured')!;
  const again = root.querySelector<HTMLButtonElement>('.qe-again')!;
  const rows = [...root.querySelectorAll<HTMLTableRowElement>('.qe-table tbody tr')];
  let seed = 1;
  let current = 0;

  const cuts = (): number[] =>
    [...cutList.querySelectorAll<HTMLInputElement>('input[name=cut]')].filter((c) => c.checked).map((c) => Number(c.value));

  const measure = (n: number, r: number, w: number, cut: number[]) => {
    const runSeed = seed;
    let job: number | null = null;
    job = worker.send({ n, r, w, cut, trials: TRIALS, seed: runSeed }, (rep) => {
      if (rep.kind === 'progress' || job !== current) return;
      delete root.dataset.measuring;
      measured.textContent = measuredSentence(rep, n, r, runSeed);
      if (rep.kind === 'done' && rep.unavailable !== rep.trials) root.dataset.measured = `${rep.misses}/${rep.trials - rep.unavailable}`;
    });
    if (job === null) {
      current = 0;
      measured.textContent = 'Measured in the simulator: not available (this browser could not start a Worker).';
      return;
    }
    current = job;
    measured.textContent = `Measuring in the simulator (${TRIALS.toLocaleString('en')} trials, seed ${runSeed})…`;
    root.dataset.measuring = String(job);
  };

  const update = (remeasure = true) => {
    const n = Number(selN.value);
    const w = options(selW, n, Number(selW.value));
    const r = options(selR, n, Number(selR.value));
    syncCutBoxes(cutList, n, cuts());
    const cut = cuts();
    const a = analyzeQuorum({ n, r, w, cut });
    pic.innerHTML = renderQuorumSets(a, `${root.id}-pic`);
    exact.textContent = quorumSentence(a);
    root.dataset.miss = a.miss ? fractionText(a.miss) : 'unavailable';
    for (const row of rows) {
      const on = n === 3 && cut.length === 0 && Number(row.dataset.r) === r && Number(row.dataset.w) === w;
      row.classList.toggle('qe-current', on);
    }
    if (remeasure) measure(n, r, w, cut);
  };

  form.addEventListener('submit', (ev) => ev.preventDefault());
  form.addEventListener('change', () => update());
  again.addEventListener('click', () => {
    seed++;
    update();
  });
  update();
}

export function initQuorumExplorers(): void {
  const roots = document.querySelectorAll<HTMLElement>('[data-quorum-explorer]:not([data-ready])');
  if (roots.length === 0) return;
  const worker = measureWorker();
  for (const root of roots) initExplorer(root, worker);
}
