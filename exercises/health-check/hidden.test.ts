// Hidden tests for health-check: fault scenarios, each over many seeds.
import { defineTests, seeds, fc, words, resentWords, type Fault, type TestContext } from '../../src/grading/api';
import meta from './meta.json';

import { type Order, type Health, type Cluster, type Query, STATUSES, FD_SETTLED_MS, HEALTHY_READ_LIMIT_MS, slowHealthyRead, prng, type Setup, setup, isSimulationError, describeError, type Timed, timed, health, cassandraQueries, refusedProbe, show, expectRead, every } from './harness';

const ALL = ['A', 'B', 'C'];

export default defineTests((t) => {
  t.test(
    'the probe gives up within a second when Cassandra does not answer',
    {
      scenario: 'Every Cassandra node answers 3–8 seconds late (or is paused). The API checks health.',
      hint: "A health check must be faster than the reads it protects. Pass a short `readTimeout` (a few hundred ms) to the probe; the driver's default is 12 s.",
      seeds: seeds(1, 2),
    },
    async (ctx) => {
      const s = setup(ctx);
      const now = s.world.now;
      if (ctx.seed % 3 === 0) s.world.schedule(every(ALL, (node) => ({ at: now, kind: 'pause', node, forMs: 10_000 })));
      else s.world.schedule(every(ALL, (node) => ({ at: now, kind: 'slow', node, extraMs: 3000 + s.rand(5000) })));
      const h = await health(ctx, s, 'every node is slow');
      if (h.ms > 1000) {
        ctx.fail(`checkHealth() took ${h.ms} ms while Cassandra was slow: every request that checks health first waited that long (expected ≤ 1000 ms) (seed ${ctx.seed}).`);
      }
    },
  );

  t.test(
    "a probe that times out means 'degraded', not 'unavailable'",
    {
      scenario: 'Every Cassandra node is reachable but answers seconds late. The API checks health.',
      hint: "A timeout from a node you reached is not \"no host\". The driver throws `errors.OperationTimedOutError` for a client timeout (and `ResponseError` with code `readTimeout` for a coordinator timeout): map those to 'degraded'.",
      seeds: seeds(101, 2),
    },
    async (ctx) => {
      const s = setup(ctx);
      s.world.schedule(every(ALL, (node) => ({ at: s.world.now, kind: 'slow', node, extraMs: 2000 + s.rand(4000) })));
      const h = await health(ctx, s, 'every node is slow');
      if (h.value !== 'degraded') {
        ctx.fail(`checkHealth() returned '${h.value}' when every node was up but answering seconds late; expected 'degraded' (a timeout), so reads still try Cassandra briefly (seed ${ctx.seed}).`);
      }
    },
  );

  t.test(
    "no host or not enough replicas means 'unavailable'",
    {
      scenario: 'Either every node is down, or two of three nodes are down and the third knows it. The API checks health.',
      hint: "`errors.NoHostAvailableError`, and `errors.ResponseError` with `code === types.responseErrorCodes.unavailableException`, both mean QUORUM cannot be served: 'unavailable'.",
      seeds: seeds(201, 2),
    },
    async (ctx) => {
      const s = setup(ctx);
      const allDown = ctx.seed % 2 === 0;
      const down = allDown ? ALL : ['B', 'C'];
      s.world.schedule(every(down, (node) => ({ at: s.world.now, kind: 'crash', node })));
      await s.world.run(() => s.world.sleep(FD_SETTLED_MS));
      const h = await health(ctx, s, `nodes ${down.join(', ')} are down`);
      if (h.value !== 'unavailable') {
        ctx.fail(`checkHealth() returned '${h.value}' with nodes ${down.join(', ')} down: a QUORUM read cannot succeed, so it must be 'unavailable' and reads go straight to PostgreSQL (seed ${ctx.seed}).`);
      }
    },
  );

  t.test(
    "a contact node cut off from its peers is not 'healthy'",
    {
      scenario: 'Zone A is cut off from zones B and C. The API (in zone A) can still reach node A, which is up but cannot reach any other replica.',
      hint: '`SELECT now() FROM system.local` is answered by the coordinator alone, and ONE is satisfied by its own replica. Probe a real table at QUORUM: an isolated node then answers Unavailable or times out.',
      seeds: seeds(301, 2),
    },
    async (ctx) => {
      const s = setup(ctx);
      s.world.schedule([{ at: s.world.now, kind: 'isolate', zone: 'A' }]);
      await s.world.run(() => s.world.sleep(ctx.seed % 2 === 0 ? FD_SETTLED_MS : 200 + s.rand(2000)));
      const h = await health(ctx, s, 'zone A is cut off');
      if (h.value === 'healthy') {
        ctx.fail(`checkHealth() said 'healthy' while node A was cut off from both of its peers: every QUORUM read through it fails, yet requests are sent there for the next 5 seconds (seed ${ctx.seed}).`);
      }
      if (h.ms > 1000) ctx.fail(`checkHealth() took ${h.ms} ms with zone A cut off (expected ≤ 1000 ms) (seed ${ctx.seed}).`);
      await expectRead(ctx, s, s.ids[ctx.seed % s.ids.length], 'zone A is cut off from B and C');
    },
  );

  t.test(
    'the probe runs at most once per 5 seconds',
    {
      scenario: 'A healthy cluster; the API checks health before each of a dozen requests over 4 seconds.',
      hint: 'Remember when you last probed and what you found; within 5 s return that instead of probing again.',
      seeds: seeds(401, 2),
    },
    async (ctx) => {
      const s = setup(ctx);
      const first = await health(ctx, s, 'every node is up');
      const start = s.world.now;
      let probes = cassandraQueries(first.queries).length;
      let calls = 1;
      while (s.world.now - start < 4000) {
        const wait = 50 + s.rand(500);
        if (s.world.now - start + wait >= 4000) break;
        await s.world.run(() => s.world.sleep(wait));
        probes += cassandraQueries((await health(ctx, s, 'every node is up')).queries).length;
        calls++;
      }
      if (probes !== 1) {
        ctx.fail(`${calls} health checks within 4 seconds sent ${probes} probe queries to Cassandra: every request now costs an extra query (expected 1 probe per 5 s) (seed ${ctx.seed}).`);
      }
    },
  );

  t.test(
    'health is checked again once 5 seconds have passed',
    {
      scenario: 'The cluster is healthy at first; a second later every node becomes unreachable. The API checks health again 6–9 seconds later.',
      hint: "Cache the verdict for 5 s, not forever: after that, probe again.",
      seeds: seeds(501, 2),
    },
    async (ctx) => {
      const s = setup(ctx);
      const first = await health(ctx, s, 'every node is up');
      if (first.value !== 'healthy') ctx.fail(`checkHealth() returned '${first.value}' on a healthy cluster (seed ${ctx.seed}).`);
      const now = s.world.now;
      if (ctx.seed % 2 === 0) s.world.schedule(every(ALL, (node) => ({ at: now + 1000, kind: 'crash', node })));
      else s.world.schedule([{ at: now + 1000, kind: 'isolate', zone: 'A' }]);
      await s.world.run(() => s.world.sleep(6000 + s.rand(3000)));
      const later = await health(ctx, s, 'Cassandra has become unreachable');
      if (later.value === 'healthy') {
        ctx.fail(`Cassandra became unreachable ${Math.round((s.world.now - now - 1000) / 100) / 10} s ago, but checkHealth() still says 'healthy': the verdict was never refreshed (seed ${ctx.seed}).`);
      }
    },
  );

  t.test(
    'concurrent callers share the one probe in flight',
    {
      scenario: 'Ten requests arrive at the same moment, each checking health first, while the cluster is in trouble (down, cut off, or slow).',
      hint: 'Keep the promise of the running probe in a field; callers that arrive while it runs await that same promise. Clear it when it settles.',
      seeds: seeds(601, 2),
    },
    async (ctx) => {
      const s = setup(ctx);
      const now = s.world.now;
      const trouble = ctx.seed % 3;
      if (trouble === 0) s.world.schedule(every(['B', 'C'], (node) => ({ at: now, kind: 'crash', node })));
      else if (trouble === 1) s.world.schedule([{ at: now, kind: 'isolate', zone: 'A' }]);
      else s.world.schedule(every(ALL, (node) => ({ at: now, kind: 'slow', node, extraMs: 3000 })));
      await s.world.run(() => s.world.sleep(trouble === 2 ? 10 : FD_SETTLED_MS));
      const r = await timed(s, () => Promise.all(Array.from({ length: 10 }, () => s.cluster.checkHealth())));
      if (!r.ok) return ctx.fail(`checkHealth() threw ${describeError(r.error)} (seed ${ctx.seed}).`);
      const probes = cassandraQueries(r.queries).length;
      if (probes !== 1) {
        ctx.fail(`Ten simultaneous health checks sent ${probes} probe queries to a cluster that was already struggling; they should share one probe (seed ${ctx.seed}).`);
      }
      const verdicts = [...new Set(r.value)];
      if (verdicts.length !== 1) {
        ctx.fail(`Ten simultaneous health checks got different answers (${r.value.join(', ')}): callers that arrived during the probe got the old state instead of waiting for the probe (seed ${ctx.seed}).`);
      }
      if (verdicts[0] === 'healthy') ctx.fail(`Ten simultaneous health checks all said 'healthy' while the cluster could not serve QUORUM reads quickly (seed ${ctx.seed}).`);
    },
  );

  t.test(
    'unavailable: PostgreSQL at once, without touching Cassandra',
    {
      scenario: 'Two or three Cassandra nodes are down; the health check says unavailable. Customers read orders.',
      hint: "When the verdict is 'unavailable', read PostgreSQL directly: a request to Cassandra can only fail, and costs time.",
      seeds: seeds(701, 2),
    },
    async (ctx) => {
      const s = setup(ctx);
      const down = ctx.seed % 2 === 0 ? ALL : ['B', 'C'];
      s.world.schedule(every(down, (node) => ({ at: s.world.now, kind: 'crash', node })));
      await s.world.run(() => s.world.sleep(FD_SETTLED_MS));
      await health(ctx, s, `nodes ${down.join(', ')} are down`);
      for (const id of s.ids.slice(0, 3)) {
        const r = await expectRead(ctx, s, id, `nodes ${down.join(', ')} are down`);
        const reads = cassandraQueries(r.queries);
        if (reads.length > 0) {
          ctx.fail(`With the cluster known to be unavailable, reading order ${id} still sent a query to Cassandra first (${reads[0].text}); it can only fail and delays the customer (seed ${ctx.seed}).`);
        }
      }
    },
  );

  t.test(
    'degraded: Cassandra gets at most 100 ms, then PostgreSQL',
    {
      scenario: 'Every Cassandra node answers 2–4 seconds late; the health check says degraded. Customers read orders.',
      hint: "In the degraded branch, read Cassandra with `readTimeout: 100` and fall back to PostgreSQL on any error.",
      seeds: seeds(801, 2),
    },
    async (ctx) => {
      const s = setup(ctx);
      s.world.schedule(every(ALL, (node) => ({ at: s.world.now, kind: 'slow', node, extraMs: 2000 + s.rand(2000) })));
      const h = await health(ctx, s, 'every node is slow');
      if (h.value !== 'degraded') ctx.fail(`checkHealth() returned '${h.value}' when every node answered seconds late; expected 'degraded' (seed ${ctx.seed}).`);
      for (const id of s.ids.slice(0, 3)) {
        const r = await expectRead(ctx, s, id, 'Cassandra is degraded');
        if (r.ms > 250) {
          ctx.fail(`With Cassandra degraded, a customer waited ${words.ms(r.ms)} for order ${id}; Cassandra should get about 100 ms before PostgreSQL answers (expected ≤ 250 ms) (seed ${ctx.seed}).${resentWords(r)}`);
        }
      }
    },
  );

  t.test(
    'healthy: a failed Cassandra read falls back to PostgreSQL',
    {
      scenario: "The health check has just said 'healthy'; a moment later Cassandra fails (nodes crash, or zone A is cut off). Customers read orders within the 5-second cache window.",
      hint: "'healthy' is a 5-second-old opinion. In the healthy branch too, catch the Cassandra error and read PostgreSQL.",
      seeds: seeds(901, 2),
    },
    async (ctx) => {
      const s = setup(ctx);
      await health(ctx, s, 'every node is up');
      const now = s.world.now;
      if (ctx.seed % 2 === 0) s.world.schedule(every(ALL, (node) => ({ at: now + 50, kind: 'crash', node })));
      else s.world.schedule([{ at: now + 50, kind: 'isolate', zone: 'A' }]);
      await s.world.run(() => s.world.sleep(100 + s.rand(500)));
      await expectRead(ctx, s, s.ids[ctx.seed % s.ids.length], 'Cassandra failed after the last health check');
    },
  );

  t.test(
    'healthy: a Cassandra read that gets no answer gives up within 2 s, then PostgreSQL',
    {
      scenario: "The health check has just said 'healthy'; a moment later zone A is cut off from B and C, every node starts answering 3–8 seconds late, or every node freezes (a long GC pause). A customer reads an order within the 5-second cache window.",
      hint: "'healthy' is up to 5 seconds old, and the driver's default timeout is 12 s. Pass a `readTimeout` to the healthy read too (up to 2000 ms; it applies to each attempt, so leave the read non-idempotent or bound the whole call with one timer) and read PostgreSQL when it runs out.",
      seeds: seeds(1101, 3),
    },
    async (ctx) => {
      const s = setup(ctx);
      const h = await health(ctx, s, 'every node is up');
      if (h.value !== 'healthy') ctx.fail(`checkHealth() returned '${h.value}' on a healthy cluster (seed ${ctx.seed}).`);
      const now = s.world.now;
      const kind = ctx.seed % 3;
      const extraMs = 3000 + s.rand(5000);
      if (kind === 0) s.world.schedule([{ at: now + 50, kind: 'isolate', zone: 'A' }]);
      else if (kind === 1) s.world.schedule(every(ALL, (node) => ({ at: now + 50, kind: 'slow', node, extraMs })));
      else s.world.schedule(every(ALL, (node) => ({ at: now + 50, kind: 'pause', node, forMs: 120_000 })));
      const what = kind === 0 ? 'zone A was cut off from B and C' : kind === 1 ? `every node started answering ${words.ms(extraMs)} late` : 'every node froze (a long GC pause)';
      await s.world.run(() => s.world.sleep(100 + s.rand(1000)));
      const id = s.ids[ctx.seed % s.ids.length];
      const r = await expectRead(ctx, s, id, `${what} after the health check said 'healthy'`);
      if (r.ms > HEALTHY_READ_LIMIT_MS) {
        ctx.fail(`${slowHealthyRead(id, r)} (seed ${ctx.seed}); ${what} after the health check said 'healthy'.`);
      }
    },
  );

  t.test(
    'healthy: an order missing from the read model is read from PostgreSQL',
    {
      scenario: 'A healthy cluster; the customer reads an order the processor has not written into Cassandra yet.',
      hint: 'A missing row in the read model is not "no such order": ask PostgreSQL before returning null.',
      seeds: seeds(1001, 2),
    },
    async (ctx) => {
      const s = setup(ctx, { missing: [2] });
      await expectRead(ctx, s, s.ids[2], 'the read model has not received it yet');
    },
  );

  // ── Properties: each task sentence over generated scenarios ─────────────────────────────────────
  properties(t);
});

