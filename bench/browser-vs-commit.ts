/**
 * Run and Submit in headless Chromium, the site built at one commit against the site built at
 * another, measured back to back on the same machine. The comparisons (COMPARE=):
 * - `properties` (default): Submit with the property phase at most 1.25× the Submit of 93360c0, the
 *   parent of a1b8013, the commit that gave the first core exercises their property phase
 *   (dlq-processor got its own later, so there no core exercise has one), against HEAD. Writes
 *   bench/results/properties-browser.md.
 * - `kit`: the exercise author's kit, step by step: for each run of consecutive kit commits that
 *   changes code the site runs (typed seam, authors' API and world.ts split, SQL analysis split,
 *   one grader host, boot and progress splits), Run (visible tests) and Submit no slower at its last
 *   commit than at the commit before it. The kit's commits are interleaved with other work (the
 *   sandbox, the property phase, a leaner simulator), so only commit-by-commit pairs isolate it.
 *   Writes bench/results/kit-browser.md.
 * BEFORE=<rev> AFTER=<rev> replaces a comparison's pairs with that one pair.
 *
 * Builds each commit's site from a temporary git worktree (node_modules shared), caching each build
 * under dist-bench-sites/<commit>/ (REBUILD=1 rebuilds). Serves both sites of a pair on localhost and,
 * in one headless Chromium, alternates Runs or Submits of each exercise's reference solution (as of
 * that commit) on the two, swapping which goes first every rep. Each is timed in the page
 * (performance.now, from the documented test hook's run(mode) call to results rendered) and by the
 * CPU time of the Chromium process tree over it (/proc: the browser, its renderers and their worker
 * threads; nothing else runs in the browser meanwhile). Records the `uptime` load average before and
 * after.
 *   npx tsx bench/browser-vs-commit.ts [properties|kit]     (or COMPARE=; REPS= (kit: Run 61, Submit 21; else 7), WARMUPS=,
 *                                           IDS=read-fallback,dlq-processor,health-check, OUT=<file>)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launch } from '../support/browser';
import { buildSite, ROOT, startStaticServer } from '../support/server';
import { timedInPage, type Mode } from '../support/exercise-run';

interface Pair {
  before: string;
  after: string;
  /** What changed from `before` to `after`, in the results file. */
  what: string;
}
interface Comparison {
  pairs: Pair[];
  modes: Mode[];
  /** Timed Runs or Submits per site and exercise, by mode (REPS= overrides both). */
  reps: Partial<Record<Mode, number>>;
  /** Untimed ones before them, alternated the same way (WARMUPS= overrides). */
  warmups: number;
  /** The largest after ÷ before ratio of the medians that meets the target. */
  limit: number;
  out: string;
  title: string;
}
const COMPARISONS: Record<string, Comparison> = {
  properties: {
    pairs: [{ before: '93360c0', after: 'HEAD', what: 'the property phase (before: the parent of a1b8013, which gave read-fallback and health-check theirs; dlq-processor got its own later), and everything since' }],
    modes: ['submit'],
    reps: { submit: 7 },
    warmups: 0,
    limit: 1.25,
    out: 'properties-browser.md',
    title: 'Submit in headless Chromium with the property phase, against the commit before it',
  },
  kit: {
    pairs: [
      { before: 'b4e3bc3^', after: 'b4e3bc3', what: 'the typed seam (PublicWorld; harnesses without casts)' },
      { before: '9802f25^', after: '64ee6ed', what: "CONTRACTS.md, boundaries and #imports aliases, the authors' API (seeds, prng, measure, orders fixture), world.ts split in five" },
      { before: '9848dc9^', after: '9848dc9', what: "the SQL parser's statement analysis split from the database (sim/pg-analysis.ts)" },
      { before: 'b12f7ab^', after: '464c9d3', what: 'one grader host (limits, timeout reading, error results, compile options), runExercise split, the Node host' },
      { before: '3144eeb^', after: '11933bb', what: "progress's saved copy and the exercise's boot split into parts with one job each" },
    ],
    modes: ['run', 'submit'],
    // a Run's or Submit's wall time varies 2-4x from one to the next (garbage collection, the other
    // core's jobs): enough reps for a bootstrap interval narrower than the differences worth seeing
    // (a Run is ~25 ms, so more of them)
    reps: { run: 61, submit: 21 },
    // the JIT keeps tiering up over the first ten or so Runs (a Run's time falls about fivefold)
    warmups: 10,
    limit: 1,
    out: 'kit-browser.md',
    title: "Run and Submit in headless Chromium: the exercise author's kit, commit by commit",
  },
};
const COMPARE = process.env.COMPARE ?? process.argv[2] ?? 'properties';
const CMP = COMPARISONS[COMPARE];
if (!CMP) throw new Error(`COMPARE=${COMPARE}: choose one of ${Object.keys(COMPARISONS).join(', ')}`);
const PAIRS: Pair[] = process.env.BEFORE ? [{ before: process.env.BEFORE, after: process.env.AFTER ?? 'HEAD', what: 'BEFORE → AFTER' }] : CMP.pairs;
const repsOf = (mode: Mode): number => Number(process.env.REPS ?? CMP.reps[mode] ?? 7);
const WARMUPS = Number(process.env.WARMUPS ?? CMP.warmups);
/** Bootstrap resamples for the ratios' 90% intervals. */
const RESAMPLES = 2000;
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
  const r = await timedInPage(page, id, mode);
  const cpu = (browserCpuSeconds() - c0) * 1000;
  if (r.status !== 'pass') throw new Error(`${id} at ${side.name}: the reference solution's ${mode} did not pass: ${JSON.stringify(r)}`);
  return { wall: r.ms, cpu, tests: r.tests };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();

