/** Public API of the diagram renderer (pure TypeScript, no DOM). */
export type { DiagramTrace, DiagramOp, DiagramMessage, DiagramSpan, DiagramMark, DiagramNode, LaneKind } from './model';
export { TraceError, validateTrace } from './model';
export { renderTrace, renderTraceDetailed, renderTraceFigure, inferKind } from './render';
export type { RenderOptions, Rendered, Layout, Lane, TimelineEvent } from './render';
export { hash32, fmtTime, fmtValue, esc } from './text';
