// Hidden tests for hint-alerts: metric samples taken from simulator runs (healthy long-running
// nodes, restarts, pauses, nodes down near and past max_hint_window, an isolated zone), many seeds each.
import { defineTests, fc, seeds, words } from '../../src/grading/api';
import meta from './meta.json';
import type { TestContext } from '../../src/grading/api';

import { type Alert, type AlertConfig, type MetricSample, HINT_BYTES, simulate, config, evaluate, of, onlyAllowed, atMost, plainMessage, prng, describe } from './harness';


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
      seeds: seeds(1, 5),
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
      seeds: seeds(101, 5),
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
      seeds: seeds(201, 5),
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
      seeds: seeds(301, 5),
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
        'Node A was restarted a few seconds ago: its counters were reset, including an old Hints_not_stored-C in the hundreds (each is absent from its samples until it counts again, and reads 0). Then C crashes and stays down past max_hint_window.',
      hint: 'After a restart, compare with 0, not with the highest value the counter ever had, and read a counter missing from a sample as 0 (`s.metrics[name] ?? 0`): the first hints not stored after the restart are a new incident.',
      seeds: seeds(401, 5),
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
      expectAlert(ctx, alerts, 'hints-not-stored', 'A', 'C', at + run.maxHintWindowMs, at + 40_000, 'A (restarted earlier) stopped storing hints for C: its Hints_not_stored-C was absent from its samples after the restart (so 0), then appeared above 0');
      atMost(ctx, alerts, 1, 'one outage of C');
    },
  );

  t.test(
    'zone C isolated for most of the hint window, then healed',
    {
      scenario:
        'Zone C is cut off from A and B for about 25 s (max_hint_window is 30 s), then the network heals. Each side sees the other down; hints pile up and are replayed after the heal.',
      hint: 'Warn when a peer has been down for downWarnMs, not when the window has already closed: by then the hints have stopped.',
      seeds: seeds(501, 5),
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
      seeds: seeds(601, 5),
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
        'A per-host hint cap is set (max_hints_size_per_host, a size on disk in Cassandra; here the simulator caps at 10 hints per target), so hints for C stop at the cap without any Hints_not_stored. C crashes and comes back after about 27 s, inside the 30 s window.',
      hint: 'The node-down warning is what tells on-call about this outage: raise it when the peer has been down for downWarnMs.',
      seeds: seeds(701, 5),
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

  // ── Properties: each task sentence over generated sample streams ────────────────────────────────
  properties(t);
});

// ── The property phase ───────────────────────────────────────────────────────────────────────────
// Each property feeds evaluateAlerts a generated stream of samples from nodes A, B and C — counters that
// start large (a cluster up for weeks) or at 0, grow now and then, and go back to 0 when a node restarts
// (after its own outage, or a rolling restart); peers down for a while, again later, or already down when
// monitoring starts; a hints directory above and below its threshold — and compares the alerts with what
// the task's sentences (and hint 5, for when a Hints_not_stored incident has cleared: the counter stopped
// growing and the peer is up) imply for that stream.

function task(id: string): string {
  const x = meta.tasks.find((k: { id: string }) => k.id === id);
  if (!x) throw new Error(`exercises/hint-alerts/meta.json has no task "${id}"`);
  return x.text;
}

const PEERS = ['A', 'B', 'C'] as const;
const STEP = 60_000;
const T0 = 1_764_000_000_000;
const OFFSET: Record<string, number> = { A: 0, B: 7, C: 13 };
const NOT_STORED = 'HintedHandOffManager.Hints_not_stored-';
const DROPPED = 'DroppedMessage.MUTATION.Dropped';
const TOTAL = 'Storage.TotalHints';
const WARN_BYTES = 50 * 1024 * 1024;

/** A node's outage: down from round `from` (negative: before monitoring started) for `rounds` rounds. */
type Down = { from: number; rounds: number; earlyMs: number };
type Disk = 'above' | 'at' | 'below';
type Stream = {
  rounds: number;
  downWarnRounds: number;
  down: Record<string, Down[]>;
  /** Rounds at which a node restarts without being seen down (a rolling restart). */
  restarts: Record<string, number[]>;
  /** Per node and counter: the value when monitoring starts, and the growth in each round. */
  counters: Record<string, Record<string, { start: number; steps: number[] }>>;
  /** Per node and round: the hints directory above its threshold, at exactly the threshold (not above: it ends an incident), or below. */
  disk: Record<string, Disk[]>;
  /** Counters at 0 are absent from the samples (as the simulator, and Cassandra's per-peer metrics, report them): they read 0. */
  sparse: boolean;
};

