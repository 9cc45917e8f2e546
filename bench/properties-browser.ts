/**
 * Issue 12, "Must show": each core exercise's Submit median in headless Chromium with the property
 * phase at most 1.25× the Submit of the commit before the property phase, measured back to back on
 * the same machine.
 *
 * Builds the site at BASE (default 93360c0, the parent of a1b8013, the commit that gave the first
 * core exercises their property phase; dlq-processor got its own later, so at BASE no core exercise
 * has one) and at HEAD, each from a temporary git worktree (node_modules shared), caching each build
 * under dist-bench-sites/<commit>/ (REBUILD=1 rebuilds). Serves both on localhost and, in one headless
 * Chromium, alternates Submits of each exercise's reference solution (as of that commit) on the two
 * sites, swapping which goes first every rep. Each Submit is timed in the page (performance.now, from
 * the documented test hook's run('submit') call to results rendered) and by the CPU time of the
 * Chromium process tree over that Submit (/proc: the browser, its renderers and their worker
 * threads; nothing else runs in the browser meanwhile). Records the `uptime` load average before and
 * after. Writes bench/results/properties-browser.md (OUT= to change).
 *   npx tsx bench/properties-browser.ts      (BASE=<rev>, SUBMITS=7, IDS=read-fallback,dlq-processor,health-check)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launch } from '../support/browser';
import { buildSite, ROOT, startStaticServer } from '../support/server';

const BASE = process.env.BASE ?? '93360c0';
const SUBMITS = Number(process.env.SUBMITS ?? 7);
const IDS = process.env.IDS ? process.env.IDS.split(',') : ['read-fallback', 'dlq-processor', 'health-check'];
const OUT = process.env.OUT ?? 'properties-browser.md';
const SITES = path.join(ROOT, 'dist-bench-sites');
/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on Linux). */
const HZ = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();

/** The built site of commit `sha`: from the cache, or built from a temporary worktree of that commit. */
async function siteAt(sha: string): Promise<string> {
  const out = path.join(SITES, sha);
  if (process.env.REBUILD !== '1' && existsSync(path.join(out, 'playground/read-fallback/index.html'))) return out;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(SITES, { recursive: true });
  const wt = path.join(os.tmpdir(), `bench-site-${sha.slice(0, 12)}-${process.pid}`);
  git('worktree', 'add', '--quiet', '--detach', wt, sha);
  try {
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(wt, 'node_modules'), 'dir');
    console.log(`building the site at ${sha.slice(0, 7)} (${wt})…`);
    await buildSite(out, '/', { srcDir: wt });
  } finally {
    git('worktree', 'remove', '--force', wt);
  }
  return out;
}

/** CPU seconds (user + system) of every process descending from this one: the browser and its children. */
function browserCpuSeconds(): number {
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] = state (field 3)
    parent.set(Number(name), Number(f[1]));
    ticks.set(Number(name), Number(f[11]) + Number(f[12])); // utime, stime (fields 14, 15)
  }
  const isOurs = (pid: number): boolean => {
    for (let p = parent.get(pid), hops = 0; p !== undefined && p > 1 && hops < 64; p = parent.get(p), hops++) if (p === process.pid) return true;
    return false;
  };
  let sum = 0;
  for (const [pid, t] of ticks) if (isOurs(pid)) sum += t;
  return sum / HZ;
}

type Side = { name: string; sha: string; url: string };
type Sample = { wall: number; cpu: number };

/** The exercise's playground on `side`, with that commit's reference solution in the editor and one untimed Submit behind it. */
async function openExercise(browser: Browser, side: Side, id: string): Promise<{ page: Page; tests: number }> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
  const page = await ctx.newPage();
  await page.goto(`${side.url}playground/${id}/`);
  await page.locator('qc-exercise').scrollIntoViewIfNeeded();
  await page.waitForSelector('qc-exercise[data-state="ready"]', { timeout: 180_000 });
  const solution = git('show', `${side.sha}:exercises/${id}/solution.ts`);
  await page.evaluate(([i, code]) => window.__exerciseEditors![i].setValue(code), [id, solution] as const);
  await page.evaluate((i) => window.__exerciseEditors![i].warm, id);
  const first = await submit(page, id, side); // loads the simulator chunks; untimed
  return { page, tests: first.tests };
}

