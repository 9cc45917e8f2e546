/**
 * Scenario generators the exercises' properties share (fast-check arbitraries of plain data), and
 * the words that say a generated scenario to a learner. Exported from the test API as `gen` and `words`.
 *
 * Everything here is data: a property turns it into simulator faults (`outageFaults`) or calls.
 * fast-check shrinks it towards the simplest scenario — fewer episodes, earlier and shorter faults,
 * fewer nodes, fewer calls, smaller counters — so a failure is reported in its smallest form.
 *
 * Pure TypeScript: no DOM, no Node built-ins.
 */
import * as fc from 'fast-check';
import type { Fault } from '../sim/index';

export const NODES = ['A', 'B', 'C'] as const;
export type NodeId = (typeof NODES)[number];

/**
 * One fault episode against the Cassandra cluster, from `at` for `forMs` (virtual ms):
 * - `crash`: the `nodes` are down, then restart;
 * - `isolate`: zone `nodes[0]` (its node and its clients) is cut off from the other zones, then heals;
 * - `slow`: the `nodes` answer `extraMs` late, then recover;
 * - `pause`: the `nodes` stop (a long GC pause): messages queue until they resume.
 */
export type OutageKind = 'crash' | 'isolate' | 'slow' | 'pause';
export interface Outage {
  kind: OutageKind;
  nodes: NodeId[];
  at: number;
  forMs: number;
  extraMs: number;
}

type Range = readonly [number, number];

const nodeSet = (min: number, max: number): fc.Arbitrary<NodeId[]> =>
  fc.subarray([...NODES], { minLength: min, maxLength: max });

/**
 * An outage: its kind, targets, start and length drawn from the given ranges (ms). `nodes` bounds how
 * many nodes a crash, slow-down or pause hits (default 1–3); `isolate` always names one zone.
 */
export function outage(
  opts: { kinds?: readonly OutageKind[]; nodes?: Range; at?: Range; forMs?: Range; extraMs?: Range; zones?: readonly NodeId[] } = {},
): fc.Arbitrary<Outage> {
  const kinds = opts.kinds ?? ['crash', 'isolate', 'slow', 'pause'];
  const [nMin, nMax] = opts.nodes ?? [1, 3];
  const [atLo, atHi] = opts.at ?? [0, 2000];
  const [forLo, forHi] = opts.forMs ?? [500, 5000];
  const [exLo, exHi] = opts.extraMs ?? [300, 5000];
  const zones = opts.zones ?? NODES;
  // One record per kind, built once: `chain` asks for it on every generated (and shrunk) outage, and
  // building fast-check arbitraries costs more than drawing from them.
  const byKind = new Map<OutageKind, fc.Arbitrary<Outage>>(
    kinds.map((kind) => [
      kind,
      fc.record({
        kind: fc.constant(kind),
        nodes: kind === 'isolate' ? fc.constantFrom(...zones).map((z) => [z]) : nodeSet(nMin, nMax),
        at: fc.integer({ min: atLo, max: atHi }),
        forMs: fc.integer({ min: forLo, max: forHi }),
        extraMs: kind === 'slow' ? fc.integer({ min: exLo, max: exHi }) : fc.constant(0),
      }),
    ]),
  );
  return fc.constantFrom(...kinds).chain((kind) => byKind.get(kind)!);
}

/**
 * Repeated episodes: 1–`max` outages one after another, each starting `gapMs` or more after the last
 * ended (a second outage of the same node, a flapping link). Times are made absolute and increasing.
 */
export function episodes(one: fc.Arbitrary<Outage>, opts: { max?: number; min?: number; gapMs?: Range } = {}): fc.Arbitrary<Outage[]> {
  const [gLo, gHi] = opts.gapMs ?? [0, 3000];
  return fc
    .array(fc.tuple(one, fc.integer({ min: gLo, max: gHi })), { minLength: opts.min ?? 1, maxLength: opts.max ?? 3 })
    .map((xs) => {
      let t = 0;
      return xs.map(([o, gap], i) => {
        const at = i === 0 ? o.at : t + gap;
        t = at + o.forMs;
        return { ...o, at };
      });
    });
}

/** The simulator faults of an outage, starting at `t0 + o.at` (its end included unless `open`). */
export function outageFaults(o: Outage, t0 = 0, open = false): Fault[] {
  const at = t0 + o.at;
  const end = at + o.forMs;
  switch (o.kind) {
    case 'crash':
      return [
        ...o.nodes.map((node): Fault => ({ at, kind: 'crash', node })),
        ...(open ? [] : o.nodes.map((node): Fault => ({ at: end, kind: 'restart', node }))),
      ];
    case 'isolate':
      return [{ at, kind: 'isolate', zone: o.nodes[0] }, ...(open ? [] : [{ at: end, kind: 'heal' } as Fault])];
    case 'slow':
      return [
        ...o.nodes.map((node): Fault => ({ at, kind: 'slow', node, extraMs: o.extraMs })),
        ...(open ? [] : o.nodes.map((node): Fault => ({ at: end, kind: 'slow', node, extraMs: 0 }))),
      ];
    case 'pause':
      return o.nodes.map((node): Fault => ({ at, kind: 'pause', node, forMs: o.forMs }));
  }
}

