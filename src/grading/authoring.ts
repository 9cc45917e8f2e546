/**
 * What every exercise's tests need besides `defineTests`: seed lists, a seeded random source for
 * the test's own choices, measuring one call against the world, and recognising and describing
 * errors. Re-exported by ./api (the authors' surface). Pure TypeScript.
 */
import { Rng, type SentAttempt } from '../sim/index';
import { isSimulationError, type Query, type World } from './world';
import { errorText } from './thrown';
import { learnerData } from './learner-data';

export { isSimulationError, learnerData };

/** `n` consecutive seeds starting at `from`: `seeds(101, 24)` → 101 … 124. */
export function seeds(from: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => from + i);
}

/**
 * A seeded random source for a test's own choices (event counts, outage times). Call it as
 * `rand(n)` for an integer in [0, n). It is the simulator's generator on a stream of its own
 * (`fork('test')`), so a test's choices never shift the world's random stream.
 */
export interface TestRandom {
  (n: number): number;
  /** one element of `xs` */
  pick<T>(xs: readonly T[]): T;
  /** an integer in [lo, hi] */
  between(lo: number, hi: number): number;
  /** true with probability p */
  chance(p: number): boolean;
}

export function prng(seed: number): TestRandom {
  const rng = new Rng(seed >>> 0).fork('test');
  return Object.assign((n: number) => rng.int(n), {
    pick: <T>(xs: readonly T[]) => rng.pick(xs),
    between: (lo: number, hi: number) => rng.range(lo, hi),
    chance: (p: number) => rng.chance(p),
  });
}

/** One call as the test saw it: what it returned or threw, how long it took, which queries it made. */
export type Measured<T> =
  | { ok: true; value: T; ms: number; queries: Query[]; resent: Resent[] }
  | { ok: false; error: unknown; ms: number; queries: Query[]; resent: Resent[] };

/**
 * A Cassandra request of the call that the driver sent more than once: after an attempt failed or
 * timed out (its retry policy), or as a speculative execution. `at`: ms since the call started.
 */
export type Resent = { f: string; key?: string; attempts: SentAttempt[] };

/**
 * Run `fn` (the learner's code) against `world` and record the outcome, the virtual ms it took and
 * the queries it sent. Inside `world.run` it measures in place; outside, it runs `fn` in a run of
 * its own. The simulator's own verdicts (deadlock, budget, busy-wait, …) are not outcomes of the
 * call: they are rethrown, so the test reports them. The value is `learnerData`'s copy, read once:
 * every check of it sees the same answer.
 */
export async function measure<T>(world: World, fn: () => T | Promise<T>): Promise<Measured<T>> {
  const q0 = world.queries.length;
  const h0 = world.history.length;
  const t0 = world.now;
  const done = () => ({ ms: world.now - t0, queries: world.queries.slice(q0), resent: resentSince(world, h0, t0) });
  let value: T;
  try {
    value = world.isRunning ? await fn() : await world.run(fn);
  } catch (error) {
    if (isSimulationError(error)) throw error;
    return { ok: false, error, ...done() };
  }
  const after = done();
  return { ok: true, value: learnerData(value, 'The call'), ...after };
}

function resentSince(world: World, h0: number, t0: number): Resent[] {
  const out: Resent[] = [];
  for (let i = h0; i < world.history.length; i++) {
    const op = world.history[i];
    if (op.attempts) out.push({ f: op.f, key: op.key, attempts: op.attempts.map((a) => ({ ...a, at: a.at - t0 })) });
  }
  return out;
}

/**
 * Why a call took longer than the learner's `readTimeout`, when the driver sent one of its Cassandra
 * requests more than once ("" when it did not): where each attempt went and when, and that the
 * timeout bounds each attempt, not the call. For messages about a call that took too long.
 */
export function resentWords(r: { resent: Resent[] }): string {
  const x = r.resent[0];
  if (!x) return '';
  const what = x.f === 'write' ? 'write' : 'read';
  const of = x.key ? ` of ${x.key.replace(/^[^/]*\//, '')}` : '';
  const sent = x.attempts.map((a) => `node ${a.host.replace(/:\d+$/, '')} at ${Math.round(a.at)} ms${a.why === 'speculative' ? ' (speculative)' : a.why === 'retry' ? ' (retry)' : ''}`).join(', ');
  const retried = x.attempts.some((a) => a.why === 'retry');
  const speculated = x.attempts.some((a) => a.why === 'speculative');
  const why = [
    retried ? 'its retry policy sent the request again after an attempt failed or timed out (after a client-side timeout only a query marked `isIdempotent: true` is retried), and `readTimeout` bounds each attempt, not the whole call' : '',
    speculated ? 'a speculative execution policy sent copies to other coordinators while the first attempt was still waiting (only for a query marked `isIdempotent: true`)' : '',
  ].filter(Boolean).join('; ');
  return ` The driver sent the ${what}${of} ${x.attempts.length} times: to ${sent}. ${why[0].toUpperCase()}${why.slice(1)}.`;
}

/**
 * Where the reads the read model did not serve went, for messages: `toPg` (e.g. "the rest hit
 * PostgreSQL") when each asked PostgreSQL; said otherwise when some asked neither store (an answer
 * kept in memory from an earlier call). `rest`: those reads, each with the queries it sent.
 */
export function theRestWords(rest: ReadonlyArray<{ queries: readonly unknown[] }>, toPg: string): string {
  const none = rest.filter((r) => r.queries.length === 0).length;
  const memory = 'an answer kept in memory from an earlier call is not a QUORUM read of the read model, and it goes stale when the order changes';
  if (none === 0) return toPg;
  if (none === rest.length) return `the rest asked neither store: ${memory}`;
  return `${toPg} (${none} of them asked neither store: ${memory})`;
}

/** `Name: message` for an Error (a getter for either is not run: thrown.ts), the string form of anything else (never throws). */
export function describeError(e: unknown): string {
  try {
    return e instanceof Error ? errorText(e) : String(e);
  } catch {
    return 'an unprintable value';
  }
}