/**
 * What the cluster is doing when the API checks health, and what a probe of the read path (a QUORUM
 * read through node A) meets there: `verdicts` are the answers the task's mapping allows.
 */
type SituationKind = 'healthy' | 'one-down' | 'all-slow' | 'all-paused' | 'all-down' | 'two-down' | 'zone-a-cut-off' | 'nodes-split';
type Situation = { kind: SituationKind; nodes: string[]; extraMs: number; settled: boolean };

const SITUATION_KINDS: SituationKind[] = ['healthy', 'one-down', 'all-slow', 'all-paused', 'all-down', 'two-down', 'zone-a-cut-off', 'nodes-split'];
/** Situations in which node A is up and answers, but cannot get a quorum of replicas to answer with it. */
const CUT_OFF: SituationKind[] = ['two-down', 'zone-a-cut-off', 'nodes-split'];

function situation(kinds: SituationKind[] = SITUATION_KINDS): fc.Arbitrary<Situation> {
  return fc.record({
    kind: fc.constantFrom(...kinds),
    pair: fc.constantFrom(['B', 'C'], ['A', 'B'], ['A', 'C']),
    one: fc.constantFrom('B', 'C'),
    extraMs: fc.integer({ min: 1500, max: 6000 }),
    settled: fc.boolean(),
  }).map(({ kind, pair, one, extraMs, settled }) => ({
    kind,
    nodes: kind === 'two-down' ? [...pair] : kind === 'one-down' ? [one] : kind === 'zone-a-cut-off' || kind === 'nodes-split' ? [] : ALL,
    extraMs,
    settled: kind === 'healthy' ? false : settled,
  }));
}

