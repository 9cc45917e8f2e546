// rejects: withTimeout > settles like the promise: a rejection that is not an Error comes through unchanged
export type ConsistencyLevel = 'ANY' | 'ONE' | 'TWO' | 'THREE' | 'QUORUM' | 'ALL';

/** How many replicas must acknowledge before the coordinator answers. */
export function blockFor(cl: ConsistencyLevel, rf: number): number {
  switch (cl) {
    case 'ANY': // a stored hint counts as the one acknowledgement
    case 'ONE':
      return 1;
    case 'TWO':
      return 2;
    case 'THREE':
      return 3;
    case 'QUORUM':
      return Math.floor(rf / 2) + 1; // a majority
    case 'ALL':
      return rf;
    default:
      throw new Error(`Unknown consistency level: ${String(cl)}`);
  }
}

function choose(a: number, b: number): number {
  if (b < 0 || b > a) return 0;
  let c = 1;
  for (let i = 1; i <= b; i++) c = (c * (a - b + i)) / i;
  return c;
}

/**
 * Probability that a read of r replicas (of n) misses a write that reached w of them.
 */
export function missProbability(n: number, r: number, w: number): number {
  return choose(n - w, r) / choose(n, r);
}

/** Settle like `promise`, or reject with an Error once `ms` pass first. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  // turns a rejection that is not an Error into one: not what the promise rejected with
  const asError = (e: unknown) => (e instanceof Error ? e : new Error(String(e)));
  const settled = promise.catch((e: unknown) => Promise.reject(asError(e)));
  return Promise.race([settled, timeout]).finally(() => clearTimeout(timer));
}
