/**
 * What the simulated drivers keep of learner input. A learner's array is read by index into an
 * array of the driver's own, once: never through the array's own `map`, `slice`, `find` or iterator,
 * which could hand the database or the broker other values than were sent (an object whose code the
 * tests' checks would then run), nor kept live (changed after the call, the record would change).
 */
export function ownItems(a: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (let i = 0, n = a.length; i < n; i++) out.push(a[i]);
  return out;
}
