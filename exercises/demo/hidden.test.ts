import { defineTests, expect } from '../../src/grading/api';

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
      expect(blockFor('ANY', 3), 'ANY (a hint is enough)').to.equal(1);
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
        expect(missProbability(3, 1, 1)).to.be.closeTo(2 / 3, 1e-9);
        expect(missProbability(3, 1, 2)).to.be.closeTo(1 / 3, 1e-9);
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
          expect(missProbability(n, r, w), `missProbability(${n}, ${r}, ${w})`).to.be.closeTo(choose(n - w, r) / choose(n, r), 1e-9);
        }
      },
    );
  });
});
