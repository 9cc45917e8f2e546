// rejects: withTimeout > gives up after 100 ms when every node is slow
// Starts its timer at ms - 1: rejects 1 ms before the budget has passed.
export type ConsistencyLevel = 'ANY' | 'ONE' | 'TWO' | 'THREE' | 'QUORUM' | 'ALL';
const TABLE: Record<string, (rf: number) => number> = {
  ANY: () => 1,
  ONE: () => 1,
  TWO: () => 2,
  THREE: () => 3,
  QUORUM: (rf) => Math.floor(rf / 2) + 1,
  ALL: (rf) => rf,
};
export function blockFor(cl: ConsistencyLevel, rf: number): number {
  const f = Object.prototype.hasOwnProperty.call(TABLE, cl) ? TABLE[cl] : undefined;
  if (!f) throw new Error(`unknown consistency level: ${String(cl)}`);
  return f(rf);
}
function choose(a: number, b: number): number {
  if (b < 0 || b > a) return 0;
  let r = 1;
  for (let i = 1; i <= b; i++) r = (r * (a - b + i)) / i;
  return r;
}
export function missProbability(n: number, r: number, w: number): number {
  return choose(n - w, r) / choose(n, r);
}
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms - 1);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
