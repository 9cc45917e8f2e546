import { defineTests, describeError, expect, type TestContext } from '../../src/grading/api';
import { drivers } from '../../src/sim/index';

const { types } = drivers['cassandra-driver'];
const READ = 'SELECT * FROM orders WHERE id = ?';

/** A world with one order on every replica and a client in zone A; every node `extraMs` slow. */
function slowCluster(ctx: TestContext, extraMs: number) {
  const world = ctx.world();
  world.cassandraPut('orders', { id: 'o-1', customer_id: 'c-7', status: 'paid', total: 42.5, version: 2, updated_at: 0 });
  for (const node of ['A', 'B', 'C']) world.fault({ kind: 'slow', node, extraMs });
  const client = world.cassandraClient({ zone: 'A', contactPoints: ['A'] });
  const read = () => client.execute(READ, ['o-1'], { prepare: true, consistency: types.consistencies.quorum });
  return { world, read };
}

/** Small seeded PRNG (mulberry32) for the property test. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function choose(a: number, b: number): number {
  if (b < 0 || b > a) return 0;
  let c = 1;
  for (let i = 1; i <= b; i++) c = (c * (a - b + i)) / i;
  return c;
}

export default defineTests((t) => {
  t.describe('blockFor', () => {
    t.test(
      'QUORUM of RF=4 needs 3 replicas',
      { hint: 'Half of 4 is 2, and 2 of 4 is not a majority: two groups of 2 need not overlap.' },
      (ctx) => {
        const { blockFor } = ctx.load();
        const got = blockFor('QUORUM', 4);
        if (got !== 3) t.fail(`QUORUM with RF=4 must wait for 3 replicas (a majority), but blockFor returned ${String(got)}.`);
      },
    );

    t.test('QUORUM is a majority for every RF from 1 to 9', (ctx) => {
      const { blockFor } = ctx.load();
      for (let rf = 1; rf <= 9; rf++) {
        expect(blockFor('QUORUM', rf), `QUORUM with RF=${rf}`).to.equal(Math.floor(rf / 2) + 1);
      }
    });

    t.test('ALL, TWO, THREE and ANY', (ctx) => {
      const { blockFor } = ctx.load();
      expect(blockFor('ALL', 5), 'ALL with RF=5').to.equal(5);
      expect(blockFor('TWO', 3), 'TWO').to.equal(2);
      expect(blockFor('THREE', 5), 'THREE').to.equal(3);
      const any: unknown = blockFor('ANY', 3);
      if (any !== 1) t.fail(`blockFor('ANY', 3) returned ${String(any)}: at ANY the coordinator waits for one acknowledgement, and a hint it stores for a replica that is down counts as that one, so it is 1.`);
    });

    t.test(
      'an unknown consistency level is an error',
      { hint: 'Silently treating a typo like "QUOROM" as ONE weakens every read and write that uses it.' },
      (ctx) => {
        const { blockFor } = ctx.load();
        let threw = false;
        try {
          blockFor('QUOROM', 3);
        } catch {
          threw = true;
        }
        if (!threw) t.fail('blockFor("QUOROM", 3) returned a number: a misspelt consistency level must throw an Error.');
      },
    );
  });

  t.describe('missProbability', () => {
    t.test(
      'R=W=1 of 3 misses two reads in three',
      {
        scenario: 'A write lands on one replica of three; a read right after asks one random replica.',
        hint: 'R + W ≤ N does not mean every read misses: sometimes the read picks the replica that has the write.',
      },
      (ctx) => {
        const { missProbability } = ctx.load();
        expect(missProbability(3, 1, 1), 'missProbability(3, 1, 1): the read asks one replica, and 2 of the 3 never got the write').to.be.closeTo(2 / 3, 1e-9);
        expect(missProbability(3, 1, 2), 'missProbability(3, 1, 2): the read asks one replica, and 1 of the 3 never got the write').to.be.closeTo(1 / 3, 1e-9);
      },
    );

    t.test(
      'matches C(N−W, R) / C(N, R) for random N, R, W',
      { seeds: [1, 2, 3, 4, 5], hint: 'Count the ways to pick r replicas among the n − w that missed the write.' },
      (ctx) => {
        const { missProbability } = ctx.load();
        const next = rng(ctx.seed);
        for (let i = 0; i < 20; i++) {
          const n = 1 + Math.floor(next() * 9);
          const r = 1 + Math.floor(next() * n);
          const w = 1 + Math.floor(next() * n);
          const without = n - w;
          const why =
            r > without
              ? `the read asks ${r} different replicas and only ${without} lack the write, so it always finds it (the probability is 0)`
              : `the read asks ${r} different replicas (no replica twice) and misses only if all are among the ${without} without the write: C(${without}, ${r}) / C(${n}, ${r})`;
          expect(missProbability(n, r, w), `missProbability(${n}, ${r}, ${w}): ${why}`).to.be.closeTo(choose(without, r) / choose(n, r), 1e-9);
        }
      },
    );
  });

  t.describe('withTimeout', () => {
    t.test(
      'gives up after 100 ms when every node is slow',
      {
        scenario: 'Every Cassandra node answers 800 ms late (think of a long GC pause). The app reads an order with a 100 ms budget.',
        hint: 'The driver would wait up to 12 s. withTimeout must reject on its own timer: race the promise against setTimeout(reject, ms).',
        seeds: [1, 2, 3],
      },
      async (ctx) => {
        const { world, read } = slowCluster(ctx, 800);
        const { withTimeout } = ctx.load();
        const started = world.now;
        let outcome: 'resolved' | 'rejected' = 'resolved';
        let error: unknown;
        try {
          await world.run(() => withTimeout(read(), 100));
        } catch (e) {
          outcome = 'rejected';
          error = e;
        }
        const waited = Math.round(world.now - started);
        if (outcome === 'resolved')
          t.fail(`withTimeout(read, 100) resolved after ${waited} ms: with every node 800 ms late it must reject after 100 ms.`);
        if (!(error instanceof Error)) t.fail('withTimeout rejected with something that is not an Error: reject with new Error("timed out …").');
        if (waited !== 100)
          t.fail(`withTimeout(read, 100) rejected after ${waited} ms (with ${describeError(error)}): with every node 800 ms late it must reject once the 100 ms have passed, ${waited < 100 ? 'not before' : 'not later: start the timer when withTimeout is called, with ms as its delay'}.`);
      },
    );

    t.test('still returns an answer that arrives within the budget', { seeds: [1, 2] }, async (ctx) => {
      const { world, read } = slowCluster(ctx, 10);
      const { withTimeout } = ctx.load();
      const rs = await world.run(() => withTimeout(read(), 100));
      expect(rs.first()?.status, 'the order read from slightly slow nodes, within a 100 ms budget').to.equal('paid');
    });

    t.test(
      'passes a driver error through at once',
      { hint: 'When the promise rejects first, withTimeout must reject with that same error — not wait for its timer.' },
      async (ctx) => {
        const world = ctx.world();
        const { withTimeout } = ctx.load();
        const boom = new Error('NoHostAvailableError: all hosts tried');
        const started = world.now;
        let got: unknown;
        try {
          await world.run(() => withTimeout(Promise.reject(boom), 100));
        } catch (e) {
          got = e;
        }
        if (got !== boom) t.fail('withTimeout must reject with the very error the promise rejected with.');
        expect(world.now - started, 'virtual milliseconds until the error came through').to.be.below(1);
      },
    );

    t.test(
      'settles like the promise: a rejection that is not an Error comes through unchanged',
      { hint: 'Settle like the promise: whatever it rejects with (an Error, a string, a plain object) is what withTimeout rejects with — only the timeout is yours to make an Error.' },
      async (ctx) => {
        const world = ctx.world();
        const { withTimeout } = ctx.load();
        for (const reason of ['connection reset', { code: 'ECONNRESET', retriable: true }]) {
          let got: { rejected: boolean; value: unknown };
          try {
            got = { rejected: false, value: await world.run(() => withTimeout(Promise.reject(reason), 100)) };
          } catch (e) {
            got = { rejected: true, value: e };
          }
          if (got.rejected && got.value === reason) continue;
          const what = typeof reason === 'string' ? `the string '${reason}'` : "a plain object { code: 'ECONNRESET', retriable: true }";
          const instead = got.rejected ? `rejected with ${describeError(got.value)}` : 'resolved';
          t.fail(`The promise rejected with ${what}; withTimeout ${instead} instead of rejecting with that very value. Settle like the promise: pass its rejection through unchanged.`);
        }
      },
    );
  });
});
