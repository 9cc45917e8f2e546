/** The renderer's public types: its options and what it returns (the SVG and the layout behind it). */
import type { LaneKind } from '../model';

export interface RenderOptions {
  /** Prefix for element ids (must be unique in the page). Default: derived from the trace. */
  idPrefix?: string;
  /** Events per page; traces with more are paginated (and say so). Default 1500. */
  maxEvents?: number;
  /** Zero-based page to draw when paginated. Default 0. */
  page?: number;
  /** Embed the colour palette (<style>) in the SVG. Default true. */
  embedStyle?: boolean;
  /** Accessible title (default: trace.title or "Sequence diagram of a simulator run"). */
  title?: string;
}

export interface Lane {
  id: string;
  label: string;
  kind: LaneKind;
  zone?: string;
  x: number;
}

/** One thing that happened, in time order; what the text alternative and the stepper walk through. */
export interface TimelineEvent {
  index: number;
  time: number;
  /** Index of `time` among the page's distinct times (the stepper's unit). */
  step: number;
  text: string;
  kind: 'invoke' | 'ok' | 'fail' | 'info' | 'stale' | 'send' | 'deliver' | 'drop' | 'span-start' | 'span-end' | 'mark';
}

export interface Layout {
  lanes: Lane[];
  width: number;
  height: number;
  /** Distinct times drawn on this page, ascending; step k ↔ times[k]. */
  times: number[];
  /** y coordinate of each step. */
  ys: number[];
  events: TimelineEvent[];
  page: number;
  pages: number;
  totalEvents: number;
  /** [first, last] event index (1-based, inclusive) shown on this page. */
  range: [number, number];
}

export interface Rendered {
  svg: string;
  layout: Layout;
  /** Plain-language one-paragraph description (also in the SVG's <desc>). */
  summary: string;
  title: string;
  idPrefix: string;
}
