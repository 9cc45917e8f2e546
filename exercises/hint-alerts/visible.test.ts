// Visible tests for hint-alerts: evaluateAlerts(samples, config) on metric samples scraped from a
// small simulated cluster (max_hint_window 30 s, a sample of every live node every 2 s).
import { defineTests } from '../../src/grading/api';

import { simulate, config, evaluate, of, describe, onlyAllowed } from './harness';

export default defineTests((t) => {
  t.test('a healthy node with millions of hints since its start raises no alert', async (ctx) => {
    // Up for weeks: old outages left TotalHints at 2.4 million. Nothing grows during this window.
    const run = await simulate(ctx, {
      untilMs: 12_000,
      baseline: { A: { 'Storage.TotalHints': 2_400_000, 'HintedHandOffManager.Hints_not_stored-C': 310 }, B: { 'Storage.TotalHints': 1_900_000 }, C: {} },
    });
    onlyAllowed(ctx, evaluate(ctx, run, config(run)), [], 'the cluster is healthy');
  });

  t.test('warns while a down node is still inside the hint window', async (ctx) => {
    const run = await simulate(ctx, { untilMs: 28_000, faults: [{ at: 2000, kind: 'crash', node: 'C' }, { at: 26_000, kind: 'restart', node: 'C' }] });
    const alerts = evaluate(ctx, run, config(run)); // downWarnMs = 20 s
    const warned = of(alerts, 'node-down-long', 'A', 'C');
    if (warned.length !== 1) ctx.fail(`Expected one node-down-long alert from A about C, got ${warned.length}: ${alerts.map(describe).join('; ') || 'none'}.`);
  });

  t.test('any increase of Hints_not_stored asks for a repair', async (ctx) => {
    const run = await simulate(ctx, { untilMs: 44_000, faults: [{ at: 2000, kind: 'crash', node: 'C' }] });
    const alerts = evaluate(ctx, run, config(run));
    for (const n of ['A', 'B']) {
      const found = of(alerts, 'hints-not-stored', n, 'C');
      if (found.length !== 1) {
        const again = found.length > 1 ? ' C stayed down, so this is one incident: a sample without growth while C is still down does not end it (it ends at a sample where the counter did not grow and C is up again).' : '';
        ctx.fail(`Expected one hints-not-stored alert from ${n} about C (C was down past max_hint_window), got ${found.length}: ${alerts.map(describe).join('; ') || 'none'}.${again}`);
      }
    }
  });

  t.test('a restart resets counters: no alert for it', async (ctx) => {
    const run = await simulate(ctx, {
      untilMs: 14_000,
      baseline: { A: { 'Storage.TotalHints': 800_000, 'DroppedMessage.MUTATION.Dropped': 950 }, B: {}, C: {} },
      faults: [{ at: 4000, kind: 'crash', node: 'A' }, { at: 7000, kind: 'restart', node: 'A' }],
    });
    onlyAllowed(ctx, evaluate(ctx, run, config(run)), [], 'A was only restarted');
  });

  t.test('dropped mutations raise one alert per episode', async (ctx) => {
    const run = await simulate(ctx, { untilMs: 16_000, faults: [{ at: 4000, kind: 'pause', node: 'C', forMs: 4000 }] });
    const alerts = evaluate(ctx, run, config(run));
    const found = of(alerts, 'dropped-mutations', 'C');
    if (found.length !== 1) ctx.fail(`Expected one dropped-mutations alert from C (it stalled for 4 s), got ${found.length}: ${alerts.map(describe).join('; ') || 'none'}.`);
  });
});