const counterNames = (node: string) => [TOTAL, DROPPED, ...PEERS.filter((p) => p !== node).map((p) => NOT_STORED + p)];

function streams(o: { grow: number; restart: number; down: number; disk: number }): fc.Arbitrary<Stream> {
  return fc.integer({ min: 4, max: 12 }).chain((rounds) => {
    const steps = fc.array(fc.oneof({ arbitrary: fc.constant(0), weight: 100 - o.grow }, { arbitrary: fc.integer({ min: 1, max: 40 }), weight: o.grow }), { minLength: rounds, maxLength: rounds });
    const counter = fc.record({ start: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2_000_000 })), steps });
    const perNode = <T>(a: fc.Arbitrary<T>) => fc.record({ A: a, B: a, C: a }) as fc.Arbitrary<Record<string, T>>;
    const downs = fc
      .array(fc.record({ gap: fc.integer({ min: 1, max: 4 }), rounds: fc.integer({ min: 1, max: 6 }), earlyMs: fc.integer({ min: 1, max: STEP - 20 }) }), { maxLength: o.down })
      .chain((xs) =>
        fc.integer({ min: -6, max: rounds - 1 }).map((first) => {
          let at = first;
          return xs.map((x, i) => {
            const d = { from: i === 0 ? at : at + x.gap, rounds: x.rounds, earlyMs: x.earlyMs };
            at = d.from + d.rounds;
            return d;
          });
        }),
      );
    return fc.record({
      rounds: fc.constant(rounds),
      downWarnRounds: fc.integer({ min: 1, max: 4 }),
      down: fc.record({ A: downs, B: downs, C: downs }).map((d) => {
        // at most one node down at a time, so the other two keep sampling: keep B's and C's outages only
        return { A: [] as Down[], B: d.B, C: d.C };
      }),
      restarts: perNode(fc.uniqueArray(fc.integer({ min: 1, max: rounds - 1 }), { maxLength: o.restart })),
      counters: fc.record({
        A: fc.record(Object.fromEntries(counterNames('A').map((c) => [c, counter]))),
        B: fc.record(Object.fromEntries(counterNames('B').map((c) => [c, counter]))),
        C: fc.record(Object.fromEntries(counterNames('C').map((c) => [c, counter]))),
      }) as fc.Arbitrary<Stream['counters']>,
      disk: perNode(fc.array(fc.constantFrom<Disk>('above', 'at', 'below'), { minLength: rounds, maxLength: rounds })).map((d) => (o.disk ? d : { A: d.A.map((): Disk => 'below'), B: d.B.map((): Disk => 'below'), C: d.C.map((): Disk => 'below') })),
      sparse: fc.boolean(),
    });
  });
}

const isDown = (st: Stream, node: string, r: number) => st.down[node].find((d) => r >= d.from && r < d.from + d.rounds);
const sinceOf = (d: Down, node: string) => T0 + d.from * STEP + OFFSET[node] - d.earlyMs;

