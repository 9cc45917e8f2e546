/** Public API of the diagram renderer (pure TypeScript, no DOM). */
export type { DiagramTrace, DiagramOp, DiagramMessage, DiagramSpan, DiagramMark, DiagramNode, LaneKind } from './model';
export { TraceError, validateTrace } from './model';
export { renderTrace, renderTraceDetailed, renderTraceFigure, inferKind } from './render';
export type { RenderOptions, Rendered, Layout, Lane, TimelineEvent } from './render';
export { hash32, fmtTime, fmtValue, esc } from './text';
export { fromSimTrace, journalMarks, defaultOpValue, errName } from './adapt';
export type { SimTraceLike, AdaptOptions } from './adapt';

/** Simulator trace (`world.trace()`, or Results.tests[i].trace) → SVG string, in one call. */
import { fromSimTrace as _from, type AdaptOptions as _AO, type SimTraceLike as _ST } from './adapt';
import { renderTrace as _render, type RenderOptions as _RO } from './render';
export function renderSimTrace(trace: _ST, options: _RO & { adapt?: _AO } = {}): string {
  const { adapt, ...rest } = options;
  return _render(_from(trace, adapt), rest);
}
