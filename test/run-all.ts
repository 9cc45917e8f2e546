/**
 * npm test: every tier, in order — `test:fast`, `test:slow`, `test:browser` — stopping at the first
 * that fails. The browser tier's two site builds (support/build-sites.ts) are made while the slow
 * tier runs: its spawned CLIs and grading processes leave part of the two cores idle, and the builds
 * touch nothing it reads. Not beside `test:fast`: its `astro sync` writes the `.astro/` a build writes.
 * The browser tier then tests those builds (SITE_REUSE_BUILD=1); each base path is built once.
 */
import { spawn } from 'node:child_process';
import { buildSites, ROOT_DIST, SUB_DIST } from '../support/build-sites';

/** `npm run <script>` with the terminal; resolves with its exit code (1 if a signal ended it). */
function npmRun(script: string, env: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', script], { stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('error', () => resolve(1));
    child.on('close', (code) => resolve(code ?? 1));
  });
}

type Built = { ok: true; seconds: number } | { ok: false; error: unknown };

async function main(): Promise<number> {
  const fast = await npmRun('test:fast');
  if (fast !== 0) return fast;

  const stop = new AbortController();
  const stopBuilds = () => stop.abort();
  process.once('SIGINT', stopBuilds).once('SIGTERM', stopBuilds);
  const built: Promise<Built> = buildSites({ signal: stop.signal }).then(
    (seconds) => ({ ok: true, seconds }),
    (error: unknown) => ({ ok: false, error }),
  );
  const slow = await npmRun('test:slow');
  if (slow !== 0) {
    stop.abort();
    await built;
    return slow;
  }
  const b = await built;
  if (!b.ok) {
    console.error(`\nnpm test: building the site for the browser tier failed:\n${b.error instanceof Error ? b.error.message : String(b.error)}`);
    return 1;
  }
  console.log(`\nnpm test: built ${ROOT_DIST} and ${SUB_DIST} in ${b.seconds.toFixed(1)} s, beside the slow tier`);
  return npmRun('test:browser', { SITE_REUSE_BUILD: '1' });
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
