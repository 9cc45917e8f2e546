import {
  describeError, isSimulationError, measure, orderRow, prng, putOrder, showOrder, theRestWords,
  type Measured, type Order, type Query, type TestContext, type TestRandom, type World,
} from '../../src/grading/api';
import { drivers } from '../../src/sim/index';

export type { Order, Query };
export { describeError, isSimulationError };

// Shared by visible.test.ts and hidden.test.ts of read-your-writes: the simulator fixtures and checks both use.
export type GetOrderAtLeast = (deps: unknown, orderId: string, minVersion: number) => Promise<Order | null>;
type PgPool = { query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }> };

/** The status an order has at each version (version 1 = just placed). */
export const STATUSES = ['none', 'placed', 'paid', 'packed', 'shipped', 'delivered', 'returned', 'refunded'];
/** The status at version `v` (past the list: a later change of its own, so every version has its own status). */
export const statusAt = (v: number): string => STATUSES[v] ?? `updated-${v}`;

export { prng };

/**
 * What the read model holds for an order when the test starts:
 * - `current`: every replica has the version PostgreSQL has;
 * - `behind`: every replica has the previous version (the processor has not applied the last event);
 * - `missing`: no replica has it (the processor has not written it at all);
 * - `stale-on-a`: B and C have the current version, node A (the API's zone) the previous one.
 */
export type ReadModelState = 'current' | 'behind' | 'missing' | 'stale-on-a';

export type Setup = {
  world: World;
  deps: { cassandra: unknown; pg: unknown };
  getOrderAtLeast: GetOrderAtLeast;
  /** What PostgreSQL holds, by id. */
  truth: Map<string, Order>;
  /** Every version each order has had, by id then version: what a read may legitimately return. */
  versions: Map<string, Map<number, Order>>;
  /** The version the read model holds, by id (0 = not there). */
  readModel: Map<string, number>;
  rand: TestRandom;
  /** The command side (the API's writes to PostgreSQL), a pool of its own. */
  commands: PgPool;
};

function remember(s: Pick<Setup, 'versions'>, o: Order): void {
  let m = s.versions.get(o.id);
  if (!m) s.versions.set(o.id, (m = new Map()));
  m.set(o.version, o);
}

/**
 * A world with `count` orders in PostgreSQL (versions `firstVersion`–`firstVersion`+3, default 2–5) and a
 * read model in the state `state(i)` decides for the i-th order. The API's client lives in zone A.
 */
export function setup(
  ctx: TestContext,
  opts: { count?: number; ids?: string[]; state?: (i: number) => ReadModelState; firstVersion?: number } = {},
): Setup {
  const world = ctx.world({});
  const rand = prng(ctx.seed);
  const ids = opts.ids ?? Array.from({ length: opts.count ?? 8 }, (_, i) => `o-${100 + i * 7 + rand(5)}`);
  const s: Setup = {
    world,
    deps: {
      cassandra: world.cassandraClient({ zone: 'A', contactPoints: ['A'], failover: true, id: 'api-a' }),
      pg: world.pgPool({ id: 'api' }),
    },
    getOrderAtLeast: ctx.load<{ getOrderAtLeast: GetOrderAtLeast }>().getOrderAtLeast,
    truth: new Map(),
    versions: new Map(),
    readModel: new Map(),
    rand,
    commands: world.pgPool({ id: 'commands' }) as PgPool,
  };
  ids.forEach((id, i) => {
    const version = (opts.firstVersion ?? 2) + rand(4);
    const customerId = `c-${1 + rand(40)}`;
    const total = 5 + rand(400) + rand(100) / 100;
    for (let v = 1; v <= version; v++) remember(s, { id, customerId, status: statusAt(v), total, version: v });
    const order = s.versions.get(id)!.get(version)!;
    const previous = s.versions.get(id)!.get(version - 1)!;
    s.truth.set(id, order);
    const state = opts.state ? opts.state(i) : 'current';
    putOrder(world, order, state === 'behind' ? { behind: previous } : state === 'stale-on-a' ? { staleOn: ['A'], previous } : state);
    s.readModel.set(id, state === 'missing' ? 0 : state === 'behind' ? version - 1 : version);
  });
  return s;
}

/**
 * The command side, as in the lesson: the customer changes the order's status in PostgreSQL, the
 * version goes up in the same statement, and the new version comes back as the caller's token.
 * The read model is not touched: the processor has not applied the event yet.
 */
export async function changeStatus(s: Setup, id: string): Promise<number> {
  const before = s.truth.get(id)!;
  const status = statusAt(before.version + 1);
  const res = await s.commands.query('UPDATE orders SET status = $1, version = version + 1 WHERE id = $2 RETURNING version', [status, id]);
  const version = Number(res.rows[0].version);
  const order = { ...before, status, version };
  s.truth.set(id, order);
  remember(s, order);
  return version;
}

