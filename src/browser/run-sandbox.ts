/**
 * Where a run worker lives: an opaque origin (docs/CONTRACTS.md, "What learner code can reach").
 *
 * `startRunSandbox(exerciseId)` adds a hidden `<iframe sandbox="allow-scripts" srcdoc>` (no
 * `allow-same-origin`: the frame's origin is opaque) that starts the run worker from a `blob:` copy
 * of the worker's single-file script (src/browser/sandbox-frame.mjs). CacheStorage, IndexedDB,
 * localStorage, cookies and the site's service worker do not exist in that origin, by construction.
 * The page fetches the script itself (same origin, so the service worker serves it offline and the
 * sub-path works) and hands the frame the script, a private `MessagePort` for the worker's replies
 * and one for the frame's reports (the worker failed to start or threw). Nothing else crosses:
 * the page never listens to `window` messages from the frame, so a message's origin ("null")
 * never matters — only which port it arrived on.
 *
 * `astro dev` serves the worker as a module graph that an opaque origin could only import through
 * CORS, so in dev the worker runs in the page's origin instead (the built site never does).
 */
import { exerciseStarting } from './offline/exercise-start';
import runWorkerUrl from './run-worker?worker&url';
import { FRAME_HTML } from './sandbox-frame.mjs';
import { mark } from './timing';

export interface RunSandbox {
  /** The page's end of the worker's private reply channel. */
  port: MessagePort;
  /** Resolves when the worker said `ready` — or failed to start (the run then reports the failure). */
  ready: Promise<void>;
  /** Why the worker failed to start or threw outside the grader (a crash), once it has; else null. */
  crashed: string | null;
  /** Called when it crashes (set by the run in progress). */
  onCrash: ((message: string) => void) | null;
  /** Ends the worker at once (also mid-run: an infinite loop) and removes its frame. */
  dispose(): void;
}

let script: Promise<Blob> | null = null;
/** The script once fetched: a start finds it without waiting for a promise (see `startInFrame`). */
let scriptNow: Blob | null = null;

/**
 * The run worker's script, fetched once per page, as a classic script (an opaque origin cannot
 * start module workers): the built file has no `import`/`export` (build/worker-bundle.mjs), and is
 * wrapped in a strict function so that its top-level bindings (the reply port among them) are not
 * global names learner code could look up.
 */
function workerScript(): Promise<Blob> {
  script ??= fetch(new URL(runWorkerUrl, location.href).href).then(async (r) => {
    if (!r.ok) throw new Error(`HTTP ${r.status} for the test runner's script`);
    // The body as a Blob, wrapped by Blob parts: never decoded to a string on the page's main thread.
    const body = await r.blob();
    return (scriptNow = new Blob(['(function () {"use strict";\n', body, '\n})();\n'], { type: 'text/javascript' }));
  });
  script.catch(() => {
    script = null; // try again on the next start (e.g. back online)
  });
  return script;
}

/** Resolves `ready` on the worker's first `ready` message on `port`. */
function readyOn(port: MessagePort): Promise<void> {
  return new Promise<void>((resolve) => {
    const onReady = (ev: MessageEvent) => {
      const m = ev.data as { type?: unknown; at?: unknown } | null;
      if (m?.type !== 'ready') return;
      port.removeEventListener('message', onReady);
      if (m.at && typeof m.at === 'object') for (const [k, v] of Object.entries(m.at)) if (typeof v === 'number') mark(`run-worker-${k}`, v);
      mark('run-worker-ready');
      resolve();
    };
    port.addEventListener('message', onReady);
    port.start();
  });
}

function crashReporter(sandbox: RunSandbox): (message: string) => void {
  return (message) => {
    if (sandbox.crashed !== null) return;
    sandbox.crashed = message;
    sandbox.onCrash?.(message);
  };
}

interface Frame {
  frame: HTMLIFrameElement;
  /** Resolves with the port the frame takes its worker's start on (sandbox-frame.mjs), once it has loaded. */
  loaded: Promise<MessagePort>;
  /** That port, once the frame has loaded. */
  port: MessagePort | null;
}

/** A new hidden sandboxed frame (its document FRAME_HTML), in the page. */
function newFrame(): Frame {
  const frame = document.createElement('iframe');
  frame.setAttribute('sandbox', 'allow-scripts');
  frame.setAttribute('aria-hidden', 'true');
  frame.tabIndex = -1;
  frame.title = 'Exercise test runner';
  frame.hidden = true;
  frame.srcdoc = FRAME_HTML;
  let port: MessagePort | null = null;
  const loaded = new Promise<MessagePort>((resolve) =>
    frame.addEventListener('load', () => {
      const start = new MessageChannel();
      frame.contentWindow?.postMessage({ type: 'qc-run-frame-port' }, '*', [start.port2]);
      resolve((port = start.port1));
    }, { once: true }),
  );
  document.body.append(frame);
  return {
    frame,
    loaded,
    get port() {
      return port;
    },
  };
}

/** A frame made ahead (`prestartRunFrame`), not used yet. */
let early: Frame | null = null;

