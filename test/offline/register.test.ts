/**
 * The page's side of the offline worker, in Node with an in-memory page: every page registers it
 * once loaded, at an idle moment (src/browser/offline/register.ts) — unless an exercise on it has
 * started, which registers it once its start is over (src/browser/offline/exercise-start.ts); the
 * worker in charge of the page hears each change of the page's state.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

interface FakePage {
  registered: string[];
  /** messages the worker in charge of the page (the registration's too) received */
  told: unknown[];
  /** idle callbacks the page asked for, run when the test says so */
  idle: Array<() => void>;
  /** the exercise's element: `data-state` as element.ts sets it */
  exercise: { state: string };
  load(): void;
  runIdle(): void;
}

/** A page still loading, its exercise not in view; with a worker already in charge of it when `controlled`. */
function fakePage(controlled: boolean): FakePage {
  const window = new EventTarget();
  const page: FakePage = {
    registered: [],
    told: [],
    idle: [],
    exercise: { state: 'static' },
    load: () => window.dispatchEvent(new Event('load')),
    runIdle() {
      const fns = page.idle;
      page.idle = [];
      fns.forEach((f) => f());
    },
  };
  const worker = { postMessage: (m: unknown) => void page.told.push(m) };
  const registration = { installing: null as unknown, waiting: null, active: controlled ? worker : null };
  vi.stubGlobal('document', {
    querySelector: (sel: string) => (sel === 'qc-exercise:not([data-state=static])' ? (page.exercise.state === 'static' ? null : page.exercise) : null),
  });
  vi.stubGlobal('self', globalThis);
  vi.stubGlobal('addEventListener', window.addEventListener.bind(window));
  vi.stubGlobal('requestIdleCallback', (fn: () => void) => void page.idle.push(fn));
  vi.stubGlobal('navigator', {
    serviceWorker: {
      controller: controlled ? worker : null,
      getRegistration: async () => (registration.active || registration.installing ? registration : undefined),
      register: async (url: string) => {
        page.registered.push(url);
        if (!registration.active) registration.installing = worker;
        return registration;
      },
    },
  });
  return page;
}

/** Both modules fresh (exercise-start.ts counts the exercises starting on the page). */
async function modules() {
  vi.resetModules();
  const { registerOfflineWorker } = await import('../../src/browser/offline/register');
  const { exerciseStarting } = await import('../../src/browser/offline/exercise-start');
  return { registerOfflineWorker, exerciseStarting };
}

const state = (busy: number, quiet = false) => ({ type: 'qc:page', busy, quiet });

describe('the offline worker is registered once the page is quiet', () => {
  beforeEach(() => vi.unstubAllGlobals());
  afterEach(() => vi.unstubAllGlobals());

  it('a page whose exercise has not started: after load, at an idle moment', async () => {
    const page = fakePage(false);
    const { registerOfflineWorker } = await modules();
    registerOfflineWorker('/course/');
    page.runIdle();
    expect(page.registered).toEqual([]); // not before load
    page.load();
    expect(page.registered).toEqual([]); // not before an idle moment
    page.runIdle();
    expect(page.registered).toEqual(['/course/sw.js']);
  });

  it('an exercise that started before the idle moment: not then, but once its start is over', async () => {
    const page = fakePage(false);
    const { registerOfflineWorker, exerciseStarting } = await modules();
    registerOfflineWorker('/');
    page.load();
    page.exercise.state = 'loading'; // scrolled into view (element.ts)
    const over = exerciseStarting('/sw.js');
    page.runIdle();
    expect(page.registered).toEqual([]);
    over();
    over(); // a second call changes nothing
    expect(page.registered).toEqual(['/sw.js']);
    // the worker installing for the page hears, last, that it is quiet
    await vi.waitFor(() => expect(page.told.at(-1)).toEqual(state(0, true)));
  });

  it('two exercises starting: only once both are over', async () => {
    const page = fakePage(false);
    const { exerciseStarting } = await modules();
    const a = exerciseStarting('/sw.js');
    const b = exerciseStarting('/sw.js');
    a();
    expect(page.registered).toEqual([]);
    b();
    expect(page.registered).toEqual(['/sw.js']);
  });

  it('the worker already in charge of the page hears each change of its state, in order', async () => {
    const page = fakePage(true);
    const { exerciseStarting } = await modules();
    const a = exerciseStarting('/sw.js');
    const b = exerciseStarting('/sw.js');
    a();
    b();
    await vi.waitFor(() => expect(page.told).toEqual([state(1), state(2), state(1), state(0, true)]));
  });

  it('no worker script (astro dev): nothing is registered', async () => {
    const page = fakePage(false);
    const { exerciseStarting } = await modules();
    exerciseStarting(null)();
    expect(page.registered).toEqual([]);
  });
});