/** WARMUPS untimed, then REPS timed of `mode` on each side, alternating which side goes first so a change in the machine's load hits both alike. */
async function alternate(pages: Record<'before' | 'after', Page>, sides: Record<'before' | 'after', Side>, id: string, mode: Mode) {
  const xs = { before: [] as Sample[], after: [] as Sample[] };
  for (let i = -WARMUPS; i < repsOf(mode); i++) {
    const order = i % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const);
    for (const k of order) {
      await pages[k].waitForTimeout(200); // as a learner between two presses; lets the last one's garbage be collected
      const x = await measure(pages[k], id, sides[k], mode);
      if (i >= 0) xs[k].push(x);
    }
  }
  return xs;
}

/** A deterministic generator for the bootstrap (mulberry32), so a recording's intervals can be recomputed. */
function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const resample = (xs: number[], rnd: () => number) => xs.map(() => xs[Math.floor(rnd() * xs.length)]);
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];

/** One comparison's samples: after ÷ before of the medians, and `RESAMPLES` bootstrap draws of it. */
interface Cell {
  ratio: Record<keyof Sample, number>;
  draws: Record<keyof Sample, number[]>;
}
function cell(xs: Record<'before' | 'after', Sample[]>, seed: number): Cell {
  const rnd = mulberry32(seed);
  const of = (side: Sample[], f: keyof Sample) => side.map((x) => x[f]);
  const ratio = (f: keyof Sample) => median(of(xs.after, f)) / median(of(xs.before, f));
  const draws = (f: keyof Sample) =>
    Array.from({ length: RESAMPLES }, () => median(resample(of(xs.after, f), rnd)) / median(resample(of(xs.before, f), rnd)));
  return { ratio: { wall: ratio('wall'), cpu: ratio('cpu') }, draws: { wall: draws('wall'), cpu: draws('cpu') } };
}
/** The bootstrap 90% interval of a ratio. */
function interval(draws: number[]): [number, number] {
  const s = [...draws].sort((a, b) => a - b);
  return [quantile(s, 0.05), quantile(s, 0.95)];
}
/** "r (lo–hi)": the ratio with its bootstrap 90% interval. */
function withInterval(r: number, draws: number[]): string {
  const [lo, hi] = interval(draws);
  return `${r.toFixed(2)} (${lo.toFixed(2)}–${hi.toFixed(2)})`;
}
/**
 * Meets the target unless the whole interval lies above the limit: a ratio of medians measured
 * 20-60 times still moves by ±10% from one recording to the next, so only an interval clear of the
 * limit shows a slowdown (and among 30 rows, one or two such by chance are expected at 90%).
 */
