/**
 * Which world driver constructors bind to. Only a type import, so drivers and world avoid a cycle.
 */
import type { World } from './world';

let active: World | null = null;
let lastCreated: World | null = null;
/** Every world created in this realm: a driver binds only to one of these, never to a look-alike. */
const worlds = new WeakSet<object>();

/** The world whose run is in progress, else the most recently created one. */
export function currentWorld(): World | null {
  return active ?? lastCreated;
}

export function setActive(w: World | null): void {
  active = w;
}

export function setLastCreated(w: World): void {
  worlds.add(w);
  lastCreated = w;
}

/** The world whose run is in progress, if any. */
export function currentRunning(): World | null {
  return active;
}

/**
 * The world a driver constructor binds to: the test's (`sim.world`, which must be a real world),
 * else the current one.
 */
export function worldFor(bound: object | undefined): World | null {
  if (bound === undefined || bound === null) return currentWorld();
  if (!worlds.has(bound)) throw new TypeError('sim.world must be a world made by createWorld');
  return bound as World;
}
