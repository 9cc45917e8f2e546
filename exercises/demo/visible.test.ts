import { defineTests, expect } from '../../src/grading/api';
import { drivers } from '../../src/sim/index';

const { types } = drivers['cassandra-driver'];
const ORDER = { id: 'o-1', customer_id: 'c-7', status: 'paid', total: 42.5, version: 2, updated_at: 0 };

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
      expect(missProbability(3, 2, 2), 'any 2 of the 3 replicas the read asks include one of the 2 that got the write').to.equal(0);
    });

    t.test('R=1, W=2 of 3 misses one read in three', (ctx) => {
      const { missProbability } = ctx.load();
      expect(missProbability(3, 1, 2), 'one of the three replicas never got the write').to.be.closeTo(1 / 3, 1e-9);
    });
  });

  t.describe('withTimeout', () => {
    t.test('passes a fast answer through', async (ctx) => {
      const world = ctx.world();
      world.cassandraPut('orders', ORDER);
      const client = world.cassandraClient({ zone: 'A', contactPoints: ['A'] });
      const { withTimeout } = ctx.load();
      const rs = await world.run(() =>
        withTimeout(client.execute('SELECT * FROM orders WHERE id = ?', ['o-1'], { prepare: true, consistency: types.consistencies.quorum }), 100),
      );
      expect(rs.first()?.status, 'the order read through withTimeout').to.equal('paid');
    });
  });
});
