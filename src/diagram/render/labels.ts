/** The words the diagram puts on operations and fault spans (labels, tooltips, the text alternative). */
import type { DiagramOp, DiagramSpan } from '../model';
import { fmtValue } from '../text';

export type Outcome = 'ok' | 'fail' | 'info' | 'stale' | 'pending';

/** Reads show the value they returned; everything else shows the value it sent. */
export function isReadOp(f: string): boolean {
  return /^(read|get|query|pg-read|health|select)\b/.test(f);
}

export function opLabel(op: DiagramOp): string {
  const writeish = !isReadOp(op.f) && op.value !== undefined && op.value !== null;
  return `${op.f}${writeish ? ' ' + fmtValue(op.value, 14) : ''}${op.cl ? ' @' + op.cl : ''}`;
}

export function outcomeLabel(item: { done?: DiagramOp; outcome: Outcome }): string {
  const d = item.done;
  if (!d) return 'no answer yet';
  const isRead = isReadOp(d.f);
  switch (item.outcome) {
    case 'ok':
      return isRead ? `ok → ${fmtValue(d.value, 14)}` : 'ok';
    case 'stale':
      return `STALE → ${fmtValue(d.value, 12)}`;
    case 'fail':
      return `fail: ${fmtValue(d.error ?? d.value ?? 'error', 36)}`;
    case 'info':
      return `unknown: ${fmtValue(d.error ?? d.value ?? 'timeout', 15)}`;
    default:
      return '';
  }
}

export function spanText(s: DiagramSpan): string {
  if (s.label) return s.label;
  const who = s.nodes.join(', ');
  switch (s.kind) {
    case 'partition':
      return `${who} cut off`;
    case 'crash':
      return `${who} crashed`;
    case 'down':
      return `${who} down`;
    case 'pause':
      return `${who} paused`;
    case 'timeout':
      return `${who} waiting (timeout)`;
    case 'unavailable':
      return `${who} unavailable`;
    default:
      return who;
  }
}
