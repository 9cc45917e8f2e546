import { describeError, isSimulationError, measure, prng, type TestContext, type TestRandom, type World } from '../../src/grading/api';
import { drivers } from '../../src/sim/index';

// Shared by visible.test.ts and hidden.test.ts of dlq-processor: the simulator fixtures and checks both use.
export type OrderEvent = { orderId: string; version: number; customerId: string; status: string; total: number };
export interface Processor {
  processOrderEvent(event: OrderEvent): Promise<void>;
  redriveDlq(): Promise<number>;
}
export type { KafkaMessage } from '../../src/sim/index';

export const DLQ = 'orders-dlq';
export const NODES = ['A', 'B', 'C'];
export const STATUSES = ['pending', 'paid', 'packed', 'shipped', 'delivered', 'returned'];

export { describeError, isSimulationError, prng };

export type Setup = {
  world: World;
  proc: Processor;
  rand: TestRandom;
  alerts: string[];
  metrics: Map<string, number>;
  /** Final state of every order, as PostgreSQL has it. */
  truth: Map<string, OrderEvent>;
  /** Every `dlqConsumer.commit` that succeeded: the offset, when, and how long the history was then. */
  commits: { offset: string; at: number; history: number }[];
  /** The test's context (a redrive that never runs out of messages fails the test from `redrive`). */
  ctx: TestContext;
  /** Messages `fetch` has handed out in the current redrive, and how many it may before it answers [] (see `redrive`). */
  fetchGuard: { handed: number; limit: number; tripped: boolean };
  /**
   * Reading the DLQ's depth: while `down` is set (virtual ms, `from` inclusive) `dlqDepth()` rejects;
   * `errors` holds every error it rejected with (told from the processor's own errors by identity);
   * with `latencyMs`, each read takes that long (virtual ms), like a call to a monitoring API, and
   * answers with the depth at its end.
   */
  depthRead: { down: { from: number; until: number } | null; errors: Set<unknown>; latencyMs: number };
};

/** A world, the learner's processor (its Cassandra client in zone B), and the ops hooks it reports to. */
export async function setup(ctx: TestContext): Promise<Setup> {
  const world = ctx.world({});
  const rand = prng(ctx.seed);
  const alerts: string[] = [];
  const metrics = new Map<string, number>();
  const producer = world.kafka({ clientId: 'processor-dlq' }).producer();
  await producer.connect(); // needs no network in the simulator: no world.run for it
  // (what the processor publishes is read from the topic itself, never through a wrapper on this
  // producer: learner code could call the prototype's `send` past it)
  const topic = () => world.topic(DLQ);
  const GROUP = 'redrive';
  const commits: Setup['commits'] = [];
  const fetchGuard: Setup['fetchGuard'] = { handed: 0, limit: Infinity, tripped: false };
  const depthRead: Setup['depthRead'] = { down: null, errors: new Set(), latencyMs: 0 };
  /** Like a Kafka poll, a fetch returns at most this many messages, whatever `max` asks for. */
  const FETCH_LIMIT = 25;
  const deps = {
    cassandra: world.cassandraClient({ zone: 'B', contactPoints: ['B'], failover: true, id: 'processor' }),
    dlq: producer,
    metrics: { increment: (name: string) => void metrics.set(name, (metrics.get(name) ?? 0) + 1) },
    alert: (message: string) => void alerts.push(String(message)),
    dlqDepth: async () => {
      if (depthRead.latencyMs > 0) await world.sleep(depthRead.latencyMs);
      const down = depthRead.down;
      if (down && world.now >= down.from && world.now < down.until) {
        const e = Object.assign(new Error(`Timed out reading the depth of ${DLQ}: the monitoring API did not answer`), { name: 'TimeoutError' });
        depthRead.errors.add(e);
        throw e;
      }
      return topic().depth;
    },
    dlqConsumer: {
      async fetch(max: number) {
        const t = topic();
        const from = t.committed.get(GROUP) ?? 0;
        if (fetchGuard.handed >= fetchGuard.limit) {
          fetchGuard.tripped = true;
          return [];
        }
        const out = t.messages.slice(from, from + Math.min(FETCH_LIMIT, Math.max(0, max))).map((m) => ({ offset: m.offset, key: m.key, value: m.value ?? '' }));
        fetchGuard.handed += out.length;
        return out;
      },
      async commit(offset: string) {
        const t = topic();
        const i = t.messages.findIndex((m) => m.offset === offset);
        if (i < 0) throw new Error(`commit(${JSON.stringify(offset)}): no such offset in ${DLQ}`);
        t.committed.set(GROUP, Math.max(t.committed.get(GROUP) ?? 0, i + 1));
        commits.push({ offset, at: world.now, history: world.history.length });
      },
    },
  };
  const { OrderEventProcessor } = ctx.load<{ OrderEventProcessor: new (deps: unknown) => Processor }>();
  return { world, proc: new OrderEventProcessor(deps), rand, alerts, metrics, truth: new Map(), commits, ctx, fetchGuard, depthRead };
}

