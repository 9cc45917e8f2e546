import { defineConfig } from 'vitest/config';
import { BROWSER_INCLUDE } from './test/tiers';
import { LongestFirst } from './test/browser/sequencer';

// Browser tests: real Chromium (Debian's /usr/bin/chromium via playwright-core) against the built site.
// Global setup builds the site at "/" and "/course/" once and serves both (test/browser/setup.ts).
// Limits are upper bounds for a 2-core machine busy with other work (a test ends as soon as the state
// it waits for is there): no test should need them on a quiet machine.
export default defineConfig({
  test: {
    include: BROWSER_INCLUDE,
    globalSetup: ['test/browser/setup.ts'],
    // BROWSER_CPU_LOG=<file>: each file appends its CPU and wall seconds (bench/test-times.sh reads them).
    setupFiles: ['test/browser/cpu-meter.ts'],
    // One module graph per worker: playwright-core, axe-core and the helpers load once per worker,
    // not once per file (importing them took 46 s of the tier's 820 test-file seconds). Test files
    // keep their state in their own module scope (re-run per file); the shared helpers hold none.
    isolate: false,
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // expect.poll waits for a state; its default (1 s) is a timing assumption.
    expect: { poll: { timeout: 120_000, interval: 100 } },
    // Each worker runs one Chromium (shared by its files: helpers.ts launch()); two cores → two workers, two files at a time.
    maxWorkers: 2,
    fileParallelism: true,
    // The longest files first, also on a clean clone (test/browser/sequencer.ts).
    sequence: { sequencer: LongestFirst },
  },
});
