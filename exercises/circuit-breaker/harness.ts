import {
  describeError, isSimulationError, measure, prng, putOrder, randomOrder, showOrder,
  type Order, type Query, type TestContext, type TestRandom, type World,
} from '../../src/grading/api';
import { drivers } from '../../src/sim/index';

export type { Order, Query };
export { describeError, isSimulationError };

// Shared by visible.test.ts and hidden.test.ts of circuit-breaker: the simulator fixtures and checks both use.

// Captured when this module loads, before any learner code runs. The checks never ask the learner's
// classes (`instanceof` runs a class's own `static [Symbol.hasInstance]`): "is a CircuitOpenError" walks
// the error's prototype chain, and "the function's own error, unchanged" compares identities.
const getProto = Reflect.getPrototypeOf;
const getDesc = Reflect.getOwnPropertyDescriptor;
const ERROR_PROTO: object = Error.prototype;
const OBJECT_PROTO: object = Object.prototype;

/**
 * `C.prototype`, read once from its descriptor (no getter of the learner's runs), or null when
 * there is none an instance of the class alone could have (not a function, or `Error.prototype` itself).
 */
export function classPrototype(C: unknown): object | null {
  if (typeof C !== 'function') return null;
  try {
    const d = getDesc(C, 'prototype');
    const p: unknown = d && 'value' in d ? d.value : null;
    return typeof p === 'object' && p !== null && p !== ERROR_PROTO && p !== OBJECT_PROTO ? p : null;
  } catch {
    return null; // a Proxy whose trap throws
  }
}

/** Is `proto` on `x`'s prototype chain? `instanceof`, without the class's own `Symbol.hasInstance`. */
export function hasPrototype(x: unknown, proto: object | null): boolean {
  if (proto === null || x === null || (typeof x !== 'object' && typeof x !== 'function')) return false;
  try {
    for (let p = getProto(x), i = 0; p !== null && i < 100; p = getProto(p), i++) if (p === proto) return true;
  } catch {
    /* a Proxy whose trap throws */
  }
  return false;
}
type CassandraLike = {
  execute(q: string, p: unknown[], o: object): Promise<{ first(): Record<string, unknown> | null }>;
};
export interface Breaker {
  readonly state: string;
  call<T>(fn: () => Promise<T>): Promise<T>;
}
export interface Learner {
  CircuitBreaker: new (opts: { failureThreshold: number; coolDownMs: number; isFailure?: (err: unknown) => boolean }) => Breaker;
  CircuitOpenError: new (...args: never[]) => Error;
  NotInReadModelError: new (orderId: string) => Error;
  getOrder(deps: unknown, orderId: string): Promise<Order | null>;
}

export const STATUSES = ['pending', 'paid', 'packed', 'shipped', 'delivered'];
/** Cassandra's failure detector convicts a silent peer after ~18 s; waiting this long lets it. */
export const FD_SETTLED_MS = 25_000;
export const ALL = ['A', 'B', 'C'];


/** One call through the breaker, as the test saw it. */
export type Call = {
  id: string;
  start: number;
  ms: number;
  /** Did the breaker call the function (i.e. send a read to Cassandra)? */
  reached: boolean;
  ok: boolean;
  value?: unknown;
  error?: unknown;
  /** What the function the breaker called threw (the exact object), if it threw. */
  thrown?: unknown;
};

export type Setup = {
  world: World;
  mod: Learner;
  breaker: Breaker;
  deps: { cassandra: unknown; pg: unknown; breaker: Breaker };
  truth: Map<string, Order>;
  /** Orders in PostgreSQL and in the read model. */
  ids: string[];
  /** Orders in PostgreSQL only (the read model has not received them yet). */
  missing: string[];
  threshold: number;
  coolDownMs: number;
  rand: TestRandom;
  /** Every call made through `viaBreaker`, in order of start. */
  calls: Call[];
  /** `CircuitOpenError.prototype` and `NotInReadModelError.prototype`, read once after the module loaded. */
  openProto: object | null;
  missProto: object | null;
  /** Every error the test's own function threw through the breaker (never a CircuitOpenError). */
  thrownByFn: Set<unknown>;
};

/**
 * Eight orders in PostgreSQL, six of them also in Cassandra; the API runs in zone A with one breaker.
 * Unless given, the breaker's threshold (3–6 failures) and cool-down (1.5–4.5 s) come from the seed.
 */
