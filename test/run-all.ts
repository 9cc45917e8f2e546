/**
 * npm test: every tier (README, "Tests"), stopping at the first that fails:
 *   1. `test:fast`  — `check` beside the pure unit tests;
 *   2. `test:slow`, then `verify` — while the browser tier's two site builds run beside them
 *      (support/build-sites.ts). The builds need nothing from those tiers, and those tiers leave a
 *      core idle much of the time (spawned CLIs, a database, a grading process per exercise);
 *   3. `test:browser` on those builds (SITE_REUSE_BUILD=1: its global setup does not build again).
 * The builds start after `test:fast`, not beside it: `check` type-checks what `astro sync` writes into
 * `.astro/`, which a build writes too.
 */
import { spawn } from 'node:child_process';
import { buildSites } from '../support/build-sites';

/** `npm run <script>`, its output shown as it comes; resolves with its exit code. */
function npmRun(script: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', script], { stdio: 'inherit', env });
    child.on('error', () => resolve(1));
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Runs `scripts` one after another; the first non-zero exit code, or 0. */
async function inOrder(...scripts: string[]): Promise<number> {
  for (const s of scripts) {
    const code = await npmRun(s);
    if (code !== 0) return code;
  }
  return 0;
}

async function main(): Promise<number> {
  const fast = await npmRun('test:fast');
  if (fast !== 0) return fast;

  const stopBuilds = new AbortController();
  console.log('[npm test] building the site at / and at /course/ beside test:slow and verify…');
  const builds = buildSites(stopBuilds.signal).then(
    (seconds) => ({ ok: true as const, seconds }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  const node = await inOrder('test:slow', 'verify');
  if (node !== 0) {
    stopBuilds.abort();
    await builds;
    return node;
  }
  const built = await builds;
  if (!built.ok) {
    console.error(`[npm test] the site build failed:\n${built.error instanceof Error ? built.error.message : String(built.error)}`);
    return 1;
  }
  console.log(`[npm test] both sites built in ${built.seconds.toFixed(1)} s (beside test:slow and verify)`);
  return npmRun('test:browser', { ...process.env, SITE_REUSE_BUILD: '1' });
}

process.exitCode = await main();