/** The samples of a stream, in time order, each marked with whether the node restarted before it. */
function samplesOf(st: Stream): { sample: MetricSample; restarted: boolean }[] {
  const out: { sample: MetricSample; restarted: boolean }[] = [];
  const last: Record<string, Record<string, number> | undefined> = {};
  /** `node>peer` whose hints-not-stored incident is open (hint 5: until its counter did not grow and the peer is up). */
  const open = new Set<string>();
  for (let r = 0; r < st.rounds; r++) {
    for (const node of PEERS) {
      if (isDown(st, node, r)) continue;
      const before = last[node];
      const cameBack = r > 0 && !!isDown(st, node, r - 1);
      const restarted = before !== undefined && (cameBack || st.restarts[node].includes(r));
      const metrics: Record<string, number> = {};
      for (const c of counterNames(node)) {
        const { start, steps } = st.counters[node][c];
        let v = before === undefined ? start + steps[r] : restarted ? steps[r] : before[c] + steps[r];
        // a counter that restarted and reads exactly what it read before cannot be told from no growth
        if (restarted && before !== undefined && v === before[c] && v > 0) v = 0;
        metrics[c] = v;
      }
      const time = T0 + r * STEP + OFFSET[node];
      const downPeers: Record<string, number> = {};
      for (const peer of PEERS) {
        const d = peer !== node ? isDown(st, peer, r) : undefined;
        // a peer that went down after this sample was taken (later in the same round) is not seen down yet
        if (d && sinceOf(d, peer) <= time) downPeers[peer] = sinceOf(d, peer);
      }
      const disk = st.disk[node][r];
      const bytes = disk === 'above' ? WARN_BYTES + 1 + ((r * 7919) % WARN_BYTES) : disk === 'at' ? WARN_BYTES : (r * 104_729) % WARN_BYTES;
      // Sparse: a counter at 0 is left out, except a Hints_not_stored-<peer> at the sample that ends its incident
      // (a restart emptied it while the peer was down, and the peer is up now): that it must be read there, from
      // an absent counter, to re-arm the alert is not what these properties test (see docs/grading/hint-alerts.md).
      const keep = new Set<string>();
      for (const peer of PEERS.filter((p) => p !== node)) {
        const c = NOT_STORED + peer;
        const k = `${node}>${peer}`;
        if (before !== undefined && grew(metrics[c], before[c]) > 0) open.add(k);
        else if (!(peer in downPeers) && open.delete(k)) keep.add(c);
      }
      const reported = st.sparse ? Object.fromEntries(Object.entries(metrics).filter(([c, v]) => v !== 0 || keep.has(c))) : { ...metrics };
      out.push({ sample: { node, time, metrics: reported, downPeers, hintsDiskBytes: bytes }, restarted });
      last[node] = metrics;
    }
  }
  return out;
}

const streamConfig = (st: Stream): AlertConfig => ({ downWarnMs: st.downWarnRounds * STEP, maxHintWindowMs: (st.downWarnRounds + 2) * STEP, hintsDiskWarnBytes: WARN_BYTES });

function streamWords(st: Stream): string {
  const cfg = streamConfig(st);
  const parts: string[] = [`samples every ${STEP / 1000} s for ${st.rounds} rounds (round r at ${T0} + r × ${STEP} ms, A/B/C 0/7/13 ms apart), downWarnMs ${cfg.downWarnMs}, maxHintWindowMs ${cfg.maxHintWindowMs}, hintsDiskWarnBytes ${WARN_BYTES}${st.sparse ? '; a counter at 0 is absent from the sample (\'absent\' below) and reads 0' : ''}`];
  for (const node of PEERS) {
    for (const d of st.down[node]) parts.push(`${node} is down ${d.from < 0 ? `since ${-d.from} rounds before monitoring started` : `from round ${d.from}`} for ${d.rounds} round${d.rounds === 1 ? '' : 's'} (it goes down ${d.earlyMs} ms before its sample of that round was due, and its peers list it in downPeers from their first sample after that; it restarts when back)`);
    if (st.restarts[node].length) parts.push(`${node} restarts before round${st.restarts[node].length === 1 ? '' : 's'} ${words.list([...st.restarts[node]].sort((a, b) => a - b))}`);
  }
  const byNode = new Map<string, MetricSample[]>();
  for (const { sample } of samplesOf(st)) byNode.set(sample.node, [...(byNode.get(sample.node) ?? []), sample]);
  for (const [node, ss] of byNode) {
    const series = counterNames(node)
      .map((c) => ({ c, vs: ss.map((s) => shown(s, c)) }))
      .filter(({ vs }) => vs.some((v) => v !== vs[0]) || (vs[0] !== '0' && vs[0] !== 'absent'))
      .map(({ c, vs }) => `${c.replace('HintedHandOffManager.', '')} ${vs.join(', ')}`);
    const disk = ss.map((s) => (s.hintsDiskBytes > WARN_BYTES ? 'above' : s.hintsDiskBytes === WARN_BYTES ? 'at' : 'below'));
    parts.push(`${node}'s samples read ${series.length ? series.join('; ') : st.sparse ? 'no counter (each absent, so 0)' : 'every counter 0'}; hints directory ${disk.some((d) => d !== 'below') ? disk.join(', ') : 'below the threshold throughout'}`);
  }
  return parts.join('. ');
}

type Kind = 'hints-not-stored' | 'node-down-long' | 'hints-disk' | 'dropped-mutations';
/** `misdated`: an alert whose time is no sample's of its node, reported first: it explains a "no alert at …" beside it. */
type Problem = { kind: Kind; text: string; misdated?: true };

