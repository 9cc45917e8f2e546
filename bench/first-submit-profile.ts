/**
 * Issue 17 ("the first Submit on a page"): where the CPU goes while a page's first Submit runs, per
 * thread. Headless Chromium against the built site; each worker of the page (Monaco's TypeScript and
 * editor workers, the esbuild-wasm compile worker, the sandboxed run worker, reached through the
 * sandbox frame's own DevTools session) is CPU-profiled (DevTools `Profiler`, 200 µs sampling) from
 * just before the first Submit of the reference solution to its results, `IDLE` ms after the page's
 * warm-up (the `warm` promise of the exercise's test hook) — then the same for later Submits. Each
 * row: a worker's busy time (samples not idle) in that window, and the run worker's top functions.
 *   npx tsx bench/first-submit-profile.ts   ID=read-fallback IDLE=3000,15000 SUBMITS=3 DIR=dist-root OUT=bench/results/first-submit-profile.md
 * Builds nothing: DIR must hold a build of the site at "/" (`npx astro build --outDir dist-root`).
 */
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch } from '../support/browser';
import { startStaticServer, ROOT } from '../support/server';

const ID = process.env.ID ?? 'read-fallback';
const IDLES = (process.env.IDLE ?? '3000,15000').split(',').map(Number);
const SUBMITS = Number(process.env.SUBMITS ?? 3);
const DIR = path.resolve(ROOT, process.env.DIR ?? 'dist-root');
const OUT = path.resolve(ROOT, process.env.OUT ?? 'bench/results/first-submit-profile.md');

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

/** A worker target reached through a (non-flattened) DevTools session of the page or of a frame. */
interface WorkerTarget {
  sessionId: string;
  url: string;
  via: CDPSession;
}

/** Attaches to every worker of `page` and of its frames (the run sandbox is an out-of-process frame). */
async function workersOf(ctx: BrowserContext, page: Page) {
  const workers: WorkerTarget[] = [];
  const pending = new Map<number, (reply: { result?: { profile?: CpuProfile } }) => void>();
  let nextId = 1;
  const watch = async (s: CDPSession) => {
    s.on('Target.attachedToTarget', (ev: { sessionId: string; targetInfo: { type: string; url: string } }) => {
      if (ev.targetInfo.type === 'worker') workers.push({ sessionId: ev.sessionId, url: ev.targetInfo.url, via: s });
    });
    s.on('Target.receivedMessageFromTarget', (ev: { message: string }) => {
      const m = JSON.parse(ev.message) as { id?: number; result?: { profile?: CpuProfile } };
      if (m.id === undefined) return;
      pending.get(m.id)?.(m);
      pending.delete(m.id);
    });
    await s.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  };
  await watch(await ctx.newCDPSession(page));
  for (const f of page.frames().slice(1)) await watch(await ctx.newCDPSession(f));
  const send = (w: WorkerTarget, method: string, params: object = {}) =>
    new Promise<{ result?: { profile?: CpuProfile } }>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      void w.via.send('Target.sendMessageToTarget', { sessionId: w.sessionId, message: JSON.stringify({ id, method, params }) });
    });
  return { workers, send };
}

/** What a worker's name says it is. */
function role(url: string): string {
  if (url.startsWith('blob:')) return 'run worker (sandboxed)';
  if (/ts\.worker/.test(url)) return "Monaco's TypeScript worker";
  if (/editor\.worker/.test(url)) return "Monaco's editor worker";
  if (/compile-worker/.test(url)) return 'compile worker (esbuild-wasm)';
  return url;
}

/** Busy ms (samples that are not idle) and the top functions by self time. */
function summarize(p: CpuProfile) {
  const selfUs = new Map<number, number>();
  p.samples.forEach((node, i) => selfUs.set(node, (selfUs.get(node) ?? 0) + (p.timeDeltas[i + 1] ?? 0)));
  let busy = 0;
  const byFn = new Map<string, number>();
  for (const n of p.nodes) {
    const ms = (selfUs.get(n.id) ?? 0) / 1000;
    const name = n.callFrame.functionName;
    if (name === '(idle)' || name === '(root)' || ms === 0) continue;
    busy += ms;
    const file = n.callFrame.url.startsWith('blob:') ? 'run-worker bundle' : n.callFrame.url.split('/').pop() || '';
    const key = `${name || '(anonymous)'}${file ? ` (${file})` : ''}`;
    byFn.set(key, (byFn.get(key) ?? 0) + ms);
  }
  return { busy, top: [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 8) };
}

