import { type TestContext, type TestRandom, words } from '../../src/grading/api';
import { drivers } from '../../src/sim/index';

// Shared by visible.test.ts and hidden.test.ts of break-quorum. A fixed workload on one order, in a
// three-node cluster (RF 3, one node per zone, each client talking only to the node in its zone):
//   1. the first writer sets the order's status at QUORUM and is acknowledged;
//   2. at `second.at` (after that acknowledgement) a writer in another zone sets a newer status at QUORUM
//      and is acknowledged;
//   3. after that acknowledgement, the order page (a third client) reads the status at QUORUM.
// The learner's schedule(plan) returns the faults; the check passes only when both writes were
// acknowledged, the read succeeded and started after the second acknowledgement, and it returned the
// first (older) status.

export type Zone = 'A' | 'B' | 'C';
export type Write = { client: string; zone: Zone; coordinator: string; at: number; status: string };
export type Plan = {
  orderId: string;
  timestamps: 'client' | 'coordinator';
  nodes: string[];
  first: Write;
  second: Write;
  read: { client: string; zone: Zone; coordinator: string; at: number };
};
export type Fault = { at: number; kind: string; [field: string]: unknown };
export type Schedule = (plan: Plan) => Fault[];

/** What the test varies; everything else follows from it. */
export type Setup = {
  timestamps: 'client' | 'coordinator';
  firstZone: Zone;
  secondZone: Zone;
  readZone: Zone;
  firstAt: number;
  gapMs: number;
  /** ms from the second write's start to the read's start (the read never starts before the acknowledgement) */
  readAfterMs: number;
  statuses: [string, string];
};

const ZONES: Zone[] = ['A', 'B', 'C'];
const CL = drivers['cassandra-driver'].types.consistencies;
const STATUS_PAIRS: Array<[string, string]> = [
  ['pending', 'paid'],
  ['paid', 'shipped'],
  ['placed', 'cancelled'],
  ['shipped', 'delivered'],
  ['paid', 'refunded'],
];

type Client = { execute(q: string, p: unknown[], o: object): Promise<{ first(): { get(c: string): unknown } | null }> };

export { prng } from '../../src/grading/api';

export const pick = <T>(r: TestRandom, xs: readonly T[]): T => r.pick(xs);
/** An integer in [lo, hi]. */
export const between = (r: TestRandom, lo: number, hi: number): number => r.between(lo, hi);
/** Two different zones, and the remaining one. */
export function threeZones(r: TestRandom): [Zone, Zone, Zone] {
  const a = pick(r, ZONES);
  const rest = ZONES.filter((z) => z !== a);
  const b = pick(r, rest);
  return [a, b, rest.find((z) => z !== b)!];
}
export const statusPair = (r: TestRandom): [string, string] => pick(r, STATUS_PAIRS);

export function planOf(s: Setup, seed: number): Plan {
  const lc = (z: Zone) => z.toLowerCase();
  const secondAt = s.firstAt + s.gapMs;
  return {
    orderId: `o-${1000 + seed}`,
    timestamps: s.timestamps,
    nodes: [...ZONES],
    first: { client: `processor-${lc(s.firstZone)}`, zone: s.firstZone, coordinator: s.firstZone, at: s.firstAt, status: s.statuses[0] },
    second: { client: `support-${lc(s.secondZone)}`, zone: s.secondZone, coordinator: s.secondZone, at: secondAt, status: s.statuses[1] },
    read: { client: `web-${lc(s.readZone)}`, zone: s.readZone, coordinator: s.readZone, at: secondAt + s.readAfterMs },
  };
}

/** The plans of the visible tests (visible.test.ts uses them by name; hidden properties vary them). */
const VISIBLE_BASE: Setup = {
  timestamps: 'client',
  firstZone: 'A',
  secondZone: 'B',
  readZone: 'C',
  firstAt: 1000,
  gapMs: 50,
  readAfterMs: 100,
  statuses: ['pending', 'paid'],
};
export const VISIBLE: Readonly<Record<string, Setup>> = {
  'client-side timestamps, writes 50 ms apart: the read returns the older status': VISIBLE_BASE,
  'client-side timestamps, writes 2 s apart, the first from zone C': { ...VISIBLE_BASE, firstZone: 'C', secondZone: 'A', readZone: 'B', gapMs: 2000, statuses: ['paid', 'shipped'] },
  'coordinator-side timestamps: the coordinator node stamps each write': { ...VISIBLE_BASE, timestamps: 'coordinator', firstZone: 'B', secondZone: 'C', readZone: 'A', gapMs: 300 },
};

