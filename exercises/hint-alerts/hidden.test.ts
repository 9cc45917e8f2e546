// Hidden tests for hint-alerts: metric samples taken from simulator runs (healthy long-running
// nodes, restarts, pauses, nodes down near and past max_hint_window, an isolated zone), many seeds each.
import { defineTests, seeds } from '../../src/grading/api';
import type { TestContext } from '../../src/grading/api';

import { type Alert, HINT_BYTES, simulate, config, evaluate, of, onlyAllowed, atMost, plainMessage, prng, describe } from './harness';


/** Counters of nodes that have been up for weeks: big, and not growing during the sampled window. */
function longRunning(seed: number) {
  const r = prng(seed);
  const node = (extra: Record<string, number>) => ({
    'Storage.TotalHints': 150_000 + r(3_000_000),
    'HintsService.HintsSucceeded': 140_000 + r(100_000),
    'HintedHandOffManager.Hints_created-C': 50_000 + r(900_000),
    ...extra,
  });
  return {
    A: node({ 'HintedHandOffManager.Hints_not_stored-C': 200 + r(600), 'HintedHandOffManager.Hints_not_stored-B': 40 + r(50) }),
    B: node({ 'HintedHandOffManager.Hints_not_stored-C': 200 + r(600), 'DroppedMessage.MUTATION.Dropped': 300 + r(900) }),
    C: node({ 'DroppedMessage.MUTATION.Dropped': 300 + r(900), 'HintedHandOffManager.Hints_not_stored-A': 12 }),
  };
}

/** Expects one alert of `kind` from `node` about `peer`, raised between `from` and `to`. */
function expectAlert(ctx: TestContext, alerts: Alert[], kind: string, node: string, peer: string | undefined, from: number, to: number, why: string): Alert {
  const found = of(alerts, kind, node, peer).find((a) => a.time >= from && a.time <= to);
  if (!found) {
    const seen = alerts.length ? alerts.map(describe).join('; ') : 'no alert at all';
    ctx.fail(`No ${kind} alert from ${node}${peer ? ' about ' + peer : ''} between ${Math.round(from / 1000)} s and ${Math.round(to / 1000)} s, although ${why}: nobody on call hears of it until customers complain about missing or outdated orders (seen: ${seen}; seed ${ctx.seed}).`);
  }
  plainMessage(ctx, found, peer ?? node);
  return found;
}

