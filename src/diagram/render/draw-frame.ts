/** Step 5 of drawing, the frame: lane headers and life lines, the time axis, final values, page banner, defs. */
import type { DiagramTrace, LaneKind } from '../model';
import { esc, fmtTime, fmtValue } from '../text';
import { AXIS_W, HEAD_H, r1 } from './geometry';
import type { PageWindow } from './paginate';
import type { TimeScale } from './timescale';
import type { Lane } from './types';

const KIND_NAME: Record<LaneKind, string> = {
  client: 'client',
  coordinator: 'coordinator',
  replica: 'replica',
  postgres: 'PostgreSQL',
  stream: 'stream',
  processor: 'processor',
  dlq: 'DLQ',
  other: '',
};

/** The line under a lane's name: its zone and kind, when they add something to the name. */
function laneSubtitle(l: Lane): string {
  const kindName = KIND_NAME[l.kind];
  const showZone = l.zone && l.zone !== l.id.toLowerCase() && !['postgres', 'stream', 'dlq'].includes(l.kind) && !/^(pg|kafka|stream|dlq)$/i.test(l.zone);
  return [showZone ? `zone ${l.zone}` : '', l.kind === 'client' ? '' : kindName && kindName.toLowerCase() !== l.label.toLowerCase() && !l.label.toLowerCase().startsWith(kindName) ? kindName : '']
    .filter(Boolean)
    .join(' · ');
}

export function drawLanes(lanes: Lane[], bodyEnd: number): string[] {
  return lanes.map((l) => {
    const sub = laneSubtitle(l);
    return (
      `<g class="dg-lane dg-k-${l.kind}"><text class="dg-lane-name" x="${r1(l.x)}" y="22" text-anchor="middle">${esc(fmtValue(l.label, 16))}</text>` +
      (sub ? `<text class="dg-lane-sub" x="${r1(l.x)}" y="38" text-anchor="middle">${esc(sub)}</text>` : '') +
      `<line class="dg-life" x1="${r1(l.x)}" y1="${HEAD_H - 6}" x2="${r1(l.x)}" y2="${r1(bodyEnd)}"/></g>`
    );
  });
}

/** The axis line, a tick label per step (skipping crowded or repeated ones), and the compressed gaps. */
export function drawAxis({ times, ys, gaps, bodyEnd }: TimeScale, ft: (t: number) => string, unit: 'ms' | 'us'): string[] {
  const axisOut: string[] = [`<line class="dg-axis" x1="${AXIS_W - 8}" y1="${HEAD_H - 6}" x2="${AXIS_W - 8}" y2="${r1(bodyEnd)}"/>`];
  let lastLabel = -Infinity;
  let lastText = '';
  times.forEach((t, i) => {
    const text = ft(t);
    if (ys[i] - lastLabel < 15 || text === lastText) return;
    lastLabel = ys[i];
    lastText = text;
    axisOut.push(`<text class="dg-tick" x="${AXIS_W - 12}" y="${r1(ys[i] + 3)}" text-anchor="end">${esc(text)}</text>`);
  });
  for (const gp of gaps) {
    axisOut.push(`<text class="dg-gap" x="${AXIS_W - 12}" y="${r1(gp.y + 3)}" text-anchor="end">⋮ ${esc(fmtTime(gp.dt, unit))}</text>`);
  }
  return axisOut;
}

/** The value each node holds at the end, under its lane; one that differs from trace.expected is marked stale. */
export function drawFinals(trace: DiagramTrace, laneX: Map<string, number>, bodyEnd: number): string[] {
  const footOut: string[] = [];
  const final = trace.final ?? {};
  const finals = Object.keys(final);
  if (!finals.length) return footOut;
  const fy = r1(bodyEnd + 10);
  footOut.push(`<text class="dg-foot-title" x="${AXIS_W - 12}" y="${fy + 17}" text-anchor="end">at end</text>`);
  for (const id of finals) {
    const lx = laneX.get(id);
    if (lx === undefined) continue;
    const v = final[id];
    const stale = trace.expected !== undefined && JSON.stringify(v) !== JSON.stringify(trace.expected);
    footOut.push(
      `<g class="dg-final${stale ? ' dg-final-stale' : ''}"><title>${esc(`${id} holds ${fmtValue(v, 60)} at the end${stale ? ` (behind ${fmtValue(trace.expected, 40)})` : ''}`)}</title><rect x="${r1(lx - 46)}" y="${fy}" width="92" height="24" rx="4"/><text x="${r1(lx)}" y="${fy + 16}" text-anchor="middle">${esc(fmtValue(v, 13))}${stale ? ' ⚠' : ''}</text></g>`,
    );
  }
  return footOut;
}

export function pageBanner({ paged, lo, hi, total, page, pages }: PageWindow): string {
  return paged
    ? `<text class="dg-page" x="${AXIS_W}" y="${HEAD_H + 6}">Events ${lo + 1}–${hi + 1} of ${total} · page ${page + 1} of ${pages}${page > 0 ? ' · continued from the previous page' : ''}</text>`
    : '';
}

/** Arrow heads (delivered, in flight) and the hatch pattern fault spans are filled with. */
export function defs(idPrefix: string): string {
  return (
    `<defs><marker id="${idPrefix}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" class="dg-head"/></marker>` +
    `<marker id="${idPrefix}-arrow-f" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" class="dg-head-f"/></marker>` +
    `<pattern id="${idPrefix}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" class="dg-hatch-bg"/><line x1="0" y1="0" x2="0" y2="6" class="dg-hatch"/></pattern></defs>`
  );
}