/**
 * `orders` orders, each changed 1–4 times: the event stream in commit order (per order, versions
 * ascending), with PostgreSQL holding each order's last version.
 */
export function makeEvents(s: Setup, orders: number, opts: { customer?: (i: number) => string } = {}): OrderEvent[] {
  const perOrder: OrderEvent[][] = [];
  for (let i = 0; i < orders; i++) {
    const id = `o-${1000 + i}`;
    const customerId = opts.customer ? opts.customer(i) : `c-${1 + s.rand(200)}`;
    const n = 1 + s.rand(4);
    const evs: OrderEvent[] = [];
    let total = 10 + s.rand(500);
    for (let v = 1; v <= n; v++) {
      if (s.rand(3) === 0) total += s.rand(50);
      evs.push({ orderId: id, version: v, customerId, status: STATUSES[Math.min(v - 1, STATUSES.length - 1)], total });
    }
    perOrder.push(evs);
    const last = evs[evs.length - 1];
    s.truth.set(id, last);
    s.world.pgInsert('orders', { id, customer_id: last.customerId, status: last.status, total: last.total, version: last.version });
  }
  // Interleave the orders' streams at random, keeping each order's own versions in order.
  const out: OrderEvent[] = [];
  const cursors = perOrder.map(() => 0);
  let left = perOrder.reduce((a, e) => a + e.length, 0);
  const open = perOrder.map((_, i) => i);
  while (left > 0) {
    const k = s.rand(open.length);
    const i = open[k];
    out.push(perOrder[i][cursors[i]++]);
    left--;
    if (cursors[i] === perOrder[i].length) open.splice(k, 1);
  }
  return out;
}

export type Attempt = {
  event: OrderEvent;
  attempt: number;
  threw: boolean;
  error?: unknown;
  /** DLQ messages holding this event that the call published. */
  deadLetteredDuringCall: number;
  /** Whether the call wrote this event's version into the read model (a write Cassandra acknowledged). */
  wroteDuringCall: boolean;
  at: number;
  end: number;
};
export type Delivery = { event: OrderEvent; redelivery: boolean };
export type Platform = { attempts: Attempt[]; expired: OrderEvent[]; delivered: number };

/**
 * The stream platform (Kinesis → Lambda-like): events are spread over `shards` by order id and
 * arrive every `spacingMs`; within a shard they are processed one at a time, in order. A call that
 * throws is retried with exponential backoff (`backoffMs`, doubling, at most 2 s) up to
 * `maxAttempts` times; then the record expires. With `redeliver`, some events are delivered a
 * second time, later (at-least-once delivery: duplicates, and old versions after newer ones).
 */
