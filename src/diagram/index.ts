/**
 * Public entry of src/diagram (pure TypeScript, no DOM): the trace → SVG renderer, and the lab half
 * (lesson scenes run on the simulator, the quorum explorer's maths and views, the partition lab).
 * Page and worker bundles may import a single module instead (stepper, quorum, quorum-view,
 * quorum-measure, partition-lab, text, style), so a page loads only that module; the dependency
 * test (test/boundaries.test.ts) lists them.
 */
export type { DiagramTrace, DiagramOp, DiagramMessage, DiagramSpan, DiagramMark, DiagramNode, LaneKind } from './model';
export { TraceError, validateTrace, inferKind } from './model';
export { renderTrace, renderTraceDetailed, renderTraceFigure } from './render';
export type { RenderOptions, Rendered, Layout, Lane, TimelineEvent } from './render';
export { hash32, fmtTime, fmtValue, esc } from './text';
export { fromSimTrace, journalMarks, defaultOpValue, errName } from './adapt';
export type { SimTraceLike, AdaptOptions } from './adapt';
export { SCENES, sceneTrace, renderScene } from './scenes';
export type { Scene, SceneName } from './scenes';
export { DIAGRAM_STYLE, FIGURE_STYLE } from './style';
export { binom, fractionText, MAX_N, validateQuorum, analyzeQuorum, exactTable, wilson } from './quorum';
export type { Fraction, QuorumInput, QuorumAnalysis } from './quorum';
export { replicaName, quorumSentence, renderQuorumSets } from './quorum-view';
export { ZONES, LEVELS, PartitionLab, classify } from './partition-lab';
export type { Zone, OpKind, Level, LabResult } from './partition-lab';
export { levelFor, measureQuorumChunked } from './quorum-measure';
export type { MeasureInput, MeasureResult, MeasureControl } from './quorum-measure';

/** Simulator trace (`world.trace()`, or Results.tests[i].trace) → SVG string, in one call. */
import { fromSimTrace as _from, type AdaptOptions as _AO, type SimTraceLike as _ST } from './adapt';
import { renderTrace as _render, type RenderOptions as _RO } from './render';
export function renderSimTrace(trace: _ST, options: _RO & { adapt?: _AO } = {}): string {
  const { adapt, ...rest } = options;
  return _render(_from(trace, adapt), rest);
}
