// rejects: blockFor > an unknown consistency level is an error
export type ConsistencyLevel = 'ANY' | 'ONE' | 'TWO' | 'THREE' | 'QUORUM' | 'ALL';

export function blockFor(cl: ConsistencyLevel, rf: number): number {
  if (cl === 'QUORUM') return Math.floor(rf / 2) + 1;
  if (cl === 'ALL') return rf;
  if (cl === 'TWO') return 2;
  if (cl === 'THREE') return 3;
  return 1; // ONE, ANY — and anything else
}

function choose(a: number, b: number): number {
  if (b < 0 || b > a) return 0;
  let c = 1;
  for (let i = 1; i <= b; i++) c = (c * (a - b + i)) / i;
  return c;
}

export function missProbability(n: number, r: number, w: number): number {
  return choose(n - w, r) / choose(n, r);
}

/** Settle like `promise`, or reject with an Error once `ms` pass first. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
