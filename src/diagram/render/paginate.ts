/** Step 2 of drawing: which of the time-ordered events this page shows (large traces are paginated). */
import type { Collected } from './collect';

export interface PageWindow {
  total: number;
  pages: number;
  /** Zero-based page drawn. */
  page: number;
  /** Inclusive range of time-order positions on this page. */
  lo: number;
  hi: number;
  /** Times of the page's first and last events (0 when the trace has none). */
  pageT0: number;
  pageT1: number;
  paged: boolean;
  /** Whether raw event `ri` is on this page. */
  inPage: (ri: number) => boolean;
}

export function paginate({ raw, order, rank }: Collected, maxEventsOption: number | undefined, pageOption: number | undefined): PageWindow {
  const maxEvents = Math.max(1, Math.floor(maxEventsOption ?? 1500));
  const total = raw.length;
  const pages = Math.max(1, Math.ceil(total / maxEvents));
  const page = Math.min(Math.max(0, Math.floor(pageOption ?? 0)), pages - 1);
  const lo = page * maxEvents;
  const hi = Math.min(total, lo + maxEvents) - 1;
  return {
    total,
    pages,
    page,
    lo,
    hi,
    pageT0: total ? raw[order[lo]].time : 0,
    pageT1: total ? raw[order[hi]].time : 0,
    paged: pages > 1,
    inPage: (ri) => rank[ri] >= lo && rank[ri] <= hi,
  };
}