/** A setup's workload in words: who writes what when, who reads, who stamps. */
export function describeSetup(s: Setup): string {
  const p = planOf(s, 0);
  const when = (t: number) => words.ms(t);
  const stamps = s.timestamps === 'client' ? 'the writing clients stamp the writes (client-side timestamps)' : 'the coordinator nodes stamp the writes (coordinator-side timestamps)';
  return (
    `${p.first.client} (zone ${s.firstZone}) sets the status to '${p.first.status}' at ${when(p.first.at)}; ` +
    `${when(s.gapMs)} later ${p.second.client} (zone ${s.secondZone}) sets it to '${p.second.status}'; ` +
    `the order page ${p.read.client} (zone ${s.readZone}) reads it ${when(s.readAfterMs)} after that; ${stamps}`
  );
}

type Attempt = { ok: boolean; start: number; end: number; error?: string; value?: unknown; stamp?: number };
export type Outcome = { plan: Plan; faults: Fault[]; epochMs: number; first: Attempt; second: Attempt; read: Attempt };

const KINDS: Record<string, string[]> = {
  'clock-skew': ['target', 'offsetMs'],
  isolate: ['zone'],
  partition: ['groups'],
  heal: [],
  crash: ['node'],
  restart: ['node'],
  pause: ['node', 'forMs'],
  slow: ['node', 'extraMs'],
  loss: ['probability'],
};

/** Checks the learner's schedule against this plan, failing with a plain message naming the seed. */
function checkSchedule(ctx: TestContext, plan: Plan, out: unknown): Fault[] {
  const seed = `seed ${ctx.seed}`;
  if (!Array.isArray(out)) return ctx.fail(`schedule(plan) returned ${JSON.stringify(out) ?? String(out)} instead of an array of faults (${seed}).`);
  const nodes = new Set(plan.nodes);
  const clients = [plan.first.client, plan.second.client, plan.read.client];
  const names = new Set([...plan.nodes, ...clients]);
  out.forEach((f: unknown, i) => {
    const bad = (why: string): never => ctx.fail(`Fault ${i + 1} of your schedule, ${JSON.stringify(f)}, ${why} (${seed}).`);
    if (!f || typeof f !== 'object') bad('is not a fault object');
    const fault = f as Fault;
    if (!(fault.kind in KINDS)) bad(`has an unknown kind: use one of ${Object.keys(KINDS).join(', ')}`);
    if (typeof fault.at !== 'number' || !Number.isFinite(fault.at) || fault.at < 0) bad("needs 'at': the virtual time in ms (0 or more) at which it happens");
    for (const field of KINDS[fault.kind]) if (fault[field] === undefined) bad(`needs '${field}'`);
    if ('node' in fault && !nodes.has(fault.node as string)) bad(`names node '${String(fault.node)}': the nodes are ${plan.nodes.join(', ')}`);
    if (fault.kind === 'isolate' && !nodes.has(fault.zone as string)) bad(`names zone '${String(fault.zone)}': the zones are ${plan.nodes.join(', ')}`);
    if (fault.kind === 'clock-skew') {
      if (!names.has(fault.target as string)) bad(`targets '${String(fault.target)}': a clock belongs to a node (${plan.nodes.join(', ')}) or to one of this plan's clients (${clients.join(', ')})`);
      if (typeof fault.offsetMs !== 'number' || !Number.isFinite(fault.offsetMs)) bad("needs 'offsetMs', a number of ms (positive = the clock runs ahead)");
    }
    if (fault.kind === 'partition') {
      const g = fault.groups;
      if (!Array.isArray(g) || g.length < 2 || !g.every((x) => Array.isArray(x) && x.length > 0 && x.every((n) => names.has(n)))) {
        bad(`needs 'groups': two or more lists of zones, nodes or clients, e.g. [['A'], ['B', 'C']]`);
      }
    }
    if (fault.kind === 'loss' && !(typeof fault.probability === 'number' && fault.probability >= 0 && fault.probability <= 1)) bad("needs a 'probability' between 0 and 1");
  });
  return out as Fault[];
}

const errText = (e: unknown): string => {
  const err = e as { name?: string; message?: string };
  return `${err?.name ?? 'Error'}: ${err?.message ?? String(e)}`.replace(/[.\s]+$/, '');
};