/** How much a counter grew between two samples of one node, by the task's rule. */
const grew = (now: number, before: number) => (now < before ? now : now - before);
/** A counter's value in a sample: one missing from the sample reads 0 (the task's sentence). */
const val = (s: MetricSample, c: string) => s.metrics[c] ?? 0;
/** A counter as the sample shows it: its value, or 'absent'. */
const shown = (s: MetricSample, c: string) => (c in s.metrics ? String(s.metrics[c]) : 'absent');
const absentNote = (prev: MetricSample, s: MetricSample, c: string) => (c in prev.metrics && c in s.metrics ? '' : '; a counter absent from a sample reads 0');

/** Everything the alerts for a stream do that the task rules out (in the order the stream shows them). */
function problems(st: Stream, alerts: Alert[]): Problem[] {
  const cfg = streamConfig(st);
  const ss = samplesOf(st).map((x) => x.sample);
  const out: Problem[] = [];
  const at = (t: number) => `at ${t - T0} ms (round ${Math.floor((t - T0) / STEP)})`;
  const label = (kind: Kind, node: string, peer?: string) => `${kind} from ${node}${peer ? ` about ${peer}` : ''}`;
  // the alerts by key and time
  const byKey = new Map<string, number[]>();
  const keyOf = (kind: string, node: string, peer?: string) => `${kind}|${node}|${peer ?? ''}`;
  const peerKinds = new Set(['hints-not-stored', 'node-down-long']);
  for (const a of alerts) {
    const k = keyOf(a.kind, a.node, peerKinds.has(a.kind) ? a.peer : undefined);
    byKey.set(k, [...(byKey.get(k) ?? []), a.time]);
    const kind = a.kind as Kind;
    if (!['hints-not-stored', 'node-down-long', 'hints-disk', 'dropped-mutations'].includes(a.kind)) {
      out.push({ kind: 'hints-not-stored', text: `an alert of kind '${a.kind}', which is none of the four the task names` });
      continue;
    }
    const name = peerKinds.has(a.kind) ? a.peer : a.node;
    if (peerKinds.has(a.kind) && typeof a.peer !== 'string') out.push({ kind, text: `${a.kind} from ${a.node} ${at(a.time)} does not say which peer (its \`peer\` is ${String(a.peer)})` });
    else if (a.message.length < 20 || !a.message.includes(String(name)) || !/\s\S+\s/.test(a.message)) out.push({ kind, text: `the message of ${label(kind, a.node, a.peer)} ${at(a.time)}, "${a.message}", does not tell the on-call engineer in plain words what is wrong with node ${name}` });
    else if (kind === 'hints-not-stored' && !/repair/i.test(a.message)) out.push({ kind, text: `the message of ${label(kind, a.node, a.peer)} ${at(a.time)}, "${a.message}", does not ask for a repair: ${a.peer} missed writes no hint will replay, and only a repair brings them back` });
  }
  const times = (kind: Kind, node: string, peer?: string) => byKey.get(keyOf(kind, node, peer)) ?? [];
  /** An alert whose time is no sample of its node: say whose sample it is, if any (node and peer swapped, or the wrong node). */
  const notASample = (kind: Kind, node: string, peer: string | undefined, t: number) => {
    const other = ss.find((s) => s.time === t);
    const whose = other ? `; it is the time of ${other.node}'s sample: an alert's node is the node whose sample raised it${kind === 'hints-not-stored' ? ' (the coordinator that did not store the hints), and its peer the target named in Hints_not_stored-<peer>' : ''}` : '';
    const own = other ? '' : `: an alert is raised by a sample and carries its time (\`time: s.time\`, as the team's code has it)`;
    return `${label(kind, node, peer)} has time ${t} (${t - T0} ms after round 0 began), which is not the time of any sample of ${node}${whose}${own}`;
  };
  /** A condition per sample of one node: it must be alerted at the first sample of each run of `true`, and nowhere else. */
  const runs = (kind: Kind, node: string, peer: string | undefined, cond: boolean[], nodeSs: MetricSample[], why: (i: number) => string) => {
    const got = times(kind, node, peer);
    nodeSs.forEach((s, i) => {
      const first = cond[i] && (i === 0 || !cond[i - 1]);
      const n = got.filter((t) => t === s.time).length;
      if (first && n === 0) out.push({ kind, text: `no ${label(kind, node, peer)} ${at(s.time)}, although ${why(i)}` });
      if (!first && n > 0) out.push({ kind, text: cond[i] ? `${label(kind, node, peer)} fired again ${at(s.time)} while the incident it was raised for had not cleared` : `${label(kind, node, peer)} ${at(s.time)}, although ${whyNot(kind, s, nodeSs[i - 1], peer)}` });
      if (n > 1) out.push({ kind, text: `${label(kind, node, peer)} fired ${n} times ${at(s.time)}` });
    });
    for (const t of got) if (!nodeSs.some((s) => s.time === t)) out.push({ kind, text: notASample(kind, node, peer, t), misdated: true });
  };
  const whyNot = (kind: Kind, s: MetricSample, prev: MetricSample | undefined, peer?: string): string => {
    switch (kind) {
      case 'hints-disk': return `its hints directory holds ${s.hintsDiskBytes} bytes, ${s.hintsDiskBytes === WARN_BYTES ? 'exactly the threshold: not above it' : `not above ${WARN_BYTES}`}`;
      case 'node-down-long': return peer && peer in s.downPeers ? `${node(s)} has seen ${peer} down for only ${s.time - s.downPeers[peer]} ms (downWarnMs ${cfg.downWarnMs})` : `${node(s)} does not see ${peer} down`;
      case 'dropped-mutations': return prev ? `its dropped MUTATION counter went from ${shown(prev, DROPPED)} to ${shown(s, DROPPED)}, which is no growth by the task's rule${val(s, DROPPED) < val(prev, DROPPED) ? ' (a restart: it counts from 0)' : ''}${absentNote(prev, s, DROPPED)}` : `it is ${s.node}'s first sample (its counter reads ${shown(s, DROPPED)}, a value since the node started, not an increase)`;
      default: {
        const c = NOT_STORED + peer;
        return prev ? `${c} went from ${shown(prev, c)} to ${shown(s, c)}, which is no growth by the task's rule${val(s, c) < val(prev, c) ? ' (a restart: it counts from 0)' : ''}${absentNote(prev, s, c)}` : `it is ${s.node}'s first sample (${c} reads ${shown(s, c)}, a value since the node started, not an increase)`;
      }
    }
  };
  const node = (s: MetricSample) => s.node;
  for (const n of PEERS) {
    const mine = ss.filter((s) => s.node === n);
    const inc = (c: string) => mine.map((s, i) => (i === 0 ? 0 : grew(val(s, c), val(mine[i - 1], c))));
    const dropped = inc(DROPPED);
    runs('dropped-mutations', n, undefined, dropped.map((x) => x > 0), mine, (i) => `its dropped MUTATION counter grew by ${dropped[i]} (from ${shown(mine[i - 1], DROPPED)} to ${shown(mine[i], DROPPED)}${val(mine[i], DROPPED) < val(mine[i - 1], DROPPED) ? ': the node restarted, so it counts from 0' : ''}${absentNote(mine[i - 1], mine[i], DROPPED)})`);
    runs('hints-disk', n, undefined, mine.map((s) => s.hintsDiskBytes > WARN_BYTES), mine, (i) => `its hints directory holds ${mine[i].hintsDiskBytes} bytes, above ${WARN_BYTES}${i > 0 && mine[i - 1].hintsDiskBytes === WARN_BYTES ? ` (${at(mine[i - 1].time)} it held exactly ${WARN_BYTES}: back at the threshold, which ended the incident before)` : ''}`);
    for (const peer of PEERS.filter((p) => p !== n)) {
      // outages of one peer are separated by samples that see it up, so each run is one outage
      const longDown = mine.map((s) => peer in s.downPeers && s.time - s.downPeers[peer] >= cfg.downWarnMs);
      runs('node-down-long', n, peer, longDown, mine, (i) => `${n} has seen ${peer} down for ${mine[i].time - mine[i].downPeers[peer]} ms (downWarnMs ${cfg.downWarnMs})`);
      // Hints_not_stored: growth samples; an incident ends at the latest when the counter did not grow and the peer is up
      const c = NOT_STORED + peer;
      const g = inc(c);
      const got = times('hints-not-stored', n, peer);
      let open = false;
      mine.forEach((s, i) => {
        const growing = g[i] > 0;
        const k = got.filter((t) => t === s.time).length;
        if (growing && !open && k === 0) out.push({ kind: 'hints-not-stored', text: `no ${label('hints-not-stored', n, peer)} ${at(s.time)}, although ${c} grew by ${g[i]} (from ${shown(mine[i - 1], c)} to ${shown(s, c)}${val(s, c) < val(mine[i - 1], c) ? ': the node restarted, so it counts from 0' : ''}${absentNote(mine[i - 1], s, c)})` });
        if (k > 0 && (!growing || open)) out.push({ kind: 'hints-not-stored', text: growing ? `${label('hints-not-stored', n, peer)} fired again ${at(s.time)}, although its incident had not cleared (since it was raised, ${c} has not had a sample without growth while ${peer} was up): one page per incident` : `${label('hints-not-stored', n, peer)} ${at(s.time)}, although ${whyNot('hints-not-stored', s, mine[i - 1], peer)}` });
        if (k > 1) out.push({ kind: 'hints-not-stored', text: `${label('hints-not-stored', n, peer)} fired ${k} times ${at(s.time)}` });
        if (growing) open = true;
        else if (!(peer in s.downPeers)) open = false;
      });
      for (const t of got) if (!mine.some((s) => s.time === t)) out.push({ kind: 'hints-not-stored', text: notASample('hints-not-stored', n, peer, t), misdated: true });
    }
  }
  return out;
}