export async function runPlatform(
  s: Setup,
  events: OrderEvent[],
  o: { shards?: number; spacingMs?: number; maxAttempts?: number; backoffMs?: number; redeliver?: number; startAt?: number } = {},
): Promise<Platform> {
  const shards = o.shards ?? 2;
  const spacing = o.spacingMs ?? 10;
  const maxAttempts = o.maxAttempts ?? 6;
  const backoff = o.backoffMs ?? 100;
  const queues: { d: Delivery; at: number }[][] = Array.from({ length: shards }, () => []);
  const start = o.startAt ?? s.world.now;
  events.forEach((event, i) => {
    const shard = hash(event.orderId) % shards;
    queues[shard].push({ d: { event, redelivery: false }, at: start + i * spacing });
  });
  if (o.redeliver) {
    for (const q of queues) {
      for (let i = q.length - 1; i >= 0; i--) {
        if (q[i].d.redelivery || s.rand(1000) >= o.redeliver * 1000) continue;
        const j = Math.min(q.length, i + 1 + s.rand(25));
        q.splice(j, 0, { d: { event: q[i].d.event, redelivery: true }, at: q[Math.min(j, q.length - 1)].at });
      }
    }
  }
  const log: Platform = { attempts: [], expired: [], delivered: 0 };
  const topic = () => s.world.topic(DLQ);
  const countFor = (e: OrderEvent, from: number) => {
    let n = 0;
    const ms = topic().messages;
    for (let k = from; k < ms.length; k++) {
      const ev = parseDlq(ms[k].value)?.event;
      if (ev && ev.orderId === e.orderId && ev.version === e.version) n++;
    }
    return n;
  };
  const shardLoop = async (q: { d: Delivery; at: number }[]) => {
    for (const { d, at } of q) {
      if (s.world.now < at) await s.world.sleep(at - s.world.now);
      log.delivered++;
      for (let attempt = 1; ; attempt++) {
        const before = topic().messages.length;
        const h0 = s.world.history.length;
        const t = s.world.now;
        const seen = () => ({ deadLetteredDuringCall: countFor(d.event, before), wroteDuringCall: wroteOk(s, d.event, h0), at: t, end: s.world.now });
        try {
          await s.proc.processOrderEvent({ ...d.event });
          log.attempts.push({ event: d.event, attempt, threw: false, ...seen() });
          break;
        } catch (error) {
          if (isSimulationError(error)) throw error;
          log.attempts.push({ event: d.event, attempt, threw: true, error, ...seen() });
          if (attempt >= maxAttempts) {
            log.expired.push(d.event);
            break;
          }
          await s.world.sleep(Math.min(2000, backoff * 2 ** (attempt - 1)));
        }
      }
    }
  };
  await s.world.run(() => Promise.all(queues.map(shardLoop)));
  return log;
}