function situationWords(c: Situation): string {
  const when = c.settled ? ', long enough for the other nodes to have noticed (25 s)' : ', a moment ago';
  switch (c.kind) {
    case 'healthy':
      return 'every node is up';
    case 'one-down':
      return `node ${c.nodes[0]} crashed${when}`;
    case 'all-slow':
      return `every node answers ${words.ms(c.extraMs)} late`;
    case 'all-paused':
      return 'every node is frozen (a long GC pause)';
    case 'all-down':
      return 'every node has crashed';
    case 'two-down':
      return `nodes ${words.list(c.nodes)} crashed${when}`;
    case 'zone-a-cut-off':
      return `zone A (the API and node A) is cut off from zones B and C${when}`;
    case 'nodes-split':
      return `the nodes cannot reach each other (a firewall change on the inter-node port) while the API, in a zone of its own, reaches each of them${when}`;
  }
}

/** The verdicts the task's mapping allows for what a QUORUM probe through node A meets in this situation. */
function allowedVerdicts(c: Situation): { verdicts: Health[]; why: string } {
  switch (c.kind) {
    case 'healthy':
      return { verdicts: ['healthy'], why: 'a QUORUM read succeeds' };
    case 'one-down':
      return c.settled
        ? { verdicts: ['healthy'], why: 'two replicas of three answer a QUORUM read' }
        : { verdicts: ['healthy', 'degraded'], why: 'a QUORUM read succeeds, or times out while a replica is not yet known to be down' };
    case 'all-slow':
    case 'all-paused':
      return { verdicts: ['degraded'], why: 'the probe times out' };
    case 'all-down':
      return { verdicts: ['unavailable'], why: 'no host can be reached (NoHostAvailableError)' };
    case 'two-down':
      return c.settled
        ? { verdicts: ['unavailable'], why: 'the coordinator knows too few replicas are alive (Unavailable), and no other host can answer (NoHostAvailableError)' }
        : { verdicts: ['degraded'], why: 'the coordinator waits for replicas that are down but not yet known to be: the probe times out' };
    case 'zone-a-cut-off':
      return { verdicts: ['degraded', 'unavailable'], why: 'node A answers Unavailable or the probe times out' };
    case 'nodes-split':
      return c.settled
        ? { verdicts: ['unavailable'], why: 'every coordinator answers Unavailable (a ResponseError with code unavailableException)' }
        : { verdicts: ['degraded'], why: 'the coordinator waits for replicas it cannot reach yet: the probe times out' };
  }
}

