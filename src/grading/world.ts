/**
 * The seam between the grader and the simulator (`src/sim/index.ts`, docs/CONTRACTS.md
 * "Simulator API"): the world fixture tests get from `ctx.world()`, the driver modules learner
 * code may `require`, and recognising the simulator's verdicts. Pure TypeScript.
 */
import {
  createWorld as simCreateWorld,
  drivers,
  SimulationError,
  type PublicWorld,
  type QueryRecord,
  type WorldOptions as SimWorldOptions,
} from '../sim/index';

/** One statement a driver received (`world.queries`). */
export type Query = QueryRecord;

/** The world a test gets from `ctx.world()`: the simulator's public world type. */
export type World = PublicWorld;
/** Options for `ctx.world()`: the simulator's, without `seed` (always `ctx.seed`). */
export type WorldOptions = Omit<SimWorldOptions, 'seed'>;

export type Budget = { maxVirtualMs?: number; maxEvents?: number };

/** Create a world seeded with the test's seed; the test's budgets apply unless `options.limits` sets them. */
export function createWorld(options: WorldOptions, seed: number, budget: Budget): World {
  const limits: Budget = {};
  if (budget.maxVirtualMs !== undefined) limits.maxVirtualMs = budget.maxVirtualMs;
  if (budget.maxEvents !== undefined) limits.maxEvents = budget.maxEvents;
  const { seed: _ignored, ...rest } = options as WorldOptions & { seed?: unknown };
  return simCreateWorld({ ...rest, seed, limits: { ...limits, ...rest.limits } });
}

/** Driver-shaped modules learner code may `require`. */
export const driverModules: Record<string, unknown> = drivers;

/** Is this the simulator's `SimulationError` (deadlock, budget, busy-wait, uncaught, usage)? */
export function isSimulationError(e: unknown): e is SimulationError {
  try {
    return e instanceof SimulationError;
  } catch {
    return false;
  }
}
