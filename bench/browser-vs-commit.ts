/**
 * Run and Submit in headless Chromium, on the site built at HEAD against the site built at an older
 * commit, measured back to back on the same machine. Two comparisons, chosen with COMPARE=:
 * - `properties` (default): Submit with the property phase at most 1.25× the Submit of BASE 93360c0,
 *   the parent of a1b8013, the commit that gave the first core exercises their property phase
 *   (dlq-processor got its own later, so at BASE no core exercise has one). Writes
 *   bench/results/properties-browser.md.
 * - `kit`: Run (visible tests) and Submit no slower than at BASE 0743f20, the parent of b4e3bc3, the
 *   first commit of the exercise author's kit (typed seam, authors' API, one grader host, the splits).
 *   Writes bench/results/kit-browser.md.
 *
 * Builds the site at BASE and at HEAD, each from a temporary git worktree (node_modules shared), caching
 * each build under dist-bench-sites/<commit>/ (REBUILD=1 rebuilds). Serves both on localhost and, in
 * one headless Chromium, alternates Runs or Submits of each exercise's reference solution (as of that
 * commit) on the two sites, swapping which goes first every rep. Each is timed in the page
 * (performance.now, from the documented test hook's run(mode) call to results rendered) and by the
 * CPU time of the Chromium process tree over it (/proc: the browser, its renderers and their worker
 * threads; nothing else runs in the browser meanwhile). Records the `uptime` load average before and
 * after.
 *   npx tsx bench/browser-vs-commit.ts     (COMPARE=properties|kit, BASE=<rev>, REPS=7,
 *                                           IDS=read-fallback,dlq-processor,health-check, OUT=<file>)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launch } from '../support/browser';
import { buildSite, ROOT, startStaticServer } from '../support/server';

type Mode = 'run' | 'submit';
interface Comparison {
  base: string;
  modes: Mode[];
  /** The largest after ÷ before ratio of the medians that meets the target. */
  limit: number;
  out: string;
  title: string;
  /** What BASE is, in the results file. */
  baseIs: string;
}
const COMPARISONS: Record<string, Comparison> = {
  properties: {
    base: '93360c0',
    modes: ['submit'],
    limit: 1.25,
    out: 'properties-browser.md',
    title: 'Submit in headless Chromium with the property phase, against the commit before it',
    baseIs: 'the commit before the property phase (the parent of a1b8013, which gave read-fallback and health-check theirs; dlq-processor got its own later)',
  },
  kit: {
    base: '0743f20',
    modes: ['run', 'submit'],
    limit: 1,
    out: 'kit-browser.md',
    title: "Run and Submit in headless Chromium, against the commit before the exercise author's kit",
    baseIs: "the commit before the author's kit (the parent of b4e3bc3, its first commit: the typed seam; then the authors' API, one grader host and the splits)",
  },
};
const COMPARE = process.env.COMPARE ?? 'properties';
const CMP = COMPARISONS[COMPARE];
if (!CMP) throw new Error(`COMPARE=${COMPARE}: choose one of ${Object.keys(COMPARISONS).join(', ')}`);
const BASE = process.env.BASE ?? CMP.base;
const REPS = Number(process.env.REPS ?? 7);
const IDS = process.env.IDS ? process.env.IDS.split(',') : ['read-fallback', 'dlq-processor', 'health-check'];
const OUT = process.env.OUT ?? CMP.out;
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

/** The exercise's playground on `side`, with that commit's reference solution in the editor and one untimed Run and Submit behind it. */
async function openExercise(browser: Browser, side: Side, id: string): Promise<{ page: Page; tests: Record<Mode, number> }> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
  const page = await ctx.newPage();
  await page.goto(`${side.url}playground/${id}/`);
  await page.locator('qc-exercise').scrollIntoViewIfNeeded();
  await page.waitForSelector('qc-exercise[data-state="ready"]', { timeout: 180_000 });
  const solution = git('show', `${side.sha}:exercises/${id}/solution.ts`);
  await page.evaluate(([i, code]) => window.__exerciseEditors![i].setValue(code), [id, solution] as const);
  await page.evaluate((i) => window.__exerciseEditors![i].warm, id);
  // untimed: loads the simulator chunks and compiles the solution once
  const tests = { run: (await measure(page, id, side, 'run')).tests, submit: (await measure(page, id, side, 'submit')).tests };
  return { page, tests };
}