/** A world in the situation, the API's cluster object, and the time the situation is reached. */
async function enter(ctx: TestContext, c: Situation, opts: { missing?: number[] } = {}) {
  const s = setup(ctx, { ...opts, zone: c.kind === 'nodes-split' ? 'D' : 'A' });
  const at = s.world.now;
  const faults: Fault[] =
    c.kind === 'healthy'
      ? []
      : c.kind === 'all-slow'
        ? every(c.nodes, (node) => ({ at, kind: 'slow', node, extraMs: c.extraMs }))
        : c.kind === 'all-paused'
          ? every(c.nodes, (node) => ({ at, kind: 'pause', node, forMs: 120_000 }))
          : c.kind === 'zone-a-cut-off'
            ? [{ at, kind: 'isolate', zone: 'A' }]
            : c.kind === 'nodes-split'
              ? [{ at, kind: 'partition', groups: [['A'], ['B'], ['C']] }]
              : every(c.nodes, (node) => ({ at, kind: 'crash', node }));
  s.world.schedule(faults);
  // faults first, then the probe: a probe in flight when a node crashes sees a closed connection, which the task does not map
  await s.world.run(() => s.world.sleep(c.settled ? FD_SETTLED_MS : 20));
  return s;
}

/** One group of callers: `count` at once, `afterMs` after the previous group started. */
type Calls = { afterMs: number; count: number }[];
const callGroups = (max: number) =>
  fc.array(fc.record({ afterMs: fc.integer({ min: 0, max: 4000 }), count: fc.integer({ min: 1, max: 4 }) }), { minLength: 2, maxLength: max });

