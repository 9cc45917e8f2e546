import { defineConfig } from 'vitest/config';

// Browser tests: real Chromium (Debian's /usr/bin/chromium via playwright-core) against the built site.
// Global setup builds the site at "/" and "/course/" and serves both (test/browser/setup.ts).
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    globalSetup: ['test/browser/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 240_000,
    // Each file launches one browser; two cores → at most two files at a time.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
