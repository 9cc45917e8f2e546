/**
 * Step 3 of drawing: the lanes (one column per client, coordinator, replica, …), ordered by kind,
 * placed left to right with room for their labels, and the diagram's width.
 */
import { inferKind, type DiagramNode, type DiagramTrace, type LaneKind } from '../model';
import type { Collected, OpItem } from './collect';
import { AXIS_W, CHAR_W, CHAR_W_BOLD, CLIENT_W, LANE_W, OP_LABEL_GAP, RIGHT_PAD } from './geometry';
import { opLabel, outcomeLabel, spanText } from './labels';
import type { Lane } from './types';

const KIND_ORDER: LaneKind[] = ['client', 'coordinator', 'replica', 'postgres', 'stream', 'processor', 'dlq', 'other'];

/** Lanes seen in the trace, then the declared replicas and coordinators that took no part. */
export function laneIds(trace: DiagramTrace, laneSeen: string[]): string[] {
  const ids = [...laneSeen];
  for (const n of trace.nodes ?? []) if (!ids.includes(n.id) && (n.kind === 'replica' || n.kind === 'coordinator')) ids.push(n.id);
  return ids;
}

interface LaneSpec {
  id: string;
  label: string;
  kind: LaneKind;
  zone?: string;
}

/** Lanes in drawing order: by kind, then as declared in trace.nodes, then by first appearance. */
function orderLanes(trace: DiagramTrace, known: Map<string, DiagramNode>, ids: string[]): LaneSpec[] {
  const specs = ids.map((id, i) => {
    const n = known.get(id);
    const kind = n?.kind ?? (id.startsWith('client ') ? 'client' : inferKind(id));
    const nodeIdx = trace.nodes ? trace.nodes.findIndex((x) => x.id === id) : -1;
    return { id, label: n?.label ?? (id.startsWith('client ') ? id.slice(7) : id), kind, zone: n?.zone, i, nodeIdx };
  });
  specs.sort(
    (a, b) =>
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
      (a.nodeIdx === -1 ? 1e9 : a.nodeIdx) - (b.nodeIdx === -1 ? 1e9 : b.nodeIdx) ||
      a.i - b.i,
  );
  return specs.map(({ id, label, kind, zone }) => ({ id, label, kind, zone }));
}

/** Widest operation label (invocation or outcome) per actor lane. */
function labelRoom(ops: OpItem[]): Map<string, number> {
  const room = new Map<string, number>();
  for (const o of ops) {
    const w = Math.max(opLabel(o.op).length * CHAR_W, o.done ? outcomeLabel(o).length * CHAR_W_BOLD : 0);
    room.set(o.lane, Math.max(room.get(o.lane) ?? 0, w));
  }
  return room;
}

/**
 * x of each lane. An actor's lane sits far enough right for its longest operation label
 * (right-aligned to it) to clear the time axis or the lane before it. Returns the lanes and the x
 * after the last one.
 */
function placeLanes(specs: LaneSpec[], ops: OpItem[]): { lanes: Lane[]; right: number } {
  const lanes: Lane[] = [];
  let x = AXIS_W;
  const actors = new Set(ops.map((o) => o.lane));
  const room = labelRoom(ops);
  for (const l of specs) {
    if (l.kind === 'client' || actors.has(l.id)) {
      const offset = Math.max(CLIENT_W - 48, Math.ceil((room.get(l.id) ?? 0) + OP_LABEL_GAP + 6));
      lanes.push({ ...l, x: x + offset });
      x += offset + 48;
    } else {
      lanes.push({ ...l, x: x + LANE_W / 2 });
      x += LANE_W;
    }
  }
  return { lanes, right: x };
}

/** Width that fits the lanes and the labels of marks and fault spans drawn right of their lanes. */
function diagramWidth(lanes: Lane[], right: number, { marks, spans }: Collected): number {
  let width = Math.max(right + RIGHT_PAD, 320);
  const lx = new Map(lanes.map((l) => [l.id, l.x]));
  for (const m of marks) width = Math.max(width, (lx.get(m.mark.node) ?? 0) + 16 + Math.min(40, m.mark.text.length) * 6);
  for (const sp of spans) {
    const first = sp.span.nodes.map((n) => lx.get(n)).find((v) => v !== undefined);
    if (first !== undefined) width = Math.max(width, first + 30 + Math.min(28, spanText(sp.span).length) * 6);
  }
  return width;
}

export function layoutLanes(trace: DiagramTrace, known: Map<string, DiagramNode>, ids: string[], items: Collected): { lanes: Lane[]; width: number } {
  const { lanes, right } = placeLanes(orderLanes(trace, known, ids), items.ops);
  return { lanes, width: diagramWidth(lanes, right, items) };
}