async function onePage(browser: Browser, base: string, idleMs: number) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
  await ctx.addInitScript('globalThis.__name = (f) => f;');
  const page = await ctx.newPage();
  await page.goto(base + `playground/${ID}/`);
  await page.locator('qc-exercise').scrollIntoViewIfNeeded();
  await page.waitForSelector('qc-exercise[data-state="ready"]', { timeout: 120_000 });
  const solution = readFileSync(path.join(ROOT, `exercises/${ID}/solution.ts`), 'utf8');
  await page.evaluate(([i, code]) => window.__exerciseEditors![i].setValue(code), [ID, solution] as const);
  await page.evaluate((i) => window.__exerciseEditors![i].warm, ID);
  await page.waitForTimeout(idleMs);
  const { workers, send } = await workersOf(ctx, page);
  await page.waitForFunction(() => true); // the attach events arrive before the next round trip
  const rows: Array<{ submit: number; ms: number; threads: Array<{ role: string; busy: number; top: Array<[string, number]> }> }> = [];
  for (let k = 0; k < SUBMITS; k++) {
    for (const w of workers) {
      await send(w, 'Profiler.enable');
      await send(w, 'Profiler.setSamplingInterval', { interval: 200 });
      await send(w, 'Profiler.start');
    }
    const r = await page.evaluate(async (i) => {
      const t0 = performance.now();
      const o = await window.__exerciseEditors![i].run('submit');
      return { ms: performance.now() - t0, status: o?.results.status };
    }, ID);
    if (r.status !== 'pass') throw new Error(`${ID}: the reference solution's Submit did not pass (${r.status})`);
    const threads = [];
    for (const w of workers) {
      const profile = (await send(w, 'Profiler.stop')).result?.profile;
      if (profile) threads.push({ role: role(w.url), ...summarize(profile) });
    }
    rows.push({ submit: k + 1, ms: r.ms, threads });
    await page.waitForTimeout(300);
  }
  await ctx.close();
  return rows;
}

async function main() {
  const load0 = os.loadavg().map((x) => x.toFixed(1)).join(' ');
  const server = await startStaticServer(DIR, '/');
  const browser = await launch();
  const lines: string[] = [];
  try {
    for (const idle of IDLES) {
      const rows = await onePage(browser, server.url, idle);
      lines.push(`### ${ID}: Submits ${idle} ms after the warm-up\n`, '| Submit | wall (ms) | busy CPU per thread during it (ms) |', '|---|---:|---|');
      for (const r of rows) {
        const threads = r.threads.filter((t) => t.busy >= 1).map((t) => `${t.role} ${t.busy.toFixed(0)}`).join('; ');
        lines.push(`| ${r.submit} | ${r.ms.toFixed(0)} | ${threads} |`);
      }
      const run = rows[0].threads.find((t) => t.role.startsWith('run worker'));
      if (run) lines.push('', `The run worker's top functions by self time in the first Submit: ${run.top.map(([f, ms]) => `${f} ${ms.toFixed(0)} ms`).join(', ')}.`);
      lines.push('');
      console.log(lines.slice(-rows.length - 5).join('\n'));
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const load1 = os.loadavg().map((x) => x.toFixed(1)).join(' ');
  const head = [
    '# CPU per thread during a page\'s first Submits',
    '',
    `\`npx tsx bench/first-submit-profile.ts\` — headless Chromium, the site built at "/", ${os.cpus().length} cores, recorded ${new Date().toISOString()};`,
    `load average ${load0} at the start, ${load1} at the end. Busy = CPU samples that are not idle, per thread, from just before`,
    'the Submit to its results (DevTools Profiler of each worker; the page\'s main thread is not profiled).',
    '',
  ];
  writeFileSync(OUT, head.concat(lines).join('\n') + '\n');
  console.log(`written ${path.relative(ROOT, OUT)}`);
}

await main();
process.exit(0);
