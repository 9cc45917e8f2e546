/** Bundles the simulator worker with esbuild and runs it in headless Chromium (playwright-core). */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function bundleSimWorker(): Promise<string> {
  const r = await build({
    entryPoints: [fileURLToPath(new URL('./sim-worker-entry.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return r.outputFiles[0].text;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
}

/** Start the bundle in a dedicated Worker of a blank page and send it one message; resolves with its answer. */
export async function inWorker<T>(browser: Browser, code: string, message: unknown, timeoutMs = 120_000): Promise<T> {
  const page = await browser.newPage();
  try {
    await page.setContent('<!doctype html><title>sim</title>');
    return await page.evaluate(
      ({ code, message, timeoutMs }) =>
        new Promise<T>((resolve, reject) => {
          const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
          const w = new Worker(url);
          const timer = setTimeout(() => { w.terminate(); reject(new Error('worker timed out')); }, timeoutMs);
          w.onmessage = (e) => {
            clearTimeout(timer);
            w.terminate();
            if (e.data && e.data.ok) resolve(e.data as T);
            else reject(new Error(e.data?.error ?? 'worker failed'));
          };
          w.onerror = (e) => { clearTimeout(timer); reject(new Error(e.message)); };
          w.postMessage(message);
        }),
      { code, message, timeoutMs },
    );
  } finally {
    await page.close();
  }
}