/** The command side: a customer places a new order (version 1). Only PostgreSQL has it. */
export async function placeOrder(s: Setup, id: string): Promise<number> {
  const order: Order = { id, customerId: `c-${1 + s.rand(40)}`, status: STATUSES[1], total: 5 + s.rand(300), version: 1 };
  const res = await s.commands.query(
    'INSERT INTO orders (id, customer_id, status, total, version) VALUES ($1, $2, $3, $4, $5) RETURNING version',
    [order.id, order.customerId, order.status, order.total, order.version],
  );
  order.version = Number(res.rows[0].version);
  s.truth.set(id, order);
  remember(s, order);
  s.readModel.set(id, 0);
  return order.version;
}

/**
 * Someone else deletes the order in PostgreSQL (a support agent, a fraud check). The read model is not
 * touched: the processor has not applied the deletion yet.
 */
export async function deleteOrder(s: Setup, id: string): Promise<void> {
  await s.commands.query('DELETE FROM orders WHERE id = $1', [id]);
  s.truth.delete(id);
}

/** The processor catches up: every replica gets the version PostgreSQL has (written with USING TIMESTAMP <version>). */
export function catchUp(s: Setup, id: string): void {
  const o = s.truth.get(id)!;
  s.world.cassandraPut('orders', orderRow(o), { timestampUs: o.version });
  s.readModel.set(id, o.version);
}

export type Read = { id: string; minVersion: number };
export type Outcome = Measured<Order | null> & {
  /** The consistency level of each Cassandra read the call made, as the simulator's history records it
   *  (what the request asked for: the query's `consistency`, else the client's default). */
  levels: unknown[];
  /** Reads that succeeded at another level than they asked for (a retry policy chose it). */
  lowered: Array<{ asked: unknown; achieved: unknown }>;
};

/** Reads as the API does them, one after another: how long each took, what it returned or threw, which queries it made. */
export async function readAll(s: Setup, reads: Read[]): Promise<Outcome[]> {
  return s.world.run(async () => {
    const out: Outcome[] = [];
    for (const { id, minVersion } of reads) out.push(await readOne(s, id, minVersion));
    return out;
  });
}

/** One read; call inside `world.run`. */
export async function readOne(s: Setup, id: string, minVersion: number): Promise<Outcome> {
  const h0 = s.world.history.length;
  const r = await measure(s.world, () => s.getOrderAtLeast(s.deps, id, minVersion));
  const ops = s.world.history.slice(h0).filter((op) => op.f === 'read');
  const levels = ops.filter((op) => op.type === 'invoke').map((op) => (op.value as { cl?: unknown } | undefined)?.cl);
  // reads a retry policy answered at another level than they asked for
  const lowered = ops.flatMap((op) => (op.type === 'ok' && op.achievedConsistency !== undefined ? [{ asked: (op.value as { cl?: unknown } | undefined)?.cl, achieved: op.achievedConsistency }] : []));
  return { ...r, ms: Math.round(r.ms), levels, lowered };
}

export async function read(s: Setup, id: string, minVersion: number): Promise<Outcome> {
  return (await readAll(s, [{ id, minVersion }]))[0];
}

export const show = showOrder;

function who(minVersion: number): string {
  return minVersion > 0 ? `A customer holding a token for version ${minVersion} of order %ID%` : 'A customer without a token reading order %ID%';
}

/**
 * Fails unless the read returned a real version of the order (one it has had), at least `minVersion`.
 * With `exact`, only what PostgreSQL has now will do.
 */
export function expectAtLeast(ctx: TestContext, s: Setup, id: string, minVersion: number, r: Outcome, situation: string, exact = false): void {
  const want = s.truth.get(id) ?? null;
  const subject = who(minVersion).replace('%ID%', id);
  if (!r.ok) {
    ctx.fail(`${subject} got an error (${describeError(r.error)}) although the order could be read; ${situation} (seed ${ctx.seed}).`);
  }
  if (r.value === null || r.value === undefined) {
    // "Return null only when PostgreSQL has no such row": asked in this call, not remembered from an earlier one.
    if (!r.queries.some((q) => q.driver === 'pg')) {
      ctx.fail(`getOrderAtLeast("${id}", ${minVersion}) returned null without asking PostgreSQL in that call${want ? `, although PostgreSQL has it at version ${want.version}` : ''}: only PostgreSQL can say an order does not exist (a miss in the read model, or a "not found" remembered from an earlier call, proves nothing); ${situation} (seed ${ctx.seed}).`);
    }
    if (want) ctx.fail(`${subject} was told the order does not exist while PostgreSQL has it at version ${want.version}; ${situation} (seed ${ctx.seed}).`);
    return;
  }
  if (!want) ctx.fail(`getOrderAtLeast("${id}", ${minVersion}) returned ${show(r.value)} but there is no such order (seed ${ctx.seed}).`);
  const known = s.versions.get(id)?.get(Number(r.value.version));
  const same =
    !!known &&
    r.value.id === known.id &&
    r.value.status === known.status &&
    r.value.customerId === known.customerId &&
    Math.abs(r.value.total - known.total) < 1e-9;
  if (!same) ctx.fail(`${subject} got ${show(r.value)}, which order ${id} never was (PostgreSQL has ${show(want)}) (seed ${ctx.seed}).`);
  if (r.value.version < minVersion) {
    ctx.fail(
      `${subject} was shown version ${r.value.version} (status "${r.value.status}"): their own change seemed lost, although PostgreSQL has ${show(want)}; ${situation} (seed ${ctx.seed}).`,
    );
  }
  if (exact && r.value.version !== want.version) {
    ctx.fail(`${subject} was shown ${show(r.value)} while PostgreSQL has ${show(want)}; ${situation} (seed ${ctx.seed}).`);
  }
}

