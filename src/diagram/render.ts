/**
 * Lamport / sequence diagram of a simulator run, as an SVG string.
 *
 * Lanes are columns (clients, coordinator, replicas, PostgreSQL, stream, processor, DLQ — only the
 * ones that appear); virtual time flows down. Long quiet gaps are compressed (log scale) and labelled,
 * so a 5 s timeout does not push everything off screen. Pure string building: no DOM, deterministic.
 *
 * This file composes the steps, each in ./render/: collect the trace's items and events (collect.ts),
 * paginate (paginate.ts), place the lanes (lanes.ts), map time to y (timescale.ts), draw (draw-*.ts),
 * and write the text alternative (summary.ts).
 */
import { validateTrace, type DiagramNode, type DiagramTrace } from './model';
import { esc, fmtTime, hash32 } from './text';
import { DIAGRAM_STYLE } from './style';
import { collect, whoOf } from './render/collect';
import { paginate, type PageWindow } from './render/paginate';
import { laneIds, layoutLanes } from './render/lanes';
import { timeScale, type TimeScale } from './render/timescale';
import { defs, drawAxis, drawFinals, drawLanes, pageBanner } from './render/draw-frame';
import { drawMarks, drawSpans } from './render/draw-annotations';
import { drawMessages } from './render/draw-messages';
import { drawOps } from './render/draw-ops';
import { summarize, timelineEvents } from './render/summary';
import { AXIS_W, r1, type Canvas } from './render/geometry';
import type { Lane, RenderOptions, Rendered } from './render/types';

export type { RenderOptions, Lane, TimelineEvent, Layout, Rendered } from './render/types';

/** The layers of the SVG body, bottom to top. */
interface Layers {
  spans: string[];
  lanes: string[];
  axis: string[];
  banner: string;
  msgs: string[];
  ops: string[];
  marks: string[];
  foot: string[];
}

interface Document {
  idPrefix: string;
  title: string;
  summary: string;
  width: number;
  scale: TimeScale;
  win: PageWindow;
  unit: 'ms' | 'us';
  origin: number;
  embedStyle: boolean;
}

function svgDocument(d: Document, layers: Layers): string {
  const { idPrefix, scale, win } = d;
  const width = Math.round(d.width);
  const height = Math.round(scale.height);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="dg" id="${idPrefix}" role="img" aria-labelledby="${idPrefix}-title ${idPrefix}-desc" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" data-steps="${scale.times.length}" data-ys="${scale.ys.map((v) => r1(v)).join(',')}" data-times="${scale.times.join(',')}" data-unit="${d.unit}" data-origin="${d.origin}" data-page="${win.page}" data-pages="${win.pages}" data-events="${win.total}">` +
    `<title id="${idPrefix}-title">${esc(d.title)}</title><desc id="${idPrefix}-desc">${esc(d.summary)}</desc>` +
    (d.embedStyle ? `<style>${DIAGRAM_STYLE.replaceAll('HATCH', `${idPrefix}-hatch`)}</style>` : '') +
    defs(idPrefix) +
    `<rect class="dg-bg" x="0" y="0" width="${width}" height="${height}"/>` +
    `<g class="dg-spans">${layers.spans.join('')}</g>` +
    `<g class="dg-lanes">${layers.lanes.join('')}</g>` +
    `<g class="dg-axisg">${layers.axis.join('')}</g>` +
    layers.banner +
    `<g class="dg-msgs">${layers.msgs.join('')}</g>` +
    `<g class="dg-ops">${layers.ops.join('')}</g>` +
    `<g class="dg-marks">${layers.marks.join('')}</g>` +
    `<g class="dg-foot">${layers.foot.join('')}</g>` +
    `<line class="dg-now" x1="${AXIS_W - 8}" x2="${width - 8}" y1="0" y2="0" visibility="hidden"/>` +
    `</svg>`
  );
}

