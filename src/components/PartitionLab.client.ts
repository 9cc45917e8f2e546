/**
 * Client side of <PartitionLab />: the simulator runs in a Worker (partition-lab.worker.ts; each
 * operation takes a few ms), the page draws the outcome, the table row and the diagram.
 */
import type { Level, OpKind, Zone, LabResult } from '../diagram/partition-lab';
import { mountTraceStepper, type Stepper } from '../diagram/stepper';
import { fmtTime } from '../diagram/text';
import type { LabAsk as Ask, LabReply, LabRequest, LabState } from './partition-lab.worker';

/** A lab in its Worker: each call resolves with the lab's state (and a run's result). */
function remoteLab(): (ask: Ask) => Promise<{ state: LabState; result?: LabResult }> {
  const worker = new Worker(new URL('./partition-lab.worker.ts', import.meta.url), { type: 'module', name: 'partition-lab' });
  const waiting = new Map<number, { resolve: (r: { state: LabState; result?: LabResult }) => void; reject: (e: Error) => void }>();
  let next = 0;
  worker.onmessage = (e: MessageEvent<LabReply>) => {
    const m = e.data;
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.ok) w.resolve({ state: m.state, result: m.result });
    else w.reject(new Error(m.message));
  };
  worker.onerror = (e) => {
    e.preventDefault();
    for (const w of waiting.values()) w.reject(new Error('the simulator could not start in this browser'));
    waiting.clear();
  };
  return (ask) =>
    new Promise((resolve, reject) => {
      const id = ++next;
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, ...ask } satisfies LabRequest);
    });
}

const outcomeClass = (r: LabResult) =>
  r.stale ? 'pl-bad' : r.outcome === 'ok' ? 'pl-good' : r.outcome === 'write-timeout' || r.outcome === 'client-timeout' ? 'pl-unknown' : 'pl-bad';

function describe(r: LabResult): string {
  const who = `Run ${r.n}: ${r.op} at ${r.level} from zone ${r.zone}`;
  const took = `after ${fmtTime(r.endMs - r.startMs)}`;
  if (r.outcome === 'ok') {
    if (r.op === 'write') return `${who} → ok, ${r.value} acknowledged ${took}.`;
    return `${who} → ok, read ${r.value}${r.stale ? ` — STALE: the latest acknowledged write is ${r.latestAcked}` : ''} (${took}).`;
  }
  if (r.outcome === 'write-timeout') return `${who} → WriteTimeout ${took}: outcome unknown — ${r.value} may have landed on some replicas and may surface later.`;
  return `${who} → ${r.outcomeText} ${took}. No value returned.`;
}

export function initPartitionLabs(): void {
  for (const root of document.querySelectorAll<HTMLElement>('[data-partition-lab]:not([data-ready])')) {
    root.dataset.ready = '';
    const live = root.querySelector<HTMLElement>('.pl-live')!;
    live.hidden = false;
    const seed = Number(root.dataset.seed ?? '7');
    const lab = remoteLab();
    let st: LabState | null = null;
    const state = root.querySelector<HTMLElement>('.pl-state')!;
    const outcome = root.querySelector<HTMLElement>('.pl-outcome')!;
    const form = root.querySelector<HTMLFormElement>('.pl-op')!;
    const tbody = root.querySelector<HTMLTableSectionElement>('.pl-log tbody')!;
    const diagram = root.querySelector<HTMLElement>('.pl-diagram')!;
    const isoButtons = [...root.querySelectorAll<HTMLButtonElement>('[data-isolate]')];
    const heal = root.querySelector<HTMLButtonElement>('[data-heal]')!;
    const wait = root.querySelector<HTMLButtonElement>('[data-wait]')!;
    let stepper: Stepper | null = null;

    const renderState = () => {
      if (!st) return;
      const v = st.replicas;
      const net = st.isolated ? `zone ${st.isolated} isolated since ${fmtTime(st.isolatedSince ?? 0)}` : 'no partition';
      state.textContent = `Time ${fmtTime(st.now)} · ${net} · replicas: A ${v.A}, B ${v.B}, C ${v.C} · latest acknowledged write: ${st.latestAcked}`;
      for (const b of isoButtons) b.setAttribute('aria-pressed', String(b.dataset.isolate === st.isolated));
      heal.disabled = st.isolated === null;
    };
    const ask = async (a: Ask) => {
      const r = await lab(a);
      st = r.state;
      return r;
    };

    // Operations run one after another, in the order the learner asked for them (a click while the
    // simulator is busy waits its turn); aria-busy is set while any is pending.
    let chain: Promise<void> = Promise.resolve();
    let pending = 0;
    const guard = (fn: () => Promise<void> | void): Promise<void> => {
      pending++;
      root.setAttribute('aria-busy', 'true');
      chain = chain.then(async () => {
        try {
          await fn();
        } catch (err) {
          outcome.textContent = `The simulator stopped: ${err instanceof Error ? err.message : String(err)}`;
        } finally {
          if (--pending === 0) root.removeAttribute('aria-busy');
          renderState();
        }
      });
      return chain;
    };

    for (const b of isoButtons) {
      b.addEventListener('click', () =>
        guard(async () => {
          const z = b.dataset.isolate as Zone;
          await ask({ kind: 'isolate', zone: st?.isolated === z ? null : z });
          outcome.textContent = st?.isolated ? `Zone ${st.isolated} is cut off from the other zones (its client too).` : 'Network healed.';
        }),
      );
    }
    heal.addEventListener('click', () =>
      guard(async () => {
        await ask({ kind: 'isolate', zone: null });
        outcome.textContent = 'Network healed. Hints and read repair bring stale replicas back.';
      }),
    );
    wait.addEventListener('click', () =>
      guard(async () => {
        await ask({ kind: 'wait', ms: Number(wait.dataset.wait) });
        outcome.textContent = `20 s of simulated time passed (now ${fmtTime(st?.now ?? 0)}).`;
      }),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const fd = new FormData(form);
      guard(async () => {
        const r = (await ask({ kind: 'run', zone: fd.get('zone') as Zone, op: fd.get('op') as OpKind, level: fd.get('level') as Level })).result!;
        outcome.innerHTML = '';
        const span = document.createElement('span');
        span.className = outcomeClass(r);
        span.textContent = describe(r);
        outcome.append(span);
        const tr = document.createElement('tr');
        const cells = [
          String(r.n),
          fmtTime(r.startMs),
          `zone ${r.zone}`,
          `${r.op} @${r.level}`,
          r.outcomeText,
          r.value === undefined || (r.op === 'read' && r.outcome !== 'ok') ? '—' : r.value,
          `${r.replicas.A} / ${r.replicas.B} / ${r.replicas.C}`,
        ];
        cells.forEach((c, i) => {
          const td = document.createElement('td');
          td.textContent = c;
          if (i === 4) td.className = outcomeClass(r);
          if (i === 5 && r.stale) {
            td.innerHTML = '';
            const s = document.createElement('span');
            s.className = 'pl-stale';
            s.textContent = `${c} (stale)`;
            td.append(s);
          }
          tr.append(td);
        });
        tbody.prepend(tr);
        stepper?.destroy();
        stepper = mountTraceStepper(diagram, r.trace, { caption: r.trace.title, idPrefix: `${root.id}-run-${r.n}` });
        root.dataset.runs = String(r.n);
      });
    });
    void guard(async () => {
      await ask({ kind: 'init', seed });
    });
  }
}