export function servedByCassandra(r: Outcome): boolean {
  return r.queries.every((q) => q.driver !== 'pg') && r.queries.some((q) => q.driver === 'cassandra');
}

/** Where the reads not served by Cassandra went, for messages (src/grading/authoring.ts `theRestWords`). */
export function restWords(rs: Outcome[], toPg: string): string {
  return theRestWords(rs.filter((r) => !servedByCassandra(r)), toPg);
}

export const pick = <T>(rand: TestRandom, xs: readonly T[]): T => rand.pick(xs);

const CL = drivers['cassandra-driver'].types.consistencies;

/** A consistency level as CQL names it (`types.consistencies.localOne` → "LOCAL_ONE"). */
export function levelName(cl: unknown): string {
  const found = Object.entries(CL).find(([, v]) => v === cl);
  return found ? found[0].replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase() : cl === undefined ? 'no level' : JSON.stringify(cl);
}

/**
 * The levels at which a read waits for two of the three replicas (RF = 3, one data center): what "at
 * QUORUM" means here, however it is spelt — QUORUM, LOCAL_QUORUM, EACH_QUORUM, TWO, or a SERIAL read.
 */
const MAJORITY_READ: readonly unknown[] = [CL.quorum, CL.localQuorum, CL.eachQuorum, CL.two, CL.serial, CL.localSerial];

/** Every Cassandra read the call made was at QUORUM (the task: "at QUORUM on every read, with a token or without"). */
export function expectQuorumReads(ctx: TestContext, id: string, minVersion: number, r: Outcome, situation: string): void {
  const low = r.lowered.find((l) => !MAJORITY_READ.includes(l.achieved));
  if (low) {
    return ctx.fail(
      `A read of order ${id} ${minVersion > 0 ? `with a token for version ${minVersion}` : 'with no token'} asked Cassandra at ${levelName(low.asked)} but was answered at ${levelName(low.achieved)}: a retry policy lowered the level when ${levelName(low.asked)} could not be reached. The task asks for QUORUM on every read: a single replica may have missed an update the other two have, and a read that cannot get two replicas should go to PostgreSQL. Keep the default retry policy (or one that never lowers the level); ${situation}`,
    );
  }
  const bad = r.levels.findIndex((l) => !MAJORITY_READ.includes(l));
  if (bad < 0) return;
  const cl = r.levels[bad];
  const defaulted = cl === CL.localOne && r.queries.every((q) => q.driver !== 'cassandra' || (q.options as { consistency?: unknown } | undefined)?.consistency === undefined);
  const read = `A read of order ${id} ${minVersion > 0 ? `with a token for version ${minVersion}` : 'with no token'} asked Cassandra at ${levelName(cl)}${defaulted ? " (the driver's default, since the query gives no consistency)" : ''}; the task asks for QUORUM on every read, with a token or without.`;
  const why =
    cl === CL.all || cl === CL.three
      ? `At ${levelName(cl)} every replica has to answer: with one zone cut off or one node down, every read goes to PostgreSQL although two replicas could have answered.`
      : cl === CL.any
        ? 'At ANY Cassandra rejects the read (ANY is for writes only), so every read goes to PostgreSQL and the read model serves nothing.'
        : cl === CL.one || cl === CL.localOne
          ? minVersion > 0
            ? `At ${levelName(cl)} a single replica answers, usually the coordinator's own (here node A, in the API's zone), which may have missed an update nodes B and C have: whenever it is behind, the token check sends the read to PostgreSQL, although a QUORUM read, which also asks B or C, would have found the caller's version.`
            : `At ${levelName(cl)} a single replica answers, usually the coordinator's own (here node A, in the API's zone), which may have missed an update nodes B and C have: a customer without a token is then shown an older status than a QUORUM read returns (in production, where requests go to different coordinators, it can also change between reloads).`
          : 'Only a level that waits for two of the three replicas returns the newest version the read model has.';
  ctx.fail(`${read} ${why} Pass \`consistency: types.consistencies.quorum\` on every read; ${situation}`);
}

/** What a read not served by Cassandra did instead, for messages about one read. */
export function wentWords(r: Outcome): string {
  return r.queries.length === 0
    ? 'was answered from memory without asking either store (an answer kept from an earlier call is not a QUORUM read of the read model, and it goes stale when the order changes)'
    : 'went to PostgreSQL';
}
