/**
 * The offline worker and an exercise's start (the editor, the run worker's warm-up, esbuild-wasm):
 * while an exercise on the page is starting — from its scroll-in until esbuild-wasm is warm — the
 * worker in charge of the page (or installing for it) caches nothing more (sw.js); once the last one
 * is over, the page registers the worker (offline/register.ts leaves that to it when an exercise
 * started in the page's first seconds) and lets it resume. The page's state goes to the worker as
 * `{ type: 'qc:page', busy: <exercises starting>, quiet: <none starting: resume> }`; the latest
 * message of a page stands.
 */
let starting = 0;
let swUrl: string | null = null;
/** The messages in the order of the changes they tell of. */
let told: Promise<void> = Promise.resolve();

/** Sends the page's state now to the worker in charge of the page and to its registration's workers. */
function tell(quiet: boolean): Promise<void> {
  const busy = starting;
  told = told.then(async () => {
    const container = globalThis.navigator?.serviceWorker;
    if (!container) return;
    const registration = await container.getRegistration().catch(() => undefined);
    const workers = new Set([container.controller, registration?.installing, registration?.waiting, registration?.active]);
    for (const w of workers) w?.postMessage({ type: 'qc:page', busy, quiet: quiet && busy === 0 });
  });
  return told;
}

/**
 * An exercise starts (browser/run-sandbox.ts `prestart`, as it scrolls into view). `url`: the
 * worker's script, to register once no exercise is starting (null where there is none: `astro dev`).
 */
export function exerciseStarting(url: string | null): void {
  swUrl = url;
  starting++;
  void tell(false);
}

/**
 * An exercise's start is over (boot.ts: esbuild-wasm warm). Once none is starting, the page registers
 * the worker and lets it resume. Does nothing for a start never announced (its chunk failed to load).
 */
export function exerciseStarted(): void {
  if (starting === 0) return;
  starting--;
  if (starting > 0 || !swUrl || !globalThis.navigator?.serviceWorker) return void tell(false);
  navigator.serviceWorker.register(swUrl).then(() => tell(true), () => {});
}
