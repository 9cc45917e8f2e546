import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { FAST_EXCLUDE, FAST_ISOLATED_INCLUDE, FAST_SHARED_INCLUDE, SLOW_EXCLUDE, slowInclude } from './test/tiers';

// Node tests in three projects (which file goes where: test/tiers.ts). `npx vitest run` runs all;
// `npm run test:fast` runs `fast` and `fast-isolated`, `npm run test:slow` runs `slow`.
// The browser tier has its own config (vitest.browser.config.ts).
export default defineConfig({
  test: {
    // Vitest's default, cores − 1 workers, leaves one of a 2-core machine's cores idle: at least two.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        test: {
          name: 'fast',
          include: FAST_SHARED_INCLUDE,
          exclude: [...FAST_EXCLUDE, 'node_modules/**'],
          // One module graph per worker for all its files: TypeScript, the simulator and fast-check
          // load once, not once per file (half the tier's CPU time was loading them).
          isolate: false,
          setupFiles: ['test/support/realm-untouched.ts'],
          // Pure unit tests take seconds; the limit is for a machine busy with other work.
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'fast-isolated',
          include: FAST_ISOLATED_INCLUDE,
          exclude: [...FAST_EXCLUDE, 'node_modules/**'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'slow',
          include: slowInclude(),
          exclude: [...SLOW_EXCLUDE, 'node_modules/**'],
          // Spawned CLIs, a content-layer sync, a database: generous for a loaded 2-core machine.
          testTimeout: 240_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