export function hash(str: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < str.length; i++) h = Math.imul(h ^ str.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function parseDlq(value: string | null): { event?: OrderEvent; error?: unknown; failedAt?: unknown } | null {
  if (!value) return null;
  try {
    const v = JSON.parse(value);
    return v && typeof v === 'object' ? v : null;
  } catch {
    return null;
  }
}

/** The read model's row for an order once replicas agree: the newest copy on any replica (what repair converges to). */
export function readModel(s: Setup, id: string): Record<string, unknown> | undefined {
  let best: Record<string, unknown> | undefined;
  let bestTs = -Infinity;
  for (const n of NODES) {
    const row = s.world.replicaRow(n, 'orders', id);
    const ts = s.world.replicaCellTimestamp(n, 'orders', id, 'version') ?? -Infinity;
    if (row && row.version !== null && ts > bestTs) {
      best = row;
      bestTs = ts;
    }
  }
  return best;
}

export function dlqEvents(s: Setup): OrderEvent[] {
  return s.world
    .topic(DLQ)
    .messages.map((m) => parseDlq(m.value)?.event)
    .filter((e): e is OrderEvent => !!e && typeof e.orderId === 'string');
}

export const label = (e: OrderEvent) => `${e.orderId} v${e.version}`;

/**
 * Every event reached the read model (an acknowledged write of its version, or the row is at that
 * version or a newer one) or the DLQ. An event whose write succeeded and was later overwritten by an
 * older version is not lost here: that is the idempotent write's failure, which the checks of that
 * sentence report (the read model against PostgreSQL).
 */
export function expectNothingLost(ctx: TestContext, s: Setup, events: OrderEvent[], situation: string): void {
  const inDlq = new Set(dlqEvents(s).map(label));
  for (const e of events) {
    const row = readModel(s, e.orderId);
    const v = row ? Number(row.version) : 0;
    if (v >= e.version || inDlq.has(label(e)) || wroteOk(s, e)) continue;
    ctx.fail(
      `Event ${label(e)} (order ${e.orderId} → '${e.status}') is in neither the read model nor the DLQ: it is lost, and customers will see ${
        row ? `version ${v} ('${String(row.status)}')` : 'no such order'
      } until someone rebuilds the read model; ${situation} (seed ${ctx.seed}).`,
    );
  }
}

/** The read model holds exactly what PostgreSQL holds, for every order. */
export function expectReadModelEqualsPostgres(ctx: TestContext, s: Setup, situation: string): void {
  for (const pg of s.world.pgRows('orders')) {
    const id = String(pg.id);
    const row = readModel(s, id);
    const same =
      row &&
      Number(row.version) === Number(pg.version) &&
      row.status === pg.status &&
      row.customer_id === pg.customer_id &&
      Math.abs(Number(row.total) - Number(pg.total)) < 1e-9;
    if (!same) {
      ctx.fail(
        `Order ${id} is ${row ? `'${String(row.status)}' (v${String(row.version)})` : 'missing'} in the read model while PostgreSQL has '${String(pg.status)}' (v${String(pg.version)}): customers see the wrong order; ${situation} (seed ${ctx.seed}).`,
      );
    }
  }
}

export async function redrive(s: Setup): Promise<{ ok: boolean; value?: number; error?: unknown }> {
  const t = s.world.topic(DLQ);
  const published0 = t.messages.length;
  const commits0 = s.commits.length;
  const depth0 = t.depth;
  const t0 = s.world.now;
  // A redrive hands out each waiting message about once. One that has been handed out far more than the
  // DLQ held (it puts what it replays back into the DLQ) never runs out: its fetches come back empty from
  // here on, so it ends and is named for what it did (rather than running until the real-time limit).
  s.fetchGuard.handed = 0;
  s.fetchGuard.limit = 3 * depth0 + 500;
  s.fetchGuard.tripped = false;
  const r = await measure(s.world, () => s.proc.redriveDlq());
  s.fetchGuard.limit = Infinity;
  if (s.fetchGuard.tripped) {
    const republished = s.world.topic(DLQ).messages.length - published0;
    const committed = s.commits.length - commits0;
    s.ctx.fail(
      `redriveDlq() did not run out of messages: the DLQ held ${count(depth0, 'message')} when it started, and it fetched ${s.fetchGuard.handed}, committed ${committed}` +
        (republished > 0 ? ` and published ${republished} new ones to the DLQ in ${Math.round(s.world.now - t0)} ms: a replayed write that fails goes back into the DLQ (as processOrderEvent does), so the redrive never ends` : '') +
        `. If a replayed write fails, stop and leave its message uncommitted for the next redrive (seed ${s.ctx.seed}).`,
    );
  }
  return r.ok ? { ok: true, value: r.value } : { ok: false, error: r.error };
}

/** The row an operation of the history is an acknowledged write of, if any: see `wroteOk`. */
function ackedWrite(op: World['history'][number]): { key?: unknown; cells: Record<string, unknown> } | null {
  if (op.type !== 'ok' || op.f !== 'write' || op.process !== 'processor' || op.ignored) return null;
  const v = op.value as { table?: string; key?: unknown; cells?: Record<string, unknown> | null } | undefined;
  return v && v.table === 'orders' && v.cells ? (v as { key?: unknown; cells: Record<string, unknown> }) : null;
}

/** The key `firstAckedWrites` files a write under, and looks an event up by. */
const writeKey = (id: string, version: number) => `${id}\u0000${version}`;
/** An event's key, or null for one no write can match (an id that is not a string, a version that is not a number). */
function eventKey(e: OrderEvent): string | null {
  return typeof e.orderId === 'string' && typeof e.version === 'number' && !Number.isNaN(e.version) ? writeKey(e.orderId, e.version) : null;
}

/**
 * Did the processor's client get an acknowledged write of this event's version (history from index
 * `from`)? A write whose failure a retry policy ignored is not one: the driver said it succeeded, but
 * no level's worth of replicas acknowledged it.
 */
export function wroteOk(s: Setup, e: OrderEvent, from = 0, to = s.world.history.length): boolean {
  const h = s.world.history;
  for (let i = from; i < to; i++) {
    const w = ackedWrite(h[i]);
    if (w && String(w.key) === e.orderId && Number(w.cells.version) === e.version) return true;
  }
  return false;
}

/**
 * For many events at once, in one pass over the history: the index of each event's first
 * acknowledged write (`wroteOk(s, e, 0, to)` is `firstAckedWrite(e) < to`), or Infinity.
 */
export function firstAckedWrites(s: Setup): (e: OrderEvent) => number {
  const first = new Map<string, number>();
  const h = s.world.history;
  for (let i = 0; i < h.length; i++) {
    const w = ackedWrite(h[i]);
    const key = w && writeKey(String(w.key), Number(w.cells.version));
    if (key !== null && !first.has(key)) first.set(key, i);
  }
  return (e) => {
    const key = eventKey(e);
    return key === null ? Infinity : (first.get(key) ?? Infinity);
  };
}

/**
 * `failedAt` as epoch ms, in any reasonable form: epoch milliseconds or seconds (a number or a string
 * of digits), or a date string (ISO 8601, RFC 2822); `null` if it is not a time.
 */
export function failedAtMs(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v >= 1e11 ? v : v * 1000;
  if (typeof v === 'string' && v.trim()) {
    if (/^\d+(\.\d+)?$/.test(v.trim())) return failedAtMs(Number(v));
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

/** `error` says what went wrong, in any reasonable form: a message string, or `{ name?, message?, code? }`. */
export function saysWhatFailed(v: unknown): boolean {
  if (typeof v === 'string') return v.trim() !== '';
  if (v && typeof v === 'object') {
    const o = v as { message?: unknown; name?: unknown; code?: unknown };
    return [o.message, o.name].some((x) => typeof x === 'string' && x.trim() !== '') || typeof o.code === 'number';
  }
  return false;
}

/** `n` and the noun, singular or plural: `count(1, 'message')` = "1 message", `count(2, 'message')` = "2 messages". */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

const CL = drivers['cassandra-driver'].types.consistencies;

/** A consistency level as CQL names it (`types.consistencies.localOne` → "LOCAL_ONE"). */
export function levelName(cl: unknown): string {
  const found = Object.entries(CL).find(([, v]) => v === cl);
  return found ? found[0].replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase() : cl === undefined ? 'no level' : JSON.stringify(cl);
}

/**
 * The levels at which a write waits for two of the three replicas (RF = 3, one data center): what
 * "at QUORUM" means here, however it is spelt — QUORUM, LOCAL_QUORUM, EACH_QUORUM, or TWO.
 */
const MAJORITY_WRITE: readonly unknown[] = [CL.quorum, CL.localQuorum, CL.eachQuorum, CL.two];

type WriteValue = { table?: string; key?: unknown; cells?: Record<string, unknown> | null; cl?: unknown };

/** A write or delete of the read model by the processor's client, and the order it names ("order o-1 v2"); null for any other op. */
function processorOrderWrite(op: Setup['world']['history'][number]): { v: WriteValue; what: string } | null {
  if ((op.f !== 'write' && op.f !== 'delete') || op.process !== 'processor') return null;
  const v = op.value as WriteValue | undefined;
  if (v?.table !== 'orders') return null;
  return { v, what: `order ${String(v.key)}${v.cells && v.cells.version !== undefined ? ` v${String(v.cells.version)}` : ''}` };
}

/**
 * Every read-model write the processor made is at QUORUM (from the simulator's history: the level
 * each request asked for, whether given per query or as the client's default, and the level it
 * succeeded at, if a retry policy lowered it). The task's first sentence and the lesson:
 * "idempotent, version-stamped write at QUORUM". Checked in outages too: a write lowered to ONE
 * only when QUORUM fails (a fallback write, a downgrading retry policy) is the lesson's very case.
 * A write whose failure a retry policy answered with `ignore` succeeded at no level: named first.
 */
export function expectQuorumWrites(ctx: TestContext, s: Setup, situation: string): void {
  for (const op of s.world.history) {
    const write = processorOrderWrite(op);
    if (!write) continue;
    const { v, what } = write;
    if (op.type === 'ok' && op.ignored) {
      return ctx.fail(
        `The write of ${what} failed (${op.ignored.name}: ${op.ignored.message}), but a retry policy answered \`ignore\`: the driver then reports success with an empty result, so your code never saw the failure and did not put the event in the DLQ, although the write may have reached no replica at all. Keep the default retry policy (or one that only retries or rethrows); ${situation}`,
      );
    }
    if (op.type === 'ok' && op.achievedConsistency !== undefined && !MAJORITY_WRITE.includes(op.achievedConsistency)) {
      return ctx.fail(
        `The write of ${what} asked for ${levelName(v.cl)} but was acknowledged at ${levelName(op.achievedConsistency)}: a retry policy lowered the level when ${levelName(v.cl)} could not be reached. The task asks for QUORUM, two of the three replicas: a write that cannot get two is a failed write, and the event belongs in the DLQ; a write one replica acknowledged can be missed by the API's QUORUM reads until hints or repair catch up. Keep the default retry policy (or one that never lowers the level); ${situation}`,
      );
    }
    if (op.type !== 'invoke' || MAJORITY_WRITE.includes(v.cl)) continue;
    const defaulted = v.cl === CL.localOne && s.world.queries.every((q) => q.client !== 'processor' || q.driver !== 'cassandra' || (q.options as { consistency?: unknown } | undefined)?.consistency === undefined);
    const asked = `The read model was written at ${levelName(v.cl)} (${what}${defaulted ? ": the driver's default, since the query gives no consistency" : ''}); the task asks for QUORUM, two of the three replicas.`;
    const why =
      v.cl === CL.all || v.cl === CL.three
        ? `At ${levelName(v.cl)} a write needs every replica: with one node down every event goes to the DLQ, although two replicas could have taken it and the API's QUORUM reads would have found it.`
        : v.cl === CL.any
          ? `At ANY not even one replica is needed: a hint the coordinator stores for a down replica counts, so the write can "succeed" before any replica has it (in production even with all three replicas down), the event does not go to the DLQ, and the API's QUORUM reads, which ask two replicas, can miss it until hints or repair catch up.`
          : v.cl === CL.one || v.cl === CL.localOne
            ? `At ${levelName(v.cl)} one replica's acknowledgement is enough (the write still goes to all three): with two of the three replicas down the write "succeeds" on the one left, the event does not go to the DLQ, and the API's QUORUM reads, which ask two replicas, can miss it (W + R = 1 + 2 is not more than RF = 3) until hints or repair catch up.`
            : `Only a level that waits for two of the three replicas makes a successful write one that the API's QUORUM reads are sure to find.`;
    return ctx.fail(`${asked} ${why} Pass \`consistency: types.consistencies.quorum\` with the write; ${situation}`);
  }
}
