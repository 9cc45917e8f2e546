/**
 * Issue 11, "code in the page's origin": learner code used to run in a worker of the site's own
 * origin, sharing its CacheStorage and IndexedDB with the page and the service worker. Now it runs
 * in an opaque origin (a worker started by a sandboxed frame without `allow-same-origin`): none of
 * the origin's storage exists for it — not directly, not through `eval`/`Function`, not through the
 * global's prototype chain or a constructor chain — and the page's storage is untouched afterwards.
 */
import { describe, expect, it, vi } from 'vitest';
import { DEMO_PATH, clickAndWait, correctRunPasses, demoWithBlockFor, setCode, useExercisePage } from './exercise-helpers';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const shared = useExercisePage(DEMO_PATH);

/**
 * Learner code that tries every way to the origin's storage and logs, per attempt, "reached" (the
 * call went through) or "blocked: <error>" (it threw: the API is absent or refuses this origin).
 */
const PROBE = `
const g: any = globalThis;
const probes: Record<string, string> = {};
const attempt = (name: string, f: () => unknown) => {
  try {
    const r: any = f();
    if (r === undefined || r === null) throw new TypeError('not available');
    probes[name] = 'reached';
  } catch (e: any) {
    probes[name] = 'blocked: ' + (e && e.name);
  }
};
const FORGED = JSON.stringify({ version: 1, lessons: {}, exercises: { demo: { code: 'forged', status: 'pass', submitted: true, at: 1 } }, quiz: {} });
attempt('caches', () => g.caches.open('learner-cache').then((c: any) => c.put('/learner', new Response('x'))));
attempt('caches.keys', () => g.caches.keys());
attempt('indexedDB', () => g.indexedDB.open('learner-db'));
attempt('localStorage', () => { g.localStorage.setItem('qc:progress', FORGED); return true; });
attempt('sessionStorage', () => { g.sessionStorage.setItem('learner', '1'); return true; });
attempt('document.cookie', () => { g.document.cookie = 'learner=1; path=/'; return true; });
attempt('cookieStore', () => g.cookieStore.set('learner', '1'));
attempt('serviceWorker', () => g.navigator.serviceWorker.register('/learner-sw.js'));
attempt('eval caches', () => (0, eval)('caches').open('learner-eval'));
attempt('Function indexedDB', () => new Function('return indexedDB')().open('learner-fn'));
attempt('constructor chain', () => (() => 0).constructor('return this')().caches.open('learner-ctor'));
attempt('prototype chain', () => {
  for (let o = Object.getPrototypeOf(g); o; o = Object.getPrototypeOf(o)) {
    const d = Object.getOwnPropertyDescriptor(o, 'caches');
    if (d && d.get) return d.get.call(g).open('learner-proto');
  }
  return undefined;
});
attempt('storage manager', () => g.navigator.storage.estimate());
console.log('PROBES ' + JSON.stringify(probes));
`;

describe('learner code cannot reach the origin’s storage', () => {
  it('every attempt is blocked, and the page’s storage is untouched', async () => {
    const before = await shared.page.evaluate(async () => ({
      progress: localStorage.getItem('qc:progress'),
      caches: await caches.keys(),
      dbs: (await indexedDB.databases()).map((d) => d.name),
      cookie: document.cookie,
    }));
    await setCode(shared.page, demoWithBlockFor("switch (cl) { case 'ONE': return 1; case 'QUORUM': return Math.floor(rf / 2) + 1; default: return rf; }", PROBE));
    await clickAndWait(shared.page, 'Run');
    const out = (await shared.page.locator('[data-role="console-out"]').textContent()) ?? '';
    const line = /PROBES (\{.*?\})(?:\n|$)/.exec(out);
    expect(line, `the probe's report in the console: ${out.slice(0, 500)}`).not.toBeNull();
    const probes = JSON.parse(line![1]) as Record<string, string>;
    const reached = Object.entries(probes).filter(([, v]) => v === 'reached').map(([k]) => k);
    expect(reached, JSON.stringify(probes)).toEqual([]);

    // A correct Run afterwards passes, and nothing of the above shows up in the page's origin.
    expect((await correctRunPasses(shared.page)).status).toBe('pass');
    const after = await shared.page.evaluate(async () => ({
      progress: localStorage.getItem('qc:progress'),
      caches: await caches.keys(),
      dbs: (await indexedDB.databases()).map((d) => d.name),
      cookie: document.cookie,
    }));
    expect(after.caches).toEqual(before.caches);
    expect(after.dbs).toEqual(before.dbs);
    expect(after.cookie).toBe(before.cookie);
    const stored = JSON.parse(after.progress ?? '{}') as { exercises?: Record<string, { code: string }> };
    expect(stored.exercises?.demo?.code).not.toBe('forged');
    expect(shared.issues.offOrigin).toEqual([]);
  });
});
