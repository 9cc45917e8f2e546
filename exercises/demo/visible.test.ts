import { defineTests, expect } from '../../src/grading/api';

export default defineTests((t) => {
  t.describe('blockFor', () => {
    t.test('ONE waits for one replica', (ctx) => {
      const { blockFor } = ctx.load();
      expect(blockFor('ONE', 3)).to.equal(1);
    });

    t.test('QUORUM of RF=3 waits for two replicas', (ctx) => {
      const { blockFor } = ctx.load();
      expect(blockFor('QUORUM', 3), 'a majority of 3 replicas').to.equal(2);
    });
  });

  t.describe('missProbability', () => {
    t.test('R=W=2 of 3 never misses', (ctx) => {
      const { missProbability } = ctx.load();
      expect(missProbability(3, 2, 2)).to.equal(0);
    });

    t.test('R=1, W=2 of 3 misses one read in three', (ctx) => {
      const { missProbability } = ctx.load();
      expect(missProbability(3, 1, 2), 'one of the three replicas never got the write').to.be.closeTo(1 / 3, 1e-9);
    });
  });
});