/** Lays out and draws the trace. Throws TraceError with a precise message on malformed input. */
export function renderTraceDetailed(trace: DiagramTrace, options: RenderOptions = {}): Rendered {
  validateTrace(trace);
  const unit = trace.timeUnit ?? 'ms';
  const origin = trace.origin ?? 0;
  const ft = (t: number) => (origin ? '+' : '') + fmtTime(t - origin, unit);
  const known = new Map<string, DiagramNode>();
  for (const n of trace.nodes ?? []) known.set(n.id, n);

  const items = collect(trace, known, ft);
  const win = paginate(items, options.maxEvents, options.page);
  const ids = laneIds(trace, items.laneSeen);
  const { lanes, width } = layoutLanes(trace, known, ids, items);
  const scale = timeScale(items, win, unit);

  const idPrefix = options.idPrefix ?? `dg-${hash32(JSON.stringify([trace.title ?? '', win.total, win.pageT0, win.pageT1, ids]))}-${win.page}`;
  const title = options.title ?? trace.title ?? 'Sequence diagram of a simulator run';
  const canvas: Canvas = { idPrefix, scale, laneX: new Map(lanes.map((l) => [l.id, l.x])), inPage: win.inPage, ft };
  const clientLanes = new Set(lanes.filter((l: Lane) => l.kind === 'client').map((l) => l.id));
  const spans = drawSpans(items.spans, canvas, win, clientLanes);
  const layers: Layers = {
    spans: spans.out,
    lanes: drawLanes(lanes, scale.bodyEnd),
    axis: drawAxis(scale, ft, unit),
    banner: pageBanner(win),
    msgs: drawMessages(items.msgs, canvas, spans.labels),
    ops: drawOps(items.ops, items.msgs, canvas, whoOf(known)),
    marks: drawMarks(items.marks, canvas),
    foot: drawFinals(trace, canvas.laneX, scale.bodyEnd),
  };
  const events = timelineEvents(items, win, scale.stepOf);
  const summary = summarize(trace, items, lanes, win);
  const svg = svgDocument({ idPrefix, title, summary, width, scale, win, unit, origin, embedStyle: options.embedStyle !== false }, layers);
  const { times, ys, height } = scale;
  const { page, pages, total, lo, hi } = win;
  return {
    svg,
    summary,
    title,
    idPrefix,
    layout: { lanes, width, height, times, ys, events, page, pages, totalEvents: total, range: [lo + 1, hi + 1] },
  };
}

/** The exercise results panel's entry point: trace → SVG string (deterministic). */
export function renderTrace(trace: DiagramTrace, options: RenderOptions = {}): string {
  return renderTraceDetailed(trace, options).svg;
}

/**
 * The whole accessible figure as HTML: the scrollable SVG, a caption, and a <details> with the
 * events as an ordered list (the text alternative). Works with JavaScript off.
 */
export function renderTraceFigure(
  trace: DiagramTrace,
  options: RenderOptions & { caption?: string; open?: boolean } = {},
): string {
  const r = renderTraceDetailed(trace, options);
  const unit = trace.timeUnit ?? 'ms';
  const { layout } = r;
  const items = layout.events
    .map((e) => `<li value="${e.index + 1}" class="dg-ev dg-ev-${e.kind}" data-step="${e.step}"><span class="dg-ev-time">${esc((trace.origin ? '+' : '') + fmtTime(e.time - (trace.origin ?? 0), unit))}</span> ${esc(e.text)}</li>`)
    .join('');
  const pageNote =
    layout.pages > 1
      ? `<p class="dg-pagenote">This run has ${layout.totalEvents} events; this figure shows events ${layout.range[0]}–${layout.range[1]} (page ${layout.page + 1} of ${layout.pages}).</p>`
      : '';
  return (
    `<figure class="dg-figure" data-diagram="${r.idPrefix}">` +
    `<div class="dg-scroll" tabindex="0" role="group" aria-label="${esc(r.title)} (scrolls sideways)">${r.svg}</div>` +
    `<figcaption>${esc(options.caption ?? r.title)}</figcaption>` +
    pageNote +
    `<details class="dg-text"${options.open ? ' open' : ''}><summary>The run as text (${layout.events.length} event${layout.events.length === 1 ? '' : 's'})</summary>` +
    `<p>${esc(r.summary)}</p><ol>${items}</ol></details>` +
    `</figure>`
  );
}