/** The learner's faults for `plan` (given a copy of it), checked: known kinds, `at` in ms, this plan's names. */
export function scheduleOf(ctx: TestContext, plan: Plan): Fault[] {
  const { schedule } = ctx.load<{ schedule: Schedule }>();
  if (typeof schedule !== 'function') ctx.fail('The module must export a function schedule(plan) that returns the faults.');
  const out: unknown = schedule(JSON.parse(JSON.stringify(plan)) as Plan);
  if (!Array.isArray(out)) return checkSchedule(ctx, plan, out);
  // Checked and simulated as one plain copy: the learner's objects could read differently each time
  // (getters, toJSON), so that the simulator got faults the checks never saw.
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(out));
  } catch (e) {
    return ctx.fail(`schedule(plan) returned faults that are not plain data: ${(e as Error).message} (seed ${ctx.seed}).`);
  }
  return checkSchedule(ctx, plan, copy);
}

/** Runs the workload of `setup` with the learner's faults. */
export async function play(ctx: TestContext, setup: Setup): Promise<Outcome> {
  const plan = planOf(setup, ctx.seed);
  return runPlan(ctx, plan, scheduleOf(ctx, plan));
}

/** Runs the plan's workload (two QUORUM writes, then a QUORUM read) with `faults` in a fresh world. */
export async function runPlan(ctx: TestContext, plan: Plan, faults: Fault[]): Promise<Outcome> {
  const world = ctx.world({ nodes: 3, rf: 3 });
  const client = (c: { client: string; zone: Zone }) =>
    world.cassandraClient({
      id: c.client, zone: c.zone, contactPoints: [c.zone], failover: false,
      timestampGeneration: plan.timestamps === 'client' ? 'client' : null,
    }) as Client;
  const [w1, w2, rd] = [client(plan.first), client(plan.second), client(plan.read)];
  try {
    world.schedule(JSON.parse(JSON.stringify(faults)));
  } catch (e) {
    ctx.fail(`The simulator refused your schedule: ${(e as Error).message} (seed ${ctx.seed}).`);
  }
  const waitUntil = async (t: number) => {
    if (world.now < t) await world.sleep(t - world.now);
  };
  const write = async (c: Client, w: Write): Promise<Attempt> => {
    await waitUntil(w.at);
    const start = world.now;
    try {
      await c.execute('UPDATE orders SET status = ? WHERE id = ?', [w.status, plan.orderId], { prepare: true, consistency: CL.quorum });
      return { ok: true, start, end: world.now, stamp: world.replicaCellTimestamp(w.coordinator, 'orders', plan.orderId, 'status') };
    } catch (e) {
      return { ok: false, start, end: world.now, error: errText(e) };
    }
  };
  const none: Attempt = { ok: false, start: NaN, end: NaN, error: 'not attempted' };
  return world.run(async () => {
    const first = await write(w1, plan.first);
    if (!first.ok) return { plan, faults, epochMs: world.epochMs, first, second: none, read: none };
    const second = await write(w2, plan.second);
    if (!second.ok) return { plan, faults, epochMs: world.epochMs, first, second, read: none };
    await waitUntil(plan.read.at);
    const start = world.now;
    let read: Attempt;
    try {
      const rs = await rd.execute('SELECT status FROM orders WHERE id = ?', [plan.orderId], { prepare: true, consistency: CL.quorum });
      read = { ok: true, start, end: world.now, value: rs.first()?.get('status') ?? null };
    } catch (e) {
      read = { ok: false, start, end: world.now, error: errText(e) };
    }
    return { plan, faults, epochMs: world.epochMs, first, second, read };
  });
}

const ms = (t: number) => `${Math.round(t)} ms`;
const who = (w: Write) => `'${w.status}' by ${w.client} through node ${w.coordinator}`;

