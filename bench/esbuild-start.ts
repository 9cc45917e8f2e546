/**
 * What esbuild-wasm's start costs before a learner's first compile can begin, with nothing else on
 * the page: the floor under "first Run after 0 s idle" while the compiler is esbuild-wasm.
 *
 * Serves the site's own esbuild-wasm files (node_modules/esbuild-wasm: the same version the compile
 * worker bundles) from localhost and, in a fresh Chromium context each time, runs one dedicated
 * worker that times each phase of the start as the compile worker goes through it: fetching the
 * .wasm (14 MB), compiling it, `initialize` (the Go runtime's start), the first transform (a one-line
 * module, as the compile worker's warm-up does) and a second one (a small class, as a learner's first
 * compile). Once with Chromium's default V8 flags (a learner's browser) and once with
 * `--liftoff-only` (what the browser tests pass, to save CPU). Writes bench/results/esbuild-start.md.
 *   npx tsx bench/esbuild-start.ts     (REPS=5)
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, ROOT, startStaticServer } from '../support/browser';
import { LEARNER_COMPILE_OPTIONS } from '../src/grading/compile-options';

const REPS = Number(process.env.REPS ?? 5);
const PHASES = ['fetch', 'compile', 'initialize', 'first', 'second'] as const;
type Phase = (typeof PHASES)[number];

const WORKER = `
import * as esbuild from './browser.min.js';
const options = ${JSON.stringify(LEARNER_COMPILE_OPTIONS)};
const t0 = performance.now();
const bytes = await (await fetch('./esbuild.wasm')).arrayBuffer();
const t1 = performance.now();
const wasmModule = await WebAssembly.compile(bytes);
const t2 = performance.now();
await esbuild.initialize({ wasmModule, worker: false });
const t3 = performance.now();
await esbuild.transform('export const warm: number = 1;', options);
const t4 = performance.now();
await esbuild.transform('export class Reader { constructor(private readonly n: number) {} read(): number { return this.n * 2; } }', { ...options, sourcefile: 'solution.ts' });
const t5 = performance.now();
postMessage({ fetch: t1 - t0, compile: t2 - t1, initialize: t3 - t2, first: t4 - t3, second: t5 - t4 });
`;
const PAGE = `<!doctype html><title>esbuild start</title><script type="module">
new Worker('./worker.mjs', { type: 'module' }).onmessage = (e) => { window.phases = e.data; };
</script>`;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();

/** REPS starts, each in a fresh context of one Chromium launched with `flags`; and that Chromium's version. */
async function measure(flags: string[], url: string): Promise<{ runs: Record<Phase, number>[]; version: string }> {
  const browser = await launch(flags);
  try {
    const out: Record<Phase, number>[] = [];
    for (let i = 0; i < REPS; i++) {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      await page.goto(url);
      const phases = await page.waitForFunction(() => (window as unknown as { phases?: unknown }).phases, null, { timeout: 120_000 });
      out.push((await phases.jsonValue()) as Record<Phase, number>);
      await ctx.close();
    }
    return { runs: out, version: browser.version() };
  } finally {
    await browser.close();
  }
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'esbuild-start-'));
const pkg = path.join(ROOT, 'node_modules/esbuild-wasm');
copyFileSync(path.join(pkg, 'esm/browser.min.js'), path.join(dir, 'browser.min.js'));
copyFileSync(path.join(pkg, 'esbuild.wasm'), path.join(dir, 'esbuild.wasm'));
writeFileSync(path.join(dir, 'worker.mjs'), WORKER);
writeFileSync(path.join(dir, 'index.html'), PAGE);
const server = await startStaticServer(dir, '/');
const upStart = uptime();
const rows: string[] = [];
let version = '';
try {
  for (const [name, flags] of [['default V8 flags (a learner\'s Chromium)', []], ['`--js-flags=--liftoff-only` (the browser tests)', ['--js-flags=--liftoff-only']]] as const) {
    const m = await measure([...flags], server.url + 'index.html');
    const runs = m.runs;
    version = m.version;
    const med = Object.fromEntries(PHASES.map((p) => [p, median(runs.map((r) => r[p]))])) as Record<Phase, number>;
    const total = med.fetch + med.compile + med.initialize + med.first;
    const cell = (p: Phase) => `${med[p].toFixed(0)} (${Math.min(...runs.map((r) => r[p])).toFixed(0)}–${Math.max(...runs.map((r) => r[p])).toFixed(0)})`;
    rows.push(`| ${name} | ${PHASES.map(cell).join(' | ')} | **${total.toFixed(0)}** |`);
    console.log(rows[rows.length - 1]);
  }
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
const esbuildVersion = (JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8')) as { version: string }).version;
const md = `# esbuild-wasm's start in Chromium, alone

\`npx tsx bench/esbuild-start.ts\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Chromium ${version}, esbuild-wasm ${esbuildVersion}.
One dedicated worker on an otherwise empty page, a fresh context each time (nothing cached), the files served from localhost
without compression; the phases the compile worker goes through before a learner's first compile can begin. Median of ${REPS}
(min–max), ms. *Before a compile* = fetch + compile + initialize + first transform: how long after esbuild-wasm is
started a learner's first compile can begin, with the CPU to itself (on an exercise page it shares two cores with Monaco,
the run worker and the page). A warm Run is about 20 ms (bench/results/exercise.md).

\`uptime\` at the start: ${upStart}
\`uptime\` at the end: ${uptime()}

| V8 flags | fetch the .wasm | compile | initialize | first transform | second transform | before a compile |
|---|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}
`;
writeFileSync(path.join(ROOT, 'bench/results/esbuild-start.md'), md);
console.log(md);