/** What happens to Cassandra after the health check in the `read` property, within the verdict's 5 s. */
type Then = 'nothing' | 'recovers' | 'fails' | 'cut-off' | 'slows' | 'freezes';
function thenWords(c: { then: Then; thenExtraMs: number }): string {
  switch (c.then) {
    case 'nothing':
      return 'nothing changes';
    case 'recovers':
      return 'Cassandra is fine again';
    case 'fails':
      return 'every Cassandra node crashes';
    case 'cut-off':
      return 'zone A (the API and node A) is cut off from zones B and C';
    case 'slows':
      return `every Cassandra node starts answering ${words.ms(c.thenExtraMs)} late`;
    case 'freezes':
      return 'every Cassandra node freezes (a long GC pause)';
  }
}

/** A later situation in words (the cache-share and in-flight properties). */
function laterWords(later: 'healthy' | 'all-slow' | 'all-down' | 'same'): string {
  return later === 'healthy' ? 'every node is fine again' : later === 'all-slow' ? 'every node answers 3 s late' : later === 'all-down' ? 'every node crashes' : 'nothing changes';
}

/** The faults that end the first situation at `at` (a GC pause cannot be ended early) and begin the later one. */
function changeFaults(first: Situation, later: 'healthy' | 'all-slow' | 'all-down', at: number): Fault[] {
  const end: Fault[] =
    first.kind === 'all-slow'
      ? every(ALL, (node) => ({ at, kind: 'slow', node, extraMs: 0 }))
      : first.kind === 'all-down'
        ? every(ALL, (node) => ({ at, kind: 'restart', node }))
        : first.kind === 'zone-a-cut-off'
          ? [{ at, kind: 'heal' }]
          : [];
  const begin: Fault[] =
    later === 'all-slow' ? every(ALL, (node) => ({ at, kind: 'slow', node, extraMs: 3000 })) : later === 'all-down' ? every(ALL, (node) => ({ at, kind: 'crash', node })) : [];
  return [...end, ...begin];
}

/** A task sentence by its id in meta.json: each property is named by the sentence it checks. */
function task(id: string): string {
  const t = meta.tasks.find((x: { id: string }) => x.id === id);
  if (!t) throw new Error(`exercises/${'health-check'}/meta.json has no task "${id}"`);
  return t.text;
}

