/// <reference lib="webworker" />
/**
 * Quick compile worker: sucrase (quick-compile.ts) for a Run pressed while esbuild-wasm is not up.
 * Started as the editor is created (boot.ts), ended once esbuild is up (compile-client.ts).
 * Learner code is only transformed (and parsed, never run) here.
 */
import { quickCompile } from './quick-compile';
import type { QuickCompileReply, CompileRequest } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

// The first transform runs sucrase's code cold: done now, not in the learner's first Run.
quickCompile('import { a } from "m";\nexport async function f(x: number): Promise<number> { return x + a; }\n', 'warm.ts');

self.addEventListener('message', (ev: MessageEvent<CompileRequest>) => {
  const req = ev.data;
  if (!req || req.type !== 'compile') return;
  const t0 = performance.now();
  const js = quickCompile(req.code, req.file);
  self.postMessage({ type: 'quick-compiled', id: req.id, js, ms: performance.now() - t0, at: performance.timeOrigin + performance.now() } satisfies QuickCompileReply);
});
