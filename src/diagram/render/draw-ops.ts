/**
 * Step 5 of drawing, client operations: a bar on the client's lane from invocation to completion,
 * the operation and its outcome labelled to its left, and request/response arrows to the
 * coordinator when the journal carries no client messages.
 */
import { esc } from '../text';
import type { MsgItem, OpItem, Who } from './collect';
import { OP_LABEL_GAP, attrsStep, r1, type Canvas } from './geometry';
import { opLabel, outcomeLabel } from './labels';

/** Labels on one lane never overlap: each is pushed below the previous one when too close. */
function labelPlacer(): (lane: string, y: number) => number {
  const labelY = new Map<string, number>();
  return (lane, y) => {
    const prev = labelY.get(lane) ?? -Infinity;
    const yy = Math.max(y, prev + 13);
    labelY.set(lane, yy);
    return yy;
  };
}

function lanesWithMessages(msgs: MsgItem[]): Set<string> {
  const lanes = new Set<string>();
  for (const m of msgs) {
    lanes.add(m.from);
    lanes.add(m.to);
  }
  return lanes;
}

interface OpDrawing {
  c: Canvas;
  who: Who;
  placeLabel: (lane: string, y: number) => number;
  lanesWithMsgs: Set<string>;
}

function drawOp(o: OpItem, { c, who, placeLabel, lanesWithMsgs }: OpDrawing): string {
  const { times, bodyEnd, yOf, stepOf } = c.scale;
  const lx = c.laneX.get(o.lane)!;
  const t0 = o.op.type === 'invoke' ? o.op.time : (o.done?.time ?? o.op.time);
  const t1 = o.done?.time;
  const y0 = yOf(t0);
  const y1 = t1 === undefined ? bodyEnd : yOf(t1);
  const s0 = stepOf(t0);
  const s1 = t1 === undefined ? times.length - 1 : stepOf(t1);
  const cls = `dg-op dg-op-${o.outcome}`;
  const tip = `${who(o.lane)}: ${opLabel(o.op)} at ${c.ft(t0)} → ${outcomeLabel(o)}${t1 !== undefined ? ` at ${c.ft(t1)}` : ''}`;
  let g = `<g class="${cls}" ${attrsStep(s0, s1)}><title>${esc(tip)}</title>`;
  g += `<rect class="dg-op-bar" x="${r1(lx - 4)}" y="${r1(y0)}" width="8" height="${r1(Math.max(3, y1 - y0))}" rx="2"/>`;
  if (o.op.type === 'invoke') g += `<text class="dg-op-inv" x="${r1(lx - OP_LABEL_GAP)}" y="${r1(placeLabel(o.lane, y0 + 4))}" text-anchor="end">${esc(opLabel(o.op))}</text>`;
  if (o.done) {
    const badge = outcomeLabel(o);
    g += `<text class="dg-op-out" ${attrsStep(s1)} x="${r1(lx - OP_LABEL_GAP)}" y="${r1(placeLabel(o.lane, y1 + 4))}" text-anchor="end">${esc(badge)}</text>`;
  }
  const coordX = o.op.node ? c.laneX.get(o.op.node) : undefined;
  if (coordX !== undefined && !lanesWithMsgs.has(o.lane)) {
    g += `<line class="dg-op-req" x1="${r1(lx + 4)}" y1="${r1(y0)}" x2="${r1(coordX)}" y2="${r1(y0)}" marker-end="url(#${c.idPrefix}-arrow)"/>`;
    if (o.done) g += `<line class="dg-op-req" ${attrsStep(s1)} x1="${r1(coordX)}" y1="${r1(y1)}" x2="${r1(lx + 4)}" y2="${r1(y1)}" marker-end="url(#${c.idPrefix}-arrow)"/>`;
  }
  return g + '</g>';
}

export function drawOps(ops: OpItem[], msgs: MsgItem[], c: Canvas, who: Who): string[] {
  const d: OpDrawing = { c, who, placeLabel: labelPlacer(), lanesWithMsgs: lanesWithMessages(msgs) };
  const out: string[] = [];
  for (const o of ops) if (o.ev.some(c.inPage)) out.push(drawOp(o, d));
  return out;
}
