/**
 * The page's side of the offline worker, in Node with an in-memory page: every page registers it a
 * few seconds after load (src/browser/offline/register.ts) — unless an exercise on it has
 * started, which registers it once its start is over (src/browser/offline/exercise-start.ts); the
 * worker in charge of the page hears each change of the page's state.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

interface FakePage {
  registered: string[];
  /** messages the worker in charge of the page (the registration's too) received */
  told: unknown[];
  /** timers the page set, run when the test says the time they stand for has passed */
  timers: Array<{ fn: () => void; ms: number }>;
  /** the exercise's element: `data-state` as element.ts sets it */
  exercise: { state: string };
  load(): void;
  /** the time of every timer set so far passes */
  runTimers(): void;
}

/** A page still loading, its exercise not in view; with a worker already in charge of it when `controlled`. */
function fakePage(controlled: boolean): FakePage {
  const window = new EventTarget();
  const page: FakePage = {
    registered: [],
    told: [],
    timers: [],
    exercise: { state: 'static' },
    load: () => window.dispatchEvent(new Event('load')),
    runTimers() {
      const ts = page.timers;
      page.timers = [];
      ts.forEach((t) => t.fn());
    },
  };
  const worker = { postMessage: (m: unknown) => void page.told.push(m) };
  const registration = { installing: null as unknown, waiting: null, active: controlled ? worker : null };
  vi.stubGlobal('document', {
    querySelector: (sel: string) => (sel === 'qc-exercise:not([data-state=static])' ? (page.exercise.state === 'static' ? null : page.exercise) : null),
  });
  vi.stubGlobal('addEventListener', window.addEventListener.bind(window));
  vi.stubGlobal('setTimeout', (fn: () => void, ms: number) => void page.timers.push({ fn, ms }));
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
  const { exerciseStarting, exerciseStarted } = await import('../../src/browser/offline/exercise-start');
  return { registerOfflineWorker, exerciseStarting, exerciseStarted };
}

const state = (busy: number, quiet = false) => ({ type: 'qc:page', busy, quiet });

describe('the offline worker is registered once the page is quiet', () => {
  beforeEach(() => vi.unstubAllGlobals());
  afterEach(() => vi.unstubAllGlobals());

  it('a page whose exercise has not started: a few seconds after load', async () => {
    const page = fakePage(false);
    const { registerOfflineWorker } = await modules();
    registerOfflineWorker('/course/');
    page.runTimers();
    expect(page.registered).toEqual([]); // not before load
    page.load();
    expect(page.registered).toEqual([]); // not at load
    expect(page.timers.map((t) => t.ms)).toEqual([expect.any(Number)]);
    expect(page.timers[0].ms).toBeGreaterThanOrEqual(2000);
    page.runTimers();
    expect(page.registered).toEqual(['/course/sw.js']);
  });

  it('an exercise that started in those seconds: not then, but once its start is over', async () => {
    const page = fakePage(false);
    const { registerOfflineWorker, exerciseStarting, exerciseStarted } = await modules();
    registerOfflineWorker('/');
    page.load();
    page.exercise.state = 'loading'; // scrolled into view (element.ts)
    exerciseStarting('/sw.js');
    page.runTimers();
    expect(page.registered).toEqual([]);
    exerciseStarted();
    expect(page.registered).toEqual(['/sw.js']);
    // the worker installing for the page hears, last, that it is quiet
    await vi.waitFor(() => expect(page.told.at(-1)).toEqual(state(0, true)));
  });

  it('two exercises starting: only once both are over; an end never announced changes nothing', async () => {
    const page = fakePage(false);
    const { exerciseStarting, exerciseStarted } = await modules();
    exerciseStarting('/sw.js');
    exerciseStarting('/sw.js');
    exerciseStarted();
    expect(page.registered).toEqual([]);
    exerciseStarted();
    expect(page.registered).toEqual(['/sw.js']);
    exerciseStarted(); // a start whose announcement never ran (its chunk failed to load)
    expect(page.registered).toEqual(['/sw.js']);
  });

  it('the worker already in charge of the page hears each change of its state, in order', async () => {
    const page = fakePage(true);
    const { exerciseStarting, exerciseStarted } = await modules();
    exerciseStarting('/sw.js');
    exerciseStarting('/sw.js');
    exerciseStarted();
    exerciseStarted();
    await vi.waitFor(() => expect(page.told).toEqual([state(1), state(2), state(1), state(0, true)]));
  });

  it('no worker script (astro dev): nothing is registered', async () => {
    const page = fakePage(false);
    const { exerciseStarting, exerciseStarted } = await modules();
    exerciseStarting(null);
    exerciseStarted();
    expect(page.registered).toEqual([]);
  });
});
