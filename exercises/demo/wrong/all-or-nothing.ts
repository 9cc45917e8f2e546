// rejects: missProbability > R=W=1 of 3 misses two reads in three
export type ConsistencyLevel = 'ANY' | 'ONE' | 'TWO' | 'THREE' | 'QUORUM' | 'ALL';

export function blockFor(cl: ConsistencyLevel, rf: number): number {
  const levels: Record<string, number> = { ANY: 1, ONE: 1, TWO: 2, THREE: 3, QUORUM: Math.floor(rf / 2) + 1, ALL: rf };
  if (!(cl in levels)) throw new Error(`Unknown consistency level: ${cl}`);
  return levels[cl];
}

export function missProbability(n: number, r: number, w: number): number {
  // overlap means always consistent, no overlap means always stale
  return r + w > n ? 0 : 1;
}

/** Settle like `promise`, or reject with an Error once `ms` pass first. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
