/** Which world driver constructors bind to (no imports, so drivers and world avoid a cycle). */
import type { World } from './world';

let active: World | null = null;
let lastCreated: World | null = null;

/** The world whose run is in progress, else the most recently created one. */
export function currentWorld(): World | null {
  return active ?? lastCreated;
}

export function setActive(w: World | null): void {
  active = w;
}

export function setLastCreated(w: World): void {
  lastCreated = w;
}

/** The world whose run is in progress, if any. */
export function currentRunning(): World | null {
  return active;
}
