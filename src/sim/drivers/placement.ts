/**
 * Where a driver's client runs — its zone, its endpoint id, whether it fails over — is the test's to
 * say, not learner code's: a scenario such as "the API runs in zone A, and zone A is cut off" holds
 * only if learner code cannot construct a client elsewhere. The drivers honour the `sim` options
 * (beyond `world`, which must be a real world anyway) only from objects test code made: the World's
 * client methods, and tests through `trustSim` (src/sim/internal.ts). A client learner code
 * constructs runs where the test's application does (`World.appZone`).
 */
const trusted = new WeakSet<object>();

/** Marks `sim` options as the test's own (the drivers then honour them). */
export function trustSim<T extends object>(sim: T): T {
  trusted.add(sim);
  return sim;
}

/** The `sim` options a driver honours: all of them from test code; from anyone else only `world`. */
export function simOptions<T extends { world?: object }>(sim: T | undefined): { trusted: boolean; sim: Partial<T> } {
  if (!sim || typeof sim !== 'object') return { trusted: false, sim: {} };
  if (trusted.has(sim)) return { trusted: true, sim };
  return { trusted: false, sim: { world: sim.world } as Partial<T> };
}