export function setup(ctx: TestContext, opts: { threshold?: number; coolDownMs?: number } = {}): Setup {
  const world = ctx.world({});
  const rand = prng(ctx.seed);
  const truth = new Map<string, Order>();
  const ids: string[] = [];
  const missing: string[] = [];
  for (let i = 0; i < 8; i++) {
    const id = `o-${300 + i * 13 + rand(10)}`;
    const o = randomOrder(rand, { id, version: 1 + rand(4), statuses: STATUSES, customers: 50, total: () => 10 + rand(300) });
    truth.set(id, o);
    putOrder(world, o, i < 6 ? 'current' : 'missing');
    (i < 6 ? ids : missing).push(id);
  }
  const mod = ctx.load<Learner>();
  const openProto = classPrototype(mod.CircuitOpenError);
  const missProto = classPrototype(mod.NotInReadModelError);
  const threshold = opts.threshold ?? 3 + rand(4);
  const coolDownMs = opts.coolDownMs ?? 1500 + 500 * rand(7);
  const breaker = new mod.CircuitBreaker({
    failureThreshold: threshold,
    coolDownMs,
    isFailure: (err) => !hasPrototype(err, missProto),
  });
  const deps = {
    cassandra: world.cassandraClient({ zone: 'A', contactPoints: ['A'], failover: true, id: 'api-a' }),
    pg: world.pgPool({ id: 'api' }),
    breaker,
  };
  return { world, mod, breaker, deps, truth, ids, missing, threshold, coolDownMs, rand, calls: [], openProto, missProto, thrownByFn: new Set() };
}

/**
 * A second API instance, in zone B with a Cassandra client of its own, and its own breaker made from the
 * same module load as `s`'s ("one breaker per API instance"), with the threshold and cool-down given.
 */
export function secondApi(s: Setup, opts: { threshold: number; coolDownMs: number }): Setup {
  const breaker = new s.mod.CircuitBreaker({
    failureThreshold: opts.threshold,
    coolDownMs: opts.coolDownMs,
    isFailure: (err) => !hasPrototype(err, s.missProto),
  });
  const deps = {
    cassandra: s.world.cassandraClient({ zone: 'B', contactPoints: ['B'], failover: true, id: 'api-b' }),
    pg: s.world.pgPool({ id: 'api-b-pg' }),
    breaker,
  };
  return { ...s, breaker, deps, threshold: opts.threshold, coolDownMs: opts.coolDownMs, calls: [] };
}

/**
 * The read the breaker guards (the test's own, so only the breaker is under test): a QUORUM read
 * with a 100 ms budget; a missing row throws the learner's NotInReadModelError.
 */
async function cassandraRead(s: Setup, id: string): Promise<Order> {
  const rs = await (s.deps.cassandra as CassandraLike).execute(
    'SELECT id, customer_id, status, total, version FROM orders WHERE id = ?',
    [id],
    { prepare: true, consistency: drivers['cassandra-driver'].types.consistencies.quorum, readTimeout: 100 },
  );
  const row = rs.first();
  if (!row) throw new s.mod.NotInReadModelError(id);
  return { id: String(row.id), customerId: String(row.customer_id), status: String(row.status), total: Number(row.total), version: Number(row.version) };
}

/** `breaker.call(read of id)`, recorded. Must run inside world.run. */
export async function viaBreaker(s: Setup, id: string): Promise<Call> {
  const call: Call = { id, start: s.world.now, ms: 0, reached: false, ok: false };
  s.calls.push(call);
  const r = await measure(s.world, () =>
    s.breaker.call(() => {
      call.reached = true;
      const read = cassandraRead(s, id);
      // (a branch of its own: the breaker gets `read` itself, settling exactly as before)
      read.catch((e: unknown) => {
        call.thrown = e;
        s.thrownByFn.add(e);
      });
      return read;
    }),
  );
  if (r.ok) {
    call.value = r.value;
    call.ok = true;
  } else call.error = r.error;
  call.ms = r.ms;
  return call;
}

/** Inside world.run: one caller, then let `gapMs` pass. */
export async function step(s: Setup, id: string, gapMs = 0): Promise<Call> {
  const c = await viaBreaker(s, id);
  if (gapMs > 0) await s.world.sleep(gapMs);
  return c;
}

