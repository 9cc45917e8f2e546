/**
 * Page side of the compile worker: one shared worker for every exercise on the page, started once
 * (`warmCompiler()` — called while the learner reads) and kept alive.
 */
import CompileWorker from './compile-worker?worker';
import { namedWorker } from './worker-ctor';
import type { CompileDiagnostic, CompileReply } from './protocol';

export type CompileResult =
  | { ok: true; js: string; warnings: CompileDiagnostic[]; ms: number }
  | { ok: false; errors: CompileDiagnostic[]; ms: number };

let worker: Worker | null = null;
let readyPromise: Promise<void> | null = null;
let nextId = 1;
const pending = new Map<number, (r: CompileResult) => void>();

function start(): Promise<void> {
  if (readyPromise) return readyPromise;
  readyPromise = new Promise<void>((resolve, reject) => {
    try {
      worker = namedWorker(CompileWorker, 'exercise-compiler');
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    worker.addEventListener('message', (ev: MessageEvent<CompileReply>) => {
      const m = ev.data;
      if (m.type === 'ready') resolve();
      else if (m.type === 'init-failed') reject(new Error(`The compiler could not start: ${m.message}`));
      else if (m.type === 'compiled') {
        const done = pending.get(m.id);
        pending.delete(m.id);
        done?.(m.ok ? { ok: true, js: m.js, warnings: m.warnings, ms: m.ms } : { ok: false, errors: m.errors, ms: m.ms });
      }
    });
    worker.addEventListener('error', (ev) => reject(new Error(`The compiler could not start: ${ev.message || 'worker error'}`)));
  });
  // Avoid an unhandled rejection when nobody awaits the warm-up; compile() reports the error.
  readyPromise.catch(() => {});
  return readyPromise;
}

/** Starts esbuild-wasm in its worker if it is not running yet. Safe to call many times. */
export function warmCompiler(): Promise<void> {
  return start();
}

/** Compiles learner TypeScript to CommonJS (`{loader:'ts', format:'cjs', target:'es2022'}`). */
export async function compile(code: string, file: string): Promise<CompileResult> {
  await start();
  const id = nextId++;
  return new Promise<CompileResult>((resolve) => {
    pending.set(id, resolve);
    worker!.postMessage({ type: 'compile', id, code, file });
  });
}
