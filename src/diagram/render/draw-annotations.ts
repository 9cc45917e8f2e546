/** Step 5 of drawing, lane annotations: fault spans (shaded under everything else) and point marks. */
import { esc, fmtValue } from '../text';
import type { MarkItem, SpanItem } from './collect';
import { HEAD_H, SMALL_CHAR_W, attrsStep, r1, type Canvas } from './geometry';
import { spanText } from './labels';
import type { PageWindow } from './paginate';

/** Where a fault span's label is drawn (message labels keep clear of it). */
export interface LabelBox {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** A span is drawn when one of its events is on the page or it covers the whole page. */
function spanOnPage(s: SpanItem, c: Canvas, { pageT0, pageT1 }: PageWindow): boolean {
  return s.ev.some(c.inPage) || (s.span.start < pageT0 && (s.span.end ?? Infinity) > pageT1);
}

function drawSpan(s: SpanItem, c: Canvas, clientLanes: Set<string>, out: string[], labels: LabelBox[]): void {
  const { times, bodyEnd, yOf, stepOf } = c.scale;
  const y0 = Math.max(HEAD_H, s.span.start < times[0] ? HEAD_H : yOf(s.span.start));
  const y1 = s.span.end === undefined || s.span.end > times[times.length - 1] ? bodyEnd : yOf(s.span.end);
  const st = stepOf(s.span.start);
  const cls = `dg-span dg-span-${s.span.kind}`;
  const txt = spanText(s.span);
  const hit = s.span.nodes.filter((n) => c.laneX.has(n));
  hit.map((n) => c.laneX.get(n)!).forEach((lx, k) => {
    // a client lane's shading stays narrow: its operation labels sit just left of it
    const half = s.span.kind === 'timeout' ? 9 : clientLanes.has(hit[k]) ? 10 : 22;
    out.push(
      `<rect class="${cls}" ${attrsStep(st, stepOf(s.span.end ?? Infinity))} x="${r1(lx - half)}" y="${r1(y0)}" width="${half * 2}" height="${r1(Math.max(4, y1 - y0))}" rx="3"><title>${esc(txt)}</title></rect>`,
    );
    if (k === 0) {
      const label = fmtValue(txt, 28);
      labels.push({ x0: lx + half + 3, x1: lx + half + 3 + label.length * SMALL_CHAR_W, y0: y0 + 1, y1: y0 + 14 });
      out.push(`<text class="dg-span-label dg-span-label-${s.span.kind}" ${attrsStep(st)} x="${r1(lx + half + 3)}" y="${r1(y0 + 11)}">${esc(label)}</text>`);
    }
  });
}

/** Fault spans shade the lanes they hit; the first lane's shading is labelled. */
export function drawSpans(spans: SpanItem[], c: Canvas, win: PageWindow, clientLanes: Set<string>): { out: string[]; labels: LabelBox[] } {
  const out: string[] = [];
  const labels: LabelBox[] = [];
  for (const s of spans) if (spanOnPage(s, c, win)) drawSpan(s, c, clientLanes, out, labels);
  return { out, labels };
}

export function drawMarks(marks: MarkItem[], c: Canvas): string[] {
  const out: string[] = [];
  for (const m of marks) {
    if (!m.ev.some(c.inPage)) continue;
    const lx = c.laneX.get(m.mark.node)!;
    const my = c.scale.yOf(m.mark.time);
    const st = c.scale.stepOf(m.mark.time);
    out.push(
      `<g class="dg-mark dg-mark-${m.mark.kind ?? 'info'}" ${attrsStep(st)}><title>${esc(`${m.mark.node} at ${c.ft(m.mark.time)}: ${m.mark.text}`)}</title><circle cx="${r1(lx)}" cy="${r1(my)}" r="4.5"/><text x="${r1(lx + 8)}" y="${r1(my - 5)}">${esc(fmtValue(m.mark.text, 40))}</text></g>`,
    );
  }
  return out;
}