const meets = (draws: number[]) => (interval(draws)[0] <= CMP.limit ? 'yes' : '**no**');

function row(id: string, mode: Mode, tests: Record<'before' | 'after', number>, xs: Record<'before' | 'after', Sample[]>, c: Cell): string {
  const m = (s: Sample[], f: keyof Sample) => median(s.map((x) => x[f]));
  const f0 = (x: number) => x.toFixed(0);
  return `${id} | ${mode === 'run' ? 'Run' : 'Submit'} | ${tests.before} | ${f0(m(xs.before, 'wall'))} | ${f0(m(xs.before, 'cpu'))} | ${tests.after} | ${f0(m(xs.after, 'wall'))} | ${f0(m(xs.after, 'cpu'))} | ${withInterval(c.ratio.wall, c.draws.wall)} | ${withInterval(c.ratio.cpu, c.draws.cpu)} | ${meets(c.draws.wall)} | ${meets(c.draws.cpu)} |`;
}

const geomean = (xs: number[]) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);

/**
 * The compound effect per mode: for each pair the geometric mean of its exercises' ratios, multiplied
 * over the pairs (what all the steps together did), with the bootstrap interval of that product.
 */
function compound(cells: Array<{ pair: number; mode: Mode; cell: Cell }>, mode: Mode, f: keyof Sample): { text: string; meets: string } {
  const ofMode = cells.filter((c) => c.mode === mode);
  const pairs = [...new Set(ofMode.map((c) => c.pair))];
  const product = (pick: (c: Cell) => number) => pairs.reduce((acc, p) => acc * geomean(ofMode.filter((c) => c.pair === p).map((c) => pick(c.cell))), 1);
  const draws = Array.from({ length: RESAMPLES }, (_, i) => product((c) => c.draws[f][i]));
  return { text: withInterval(product((c) => c.ratio[f]), draws), meets: meets(draws) };
}

