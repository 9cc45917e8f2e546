/**
 * The run worker is kept for the next run only while runs leave it as they found it (a warm Run
 * in a blink, and nothing a learner module does survives into the next run). Observed from
 * outside, through the page's workers: run workers are the ones started from `blob:` URLs. Learner
 * code runs in a hardened compartment and cannot tell which worker it is in, so "kept" is: clean
 * runs start no worker and close none; "replaced" is the old worker's `close` event after a run
 * that left something behind. No waiting for something not to happen.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Worker } from 'playwright-core';
import { DEMO_PATH, clickAndWait, demoSolution, setCode, summaryStatus, useExercisePage } from './exercise-helpers';

vi.setConfig({ testTimeout: 600_000, hookTimeout: 600_000 });

const started: Worker[] = [];
const closedUrls = new Set<string>();

const shared = useExercisePage(DEMO_PATH, 'demo', {
  onPage: (page) =>
    page.on('worker', (w) => {
      if (!w.url().startsWith('blob:')) return;
      started.push(w);
      w.on('close', () => closedUrls.add(w.url()));
    }),
});

/** Runs `code` and returns the verdict and the first test's text. */
async function run(code: string): Promise<{ status: string | null; first: string }> {
  await setCode(shared.page, code);
  await clickAndWait(shared.page, 'Run');
  const status = await summaryStatus(shared.page);
  const first = await shared.page.evaluate(() => {
    const r = window.__exerciseEditors!.demo.lastResults;
    const t = r?.tests?.[0];
    return `${r?.message ?? ''}\n${t?.message ?? ''}\n${t?.output ?? ''}`;
  });
  return { status, first };
}

describe('run worker reuse', () => {
  it('keeps one warm worker across clean runs (plus at most one spare), terminating none', async () => {
    for (let i = 0; i < 4; i++) expect((await run(demoSolution)).status).toBe('pass');
    // one worker ran them all, next to at most one warm spare: a worker per run would start more or close some
    expect(started.length).toBeGreaterThan(0);
    expect(started.length).toBeLessThanOrEqual(2);
    expect([...closedUrls]).toEqual([]);
  });

  it('replaces the worker after a run that left a real timer behind, and the next runs pass on a clean one that is kept', async () => {
    const closedBefore = closedUrls.size;
    await run(`${demoSolution}\nsetInterval(() => {}, 60_000);\n`);
    // The worker the timer was left in is terminated: wait for its close event.
    await expect.poll(() => closedUrls.size).toBeGreaterThan(closedBefore);
    expect((await run(demoSolution)).status).toBe('pass');
    // the clean worker is kept: further clean runs close nothing (a spare may start beside it)
    const closed = closedUrls.size;
    for (let i = 0; i < 2; i++) expect((await run(demoSolution)).status).toBe('pass');
    expect(closedUrls.size).toBe(closed);
  });

  it.each([
    ['changes a built-in', `${demoSolution}\nMath.max = () => 0;\n`, /read-only/],
    ['opens a MessageChannel', `${demoSolution}\nconst ping = new MessageChannel();\n`, /MessageChannel/],
  ])('a module that %s fails with a message saying so, and the next run passes', async (_what, code, said) => {
    const bad = await run(code);
    expect(bad.status).not.toBe('pass');
    expect(bad.first).toMatch(said);
    expect((await run(demoSolution)).status).toBe('pass');
  });
});
