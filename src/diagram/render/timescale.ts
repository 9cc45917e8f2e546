/**
 * Step 4 of drawing: virtual time → y. Each distinct time on the page is one step; the gap between
 * steps grows with the log of the time between them, and long quiet gaps (≥ 500 ms) are labelled.
 */
import type { Collected } from './collect';
import { FOOT_H, HEAD_H, TOP_PAD, r1 } from './geometry';
import type { PageWindow } from './paginate';

export interface TimeScale {
  /** Distinct times on this page, ascending (at least one). */
  times: number[];
  /** y of each step. */
  ys: number[];
  /** Compressed gaps: where to label them and how long they were. */
  gaps: Array<{ y: number; dt: number }>;
  /** y where the lanes end (the final values sit below). */
  bodyEnd: number;
  height: number;
  /** Index of the last time ≤ t (times outside the page clamp to the page edges). */
  stepOf: (t: number) => number;
  /** y of any time, interpolated between steps. */
  yOf: (t: number) => number;
}

function pageTimes({ raw, order }: Collected, { lo, hi, total }: PageWindow): number[] {
  const timeSet = new Set<number>();
  for (let p = lo; p <= hi && total; p++) timeSet.add(raw[order[p]].time);
  const times = [...timeSet].sort((a, b) => a - b);
  if (times.length === 0) times.push(0);
  return times;
}

function stepYs(times: number[], unit: 'ms' | 'us', top: number): { ys: number[]; gaps: TimeScale['gaps'] } {
  const ys: number[] = [];
  const gaps: TimeScale['gaps'] = [];
  let y = top;
  times.forEach((t, i) => {
    if (i > 0) {
      const dtMs = (unit === 'us' ? (t - times[i - 1]) / 1000 : t - times[i - 1]);
      const step = 22 + Math.min(56, 9 * Math.log2(1 + dtMs));
      if (dtMs >= 500) gaps.push({ y: y + step / 2, dt: t - times[i - 1] });
      y += step;
    }
    ys.push(y);
  });
  return { ys, gaps };
}

function stepFinder(times: number[]): (t: number) => number {
  return (t) => {
    let a = 0;
    let b = times.length - 1;
    if (t <= times[0]) return 0;
    if (t >= times[b]) return b;
    while (a < b) {
      const m = (a + b + 1) >> 1;
      if (times[m] <= t) a = m;
      else b = m - 1;
    }
    return a;
  };
}

export function timeScale(items: Collected, win: PageWindow, unit: 'ms' | 'us'): TimeScale {
  const times = pageTimes(items, win);
  const { ys, gaps } = stepYs(times, unit, HEAD_H + TOP_PAD + (win.paged && win.page > 0 ? 14 : 0));
  const bodyEnd = r1(ys[ys.length - 1] + 30);
  const stepOf = stepFinder(times);
  const yOf = (t: number): number => {
    if (t < times[0]) return HEAD_H + 4;
    if (t > times[times.length - 1]) return bodyEnd;
    const i = stepOf(t);
    if (times[i] === t || i === times.length - 1) return ys[i];
    const f = (t - times[i]) / (times[i + 1] - times[i]);
    return ys[i] + f * (ys[i + 1] - ys[i]);
  };
  return { times, ys, gaps, bodyEnd, height: bodyEnd + FOOT_H, stepOf, yOf };
}
