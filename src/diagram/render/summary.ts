/** Steps 6 and 7 of drawing, the text alternative: the page's events in time order, and a one-paragraph summary. */
import type { DiagramTrace } from '../model';
import { fmtValue } from '../text';
import type { Collected, OpItem } from './collect';
import { spanText } from './labels';
import type { PageWindow } from './paginate';
import type { Lane, TimelineEvent } from './types';

export function timelineEvents({ raw, order }: Collected, { lo, hi, total }: PageWindow, stepOf: (t: number) => number): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  for (let p = lo; p <= hi && total; p++) {
    const e = raw[order[p]];
    events.push({ index: p, time: e.time, step: stepOf(e.time), text: e.text, kind: e.kind });
  }
  return events;
}

function opsSentence(ops: OpItem[]): string {
  if (!ops.length) return 'no client operations';
  const count = (k: OpItem['outcome']) => ops.filter((o) => o.outcome === k).length;
  const parts = [
    ['ok', count('ok')],
    ['failed', count('fail')],
    ['unknown outcome', count('info')],
    ['stale', count('stale')],
    ['unanswered', count('pending')],
  ]
    .filter(([, n]) => (n as number) > 0)
    .map(([w, n]) => `${n} ${w}`)
    .join(', ');
  return `${ops.length} client operation${ops.length === 1 ? '' : 's'} (${parts})`;
}

export function summarize(trace: DiagramTrace, { ops, msgs, spans }: Collected, lanes: Lane[], win: PageWindow): string {
  const final = trace.final ?? {};
  const finals = Object.keys(final);
  const dropped = msgs.filter((m) => m.status === 'dropped').length;
  const finalText = finals.length ? ` At the end: ${finals.map((id) => `${id} holds ${fmtValue(final[id], 20)}`).join('; ')}.` : '';
  const spanTextAll = spans.length ? ` Faults: ${spans.map((s) => spanText(s.span)).join('; ')}.` : '';
  const pageText = win.paged
    ? ` Large trace: showing events ${win.lo + 1}–${win.hi + 1} of ${win.total} (page ${win.page + 1} of ${win.pages}).`
    : '';
  return (
    `${trace.description ? trace.description.trim() + ' ' : ''}Lanes: ${lanes.map((l) => l.label).join(', ')}. ` +
    `${opsSentence(ops)}; ${msgs.length} message${msgs.length === 1 ? '' : 's'}${dropped ? `, ${dropped} dropped` : ''}.` +
    spanTextAll +
    finalText +
    pageText
  );
}
