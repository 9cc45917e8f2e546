/**
 * The TypeScript-only Monaco subset (not the full bundle with every language), loaded by a dynamic import
 * only when an exercise scrolls into view. Its CSS is injected at runtime by the Vite plugin in
 * src/browser/vite-plugin-monaco-css.mjs, so Astro never hoists it onto prose pages.
 */
import * as monaco from 'monaco-editor/editor';
// All editor features: a hand-picked subset saved only ~6% and broke services other features need
// (IOutlineModelService, ICodeLensCache, treeViewsDndService).
import 'monaco-editor/features/register.all';
import 'monaco-editor/languages/definitions/typescript/register';
import { typescriptDefaults, getTypeScriptWorker, ScriptTarget, ModuleKind, ModuleResolutionKind } from 'monaco-editor/languages/features/typescript/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import TsWorker from 'monaco-editor/languages/features/typescript/ts.worker?worker';
import { namedWorker } from '../../browser/worker-ctor';
import { mark } from '../../browser/timing';
import { runPathIdle } from '../../browser/warm-up';

export { monaco };

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker?: (workerId: string, label: string) => Promise<Worker> | Worker | undefined };
  }
}

/**
 * An editor worker whose requests wait while a Run, a Submit or the run path's warm-up is in
 * progress (browser/warm-up.ts): type-checking after an edit does not share the CPU with a Run.
 * Monaco uses only these members of the workers it is given.
 */
function yieldingToRuns(worker: Worker): Worker {
  return {
    postMessage: (message: unknown, transfer?: Transferable[]) => void runPathIdle().then(() => worker.postMessage(message, transfer ?? [])),
    terminate: () => worker.terminate(),
    addEventListener: worker.addEventListener.bind(worker),
    removeEventListener: worker.removeEventListener.bind(worker),
    set onmessage(f: Worker['onmessage']) {
      worker.onmessage = f;
    },
    set onmessageerror(f: Worker['onmessageerror']) {
      worker.onmessageerror = f;
    },
    set onerror(f: Worker['onerror']) {
      worker.onerror = f;
    },
  } as unknown as Worker;
}

let typesWanted!: () => void;
const typesWantedP = new Promise<void>((resolve) => (typesWanted = resolve));

/**
 * The learner works with the code: an editor has the focus or the pointer, or a Run or Submit is over
 * (its type report). Only then does TypeScript's worker start (about 2 CPU s of type-checking: a
 * quarter of an exercise page's CPU, bench/results/cold-path-experiments.md section 4), so a learner
 * who reads does not pay for it. Every call after the first does nothing.
 */
export function wantTypes(): void {
  typesWanted();
}

window.MonacoEnvironment = {
  // The editor's workers start once the exercise's run path is warm, so they never delay a first Run;
  // TypeScript's also waits until the learner works with the code (wantTypes).
  getWorker(_id: string, label: string) {
    const typescript = label === 'typescript' || label === 'javascript';
    return (typescript ? typesWantedP : Promise.resolve()).then(runPathIdle).then(() => {
      mark(`editor-worker-${label}`);
      return yieldingToRuns(typescript ? namedWorker(TsWorker, 'monaco-typescript') : namedWorker(EditorWorker, `monaco-${label}`));
    });
  },
};

/** What learner code can see at run time besides the driver modules: no DOM, no network. */
const AMBIENT = `
interface Console { log(...data: unknown[]): void; info(...data: unknown[]): void; warn(...data: unknown[]): void; error(...data: unknown[]): void; debug(...data: unknown[]): void; }
declare var console: Console;
declare function setTimeout(handler: (...args: any[]) => void, timeout?: number, ...args: any[]): number;
declare function clearTimeout(id: number | undefined): void;
declare function setInterval(handler: (...args: any[]) => void, timeout?: number, ...args: any[]): number;
declare function clearInterval(id: number | undefined): void;
declare function queueMicrotask(callback: () => void): void;
`;

let configured = false;

/** Declares the driver modules (`cassandra-driver`, `pg`, `kafkajs`) and the run-time globals. */
export async function configureTypeScript(): Promise<{ driverTypes: boolean }> {
  if (configured) return { driverTypes: true };
  configured = true;
  typescriptDefaults.setCompilerOptions({
    target: ScriptTarget.ES2020,
    module: ModuleKind.ESNext,
    moduleResolution: ModuleResolutionKind.NodeJs,
    lib: ['es2022'],
    strict: true,
    noEmit: true,
    allowNonTsExtensions: true,
    esModuleInterop: true,
    isolatedModules: true,
  });
  typescriptDefaults.setDiagnosticsOptions({ noSemanticValidation: false, noSyntaxValidation: false });
  typescriptDefaults.addExtraLib(AMBIENT, 'file:///node_modules/@types/exercise-globals/index.d.ts');
  try {
    // Generated from src/sim at build time (src/browser/build/driver-types.mjs).
    const { default: libs } = await import('virtual:driver-types');
    for (const [name, dts] of Object.entries(libs)) {
      typescriptDefaults.addExtraLib(dts, `file:///node_modules/@types/${name.replace(/[^a-z0-9@/_-]/gi, '_')}/index.d.ts`);
    }
    return { driverTypes: true };
  } catch {
    return { driverTypes: false };
  }
}

/** The TypeScript errors of a model as the editor's TS worker sees them now ("line 3: message"). */
export async function typeErrors(model: monaco.editor.ITextModel): Promise<string[]> {
  wantTypes();
  const client = await (await getTypeScriptWorker())(model.uri);
  const uri = model.uri.toString();
  const diags = [...(await client.getSyntacticDiagnostics(uri)), ...(await client.getSemanticDiagnostics(uri))];
  return diags.map((d) => {
    const line = d.start === undefined ? 0 : model.getPositionAt(d.start).lineNumber;
    const text = typeof d.messageText === 'string' ? d.messageText : d.messageText.messageText;
    return `line ${line}: ${text}`;
  });
}

const prefersDark = () => window.matchMedia?.('(prefers-color-scheme: dark)').matches;

// Monaco's dark theme draws comments in #608b4e on #1e1e1e, 4.2:1: below WCAG AA's 4.5:1.
monaco.editor.defineTheme('qc-dark', { base: 'vs-dark', inherit: true, rules: [{ token: 'comment', foreground: '6a9955' }], colors: {} });

export function currentTheme(): 'vs' | 'qc-dark' {
  const t = document.documentElement.dataset.theme;
  if (t === 'dark') return 'qc-dark';
  if (t === 'light') return 'vs';
  return prefersDark() ? 'qc-dark' : 'vs';
}