async function submit(page: Page, id: string, side: Side): Promise<Sample & { tests: number }> {
  const c0 = browserCpuSeconds();
  const r = await page.evaluate(async (i) => {
    const t0 = performance.now();
    const o = await window.__exerciseEditors![i].run('submit');
    return { ms: performance.now() - t0, status: o?.results.status, tests: o?.results.tests.length ?? 0, message: o?.results.message };
  }, id);
  const cpu = (browserCpuSeconds() - c0) * 1000;
  if (r.status !== 'pass') throw new Error(`${id} at ${side.name}: the reference solution's Submit did not pass: ${JSON.stringify(r)}`);
  return { wall: r.ms, cpu, tests: r.tests };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();

async function main() {
  const before: Side = { name: 'before', sha: git('rev-parse', BASE), url: '' };
  const after: Side = { name: 'after', sha: git('rev-parse', 'HEAD'), url: '' };
  if (git('status', '--porcelain', '--untracked-files=no')) console.warn('note: the working tree has uncommitted changes; "after" is HEAD as committed');
  const dirs = [await siteAt(before.sha), await siteAt(after.sha)];
  const servers = await Promise.all(dirs.map((d) => startStaticServer(d, '/')));
  before.url = servers[0].url;
  after.url = servers[1].url;
  const browser = await launch();
  const version = browser.version();
  const upStart = uptime();
  const rows: string[] = [];
  try {
    for (const id of IDS) {
      const b = await openExercise(browser, before, id);
      const a = await openExercise(browser, after, id);
      const xs = { before: [] as Sample[], after: [] as Sample[] };
      for (let i = 0; i < SUBMITS; i++) {
        // alternate which site goes first, so a change in the machine's load hits both alike
        const order = i % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const);
        for (const k of order) {
          const side = k === 'before' ? before : after;
          xs[k].push(await submit((k === 'before' ? b : a).page, id, side));
        }
      }
      await b.page.context().close();
      await a.page.context().close();
      const m = (s: Sample[], f: keyof Sample) => median(s.map((x) => x[f]));
      const wall = m(xs.after, 'wall') / m(xs.before, 'wall');
      const cpu = m(xs.after, 'cpu') / m(xs.before, 'cpu');
      const f0 = (x: number) => x.toFixed(0);
      rows.push(
        `| ${id} | ${b.tests} | ${f0(m(xs.before, 'wall'))} | ${f0(m(xs.before, 'cpu'))} | ${a.tests} | ${f0(m(xs.after, 'wall'))} | ${f0(m(xs.after, 'cpu'))} | ${wall.toFixed(2)} | ${cpu.toFixed(2)} | ${wall <= 1.25 ? 'yes' : '**no**'} | ${cpu <= 1.25 ? 'yes' : '**no**'} |`,
      );
      console.log(rows[rows.length - 1]);
      console.log(`  ${id} before wall: ${xs.before.map((x) => f0(x.wall)).join(' ')}; after wall: ${xs.after.map((x) => f0(x.wall)).join(' ')}`);
    }
  } finally {
    await browser.close();
    await Promise.all(servers.map((s) => s.close()));
  }
  const upEnd = uptime();
  const md = `# Submit in headless Chromium with the property phase, against the commit before it

Measured by \`npx tsx bench/properties-browser.ts\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'},
Chromium ${version}. "Before" = the site built at ${before.sha.slice(0, 7)} (BASE), the commit before the property phase
(the parent of a1b8013, which gave read-fallback and health-check theirs; dlq-processor got its own later); "after" = the site built at ${after.sha.slice(0, 7)} (HEAD). Both built with \`astro build\`
from a temporary git worktree and served on localhost; one Chromium, one context per site and exercise. Each
exercise's reference solution (as of that commit) is submitted once untimed on each site, then ${SUBMITS} times on each,
alternating sites (which goes first swaps every rep). Wall = in the page, from \`run('submit')\` to results
rendered (compile in the esbuild worker, the sandboxed run worker's grading, results drawn). CPU = user + system time
of the Chromium process tree over that Submit (/proc; the grading runs in a worker thread of the renderer), less
sensitive than wall-clock time to the other jobs on the cores. Times in ms (median). Tests = results listed
(a property counts as one test, whatever its number of cases).

\`uptime\` at the start: ${upStart}
\`uptime\` at the end: ${upEnd}

| exercise | tests before | wall before | CPU before | tests after | wall after | CPU after | wall ratio | CPU ratio | wall ≤ 1.25× | CPU ≤ 1.25× |
|---|---:|---:|---:|---:|---:|---:|---:|---:|:--:|:--:|
${rows.join('\n')}
`;
  writeFileSync(path.join(ROOT, 'bench/results', OUT), md);
  console.log(md);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
