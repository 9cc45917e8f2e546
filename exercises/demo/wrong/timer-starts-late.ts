// rejects: withTimeout > gives up after 100 ms when every node is slow
// Starts its 100 ms timer only after a 1 ms tick ("once the request is on its way"): the timeout is measured from the wrong moment and rejects at 101 ms.
export type ConsistencyLevel = 'ANY' | 'ONE' | 'TWO' | 'THREE' | 'QUORUM' | 'ALL';

export function blockFor(cl: ConsistencyLevel, rf: number): number {
  switch (cl) {
    case 'ANY':
    case 'ONE':
      return 1;
    case 'TWO':
      return 2;
    case 'THREE':
      return 3;
    case 'QUORUM':
      return Math.floor(rf / 2) + 1;
    case 'ALL':
      return rf;
    default:
      throw new Error(`unknown consistency level ${String(cl)}`);
  }
}

function choose(a: number, b: number): number {
  if (b < 0 || b > a) return 0;
  let c = 1;
  for (let i = 0; i < b; i++) c = (c * (a - i)) / (i + 1);
  return c;
}

export function missProbability(n: number, r: number, w: number): number {
  return choose(n - w, r) / choose(n, r);
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  // start counting once the request is on its way
  const timeout = new Promise<never>((_, reject) => {
    setTimeout(() => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }, 1);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
