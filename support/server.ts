/** Static server and site build used by the browser tests' global setup and by bench/pages.ts (no vitest import). */
import { createServer, type Server } from 'node:http';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import sirv from 'sirv';

export const ROOT = path.resolve(import.meta.dirname, '..');
/** Upper bound for one browser action or wait (click, goto, waitForSelector…) on a loaded machine. */
export const ACTION_TIMEOUT_MS = 120_000;
/** Where the browser suite builds dist-root/ and dist-sub/ (SITE_BUILD_DIR, default the repo root). */
export const DIST_BASE = path.resolve(ROOT, process.env.SITE_BUILD_DIR ?? '.');

/**
 * Serve a built site under `base` like a static host: directories → index.html, a missing path
 * under base → 404.html with status 404, anything outside base → plain 404.
 */
export async function startStaticServer(dir: string, base: string): Promise<{ url: string; close: () => Promise<void> }> {
  const prefix = base.replace(/\/?$/, '/');
  const serve = sirv(dir, { dev: false, etag: true, dotfiles: false, extensions: ['html'] });
  const notFound = existsSync(path.join(dir, '404.html')) ? readFileSync(path.join(dir, '404.html')) : Buffer.from('Not found');
  const server: Server = createServer((req, res) => {
    const u = req.url ?? '/';
    const send404 = () => {
      res.statusCode = 404;
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(notFound);
    };
    if (!(u === prefix.slice(0, -1) || u.startsWith(prefix))) return send404();
    if (u === prefix.slice(0, -1)) {
      res.statusCode = 301;
      res.setHeader('location', prefix);
      return res.end();
    }
    req.url = '/' + u.slice(prefix.length);
    serve(req, res, send404);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('server did not get a port');
  return {
    url: `http://127.0.0.1:${addr.port}${prefix}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The environment for a child `astro build`: vitest puts Vite's `import.meta.env` values (BASE_URL,
 * MODE, DEV, PROD, SSR) into process.env, and Astro would take BASE_URL="/" from there over the
 * configured base. Drop them (and VITEST*).
 */
export function buildEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (/^(BASE_URL|MODE|DEV|PROD|SSR|VITEST.*|TEST|NODE_ENV)$/.test(k)) delete env[k];
  return { ...env, ASTRO_TELEMETRY_DISABLED: '1', ...extra };
}

/** How a build runs: more environment, another checkout. */
export interface BuildOptions {
  env?: Record<string, string>;
  /** The checkout to build (default this one; bench/browser-vs-commit.ts builds older commits' worktrees). */
  srcDir?: string;
}

/** `astro build --outDir <outDir>` with BASE_PATH=<base> and a private cache dir; rejects with the build's output. */
export function buildSite(outDir: string, base: string, { env = {}, srcDir = ROOT }: BuildOptions = {}): Promise<void> {
  const name = path.basename(outDir);
  // A fresh cache per build: a cache reused across base paths was seen to leak the other base into pages.
  const cacheDir = path.join(srcDir, `.tmp/astro-cache-${name}`);
  rmSync(cacheDir, { recursive: true, force: true });
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(srcDir, 'node_modules/.bin/astro'), ['build', '--outDir', outDir], {
      cwd: srcDir,
      env: buildEnv({ BASE_PATH: base, ASTRO_CACHE_DIR: cacheDir, ...env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`astro build (${base} → ${outDir}) failed with code ${code}:\n${out}`))));
  });
}