/**
 * Makes the next run worker's frame now. The page's first sandboxed frame costs about a second to
 * start (Chromium gives it a process of its own), mostly outside the page's main thread; an
 * exercise starts it as its editor begins to load, so that its run worker need not wait for it.
 */
export function prestartRunFrame(): void {
  if (!import.meta.env.DEV) early ??= newFrame();
}

/**
 * What an exercise starts the moment it scrolls into view (components/exercise/element.ts), while its
 * editor's chunk is still loading: the frame its run worker will live in, the download of the
 * worker's script (so that boot.ts's `prestartRunSandbox` finds both there and starts the worker at
 * once), and the page's word to the offline worker that an exercise is starting
 * (offline/exercise-start.ts; boot.ts says when that start is over). Here, not in a module of its
 * own: one chunk less for the page's up-front script to name.
 */
export function prestart(): void {
  exerciseStarting(import.meta.env.PROD ? `${import.meta.env.BASE_URL}sw.js` : null);
  prestartRunFrame();
  if (!import.meta.env.DEV) workerScript().catch(() => {}); // a failure is reported by the start that needs it
}

function startInFrame(exerciseId: string): RunSandbox {
  const replies = new MessageChannel();
  const reports = new MessageChannel();
  const made = early ?? newFrame();
  const { frame, loaded } = made;
  early = null;
  const sandbox: RunSandbox = {
    port: replies.port1,
    ready: Promise.resolve(),
    crashed: null,
    onCrash: null,
    dispose() {
      frame.remove(); // ends the frame's document, and with it the worker, even mid-loop
      replies.port1.close();
      reports.port1.close();
    },
  };
  const crash = crashReporter(sandbox);
  let failed: (message: string) => void = () => {};
  const startFailed = new Promise<void>((resolve) => {
    failed = (message) => {
      crash(message);
      resolve();
    };
  });
  reports.port1.onmessage = (ev: MessageEvent) => {
    const m = ev.data as { type?: unknown; message?: unknown } | null;
    if (m?.type === 'worker-error') failed(typeof m.message === 'string' ? m.message : 'worker error');
  };
  mark('run-worker-spawn');
  const post = (port: MessagePort, code: Blob) => {
    mark('run-worker-frame');
    port.postMessage({ type: 'qc-run-frame', code, name: `exercise-run-${exerciseId}`, exerciseId }, [replies.port2, reports.port2]);
    port.close();
  };
  // At once when the frame has loaded and the script is here (boot.ts starts the worker in the long
  // task that creates the editor: a promise's callback would wait for that task's end), else once
  // they are.
  const started =
    made.port && scriptNow
      ? Promise.resolve(post(made.port, scriptNow))
      : Promise.all([loaded, workerScript()]).then(
          ([port, code]) => post(port, code),
          (e: unknown) => failed(`the test runner could not be loaded (${e instanceof Error ? e.message : String(e)})`),
        );
  sandbox.ready = Promise.race([started.then(() => readyOn(replies.port1)), startFailed]);
  return sandbox;
}

/** `astro dev` only: the worker in the page's origin, started from a blob: shim (inherits the page's CSP). */
function startInPage(exerciseId: string): RunSandbox {
  const abs = new URL(runWorkerUrl, location.href).href;
  const url = URL.createObjectURL(new Blob([`import ${JSON.stringify(abs)};\n`], { type: 'text/javascript' }));
  const worker = new Worker(url, { type: 'module', name: `exercise-run-${exerciseId}` });
  const replies = new MessageChannel();
  const sandbox: RunSandbox = {
    port: replies.port1,
    ready: Promise.resolve(),
    crashed: null,
    onCrash: null,
    dispose() {
      worker.terminate();
      replies.port1.close();
      URL.revokeObjectURL(url);
    },
  };
  const crash = crashReporter(sandbox);
  let failedToStart: () => void = () => {};
  const startFailed = new Promise<void>((resolve) => (failedToStart = resolve));
  worker.addEventListener('error', (ev) => {
    ev.preventDefault();
    crash(ev.message || 'worker error');
    failedToStart();
  });
  sandbox.ready = Promise.race([readyOn(replies.port1), startFailed]);
  worker.postMessage({ type: 'init', port: replies.port2, exerciseId }, [replies.port2]);
  return sandbox;
}

/** Run workers started ahead of their exercise's runner (`prestartRunSandbox`), not taken yet. */
const prestarted = new Map<string, RunSandbox>();

/**
 * Starts `exerciseId`'s first run worker now (boot.ts: before the editor is created), for its
 * runner's first `startRunSandbox` to take.
 */
export function prestartRunSandbox(exerciseId: string): void {
  if (!prestarted.has(exerciseId)) prestarted.set(exerciseId, start(exerciseId));
}

/** A run worker for `exerciseId`, in an opaque origin (in `astro dev`: in the page's origin). */
export function startRunSandbox(exerciseId: string): RunSandbox {
  const early = prestarted.get(exerciseId);
  prestarted.delete(exerciseId);
  return early ?? start(exerciseId);
}

function start(exerciseId: string): RunSandbox {
  return import.meta.env.DEV ? startInPage(exerciseId) : startInFrame(exerciseId);
}