/** Both sites of `pair` served, each mode alternated on them per exercise; the table rows. */
async function comparePair(browser: Browser, pair: Pair, pairIx: number): Promise<{ rows: string[]; cells: Array<{ pair: number; mode: Mode; cell: Cell }> }> {
  const before: Side = { name: 'before', sha: git('rev-parse', pair.before), url: '' };
  const after: Side = { name: 'after', sha: git('rev-parse', pair.after), url: '' };
  const dirs = [await siteAt(before.sha), await siteAt(after.sha)];
  const servers = await Promise.all(dirs.map((d) => startStaticServer(d, '/')));
  before.url = servers[0].url;
  after.url = servers[1].url;
  const label = `${before.sha.slice(0, 7)} → ${after.sha.slice(0, 7)}`;
  const rows: string[] = [];
  const cells: Array<{ pair: number; mode: Mode; cell: Cell }> = [];
  try {
    for (const id of IDS) {
      const b = await openExercise(browser, before, id);
      const a = await openExercise(browser, after, id);
      for (const mode of CMP.modes) {
        const xs = await alternate({ before: b.page, after: a.page }, { before, after }, id, mode);
        const c = cell(xs, 1 + cells.length + 100 * pairIx);
        cells.push({ pair: pairIx, mode, cell: c });
        rows.push(`| ${label} | ${row(id, mode, { before: b.tests[mode], after: a.tests[mode] }, xs, c)}`);
        console.log(rows[rows.length - 1]);
        const walls = (s: Sample[]) => s.map((x) => x.wall.toFixed(0)).join(' ');
        console.log(`  ${id} ${mode} before wall: ${walls(xs.before)}; after wall: ${walls(xs.after)}`);
      }
      await b.page.context().close();
      await a.page.context().close();
    }
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
  return { rows, cells };
}

async function main() {
  if (git('status', '--porcelain', '--untracked-files=no')) console.warn('note: the working tree has uncommitted changes; every site is built from a commit');
  for (const pair of PAIRS) for (const rev of [pair.before, pair.after]) await siteAt(git('rev-parse', rev)); // every build before any timing
  const browser = await launch();
  const version = browser.version();
  const upStart = uptime();
  const rows: string[] = [];
  const cells: Array<{ pair: number; mode: Mode; cell: Cell }> = [];
  try {
    for (const [i, pair] of PAIRS.entries()) {
      const r = await comparePair(browser, pair, i);
      rows.push(...r.rows);
      cells.push(...r.cells);
    }
  } finally {
    await browser.close();
  }
  const upEnd = uptime();
  const limit = CMP.limit === 1 ? 'no slower (≤ 1×)' : `≤ ${CMP.limit}×`;
  const short = (rev: string) => git('rev-parse', '--short=7', rev);
  const together = PAIRS.length > 1
    ? `\n**All ${PAIRS.length} steps together** (per step the geometric mean over the exercises, multiplied over the steps; bootstrap 90% interval):\n${CMP.modes
        .map((m) => {
          const [wall, cpu] = [compound(cells, m, 'wall'), compound(cells, m, 'cpu')];
          return `- ${m === 'run' ? 'Run' : 'Submit'}: wall ${wall.text} — meets ${limit}: ${wall.meets}; CPU ${cpu.text} — ${cpu.meets}`;
        })
        .join('\n')}\n`
    : '';
  const md = `# ${CMP.title}

Measured by \`npx tsx bench/browser-vs-commit.ts ${COMPARE}\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'},
Chromium ${version}. Each pair: the site built at the first commit ("before") against the site built at the second ("after"):
${PAIRS.map((p) => `- ${short(p.before)} → ${short(p.after)}: ${p.what}`).join('\n')}

Every site built with \`astro build\` from a temporary git worktree and served on localhost; one Chromium, one context per site and
exercise. Each exercise's reference solution (as of that commit) is run and submitted once untimed on each site, then
${CMP.modes.map((m) => `${m === 'run' ? 'Run' : 'Submit'} ${WARMUPS ? `${WARMUPS} times untimed (the JIT is still tiering up) and then ` : ''}${repsOf(m)} times`).join(', ')} on each site, 200 ms apart, alternating sites (which goes first swaps every rep).
Wall = in the page, from \`run(mode)\` to results rendered (the compile, cached after the first, the sandboxed run worker's
grading, results drawn). CPU = user + system time of the Chromium process tree over it (/proc; the grading runs in a worker
thread of the renderer), less sensitive than wall-clock time to the other jobs on the cores, but counted in 10 ms ticks (coarse for a Run). Times in ms (median). Tests =
results listed (a property counts as one test, whatever its number of cases). Ratios = after ÷ before of the medians, with
the 90% interval of ${RESAMPLES} bootstrap resamples of both sides (seeded: a recording's intervals recompute). Target: after ÷ before ${limit};
a row misses it only when its whole interval lies above ${CMP.limit} (a ratio of medians moves by about ±10% between recordings).
${together}
\`uptime\` at the start: ${upStart}
\`uptime\` at the end: ${upEnd}

| pair | exercise | mode | tests before | wall before | CPU before | tests after | wall after | CPU after | wall ratio | CPU ratio | wall ${limit} | CPU ${limit} |
|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|:--:|:--:|
${rows.join('\n')}
`;
  writeFileSync(path.join(ROOT, 'bench/results', OUT), md);
  console.log(md);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
