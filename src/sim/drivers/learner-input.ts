/**
 * What the simulated drivers keep of learner input. A learner's array is read by index into an
 * array of the driver's own, once: never through the array's own `map`, `slice`, `find` or iterator,
 * which could hand the database or the broker other values than were sent (an object whose code the
 * tests' checks would then run), nor kept live (changed after the call, the record would change).
 */
export function ownItems(a: readonly unknown[]): unknown[] {
  const n = a.length;
  // the usual length: an array of exactly that size (a record keeps it; pushing would reserve 17 slots)
  if (n >= 0 && n <= 64 && n === Math.floor(n)) {
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = a[i];
    return out;
  }
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) out.push(a[i]);
  return out;
}
