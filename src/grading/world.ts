/**
 * The seam between the grader and the simulator: the world fixture tests get from `ctx.world()`.
 *
 * Until `src/sim` exposes its public API this module only declares the shape the grader needs;
 * `ctx.world()` then fails with a clear message. Pure TypeScript.
 */

/** Options passed through to the simulator when a test creates a world. */
export type WorldOptions = Record<string, unknown>;

/** A simulator world as the grader sees it. */
export interface World {
  /** A drawable trace of what happened (included in the results of failed tests). */
  trace?(): unknown;
  [key: string]: unknown;
}

export type WorldFactory = (options: WorldOptions, seed: number, budget: { maxVirtualMs?: number; maxEvents?: number }) => World;

export const createWorld: WorldFactory | null = null;

/** Driver-shaped modules learner code may `require`. */
export const driverModules: Record<string, unknown> = {};

/** Is this the simulator's `SimulationError` (deadlock, budget, busy-wait)? */
export function isSimulationError(e: unknown): e is { kind: string; message: string } {
  try {
    return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'SimulationError';
  } catch {
    return false;
  }
}