/** A latency in ms (a slow dependency, a think time). */
export const latencyMs = (lo: number, hi: number): fc.Arbitrary<number> => fc.integer({ min: lo, max: hi });

/** `n` concurrent calls: their start offsets (ms, sorted) within `spreadMs` — 0 means all at once. */
export function concurrentCalls(opts: { min?: number; max: number; spreadMs?: number }): fc.Arbitrary<number[]> {
  return fc
    .array(fc.integer({ min: 0, max: opts.spreadMs ?? 0 }), { minLength: opts.min ?? 2, maxLength: opts.max })
    .map((xs) => [...xs].sort((a, b) => a - b));
}

/**
 * When observation starts relative to a fault of length `forMs`: before it, in the middle of it
 * (monitoring that starts mid-outage), or after it (ms from the fault's start; negative = before).
 */
export function observationStart(forMs: number, beforeMs = 1000): fc.Arbitrary<number> {
  return fc.oneof(fc.integer({ min: -beforeMs, max: -1 }), fc.integer({ min: 0, max: Math.max(0, forMs - 1) }), fc.integer({ min: forMs, max: forMs + beforeMs }));
}

/**
 * A cumulative counter sampled `samples` times (2–n), growing by 0–`maxStep` between samples; the
 * process restarts before the samples at `restarts` (the counter starts again from 0 and may grow before
 * the first sample after the restart). `values[i]` is what sample i reads.
 */
export interface CounterHistory {
  values: number[];
  /** Indexes of the samples that are the first after a restart. */
  restarts: number[];
  /** True growth between consecutive samples (what a correct rate sees). */
  growth: number[];
}
export function counterHistory(opts: { samples?: Range; maxStep?: number; maxRestarts?: number } = {}): fc.Arbitrary<CounterHistory> {
  const [sLo, sHi] = opts.samples ?? [2, 10];
  const maxStep = opts.maxStep ?? 50;
  return fc.integer({ min: sLo, max: sHi }).chain((n) =>
    fc
      .record({
        start: fc.integer({ min: 0, max: 1000 }),
        steps: fc.array(fc.integer({ min: 0, max: maxStep }), { minLength: n - 1, maxLength: n - 1 }),
        restarts: fc.uniqueArray(fc.integer({ min: 1, max: n - 1 }), { maxLength: Math.min(opts.maxRestarts ?? 2, n - 1) }),
      })
      .map(({ start, steps, restarts }) => {
        const values = [start];
        const rs = [...restarts].sort((a, b) => a - b);
        for (let i = 1; i < n; i++) values.push(rs.includes(i) ? steps[i - 1] : values[i - 1] + steps[i - 1]);
        return { values, restarts: rs, growth: steps };
      }),
  );
}

/** A batch of `size` items of which some fail (`true` = the item fails); never all fine unless `allowClean`. */
export function batchOutcomes(opts: { size: Range; allowClean?: boolean }): fc.Arbitrary<boolean[]> {
  return fc
    .integer({ min: opts.size[0], max: opts.size[1] })
    .chain((n) => fc.array(fc.boolean(), { minLength: n, maxLength: n }))
    .filter((xs) => opts.allowClean || xs.some(Boolean));
}

/** The generators, as the test API exports them. */
export const gen = { outage, episodes, outageFaults, latencyMs, concurrentCalls, observationStart, counterHistory, batchOutcomes, NODES };

// ── words ──────────────────────────────────────────────────────────────────────────────────────

/** Virtual ms as a reader likes them: `850 ms`, `2.3 s`. */
export function ms(x: number): string {
  const r = Math.round(x);
  return Math.abs(r) < 1000 ? `${r} ms` : `${Math.round(r / 100) / 10} s`;
}

/** `A`, `A and B`, `A, B and C`. */
export function list(xs: readonly (string | number)[]): string {
  const s = xs.map(String);
  return s.length <= 1 ? (s[0] ?? 'none') : `${s.slice(0, -1).join(', ')} and ${s[s.length - 1]}`;
}

/** An outage in plain words, e.g. "at 1.2 s nodes B and C crash for 3 s". */
export function describeOutage(o: Outage): string {
  const who = `${o.nodes.length === 1 ? 'node' : 'nodes'} ${list(o.nodes)}`;
  const when = `at ${ms(o.at)}`;
  switch (o.kind) {
    case 'crash':
      return `${when} ${who} ${o.nodes.length === 1 ? 'crashes' : 'crash'} for ${ms(o.forMs)}`;
    case 'isolate':
      return `${when} zone ${o.nodes[0]} is cut off from the other zones for ${ms(o.forMs)}`;
    case 'slow':
      return `${when} ${who} ${o.nodes.length === 1 ? 'answers' : 'answer'} ${ms(o.extraMs)} late for ${ms(o.forMs)}`;
    case 'pause':
      return `${when} ${who} ${o.nodes.length === 1 ? 'freezes' : 'freeze'} (a long GC pause) for ${ms(o.forMs)}`;
  }
}

export const words = { ms, list, outage: describeOutage, outages: (os: readonly Outage[]) => (os.length ? os.map(describeOutage).join('; then ') : 'no fault') };