/** One caller, then let `gapMs` pass (a run of its own). */
export function one(s: Setup, id: string, gapMs = 0): Promise<Call> {
  return s.world.run(() => step(s, id, gapMs));
}

/** Inside world.run: `n` callers at the same instant. */
export function together(s: Setup, n: number): Promise<Call[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => viaBreaker(s, s.ids[i % s.ids.length])));
}

/** `n` callers at the same instant (a run of its own). */
export function burst(s: Setup, n: number): Promise<Call[]> {
  return s.world.run(() => together(s, n));
}

/** The call was rejected with a CircuitOpenError of the learner's: one of its own, not an error the function threw. */
export const isOpenError = (s: Setup, c: Call) => !c.ok && hasPrototype(c.error, s.openProto) && !s.thrownByFn.has(c.error);

/** The function ran and threw, and the caller got that very error object back (`instanceof` is no proof: a class decides it). */
export const rethrownUnchanged = (c: Call) => c.reached && !c.ok && 'thrown' in c && c.error === c.thrown;

/** A value a call resolved with, in words: an order by its id and version, anything else briefly. */
function showValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v !== 'object' || v === null) return String(v);
  if ('id' in v && 'version' in v) return `order ${JSON.stringify(v.id)} (version ${String(v.version)})`;
  try {
    return JSON.stringify(v).slice(0, 80);
  } catch {
    return 'an unprintable value';
  }
}

/** How the call ended, in words: a resolved call by what it resolved with. */
export function outcome(s: Setup, c: Call): string {
  if (c.ok) {
    if (!c.reached) return `resolved with ${showValue(c.value)} without calling Cassandra`;
    if ('thrown' in c) return `resolved with ${showValue(c.value)}, although the read it made threw ${describeError(c.thrown)}`;
    return typeof c.value === 'object' && c.value !== null && 'id' in c.value ? 'read from Cassandra' : `resolved with ${showValue(c.value)}`;
  }
  if (!c.reached) return isOpenError(s, c) ? 'rejected (circuit open)' : `rejected with ${describeError(c.error)}`;
  return `Cassandra failed (${describeError(c.error)})`;
}

/**
 * Inside world.run: calls one at a time, `gap()` ms apart, until the breaker rejects one without
 * calling Cassandra (at most `max`). `openedAt`: the end of the last call that reached Cassandra.
 */
export async function untilOpen(s: Setup, gap: () => number, max = 12): Promise<{ reached: number; opened: Call | null; openedAt: number }> {
  let reached = 0;
  let openedAt = s.world.now;
  for (let i = 0; i < max; i++) {
    const c = await viaBreaker(s, s.ids[i % s.ids.length]);
    if (!c.reached) return { reached, opened: c, openedAt };
    reached++;
    openedAt = c.start + c.ms;
    await s.world.sleep(gap());
  }
  return { reached, opened: null, openedAt };
}

/** Take the cluster away from the API in zone A in one of four ways (by seed). */
export function breakCassandra(s: Setup, seed: number): string {
  const now = s.world.now;
  switch (seed % 4) {
    case 0:
      s.world.schedule([{ at: now, kind: 'isolate', zone: 'A' }]);
      return 'zone A (the API and node A) is cut off from zones B and C';
    case 1:
      s.world.schedule(ALL.map((node) => ({ at: now, kind: 'crash', node })));
      return 'every Cassandra node is down';
    case 2:
      s.world.schedule([{ at: now, kind: 'slow', node: 'A', extraMs: 1000 + s.rand(4000) }]);
      return 'node A, the coordinator, answers seconds late';
    default:
      s.world.schedule(['B', 'C'].map((node) => ({ at: now, kind: 'crash', node })));
      return 'nodes B and C are down';
  }
}

/** Undo breakCassandra. */
export function healCassandra(s: Setup, seed: number): void {
  const now = s.world.now;
  switch (seed % 4) {
    case 0:
      s.world.schedule([{ at: now, kind: 'heal' }]);
      break;
    case 1:
      s.world.schedule(ALL.map((node) => ({ at: now, kind: 'restart', node })));
      break;
    case 2:
      s.world.schedule([{ at: now, kind: 'slow', node: 'A', extraMs: 0 }]);
      break;
    default:
      s.world.schedule(['B', 'C'].map((node) => ({ at: now, kind: 'restart', node })));
  }
}

export const show = showOrder;
