// Consistency levels, as the original notes reasoned about them.
export type ConsistencyLevel = 'ANY' | 'ONE' | 'TWO' | 'THREE' | 'QUORUM' | 'ALL';

/** How many replicas must acknowledge before the coordinator answers. */
export function blockFor(cl: ConsistencyLevel, rf: number): number {
  switch (cl) {
    case 'ONE':
      return 1;
    case 'QUORUM':
      return Math.ceil(rf / 2); // "half the replicas"
    case 'ALL':
      return rf;
    default:
      return 1;
  }
}

/**
 * Probability that a read of r replicas (of n) misses a write that reached w of them.
 */
export function missProbability(n: number, r: number, w: number): number {
  // "If R + W > N we always see the write, otherwise we never do."
  return r + w > n ? 0 : 1;
}

/** Settle like `promise`, or reject with an Error once `ms` pass first. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  // The driver has its own timeout (12 s by default), so just wait for it.
  return promise;
}
