import { defineConfig } from 'vitest/config';
import { FAST_EXCLUDE, FAST_INCLUDE, SLOW_EXCLUDE, slowInclude } from './test/tiers';

// Two tiers of Node tests (which file goes where: test/tiers.ts). `npx vitest run` runs both;
// `npm run test:fast` runs `--project fast`, `npm run test:slow` runs `--project slow`.
// The browser tier has its own config (vitest.browser.config.ts).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'fast',
          include: FAST_INCLUDE,
          exclude: [...FAST_EXCLUDE, 'node_modules/**'],
          // Pure unit tests take seconds; the limit is for a machine busy with other work.
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
