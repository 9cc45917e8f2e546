// Hidden tests for health-check: fault scenarios, each over many seeds.
import { defineTests, seeds, type TestContext } from '../../src/grading/api';

import { type Order, type Health, type Cluster, type Query, STATUSES, FD_SETTLED_MS, prng, type Setup, setup, isSimulationError, describeError, type Timed, timed, health, cassandraQueries, show, expectRead, every } from './harness';

const ALL = ['A', 'B', 'C'];

export default defineTests((t) => {
  t.test(
    'the probe gives up within a second when Cassandra does not answer',
    {
      scenario: 'Every Cassandra node answers 3–8 seconds late (or is paused). The API checks health.',
      hint: "A health check must be faster than the reads it protects. Pass a short `readTimeout` (a few hundred ms) to the probe; the driver's default is 12 s.",
      seeds: seeds(1, 20),
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
      seeds: seeds(101, 20),
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
      seeds: seeds(201, 20),
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
      seeds: seeds(301, 20),
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
      seeds: seeds(401, 20),
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
      seeds: seeds(501, 20),
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
      seeds: seeds(601, 20),
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
      seeds: seeds(701, 20),
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
      seeds: seeds(801, 20),
    },
    async (ctx) => {
      const s = setup(ctx);
      s.world.schedule(every(ALL, (node) => ({ at: s.world.now, kind: 'slow', node, extraMs: 2000 + s.rand(2000) })));
      const h = await health(ctx, s, 'every node is slow');
      if (h.value !== 'degraded') ctx.fail(`checkHealth() returned '${h.value}' when every node answered seconds late; expected 'degraded' (seed ${ctx.seed}).`);
      for (const id of s.ids.slice(0, 3)) {
        const r = await expectRead(ctx, s, id, 'Cassandra is degraded');
        if (r.ms > 250) {
          ctx.fail(`With Cassandra degraded, a customer waited ${r.ms} ms for order ${id}; Cassandra should get about 100 ms before PostgreSQL answers (expected ≤ 250 ms) (seed ${ctx.seed}).`);
        }
      }
    },
  );

  t.test(
    'healthy: a failed Cassandra read falls back to PostgreSQL',
    {
      scenario: "The health check has just said 'healthy'; a moment later Cassandra fails (nodes crash, or zone A is cut off). Customers read orders within the 5-second cache window.",
      hint: "'healthy' is a 5-second-old opinion. In the healthy branch too, catch the Cassandra error and read PostgreSQL.",
      seeds: seeds(901, 20),
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
    'healthy: an order missing from the read model is read from PostgreSQL',
    {
      scenario: 'A healthy cluster; the customer reads an order the processor has not written into Cassandra yet.',
      hint: 'A missing row in the read model is not "no such order": ask PostgreSQL before returning null.',
      seeds: seeds(1001, 20),
    },
    async (ctx) => {
      const s = setup(ctx, { missing: [2] });
      await expectRead(ctx, s, s.ids[2], 'the read model has not received it yet');
    },
  );
});
