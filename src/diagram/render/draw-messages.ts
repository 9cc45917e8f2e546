/**
 * Step 5 of drawing, messages: an arrow per message from its send to its delivery (a × where it was
 * dropped, a pale head while in flight), labelled with its type; a burst of identical sends is
 * labelled once ("mutation ×3").
 */
import { esc, fmtValue } from '../text';
import type { MsgItem } from './collect';
import type { LabelBox } from './draw-annotations';
import { HEAD_H, SMALL_CHAR_W, attrsStep, r1, type Canvas } from './geometry';

/** Sets the label of the first message of each burst (same sender, instant and type). */
function labelBursts(msgs: MsgItem[]): void {
  const groups = new Map<string, MsgItem[]>();
  for (const m of msgs) {
    if (m.send === undefined) continue;
    const k = `${m.from}|${m.send}|${m.type ?? ''}`;
    const g = groups.get(k);
    if (g) g.push(m);
    else groups.set(k, [m]);
  }
  for (const g of groups.values()) {
    g[0].label = (g[0].type ?? '') + (g.length > 1 ? ` ×${g.length}` : '');
  }
}

/** Labels of arrows leaving one lane at one instant are staggered along their arrows. */
function staggerLabels(msgs: MsgItem[]): Map<MsgItem, number> {
  const stagger = new Map<MsgItem, number>();
  const burst = new Map<string, number>();
  for (const m of msgs) {
    if (m.send === undefined || !m.label) continue;
    const k = `${m.from}|${m.send}`;
    const n = burst.get(k) ?? 0;
    burst.set(k, n + 1);
    stagger.set(m, [0.5, 0.78, 0.3, 0.62][n % 4]);
  }
  return stagger;
}

function messageTip(m: MsgItem, ft: (t: number) => string): string {
  const fate =
    m.status === 'delivered' ? `delivered ${ft(m.end!)}` : m.status === 'dropped' ? `dropped ${ft(m.end!)}${m.reason ? ` — ${m.reason}` : ''}` : 'still in flight at the end';
  return `${m.type ?? 'message'} ${m.from} → ${m.to}: sent ${m.send === undefined ? '(before this page)' : ft(m.send)}, ${fate}`;
}

interface Arrow {
  x0: number;
  x1: number;
  ya: number;
  yb: number;
}

/** The arrow's label, along it and clear of the fault spans' labels where it can be. */
function messageLabel(text: string, { x0, x1, ya, yb }: Arrow, f0: number, spanLabels: LabelBox[]): string {
  const label = fmtValue(text, 20);
  const at = (f: number) => ({ lx: x0 + (x1 - x0) * f, ly: ya + (yb - ya) * f - 3 });
  const clear = ({ lx, ly }: { lx: number; ly: number }) => {
    const hw = (label.length * SMALL_CHAR_W) / 2 + 6; // and a gap, so two labels never read as one
    return !spanLabels.some((b) => lx + hw > b.x0 && lx - hw < b.x1 && ly > b.y0 && ly - 10 < b.y1);
  };
  const { lx, ly } = [f0, 0.3, 0.7, 0.2, 0.8].map(at).find(clear) ?? at(f0);
  return `<text class="dg-msg-label" x="${r1(lx)}" y="${r1(ly)}" text-anchor="middle">${esc(label)}</text>`;
}

function drawMessage(m: MsgItem, c: Canvas, f0: number, spanLabels: LabelBox[]): string {
  const { times, bodyEnd, yOf, stepOf } = c.scale;
  const x0 = c.laneX.get(m.from)!;
  const x1 = c.laneX.get(m.to)!;
  const tS = m.send ?? m.end ?? 0;
  const ya = m.send === undefined ? HEAD_H : yOf(tS);
  const tE = m.end;
  let yb = tE === undefined ? bodyEnd : yOf(tE);
  if (yb <= ya) yb = ya + 8; // same-instant delivery: keep the arrow visibly sloped
  const s0 = stepOf(tS);
  const s1 = tE === undefined ? times.length - 1 : stepOf(tE);
  const cls = `dg-msg dg-msg-${m.status}`;
  const open = `<g class="${cls}" ${attrsStep(s0, s1)}><title>${esc(messageTip(m, c.ft))}</title>`;
  if (x0 === x1) {
    // message to self: a small loop
    return `${open}<path d="M${r1(x0)} ${r1(ya)} h18 V${r1(yb)} h-16" fill="none" marker-end="url(#${c.idPrefix}-arrow)"/></g>`;
  }
  let parts = open;
  if (m.status === 'dropped') {
    // the message gets 85% of the way, then ×
    const xe = x0 + (x1 - x0) * 0.85;
    const ye = ya + (yb - ya) * 0.85;
    parts += `<line x1="${r1(x0)}" y1="${r1(ya)}" x2="${r1(xe)}" y2="${r1(ye)}"/>`;
    parts += `<text class="dg-x" x="${r1(xe)}" y="${r1(ye + 5)}" text-anchor="middle">×</text>`;
  } else {
    parts += `<line x1="${r1(x0)}" y1="${r1(ya)}" x2="${r1(x1)}" y2="${r1(yb)}" marker-end="url(#${c.idPrefix}-arrow${m.status === 'inflight' ? '-f' : ''})"/>`;
  }
  if (m.label) parts += messageLabel(m.label, { x0, x1, ya, yb }, f0, spanLabels);
  return parts + '</g>';
}

export function drawMessages(msgs: MsgItem[], c: Canvas, spanLabels: LabelBox[]): string[] {
  labelBursts(msgs);
  const stagger = staggerLabels(msgs);
  const out: string[] = [];
  for (const m of msgs) if (m.ev.some(c.inPage)) out.push(drawMessage(m, c, stagger.get(m) ?? 0.5, spanLabels));
  return out;
}
