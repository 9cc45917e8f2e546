/**
 * Page weight and largest contentful paint of every built page, in headless Chromium on localhost.
 *
 *   npx tsx bench/pages.ts            build dist-bench/ (base "/"), serve it, measure, write bench/results/pages.md
 *   npx tsx bench/pages.ts --reuse    measure an existing dist-bench/ (skip the build)
 *
 * Transfer size = sum over every response the page loads (HTML, CSS, JS, images…, until the network
 * is idle) of the gzip-compressed body (zlib level 6, what static hosts typically serve). LCP is the
 * median of 3 cold loads (fresh browser context each time), read from PerformanceObserver.
 * Budget: pages that are prose (no embedded exercise or lab) must transfer ≤ 30 KB gzip in total.
 */
import { chromium, type Browser } from 'playwright-core';
import { gzipSync } from 'node:zlib';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSite, startStaticServer, ROOT } from '../support/server';
import { builtPages } from '../support/crawl';
import { readOfflineManifest } from '../src/browser/build/offline.mjs';

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const BUDGET = 30 * 1024;
const RUNS = 3;
const DIST = path.join(ROOT, 'dist-bench');


/**
 * A page is "prose" unless it embeds an interactive widget that brings its own code: an exercise
 * (Exercise.astro), the partition lab, the quorum explorer or a diagram stepper. Static diagrams
 * (inline SVG) are prose.
 */
export function isProse(html: string): boolean {
  return !/data-exercise-section|data-partition-lab|data-quorum-explorer|data-stepper|data-widget/.test(html);
}

interface Row { page: string; prose: boolean; requests: number; raw: number; gzip: number; lcp: number; byType: Record<string, number> }

async function measure(browser: Browser, url: string): Promise<Omit<Row, 'page' | 'prose'>> {
  const lcps: number[] = [];
  let last: Omit<Row, 'page' | 'prose' | 'lcp'> = { requests: 0, raw: 0, gzip: 0, byType: {} };
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const bodies: Promise<{ type: string; raw: number; gzip: number }>[] = [];
    page.on('response', (res) => {
      bodies.push(
        res.body().then(
          (b) => ({ type: res.request().resourceType(), raw: b.length, gzip: gzipSync(b, { level: 6 }).length }),
          () => ({ type: res.request().resourceType(), raw: 0, gzip: 0 }),
        ),
      );
    });
    await page.goto(url, { waitUntil: 'networkidle' });
    const lcp = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          new PerformanceObserver((list) => {
            const e = list.getEntries();
            resolve(e[e.length - 1]!.startTime);
          }).observe({ type: 'largest-contentful-paint', buffered: true });
          setTimeout(() => resolve(-1), 3000);
        }),
    );
    const all = await Promise.all(bodies);
    const byType: Record<string, number> = {};
    for (const b of all) byType[b.type] = (byType[b.type] ?? 0) + b.gzip;
    last = { requests: all.length, raw: all.reduce((s, b) => s + b.raw, 0), gzip: all.reduce((s, b) => s + b.gzip, 0), byType };
    lcps.push(lcp);
    await context.close();
  }
  lcps.sort((a, b) => a - b);
  return { ...last, lcp: lcps[Math.floor(lcps.length / 2)]! };
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

/** What the offline service worker (dist/sw.js) downloads besides the pages' own requests. */
function offlineLine(): string {
  const { precache, large } = readOfflineManifest(DIST);
  const gz = (files: string[]) =>
    files.reduce((n, f) => n + gzipSync(readFileSync(path.join(DIST, f === '' || f.endsWith('/') ? `${f}index.html` : f)), { level: 6 }).length, 0);
  return (
    `The offline service worker's downloads are its own, not the page's, and not counted: on the first visit it caches ` +
    `${precache.length} pages and assets (${kb(gz(precache))} gzip), then the editor's ${large.length} large files ` +
    `(${kb(gz(large))} gzip; skipped while the browser saves data, and the same files the first exercise loads).`
  );
}

async function main() {
  if (!process.argv.includes('--reuse')) {
    console.log('building dist-bench/ …');
    await buildSite(DIST, '/');
  }
  const server = await startStaticServer(DIST, '/');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const rows: Row[] = [];
  try {
    for (const p of builtPages(DIST)) {
      const html = readFileSync(path.join(DIST, p.endsWith('.html') ? p : `${p}index.html`), 'utf8');
      const m = await measure(browser, server.url + p);
      const row = { page: '/' + p, prose: isProse(html), ...m };
      rows.push(row);
      console.log(`${row.page.padEnd(34)} ${String(row.requests).padStart(3)} req  ${kb(row.gzip).padStart(9)} gzip  LCP ${row.lcp.toFixed(0)} ms`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const over = rows.filter((r) => r.prose && r.gzip > BUDGET);
  const table = rows
    .map((r) => {
      const types = Object.entries(r.byType).sort((a, b) => b[1] - a[1]).map(([t, n]) => `${t} ${kb(n)}`).join(', ');
      const verdict = r.prose ? (r.gzip <= BUDGET ? '✓ ≤ 30 KB' : '✗ over 30 KB') : 'widget page (no prose budget)';
      return `| \`${r.page}\` | ${r.requests} | ${kb(r.raw)} | **${kb(r.gzip)}** | ${types} | ${r.lcp.toFixed(0)} | ${verdict} |`;
    })
    .join('\n');
  const md = `# Page weight and LCP (bench/pages.ts)

Recorded ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · ${os.cpus().length} × ${os.cpus()[0]?.model.trim()} · Node ${process.version} ·
Chromium (Debian, headless) on localhost · base "/" · viewport 1280×900 · LCP = median of ${RUNS} cold loads ·
load average at the end ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')} (LCP grows with machine load; transfer sizes do not).

Transfer = every response the page loads until the network is idle, each body gzip-compressed (level 6).
${offlineLine()}
Budget: prose pages ≤ 30 KB gzip in total. **${rows.filter((r) => r.prose).length - over.length} of ${rows.filter((r) => r.prose).length} prose pages within budget.**

| Page | Requests | Raw | Gzip | Gzip by type | LCP (ms) | Budget |
|---|---:|---:|---:|---|---:|---|
${table}

Reproduce: \`npx tsx bench/pages.ts\` (builds dist-bench/) or \`npx tsx bench/pages.ts --reuse\`.
LCP on localhost measures rendering, not the network; on a loaded machine it varies by tens of ms.
`;
  mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(path.join(ROOT, 'bench/results/pages.md'), md);
  console.log(`\nwrote bench/results/pages.md — ${over.length ? `${over.length} prose page(s) OVER budget: ${over.map((r) => r.page).join(', ')}` : 'all prose pages within 30 KB'}`);
  if (over.length) process.exitCode = 1;
}

await main();
