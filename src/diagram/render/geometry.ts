/** The diagram's fixed measures (pixels) and the small helpers every drawing step shares. */
import type { TimeScale } from './timescale';

/** Rounds a coordinate to one decimal, so the SVG text stays short and stable. */
export const r1 = (n: number) => Math.round(n * 10) / 10;
export const AXIS_W = 76;
export const CLIENT_W = 200;
/** Operation labels end this far left of their lane (clear of the bar and of a client lane's shading). */
export const OP_LABEL_GAP = 14;
/** Estimated advance of one character of an operation label (11 px system-ui; bold for outcomes). */
export const CHAR_W = 6.2;
export const CHAR_W_BOLD = 6.9;
/** …and of a 10 px message or fault-span label. */
export const SMALL_CHAR_W = 5.6;
export const LANE_W = 104;
export const HEAD_H = 54;
export const TOP_PAD = 16;
export const FOOT_H = 58;
export const RIGHT_PAD = 40;

/** The steps an element is visible from and to (the stepper shows and hides by them). */
export const attrsStep = (s: number, e = s) => `data-s="${s}" data-e="${e}"`;

/** What every drawing step needs to place an item: ids, the time scale, lane positions, the page. */
export interface Canvas {
  idPrefix: string;
  scale: TimeScale;
  laneX: Map<string, number>;
  /** Whether raw event `ri` is on this page. */
  inPage: (ri: number) => boolean;
  /** A time as shown (relative to the trace's origin, in its unit). */
  ft: (t: number) => string;
}
