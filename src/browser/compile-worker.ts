/// <reference lib="webworker" />
/**
 * Compile worker: TypeScript → CommonJS with esbuild-wasm, initialised once from the site's own wasm
 * file and kept alive for the page's lifetime (a fresh wasm start costs ~150–250 ms).
 * Learner code is only transformed here, never executed.
 *
 * When esbuild itself fails (not a diagnostic about the code: an error without esbuild's `errors`,
 * a stack overflow inside the wasm, an uncaught error in this worker), the reply says `internal` or
 * the worker posts `broken`, and the page replaces this worker before the next compile
 * (compile-client.ts): a wasm instance that overflowed its stack is not trusted again.
 */
import * as esbuild from 'esbuild-wasm/esm/browser.js';
import wasmURL from 'esbuild-wasm/esbuild.wasm?url';
import { LEARNER_COMPILE_OPTIONS, learnerCompileOptions } from '../grading/compile-options';
import type { CompileDiagnostic, CompileReply, CompileRequest } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

const post = (m: CompileReply) => self.postMessage(m);
const t0 = performance.now();

const ready: Promise<boolean> = esbuild
  .initialize({ wasmURL: new URL(wasmURL, self.location.href).href, worker: false })
  .then(async () => {
    // One throwaway transform so the first learner compile does not pay for lazy setup.
    await esbuild.transform('export const warm: number = 1;', LEARNER_COMPILE_OPTIONS);
    post({ type: 'ready', ms: Math.round(performance.now() - t0) });
    return true;
  })
  .catch((e: unknown) => {
    post({ type: 'init-failed', message: e instanceof Error ? e.message : String(e) });
    return false;
  });

// esbuild's Go runtime can fail outside the transform's promise (e.g. a stack overflow in a callback).
self.addEventListener('error', (ev) => post({ type: 'broken', message: ev.message || 'uncaught error' }));
self.addEventListener('unhandledrejection', (ev) => post({ type: 'broken', message: String(ev.reason) }));

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** esbuild reports columns in UTF-8 bytes; Monaco wants 1-based UTF-16 columns. */
function byteColToUtf16(lineText: string, byteCol: number): number {
  const bytes = utf8.encode(lineText);
  return fromUtf8.decode(bytes.slice(0, Math.max(0, Math.min(byteCol, bytes.length)))).length;
}

function toDiagnostic(m: esbuild.Message): CompileDiagnostic {
  const loc = m.location;
  if (!loc) return { text: m.text, line: 1, column: 1, endLine: 1, endColumn: 2 };
  const startCol = byteColToUtf16(loc.lineText, loc.column);
  const endCol = byteColToUtf16(loc.lineText, loc.column + Math.max(loc.length, 1));
  return {
    text: m.text,
    line: loc.line,
    column: startCol + 1,
    endLine: loc.line,
    endColumn: Math.max(endCol + 1, startCol + 2),
    lineText: loc.lineText,
  };
}

self.addEventListener('message', async (ev: MessageEvent<CompileRequest>) => {
  const req = ev.data;
  if (!req || req.type !== 'compile') return;
  const ok = await ready;
  const start = performance.now();
  if (!ok) {
    post({ type: 'compiled', id: req.id, ok: false, internal: true, ms: 0, errors: [{ text: 'The compiler could not start in this browser.', line: 1, column: 1, endLine: 1, endColumn: 2 }] });
    return;
  }
  try {
    // the same options as the Node CLI (src/grading/compile-options.ts)
    const out = await esbuild.transform(req.code, learnerCompileOptions(req.file));
    post({ type: 'compiled', id: req.id, ok: true, js: out.code, warnings: out.warnings.map(toDiagnostic), ms: performance.now() - start });
  } catch (e: unknown) {
    const errors = (e as { errors?: esbuild.Message[] }).errors;
    // esbuild reports problems with the code as `errors`; anything else is esbuild itself failing.
    const internal = !(Array.isArray(errors) && errors.length) || e instanceof RangeError;
    post({
      type: 'compiled',
      id: req.id,
      ok: false,
      internal,
      ms: performance.now() - start,
      errors: internal
        ? [{ text: e instanceof Error ? `${e.name}: ${e.message}` : String(e), line: 1, column: 1, endLine: 1, endColumn: 2 }]
        : errors!.map(toDiagnostic),
    });
  }
});
