// rejects: blockFor > QUORUM of RF=4 needs 3 replicas
export type ConsistencyLevel = 'ANY' | 'ONE' | 'TWO' | 'THREE' | 'QUORUM' | 'ALL';

export function blockFor(cl: ConsistencyLevel, rf: number): number {
  const levels: Record<string, number> = { ANY: 1, ONE: 1, TWO: 2, THREE: 3, QUORUM: Math.ceil(rf / 2), ALL: rf };
  if (!(cl in levels)) throw new Error(`Unknown consistency level: ${cl}`);
  return levels[cl];
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
