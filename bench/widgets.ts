/**
 * Issue 6: "lab and explorer interactions update within 100 ms in headless Chromium".
 * Serves the built site (dist-root/ or $WIDGETS_DIST_ROOT; built if missing or with BUILD=1), opens /lab/widgets/ in Debian's
 * chromium and times, inside the page, from the input event to the frame after the DOM was updated
 * (two requestAnimationFrame callbacks). Writes bench/results/widgets.md.
 *   npx tsx bench/widgets.ts
 */
import { chromium } from 'playwright-core';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { buildSite, startStaticServer, ROOT } from '../support/server';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const REPS = Number(process.env.REPS ?? 40);

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, median: q(0.5), p95: q(0.95), max: s[s.length - 1] };
}
const f = (x: number) => x.toFixed(1);

async function main() {
  const dist = process.env.WIDGETS_DIST_ROOT ?? path.join(ROOT, 'dist-root');
  if (process.env.BUILD === '1' || !existsSync(path.join(dist, 'lab/widgets/index.html'))) await buildSite(dist, '/');
  const server = await startStaticServer(dist, '/');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS, headless: true });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // tsx compiles this file with keepNames, which wraps functions sent to page.evaluate in __name().
  await page.addInitScript({ content: 'window.__name = (f) => f;' });
  await page.goto(server.url + 'lab/widgets/');
  await page.waitForFunction(() => document.querySelector('#quorum-explorer')?.getAttribute('data-measured'), null, { timeout: 30_000 });

  const results: Record<string, ReturnType<typeof stats>> = {};

  // 1. Quorum explorer: change W (select), exact text + picture updated and painted.
  const qe: number[] = await page.evaluate(async (reps) => {
    const root = document.querySelector('#quorum-explorer')!;
    const w = root.querySelector<HTMLSelectElement>('select[name=w]')!;
    const out: number[] = [];
    const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    for (let i = 0; i < reps; i++) {
      const before = root.getAttribute('data-miss');
      const t0 = performance.now();
      w.value = w.value === '1' ? '2' : '1';
      w.dispatchEvent(new Event('change', { bubbles: true }));
      if (root.getAttribute('data-miss') === before) throw new Error('explorer did not update synchronously');
      await frame();
      out.push(performance.now() - t0);
    }
    return out;
  }, REPS);
  results['Quorum explorer: change W → exact result and picture painted'] = stats(qe);

  // 2. Quorum explorer: N 3 → 7 (rebuilds selects and checkboxes).
  const qn: number[] = await page.evaluate(async (reps) => {
    const root = document.querySelector('#quorum-explorer')!;
    const n = root.querySelector<HTMLSelectElement>('select[name=n]')!;
    const out: number[] = [];
    const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      n.value = n.value === '3' ? '7' : '3';
      n.dispatchEvent(new Event('change', { bubbles: true }));
      await frame();
      out.push(performance.now() - t0);
    }
    return out;
  }, REPS);
  results['Quorum explorer: change N → controls, picture, result painted'] = stats(qn);

  // 3. Measured value (Worker, 4,000 simulated reads): from the change to the measured text.
  const meas: number[] = await page.evaluate(async (reps) => {
    const root = document.querySelector<HTMLElement>('#quorum-explorer')!;
    const r = root.querySelector<HTMLSelectElement>('select[name=r]')!;
    const out: number[] = [];
    for (let i = 0; i < Math.min(reps, 10); i++) {
      delete root.dataset.measured;
      const t0 = performance.now();
      r.value = r.value === '1' ? '2' : '1';
      r.dispatchEvent(new Event('change', { bubbles: true }));
      while (!root.dataset.measured) await new Promise((res) => setTimeout(res, 2));
      out.push(performance.now() - t0);
    }
    return out;
  }, REPS);
  results['Quorum explorer: measured value from the simulator (Worker, 2,000 simulated reads) — background, not blocking'] = stats(meas);

  // 4. Partition lab: isolate toggle, and Run (simulate + table + diagram + stepper) painted.
  const iso: number[] = await page.evaluate(async (reps) => {
    const b = document.querySelector<HTMLButtonElement>('#partition-lab button[data-isolate=A]')!;
    const out: number[] = [];
    const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    for (let i = 0; i < reps; i++) {
      const before = b.getAttribute('aria-pressed');
      const t0 = performance.now();
      b.click();
      while (b.getAttribute('aria-pressed') === before) {
        if (performance.now() - t0 > 10_000) throw new Error('partition lab: isolate did not take effect within 10 s');
        await new Promise((r) => setTimeout(r, 0));
      }
      await frame();
      out.push(performance.now() - t0);
    }
    return out;
  }, REPS);
  results['Partition lab: isolate / heal zone A → state painted'] = stats(iso);

  const run: number[] = await page.evaluate(async (reps) => {
    const root = document.querySelector<HTMLElement>('#partition-lab')!;
    const form = root.querySelector<HTMLFormElement>('.pl-op')!;
    const btn = root.querySelector<HTMLButtonElement>('button.pl-run')!;
    const iso = root.querySelector<HTMLButtonElement>('button[data-isolate=A]')!;
    if (iso.getAttribute('aria-pressed') !== 'true') iso.click();
    // the lab ignores input while it is busy (aria-busy): let the isolation finish first
    while (root.getAttribute('aria-busy') === 'true' || iso.getAttribute('aria-pressed') !== 'true') await new Promise((r) => setTimeout(r, 0));
    const ops = [['B', 'write', 'QUORUM'], ['A', 'read', 'QUORUM'], ['A', 'read', 'ONE'], ['C', 'read', 'ALL'], ['C', 'read', 'QUORUM'], ['A', 'write', 'ONE']];
    const out: number[] = [];
    const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    for (let i = 0; i < reps; i++) {
      const [z, op, lv] = ops[i % ops.length];
      (form.querySelector(`input[name=zone][value=${z}]`) as HTMLInputElement).checked = true;
      (form.querySelector(`input[name=op][value=${op}]`) as HTMLInputElement).checked = true;
      (form.querySelector(`input[name=level][value=${lv}]`) as HTMLInputElement).checked = true;
      const before = root.dataset.runs ?? '0';
      const t0 = performance.now();
      btn.click();
      while ((root.dataset.runs ?? '0') === before) {
        if (performance.now() - t0 > 10_000) throw new Error(`partition lab: Run ${i + 1} did not finish within 10 s`);
        await new Promise((r) => setTimeout(r, 0));
      }
      await frame();
      out.push(performance.now() - t0);
    }
    return out;
  }, REPS);
  results['Partition lab: Run an operation → outcome, table row, diagram + stepper painted'] = stats(run);

  // 5. Stepper: ArrowRight on a build-time diagram.
  const step: number[] = await page.evaluate(async (reps) => {
    const fig = document.querySelector<HTMLElement>('[data-diagram-scene="hints-pile-up-and-replay"] .dg-figure')!;
    const status = fig.querySelector('.dg-stepper-status')!;
    const out: number[] = [];
    const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    fig.dispatchEvent(new KeyboardEvent('keydown', { key: 'Home', bubbles: true }));
    for (let i = 0; i < reps; i++) {
      const before = status.textContent;
      const t0 = performance.now();
      fig.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
      if (status.textContent === before) throw new Error('stepper did not update');
      await frame();
      out.push(performance.now() - t0);
    }
    return out;
  }, REPS);
  const steps = await page.locator('[data-diagram-scene="hints-pile-up-and-replay"] svg.dg').getAttribute('data-events');
  results[`Diagram stepper: ArrowRight on the hints diagram (${steps} events) → painted`] = stats(step);

  await browser.close();
  await server.close();

  const version = (await import('node:child_process')).execSync('/usr/bin/chromium --version').toString().trim();
  const lines = [
    '# Widgets: interaction latency',
    '',
    `Measured by \`npx tsx bench/widgets.ts\` on ${new Date().toISOString().slice(0, 16)}Z — ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'}), ${version}, headless, 1280×900.`,
    'Each number is milliseconds from the input event to the second animation frame after it (the DOM updated and a frame painted).',
    `Target: ≤ 100 ms. ${REPS} repetitions unless noted.`,
    '',
    '| Interaction | n | median ms | p95 ms | max ms | ≤ 100 ms |',
    '|---|---:|---:|---:|---:|:---:|',
    ...Object.entries(results).map(([k, s]) => `| ${k} | ${s.n} | ${f(s.median)} | ${f(s.p95)} | ${f(s.max)} | ${k.includes('background') ? '(n/a)' : s.p95 <= 100 ? 'yes' : '**no**'} |`),
    '',
  ];
  writeFileSync(path.join(ROOT, 'bench/results/widgets.md'), lines.join('\n'));
  console.log(lines.join('\n'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