/** Why a schedule's faults did not change which write won, in plain words. */
function whyConsistent(o: Outcome): string {
  const { plan, faults, first, second, read } = o;
  const parts: string[] = [];
  const byClient = plan.timestamps === 'client';
  const stamper = (w: Write) => (byClient ? w.client : `node ${w.coordinator}`);
  const stampers = byClient ? [plan.first.client, plan.second.client] : [plan.first.coordinator, plan.second.coordinator];
  const skews = faults.filter((f) => f.kind === 'clock-skew');
  if (faults.length && faults.every((f) => f.at >= read.start)) {
    parts.push(`Every fault in your schedule happens at or after ${ms(read.start)}, when the read started: by then both writes were stamped and stored.`);
  } else if (!skews.length) {
    parts.push(
      faults.length
        ? 'None of your faults changes a clock. In this simulator, partitions, crashes, pauses and message loss make requests fail or wait, but a write acknowledged by two replicas is on at least one of the two replicas every later QUORUM read asks, and the coordinator keeps the newest version.'
        : 'Your schedule has no faults, and without them QUORUM keeps its promise.',
    );
  } else {
    const name = (x: string) => (plan.nodes.includes(x) ? `node ${x}` : x);
    // a skew of a write's stamper that starts only after that write started: it stamped the old time
    const late = ([[first, 'first', stampers[0]], [second, 'second', stampers[1]]] as const).flatMap(([a, nth, target]) => {
      const onIt = skews.filter((f) => String(f.target) === target);
      return onIt.length && onIt.every((f) => f.at > a.start)
        ? [`your clock change of ${name(target)} starts at ${ms(Math.min(...onIt.map((f) => f.at)))}, after the ${nth} write it had to stamp started at ${ms(a.start)}`]
        : [];
    });
    if (late.length) parts.push(`In your schedule ${late.join(', and ')}: a clock change moves only the timestamps taken after it.`);
    const others = [...new Set(skews.map((f) => String(f.target)).filter((t) => !stampers.includes(t)))];
    if (others.length) {
      parts.push(
        `Your schedule moves the clock of ${others.map(name).join(' and ')}, which stamped neither write: with ${byClient ? 'client-side timestamps the driver stamps each write from the writing client' : 'coordinator-side timestamps each write is stamped by its coordinator node'}, here ${stamper(plan.first)} for the first write and ${stamper(plan.second)} for the second.`,
      );
    }
  }
  if (first.stamp !== undefined && second.stamp !== undefined) {
    const t = (us: number) => Math.round(us / 1000 - o.epochMs);
    parts.push(
      `The first write started at ${ms(first.start)} and was stamped ${ms(t(first.stamp))} by ${stamper(plan.first)}; the second started at ${ms(second.start)} and was stamped ${ms(t(second.stamp))} by ${stamper(plan.second)} (times since the run began). ${
        first.stamp === second.stamp
          ? `The two timestamps are equal, and on a tie Cassandra keeps the larger value, so '${plan.second.status}' won: the older write needs a strictly higher timestamp.`
          : `The highest timestamp wins, so '${plan.second.status}' won.`
      }`,
    );
  }
  return parts.join(' ');
}

/**
 * Why the outcome is not what the challenge asks (both writes acknowledged, the read succeeded at
 * QUORUM after the second acknowledgement and returned the older status), in plain words; null if it is.
 */
export function notStale(o: Outcome, seed: number): string | null {
  const { plan, first, second, read } = o;
  const s = `seed ${seed}`;
  const notAcked = (w: Write, a: Attempt, nth: string) =>
    `The ${nth} write (${who(w)}, started at ${ms(a.start)}) was not acknowledged: ${a.error}. The challenge needs both writes acknowledged at QUORUM: a write that fails is outside QUORUM's promise, and its client was told it failed (${s}).`;
  if (!first.ok) return notAcked(plan.first, first, 'first');
  if (!second.ok) return notAcked(plan.second, second, 'second');
  if (!read.ok) {
    return `The customer's QUORUM read (${plan.read.client} through node ${plan.read.coordinator}, at ${ms(read.start)}) failed: ${read.error}. A QUORUM read that does not get two replicas' answers in time fails with Unavailable or a timeout; it never serves stale data, so this shows QUORUM failing loudly, not returning an old status (${s}).`;
  }
  if (read.start < second.end) return `The read started at ${ms(read.start)}, before the second write was acknowledged at ${ms(second.end)} (${s}).`;
  if (read.value === plan.first.status) return null;
  if (read.value === plan.second.status) {
    return `The customer's QUORUM read at ${ms(read.start)} returned '${plan.second.status}', the status of the later acknowledged write (acknowledged at ${ms(second.end)}): QUORUM kept its promise. ${whyConsistent(o)} (${s})`;
  }
  return `The customer's QUORUM read returned ${JSON.stringify(read.value)}, neither write's status (${s}).`;
}

/** The check: fails with `notStale`'s words (after `prefix`, if given) unless the read returned the older status. */
export function expectStale(ctx: TestContext, o: Outcome, prefix = ''): void {
  const why = notStale(o, ctx.seed);
  if (why !== null) ctx.fail(prefix + why);
}

/** Plays the setup and checks it. */
export async function expectBroken(ctx: TestContext, setup: Setup): Promise<void> {
  expectStale(ctx, await play(ctx, setup));
}
