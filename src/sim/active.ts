/**
 * Which world driver constructors bind to. Only a type import, so drivers and world avoid a cycle.
 */
import type { World } from './world';

let active: World | null = null;
let lastCreated: World | null = null;
/** Makes the blank world `blankWorldNext` promised, the first time a driver needs a world. */
let pendingBlank: (() => unknown) | null = null;
/** Every world created in this realm: a driver binds only to one of these, never to a look-alike. */
const worlds = new WeakSet<object>();

/** The world whose run is in progress, else the most recently created one. */
export function currentWorld(): World | null {
  if (active) return active;
  if (pendingBlank) {
    const make = pendingBlank;
    pendingBlank = null;
    make(); // sets lastCreated
  }
  return lastCreated;
}

/**
 * From now on, until another world is created, the current world is a new blank one made by `make`
 * (which must create a world). It is made only if a driver asks for it: most never do.
 */
export function blankWorldNext(make: () => unknown): void {
  pendingBlank = make;
  lastCreated = null;
}

export function setActive(w: World | null): void {
  active = w;
}

export function setLastCreated(w: World): void {
  worlds.add(w);
  lastCreated = w;
  pendingBlank = null;
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