export default defineTests((t) => {
  t.test(
    'healthy cluster that has run for weeks: no alert',
    {
      scenario:
        'Three nodes have been up for weeks: Storage.TotalHints is in the hundreds of thousands or millions from old outages, and Hints_not_stored and dropped MUTATION counters are non-zero from incidents long since repaired. Nothing is wrong now; orders are written at QUORUM.',
      hint: 'These are counters since the node started, not a backlog. Compare each counter with the same node\'s previous sample and alert only when it grows.',
      seeds: seeds(1, 30),
    },
    async (ctx) => {
      const run = await simulate(ctx, { untilMs: 12_000, baseline: longRunning(ctx.seed) });
      onlyAllowed(ctx, evaluate(ctx, run, config(run)), [], 'the cluster is healthy and no counter grew during the window');
    },
  );

  t.test(
    'a node restarts: its counters go back to 0, and that is no incident',
    {
      scenario:
        'A node of a long-running cluster is restarted for an upgrade (down for a few seconds); its counters start again from 0 while the other nodes keep theirs. Nothing else happens.',
      hint: 'A counter lower than in the previous sample means the node restarted: count the increase from 0, not as a huge negative (or positive) jump.',
      seeds: seeds(101, 28),
    },
    async (ctx) => {
      const r = prng(ctx.seed);
      const node = ['A', 'B', 'C'][r(3)];
      const at = 3000 + r(3) * 1000;
      const run = await simulate(ctx, {
        untilMs: 14_000, baseline: longRunning(ctx.seed),
        faults: [{ at, kind: 'crash', node }, { at: at + 3000, kind: 'restart', node }],
      });
      onlyAllowed(ctx, evaluate(ctx, run, config(run)), [], `node ${node} was only restarted (its counters reset to 0) and nothing was lost`);
    },
  );

  t.test(
    'a paused replica drops mutations',
    {
      scenario:
        'Node C stalls twice for about 4 seconds (a long GC pause); writes queue up and C drops the mutations that waited longer than the write timeout (DroppedMessage.MUTATION).',
      hint: 'Dropped MUTATION messages mean this replica is missing writes right now: alert when the counter grows, once per episode, and re-arm once it stops growing.',
      seeds: seeds(201, 26),
    },
    async (ctx) => {
      const r = prng(ctx.seed);
      const p1 = 3000 + r(3) * 1000;
      const p2 = p1 + 9000 + r(3) * 1000;
      const run = await simulate(ctx, {
        untilMs: p2 + 8000, baseline: longRunning(ctx.seed),
        faults: [{ at: p1, kind: 'pause', node: 'C', forMs: 4000 }, { at: p2, kind: 'pause', node: 'C', forMs: 4000 }],
      });
      const alerts = evaluate(ctx, run, config(run));
      onlyAllowed(ctx, alerts, ['dropped-mutations C'], 'only C stalled, and only for a few seconds');
      expectAlert(ctx, alerts, 'dropped-mutations', 'C', undefined, p1, p2, 'C dropped the writes that queued during its first stall');
      expectAlert(ctx, alerts, 'dropped-mutations', 'C', undefined, p2, p2 + 8000, 'C stalled again and dropped more writes (the first episode was over)');
      atMost(ctx, alerts, 2, 'two stalls');
    },
  );

  t.test(
    'a node down past max_hint_window: warn before, then schedule a repair',
    {
      scenario:
        'Node C crashes and stays down. The other nodes keep taking writes and storing hints for C; after max_hint_window (30 s here) they stop storing hints and count Hints_not_stored-C.',
      hint: 'Two alerts: a node down for most of the window (downWarnMs), raised while hints are still being stored; and any increase of Hints_not_stored-<peer>, which means the peer needs a repair.',
      seeds: seeds(301, 26),
    },
    async (ctx) => {
      const r = prng(ctx.seed);
      const at = 1000 + r(4) * 1000;
      const run = await simulate(ctx, { untilMs: at + 42_000, baseline: longRunning(ctx.seed), faults: [{ at, kind: 'crash', node: 'C' }] });
      const cfg = config(run);
      const alerts = evaluate(ctx, run, cfg);
      onlyAllowed(ctx, alerts, ['node-down-long A C', 'node-down-long B C', 'hints-not-stored A C', 'hints-not-stored B C'], 'only C is down');
      for (const n of ['A', 'B']) {
        expectAlert(ctx, alerts, 'node-down-long', n, 'C', at, at + run.maxHintWindowMs, `C was down for most of max_hint_window: on-call must act before ${n} stops storing hints for it`);
        expectAlert(ctx, alerts, 'hints-not-stored', n, 'C', at + run.maxHintWindowMs, at + 42_000, `${n} stopped storing hints for C: C is missing writes and needs a repair`);
      }
      atMost(ctx, alerts, 1, 'one outage of C');
    },
  );

  t.test(
    'a restarted node stops storing hints: the increase counts from 0',
    {
      scenario:
        'Node A was restarted a few seconds ago (its counters, including an old Hints_not_stored-C in the hundreds, went back to 0). Then C crashes and stays down past max_hint_window.',
      hint: 'After a restart, compare with 0, not with the highest value the counter ever had: a few hints not stored after the restart are a new incident.',
      seeds: seeds(401, 24),
    },
    async (ctx) => {
      const r = prng(ctx.seed);
      const at = 5000 + r(3) * 1000;
      const run = await simulate(ctx, {
        untilMs: at + 40_000, baseline: longRunning(ctx.seed),
        faults: [{ at: 1000, kind: 'crash', node: 'A' }, { at: 2000, kind: 'restart', node: 'A' }, { at, kind: 'crash', node: 'C' }],
      });
      const alerts = evaluate(ctx, run, config(run));
      onlyAllowed(ctx, alerts, ['node-down-long * C', 'hints-not-stored * C', 'node-down-long * A'], 'only A restarted and C is down');
      expectAlert(ctx, alerts, 'hints-not-stored', 'A', 'C', at + run.maxHintWindowMs, at + 40_000, 'A (restarted earlier) stopped storing hints for C');
      atMost(ctx, alerts, 1, 'one outage of C');
    },
  );

  t.test(
    'zone C isolated for most of the hint window, then healed',
    {
      scenario:
        'Zone C is cut off from A and B for about 25 s (max_hint_window is 30 s), then the network heals. Each side sees the other down; hints pile up and are replayed after the heal.',
      hint: 'Warn when a peer has been down for downWarnMs, not when the window has already closed: by then the hints have stopped.',
      seeds: seeds(501, 24),
    },
    async (ctx) => {
      const r = prng(ctx.seed);
      const at = 1000 + r(3) * 1000;
      const heal = at + 24_000 + r(3) * 500;
      const run = await simulate(ctx, {
        untilMs: heal + 8000,
        faults: [{ at, kind: 'isolate', zone: 'C' }, { at: heal, kind: 'heal' }],
      });
      const alerts = evaluate(ctx, run, config(run, { hintsDiskWarnBytes: 64 * HINT_BYTES }));
      onlyAllowed(ctx, alerts, ['node-down-long A C', 'node-down-long B C', 'node-down-long C A', 'node-down-long C B'], 'C came back before the hint window closed');
      for (const n of ['A', 'B']) expectAlert(ctx, alerts, 'node-down-long', n, 'C', at, heal, 'C was cut off for most of max_hint_window');
      atMost(ctx, alerts, 1, 'one partition');
    },
  );

  t.test(
    'two outages of the same node: each one is alerted',
    {
      scenario:
        'Node C crashes for about 24 s, comes back (the hints are replayed), and crashes again for about 24 s. Hints pile up on A and B each time.',
      hint: 'One alert per incident, not one for ever: re-arm an alert once its condition has cleared (the peer is up again, the hints directory has drained).',
      seeds: seeds(601, 22),
    },
    async (ctx) => {
      const r = prng(ctx.seed);
      const c1 = 1000 + r(3) * 1000;
      const c2 = c1 + 42_000;
      const run = await simulate(ctx, {
        untilMs: c2 + 30_000,
        faults: [
          { at: c1, kind: 'crash', node: 'C' }, { at: c1 + 24_000, kind: 'restart', node: 'C' },
          { at: c2, kind: 'crash', node: 'C' }, { at: c2 + 24_000, kind: 'restart', node: 'C' },
        ],
      });
      const alerts = evaluate(ctx, run, config(run, { hintsDiskWarnBytes: 3 * HINT_BYTES }));
      onlyAllowed(ctx, alerts, ['node-down-long A C', 'node-down-long B C', 'hints-disk A', 'hints-disk B'], 'C came back each time before the hint window closed');
      for (const [from, to] of [[c1, c1 + 24_000], [c2, c2 + 24_000]]) {
        expectAlert(ctx, alerts, 'node-down-long', 'A', 'C', from, to, `C was down from ${Math.round(from / 1000)} s`);
        expectAlert(ctx, alerts, 'hints-disk', 'A', undefined, from, to, `A was piling up hints for C from ${Math.round(from / 1000)} s`);
      }
      atMost(ctx, alerts, 2, 'two outages of C');
    },
  );

  t.test(
    'a per-host hint cap: the node-down warning still comes in time',
    {
      scenario:
        'max_hints_size_per_host is set (here: 10 hints per target), so hints for C stop at the cap without any Hints_not_stored. C crashes and comes back after about 27 s, inside the 30 s window.',
      hint: 'The node-down warning is what tells on-call about this outage: raise it when the peer has been down for downWarnMs.',
      seeds: seeds(701, 22),
    },
    async (ctx) => {
      const r = prng(ctx.seed);
      const at = 1000 + r(3) * 1000;
      const run = await simulate(ctx, {
        untilMs: at + 34_000, maxHintsPerHost: 10,
        faults: [{ at, kind: 'crash', node: 'C' }, { at: at + 27_000, kind: 'restart', node: 'C' }],
      });
      const alerts = evaluate(ctx, run, config(run, { hintsDiskWarnBytes: 16 * HINT_BYTES }));
      onlyAllowed(ctx, alerts, ['node-down-long A C', 'node-down-long B C'], 'C came back inside the hint window and the cap kept the hints directories small');
      for (const n of ['A', 'B']) expectAlert(ctx, alerts, 'node-down-long', n, 'C', at, at + 27_000, 'C was down for most of max_hint_window');
      atMost(ctx, alerts, 1, 'one outage of C');
    },
  );
});