function properties(t: Parameters<Parameters<typeof defineTests>[0]>[0]): void {
  t.property(
    task('probe-path'),
    {
      cases: situation(CUT_OFF),
      scenario: (c) => `${situationWords(c)}; the API checks health.`,
      hint: '`system.local` is answered by the coordinator alone, and ONE by its own replica. Read a row of `orders` at `types.consistencies.quorum`: a missing row is fine, two replicas still have to answer.',
      runs: 50,
    },
    async (ctx, c) => {
      const s = await enter(ctx, c);
      const h = await health(ctx, s, situationWords(c));
      if (h.value === 'healthy') {
        ctx.fail(`checkHealth() said 'healthy' while node A could not get a second replica to answer: every QUORUM read it coordinates fails or times out, yet reads are sent there for the next 5 seconds; ${situationWords(c)}.`);
      }
    },
  );

  t.property(
    task('bounded'),
    {
      cases: situation(),
      scenario: (c) => `${situationWords(c)}; the API checks health.`,
      hint: "Pass a short `readTimeout` (a few hundred ms) to the probe; the driver's default is 12 s.",
      runs: 50,
    },
    async (ctx, c) => {
      const s = await enter(ctx, c);
      const h = await health(ctx, s, situationWords(c));
      if (h.ms > 1000) ctx.fail(`checkHealth() took ${words.ms(h.ms)}: every request that checks health first waited that long (expected at most 1 s); ${situationWords(c)}.`);
    },
  );

  t.property(
    task('classify'),
    {
      cases: situation(),
      scenario: (c) => `${situationWords(c)}; the API checks health.`,
      hint: "`errors.OperationTimedOutError` is a timeout: 'degraded'. `errors.NoHostAvailableError`, and `errors.ResponseError` with `code === types.responseErrorCodes.unavailableException`, mean 'unavailable'.",
      runs: 70,
    },
    async (ctx, c) => {
      const s = await enter(ctx, c);
      const h = await health(ctx, s, situationWords(c));
      const { verdicts, why } = allowedVerdicts(c);
      if (!verdicts.includes(h.value)) {
        ctx.fail(`checkHealth() returned '${h.value}' when ${situationWords(c)}: there ${why}, so the task's mapping gives ${words.list(verdicts.map((v) => `'${v}'`))}.`);
      }
    },
  );

  t.property(
    task('cache-share'),
    {
      cases: fc.record({
        first: situation(['healthy', 'all-slow', 'all-paused', 'all-down']),
        later: fc.constantFrom<'healthy' | 'all-slow' | 'all-down' | 'same'>('healthy', 'all-slow', 'all-down', 'same'),
        changeAt: fc.integer({ min: 0, max: 12_000 }),
        calls: callGroups(6),
      }).map((c) => (c.first.kind === 'all-paused' ? { ...c, later: 'same' as const } : c)),
      scenario: (c) =>
        `${situationWords(c.first)}${c.later === 'same' ? '' : `; ${words.ms(c.changeAt)} later ${c.later === 'healthy' ? 'every node is fine again' : c.later === 'all-slow' ? 'every node answers 3 s late' : 'every node crashes'}`}; requests check health in groups: ${c.calls
          .map((g) => `${g.count} at once ${g.afterMs ? `${words.ms(g.afterMs)} later` : 'right after'}`)
          .join(', ')}.`,
      hint: 'Keep the running probe\'s promise in a field and hand it to every caller until it settles; record the verdict and the time when it does, and return that verdict for 5 s.',
      runs: 70,
    },
    async (ctx, c) => {
      const first = { ...c.first, settled: false };
      const s = await enter(ctx, first);
      const t0 = s.world.now;
      if (c.later !== 'same') {
        const at = t0 + c.changeAt;
        // the first situation ends (a GC pause cannot be ended early: paused cases keep it) and the later one begins
        const end = first.kind === 'all-slow' ? every(ALL, (node) => ({ at, kind: 'slow', node, extraMs: 0 })) : first.kind === 'all-down' ? every(ALL, (node) => ({ at, kind: 'restart', node })) : [];
        s.world.schedule([
          ...end,
          ...(c.later === 'all-slow' ? every(ALL, (node) => ({ at, kind: 'slow', node, extraMs: 3000 })) : c.later === 'all-down' ? every(ALL, (node) => ({ at, kind: 'crash', node })) : []),
        ]);
      }
      type Call = { start: number; end: number; verdict: Health };
      const calls: Call[] = [];
      const q0 = s.world.queries.length;
      const said = situationWords(first);
      const r = await timed(s, async () => {
        const pending: Promise<void>[] = [];
        for (const g of c.calls) {
          if (g.afterMs) await s.world.sleep(g.afterMs);
          for (let k = 0; k < g.count; k++) {
            const start = s.world.now;
            pending.push(s.cluster.checkHealth().then((verdict) => void calls.push({ start, end: s.world.now, verdict })));
          }
        }
        await Promise.all(pending);
      });
      if (!r.ok) return ctx.fail(`checkHealth() threw ${describeError(r.error)}; it should return a verdict, not throw; ${said}.`);
      const refused = refusedProbe(s.world.queries.slice(q0));
      if (refused) ctx.fail(`${refused}; ${said}.`);
      const probes = cassandraQueries(s.world.queries.slice(q0)).map((q) => q.time);
      for (let i = 1; i < probes.length; i++) {
        if (probes[i] - probes[i - 1] < 4990) {
          ctx.fail(`A probe started ${words.ms(probes[i] - t0)} in, only ${words.ms(probes[i] - probes[i - 1])} after the one before: ${probes[i] - probes[i - 1] < 1000 ? 'concurrent callers each started their own instead of sharing the one in flight' : 'the last result should have been reused for 5 s'}; ${said}.`);
        }
      }
      calls.sort((a, b) => a.start - b.start);
      for (const call of calls) {
        const last = probes.filter((p) => p <= call.start).pop();
        if (last === undefined || call.start - last > 6000) {
          ctx.fail(`A health check ${words.ms(call.start - t0)} in got '${call.verdict}' from a probe ${last === undefined ? 'that never ran' : `${words.ms(call.start - last)} old`}: the result is cached for 5 s, then checked again; ${said}.`);
        }
      }
      // every caller between one probe's start and the next gets that probe's verdict
      for (let i = 0; i < probes.length; i++) {
        const group = calls.filter((x) => x.start >= probes[i] && (i + 1 === probes.length || x.start < probes[i + 1]));
        const verdicts = [...new Set(group.map((x) => x.verdict))];
        if (verdicts.length > 1) {
          ctx.fail(`Health checks that came after the probe started at ${words.ms(probes[i] - t0)} got different answers (${words.list(verdicts.map((v) => `'${v}'`))}): callers during a probe got an older state instead of waiting for the probe in flight; ${said}.`);
        }
      }
      // and that verdict is right for the first probe (the cluster was in the first situation throughout it)
      const firstGroup = calls.filter((x) => x.end <= t0 + Math.min(c.later === 'same' ? Infinity : c.changeAt, 2000));
      const allowed = allowedVerdicts(first);
      const wrong = firstGroup.find((x) => !allowed.verdicts.includes(x.verdict));
      if (wrong) {
        const expected = words.list(allowed.verdicts.map((v) => `'${v}'`));
        // when the first probe's request ended (its driver call by the API's client), if it ran
        const settled = probes.length > 0 ? s.world.history.find((op) => op.process === 'api-a' && op.type !== 'invoke' && op.time >= probes[0]) : undefined;
        if (settled && wrong.end >= settled.time) {
          ctx.fail(`A health check ${words.ms(wrong.start - t0)} in got '${wrong.verdict}' once the probe had finished, although ${said} (${allowed.why}): the probe's outcome was mapped to the wrong state; expected ${expected}.`);
        }
        ctx.fail(`A health check ${words.ms(wrong.start - t0)} in got '${wrong.verdict}' although ${said} (${allowed.why}): it read the state before the probe finished; expected ${expected}.`);
      }
    },
  );

  t.property(
    'Keep one probe in flight and let concurrent callers share its result.',
    {
      cases: fc.record({
        first: situation(['healthy', 'all-slow', 'all-down', 'zone-a-cut-off']),
        later: fc.constantFrom<'healthy' | 'all-slow' | 'all-down' | 'same'>('healthy', 'all-slow', 'all-down', 'same'),
        changeAt: fc.integer({ min: 0, max: 6000 }),
        // at most 6 reads in all, each of another order: a Cassandra query for that order is that read's
        groups: fc.array(fc.record({ afterMs: fc.integer({ min: 0, max: 7000 }), count: fc.integer({ min: 1, max: 2 }) }), { minLength: 1, maxLength: 3 }),
      }),
      scenario: (c) =>
        `${situationWords(c.first)}${c.later === 'same' ? '' : `; ${words.ms(c.changeAt)} later ${laterWords(c.later)}`}; customers read orders in groups: ${c.groups
          .map((g) => `${g.count} at once ${g.afterMs ? `${words.ms(g.afterMs)} later` : 'right away'}`)
          .join(', ')}; at the moment each read starts, the API's health endpoint calls checkHealth() too.`,
      hint: "readWithFallback() is one more caller of checkHealth(): await it, and let it hand over the probe in flight when there is one. Do not act on the field a probe is still filling in, nor on a verdict older than 5 s while a new probe runs.",
      runs: 20,
    },
    async (ctx, c) => {
      const s = await enter(ctx, c.first);
      const t0 = s.world.now;
      if (c.later !== 'same') s.world.schedule(changeFaults(c.first, c.later, t0 + c.changeAt));
      const said = `${situationWords(c.first)}${c.later === 'same' ? '' : `, and ${words.ms(c.changeAt)} in ${laterWords(c.later)}`}`;
      type Read = { id: string; start: number; read: Timed<Order | null>; verdict: Timed<Health> };
      const reads: Read[] = [];
      const q0 = s.world.queries.length;
      const r = await timed(s, async () => {
        const pending: Promise<void>[] = [];
        let next = 0;
        for (const g of c.groups) {
          if (g.afterMs) await s.world.sleep(g.afterMs);
          for (let k = 0; k < g.count; k++) {
            const id = s.ids[next++];
            const start = s.world.now;
            // the read first, then (at the same virtual moment) the health endpoint's check
            const read = timed(s, () => s.cluster.readWithFallback(id));
            const verdict = timed(s, () => s.cluster.checkHealth());
            pending.push(Promise.all([read, verdict]).then(([rr, vv]) => void reads.push({ id, start, read: rr, verdict: vv })));
          }
        }
        await Promise.all(pending);
      });
      if (!r.ok) return ctx.fail(`readWithFallback() or checkHealth() threw ${describeError(r.error)}; ${said}.`);
      const refused = refusedProbe(s.world.queries.slice(q0));
      if (refused) ctx.fail(`${refused}; ${said}.`);
      reads.sort((a, b) => a.start - b.start);
      for (const x of reads) {
        const together = reads.filter((y) => y.start === x.start).length;
        const when = `${words.ms(x.start - t0)} in${together > 1 ? ` (one of ${together} reads that started at that moment)` : ''}`;
        if (!x.verdict.ok) return ctx.fail(`checkHealth() threw ${describeError(x.verdict.error)} ${when}; it should return a verdict, not throw; ${said}.`);
        const v = x.verdict.value;
        const want = s.truth.get(x.id)!;
        if (!x.read.ok) return ctx.fail(`A customer asking for order ${x.id} ${when} got an error (${describeError(x.read.error)}) although PostgreSQL was up and had it; ${said}.`);
        const got = x.read.value;
        if (!got || got.id !== want.id || got.status !== want.status || got.version !== want.version) {
          ctx.fail(`A customer asking for order ${x.id} ${when} got ${got ? show(got) : 'nothing'} while PostgreSQL has ${show(want)}; ${said}.`);
        }
        const asked = cassandraQueries(x.read.queries).filter((q) => [...q.params, ...q.literals].includes(x.id));
        const older = `readWithFallback() acted on an older verdict instead of the one checkHealth() gave every other caller at that moment (the probe in flight, or the fresh result)`;
        const vEnd = x.start + x.verdict.ms;
        const rEnd = x.start + x.read.ms;
        if (v === 'unavailable' && asked.length > 0) {
          ctx.fail(`A customer's read of order ${x.id} ${when} went to Cassandra (${asked[0].text}) while checkHealth(), called at the same moment, said 'unavailable': ${older}; ${said}.`);
        }
        if (v !== 'unavailable' && asked.length === 0) {
          ctx.fail(`A customer's read of order ${x.id} ${when} did not ask Cassandra at all while checkHealth(), called at the same moment, said '${v}': ${older}; ${said}.`);
        }
        if (v === 'degraded' && rEnd - vEnd > 250) {
          ctx.fail(`A customer's read of order ${x.id} ${when} ended ${words.ms(rEnd - vEnd)} after checkHealth(), called at the same moment, said 'degraded' (expected about 100 ms for Cassandra, then PostgreSQL: at most 250 ms): ${older}; ${said}.`);
        }
        if (v === 'healthy' && rEnd - vEnd > HEALTHY_READ_LIMIT_MS) {
          ctx.fail(`A customer's read of order ${x.id} ${when} ended ${words.ms(rEnd - vEnd)} after checkHealth(), called at the same moment, said 'healthy' (Cassandra gets at most 2 s, then PostgreSQL): ${older}; ${said}.`);
        }
      }
    },
  );

  t.property(
    task('read'),
    {
      cases: fc.record({
        // degraded is weighted up: it is the branch with the most to get right (a row, a miss, a timeout);
        // healthy too: what happens to Cassandra after a 'healthy' verdict is what its budget is for
        at: fc.oneof(
          { arbitrary: situation(['all-slow']), weight: 2 },
          { arbitrary: situation(['healthy']), weight: 2 },
          { arbitrary: situation(['all-paused', 'all-down', 'two-down', 'zone-a-cut-off']), weight: 2 },
        ),
        // what happens to Cassandra after the health check, within its 5 s
        then: fc.constantFrom<Then>('recovers', 'nothing', 'fails', 'cut-off', 'slows', 'freezes'),
        thenAfterMs: fc.integer({ min: 1, max: 3000 }),
        thenExtraMs: fc.integer({ min: 2500, max: 8000 }),
        missing: fc.subarray([0, 1, 2]),
        reads: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }),
      }),
      scenario: (c) =>
        `${situationWords(c.at)}; the API checks health; ${c.then === 'nothing' ? '' : `${words.ms(c.thenAfterMs)} later ${thenWords(c)}; `}customers read ${words.list(
          c.reads.map((i) => `order #${i + 1}${c.missing.includes(i) ? ' (not in the read model yet)' : ''}`),
        )}.`,
      hint: "Pick the strategy from the verdict: 'unavailable' → PostgreSQL only; 'degraded' → Cassandra with `readTimeout: 100`, then PostgreSQL on an error or a miss; 'healthy' → Cassandra with a `readTimeout` of its own (up to 2000 ms; it applies to each attempt, so leave the read non-idempotent or bound the whole call with one timer; the driver's default is 12 s), then PostgreSQL on an error or a miss.",
      runs: 70,
    },
    async (ctx, c) => {
      const s = await enter(ctx, c.at, { missing: c.missing });
      const h = await health(ctx, s, situationWords(c.at));
      const at = s.world.now + c.thenAfterMs;
      if (c.then === 'recovers') {
        if (c.at.kind === 'all-paused') return; // a GC pause cannot be ended early
        s.world.schedule(
          c.at.kind === 'all-slow'
            ? every(ALL, (node) => ({ at, kind: 'slow', node, extraMs: 0 }))
            : c.at.kind === 'zone-a-cut-off'
              ? [{ at, kind: 'heal' }]
              : every(c.at.nodes, (node) => ({ at, kind: 'restart', node })),
        );
        await s.world.run(() => s.world.sleep(c.thenAfterMs + (c.at.kind === 'all-slow' ? 10 : 1500)));
      } else if (c.then !== 'nothing') {
        s.world.schedule(
          c.then === 'fails'
            ? every(ALL, (node) => ({ at, kind: 'crash', node }))
            : c.then === 'cut-off'
              ? [{ at, kind: 'isolate', zone: 'A' }]
              : c.then === 'slows'
                ? every(ALL, (node) => ({ at, kind: 'slow', node, extraMs: c.thenExtraMs }))
                : every(ALL, (node) => ({ at, kind: 'pause', node, forMs: 120_000 })),
        );
        await s.world.run(() => s.world.sleep(c.thenAfterMs + 20));
      }
      const situation = `${situationWords(c.at)}, and checkHealth() said '${h.value}'${c.then === 'nothing' ? '' : `; then ${thenWords(c)}`}`;
      for (const i of c.reads) {
        const id = s.ids[i];
        const r = await expectRead(ctx, s, id, situation);
        const cq = cassandraQueries(r.queries);
        if (h.value === 'unavailable' && cq.length > 0) {
          ctx.fail(`With the cluster known to be unavailable, reading order ${id} still sent a query to Cassandra (${cq[0].text}): it can only fail and delays the customer; ${situation}.`);
        }
        if (h.value === 'degraded') {
          if (cq.length === 0) ctx.fail(`With the cluster degraded, reading order ${id} did not ask Cassandra at all: degraded means "try Cassandra briefly (100 ms), then PostgreSQL"; ${situation}.`);
          if (r.ms > 250) ctx.fail(`With the cluster degraded, a customer waited ${words.ms(r.ms)} for order ${id}: Cassandra should get about 100 ms before PostgreSQL answers (expected at most 250 ms); ${situation}.${resentWords(r)}`);
        }
        if (h.value === 'healthy') {
          if (cq.length === 0) ctx.fail(`With the cluster healthy, reading order ${id} did not ask Cassandra: the read model is there to take these reads; ${situation}.`);
          if (r.ms > HEALTHY_READ_LIMIT_MS) ctx.fail(`${slowHealthyRead(id, r)}; ${situation}.`);
        }
      }
    },
  );
}
