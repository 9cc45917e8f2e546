/**
 * Setup file of the `fast` project (vitest.config.ts), whose files share one module graph and one
 * realm per worker: a file that leaves the realm hardened (SES `lockdown()`, which grading learner
 * code does on its first run) or a built-in replaced would change every file that runs after it in
 * that worker. Fails the file that did it, naming the way out.
 */
import { afterAll, expect } from 'vitest';

const builtIns = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout, Promise: globalThis.Promise, Date: globalThis.Date };

afterAll(() => {
  expect(Object.isFrozen(Object.prototype), 'this file hardened the realm (SES lockdown): put it in an isolated folder (test/tiers.ts ISOLATED_FOLDERS)').toBe(false);
  for (const [name, value] of Object.entries(builtIns)) {
    expect((globalThis as Record<string, unknown>)[name] === value, `this file left globalThis.${name} replaced`).toBe(true);
  }
});