function properties(t: Parameters<Parameters<typeof defineTests>[0]>[0]): void {
  const prop = (id: string, kinds: Kind[], cases: fc.Arbitrary<Stream>, hint: string, runs: number) =>
    t.property(task(id), { cases, scenario: streamWords, hint, runs }, (ctx, st) => {
      const { evaluateAlerts } = ctx.load<{ evaluateAlerts: (s: MetricSample[], c: AlertConfig) => Alert[] }>();
      const out = evaluateAlerts(samplesOf(st).map((x) => JSON.parse(JSON.stringify(x.sample)) as MetricSample), streamConfig(st));
      if (!Array.isArray(out)) return ctx.fail(`evaluateAlerts returned ${String(out)} instead of an array of alerts.`);
      for (const a of out) {
        if (!a || typeof a.kind !== 'string' || typeof a.node !== 'string' || typeof a.message !== 'string' || typeof a.time !== 'number') {
          return ctx.fail(`An alert is missing its kind, node, time or message: ${JSON.stringify(a)}. The on-call engineer needs all four.`);
        }
      }
      const bad = problems(st, out).filter((p) => kinds.includes(p.kind));
      const first = bad.find((p) => p.misdated) ?? bad[0];
      if (bad.length) ctx.fail(`${first.text}${bad.length > 1 ? ` (and ${bad.length - 1} more)` : ''}. Scenario: ${streamWords(st)}.`);
    });
  const ALL_KINDS: Kind[] = ['hints-not-stored', 'node-down-long', 'hints-disk', 'dropped-mutations'];
  prop('counters', ['hints-not-stored', 'dropped-mutations'], streams({ grow: 30, restart: 3, down: 2, disk: 0 }),
    'Keep the previous sample of each node; the increase is `now - before`, or `now` when `now < before` (the node restarted and counts from 0). Alert on increases, never on values.', 70);
  prop('not-stored', ['hints-not-stored'], streams({ grow: 25, restart: 2, down: 2, disk: 0 }),
    'Raise hints-not-stored whenever Hints_not_stored-<peer> of a node grows (by the restart rule), with node = that node, peer = the target, and a message that asks for a repair of the peer.', 60);
  prop('down-long', ['node-down-long'], streams({ grow: 5, restart: 1, down: 3, disk: 0 }),
    'For every peer in downPeers: `s.time - s.downPeers[peer] >= config.downWarnMs` raises node-down-long, also on the first sample when monitoring starts mid-outage; a later outage of the same peer is a new incident.', 60);
  prop('disk-dropped', ['hints-disk', 'dropped-mutations'], streams({ grow: 25, restart: 2, down: 1, disk: 1 }),
    '`s.hintsDiskBytes > config.hintsDiskWarnBytes` raises hints-disk; an increase of DroppedMessage.MUTATION.Dropped (by the restart rule) raises dropped-mutations.', 60);
  prop('once', ALL_KINDS, streams({ grow: 30, restart: 2, down: 3, disk: 1 }),
    'Keep a Set of firing incidents keyed by kind, node and peer: alert only when the key is new, delete it when the condition clears, so the next incident alerts again.', 60);
}