/** One Run or Submit of the code in the editor: wall time in the page, CPU time of the browser; it must pass. */
async function measure(page: Page, id: string, side: Side, mode: Mode): Promise<Sample & { tests: number }> {
  const c0 = browserCpuSeconds();
  const r = await page.evaluate(
    async ([i, m]) => {
      const t0 = performance.now();
      const o = await window.__exerciseEditors![i].run(m);
      return { ms: performance.now() - t0, status: o?.results.status, tests: o?.results.tests.length ?? 0, message: o?.results.message };
    },
    [id, mode] as const,
  );
  const cpu = (browserCpuSeconds() - c0) * 1000;
  if (r.status !== 'pass') throw new Error(`${id} at ${side.name}: the reference solution's ${mode} did not pass: ${JSON.stringify(r)}`);
  return { wall: r.ms, cpu, tests: r.tests };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();

/** REPS of `mode` on each side, alternating which side goes first so a change in the machine's load hits both alike. */
async function alternate(pages: Record<'before' | 'after', Page>, sides: Record<'before' | 'after', Side>, id: string, mode: Mode) {
  const xs = { before: [] as Sample[], after: [] as Sample[] };
  for (let i = 0; i < REPS; i++) {
    const order = i % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const);
    for (const k of order) xs[k].push(await measure(pages[k], id, sides[k], mode));
  }
  return xs;
}

function row(id: string, mode: Mode, tests: Record<'before' | 'after', number>, xs: Record<'before' | 'after', Sample[]>): string {
  const m = (s: Sample[], f: keyof Sample) => median(s.map((x) => x[f]));
  const wall = m(xs.after, 'wall') / m(xs.before, 'wall');
  const cpu = m(xs.after, 'cpu') / m(xs.before, 'cpu');
  const f0 = (x: number) => x.toFixed(0);
  const meets = (r: number) => (r <= CMP.limit ? 'yes' : '**no**');
  return `| ${id} | ${mode === 'run' ? 'Run' : 'Submit'} | ${tests.before} | ${f0(m(xs.before, 'wall'))} | ${f0(m(xs.before, 'cpu'))} | ${tests.after} | ${f0(m(xs.after, 'wall'))} | ${f0(m(xs.after, 'cpu'))} | ${wall.toFixed(2)} | ${cpu.toFixed(2)} | ${meets(wall)} | ${meets(cpu)} |`;
}

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
      for (const mode of CMP.modes) {
        const xs = await alternate({ before: b.page, after: a.page }, { before, after }, id, mode);
        rows.push(row(id, mode, { before: b.tests[mode], after: a.tests[mode] }, xs));
        console.log(rows[rows.length - 1]);
        const walls = (s: Sample[]) => s.map((x) => x.wall.toFixed(0)).join(' ');
        console.log(`  ${id} ${mode} before wall: ${walls(xs.before)}; after wall: ${walls(xs.after)}`);
      }
      await b.page.context().close();
      await a.page.context().close();
    }
  } finally {
    await browser.close();
    await Promise.all(servers.map((s) => s.close()));
  }
  const upEnd = uptime();
  const limit = CMP.limit === 1 ? 'no slower (≤ 1×)' : `≤ ${CMP.limit}×`;
  const md = `# ${CMP.title}

Measured by \`COMPARE=${COMPARE} npx tsx bench/browser-vs-commit.ts\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'},
Chromium ${version}. "Before" = the site built at ${before.sha.slice(0, 7)} (BASE), ${CMP.baseIs}; "after" = the site built at ${after.sha.slice(0, 7)} (HEAD).
Both built with \`astro build\` from a temporary git worktree and served on localhost; one Chromium, one context per site and
exercise. Each exercise's reference solution (as of that commit) is run and submitted once untimed on each site, then
${CMP.modes.map((m) => (m === 'run' ? 'Run' : 'Submit')).join(' and ')} ${REPS} times each on each site, alternating sites (which goes first swaps every rep).
Wall = in the page, from \`run(mode)\` to results rendered (the compile, cached after the first, the sandboxed run worker's
grading, results drawn). CPU = user + system time of the Chromium process tree over it (/proc; the grading runs in a worker
thread of the renderer), less sensitive than wall-clock time to the other jobs on the cores. Times in ms (median). Tests =
results listed (a property counts as one test, whatever its number of cases). Target: after ÷ before ${limit}.

\`uptime\` at the start: ${upStart}
\`uptime\` at the end: ${upEnd}

| exercise | mode | tests before | wall before | CPU before | tests after | wall after | CPU after | wall ratio | CPU ratio | wall ${limit} | CPU ${limit} |
|---|---|---:|---:|---:|---:|---:|---:|---:|---:|:--:|:--:|
${rows.join('\n')}
`;
  writeFileSync(path.join(ROOT, 'bench/results', OUT), md);
  console.log(md);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
