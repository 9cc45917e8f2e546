// Visible tests for health-check: what CassandraCluster.checkHealth() and readWithFallback() must do.
import { defineTests, words, type TestContext } from '../../src/grading/api';

import { type Order, type Health, type Cluster, type Query, STATUSES, FD_SETTLED_MS, prng, type Setup, setup, isSimulationError, describeError, type Timed, timed, health, cassandraQueries, show, expectRead, every } from './harness';

export default defineTests((t) => {
  t.test("a healthy cluster is 'healthy'", async (ctx) => {
    const s = setup(ctx);
    const h = await health(ctx, s, 'every node is up');
    if (h.value !== 'healthy') ctx.fail(`checkHealth() returned '${h.value}' with all three nodes up; expected 'healthy'.`);
  });

  t.test("node A cut off from B and C: not 'healthy'", async (ctx) => {
    const s = setup(ctx);
    // The API (in zone A) still reaches node A, which is up but cannot reach either of its peers.
    s.world.schedule([{ at: s.world.now, kind: 'isolate', zone: 'A' }]);
    await s.world.run(() => s.world.sleep(1000));
    const h = await health(ctx, s, 'node A is cut off from B and C');
    if (h.value === 'healthy') {
      ctx.fail(`checkHealth() said 'healthy' while node A, the node the API talks to, was up but cut off from B and C: node A can answer your probe on its own, yet every QUORUM read of orders through it fails. The probe has to prove what the reads need.`);
    }
    if (h.ms > 1000) ctx.fail(`checkHealth() took ${words.ms(h.ms)} with node A cut off from B and C: every request that checks health first waits that long (expected at most 1 s).`);
  });

  t.test("no Cassandra node reachable: 'unavailable'", async (ctx) => {
    const s = setup(ctx);
    s.world.schedule(every(['A', 'B', 'C'], (node) => ({ at: s.world.now, kind: 'crash', node })));
    // the nodes are down before the probe starts (a probe in flight when they crash sees a closed connection)
    await s.world.run(() => s.world.sleep(50));
    const h = await health(ctx, s, 'every node is down');
    if (h.value !== 'unavailable') ctx.fail(`checkHealth() returned '${h.value}' with every node down; expected 'unavailable'.`);
  });

  t.test('unavailable: orders are read from PostgreSQL', async (ctx) => {
    const s = setup(ctx);
    s.world.schedule(every(['A', 'B', 'C'], (node) => ({ at: s.world.now, kind: 'crash', node })));
    await expectRead(ctx, s, s.ids[0], 'every Cassandra node is down');
  });

  t.test('the probe result is reused for 5 seconds', async (ctx) => {
    const s = setup(ctx);
    let probes = 0;
    for (let i = 0; i < 3; i++) {
      probes += cassandraQueries((await health(ctx, s, 'every node is up')).queries).length;
      await s.world.run(() => s.world.sleep(1000));
    }
    if (probes !== 1) ctx.fail(`Three checkHealth() calls within 3 seconds sent ${probes} probe queries to Cassandra; expected 1 (the result is cached for 5 s).`);
  });
});
