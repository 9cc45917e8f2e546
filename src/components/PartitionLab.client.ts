/** Client side of <PartitionLab />: runs the simulator in the page (each operation is a few ms). */
import { PartitionLab, type Level, type OpKind, type Zone, type LabResult } from '../diagram/partition-lab';
import { mountTraceStepper, type Stepper } from '../diagram/stepper';
import { fmtTime } from '../diagram/text';

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
    const lab = new PartitionLab(seed);
    const state = root.querySelector<HTMLElement>('.pl-state')!;
    const outcome = root.querySelector<HTMLElement>('.pl-outcome')!;
    const form = root.querySelector<HTMLFormElement>('.pl-op')!;
    const tbody = root.querySelector<HTMLTableSectionElement>('.pl-log tbody')!;
    const diagram = root.querySelector<HTMLElement>('.pl-diagram')!;
    const isoButtons = [...root.querySelectorAll<HTMLButtonElement>('[data-isolate]')];
    const heal = root.querySelector<HTMLButtonElement>('[data-heal]')!;
    const wait = root.querySelector<HTMLButtonElement>('[data-wait]')!;
    let stepper: Stepper | null = null;
    let busy = false;

    const renderState = () => {
      const v = lab.replicaValues();
      const net = lab.isolated ? `zone ${lab.isolated} isolated since ${fmtTime(lab.isolatedSince ?? 0)}` : 'no partition';
      state.textContent = `Time ${fmtTime(lab.now)} · ${net} · replicas: A ${v.A}, B ${v.B}, C ${v.C} · latest acknowledged write: ${lab.latestAcked}`;
      for (const b of isoButtons) b.setAttribute('aria-pressed', String(b.dataset.isolate === lab.isolated));
      heal.disabled = lab.isolated === null;
    };

    const guard = async (fn: () => Promise<void> | void) => {
      if (busy) return;
      busy = true;
      root.setAttribute('aria-busy', 'true');
      try {
        await fn();
      } catch (err) {
        outcome.textContent = `The simulator stopped: ${err instanceof Error ? err.message : String(err)}`;
      } finally {
        busy = false;
        root.removeAttribute('aria-busy');
        renderState();
      }
    };

    for (const b of isoButtons) {
      b.addEventListener('click', () =>
        guard(() => {
          const z = b.dataset.isolate as Zone;
          lab.setIsolation(lab.isolated === z ? null : z);
          outcome.textContent = lab.isolated ? `Zone ${lab.isolated} is cut off from the other zones (its client too).` : 'Network healed.';
        }),
      );
    }
    heal.addEventListener('click', () =>
      guard(() => {
        lab.setIsolation(null);
        outcome.textContent = 'Network healed. Hints and read repair bring stale replicas back.';
      }),
    );
    wait.addEventListener('click', () =>
      guard(async () => {
        await lab.wait(Number(wait.dataset.wait));
        outcome.textContent = `20 s of simulated time passed (now ${fmtTime(lab.now)}).`;
      }),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const fd = new FormData(form);
      guard(async () => {
        const r = await lab.run(fd.get('zone') as Zone, fd.get('op') as OpKind, fd.get('level') as Level);
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
    renderState();
  }
}
