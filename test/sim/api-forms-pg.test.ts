/**
 * pg (node-postgres 8) forms beyond `pool.query(text, values)` that the real library accepts: the
 * callback form, `rowMode: 'array'` and a per-query `query_timeout` (pg/lib/client.js `query`).
 */
import { describe, expect, it } from 'vitest';
import { createWorld } from '../../src/sim/index';

describe('pg: callbacks, rowMode and a per-query query_timeout (pg/lib/client.js query)', () => {
  it("rowMode 'array' gives rows as arrays in the order of fields", async () => {
    const w = createWorld({ seed: 1 });
    w.pgInsert('orders', { id: 'o1', customer_id: 'c1', status: 'paid', total: 12.5, version: 3 });
    const pool = w.pgPool();
    const r = await w.run(() => pool.query({ text: 'SELECT id, status FROM orders WHERE id = $1', values: ['o1'], rowMode: 'array' }));
    expect(r.rows).toEqual([['o1', 'paid']]);
    expect(r.fields.map((f) => f.name)).toEqual(['id', 'status']);
    expect(r.rowCount).toBe(1);
  });

  it('query(text, values, callback) and query(text, callback) return nothing and call back', async () => {
    const w = createWorld({ seed: 1 });
    w.pgInsert('orders', { id: 'o1', customer_id: 'c1', status: 'paid', total: 12.5, version: 3 });
    const pool = w.pgPool();
    const seen = await w.run(async () => {
      const out: unknown[] = [];
      await new Promise<void>((resolve) => {
        out.push(pool.query('SELECT status FROM orders WHERE id = $1', ['o1'], (err, res) => { out.push(err, res.rows[0].status); resolve(); }));
      });
      await new Promise<void>((resolve) => pool.query('SELECT nope FROM orders', (err) => { out.push((err as { code?: string }).code); resolve(); }));
      return out;
    });
    // as pg: the call returns nothing; success calls back with `null` as the error
    expect(seen).toEqual([undefined, null, 'paid', '42703']);
  });

  it('a query_timeout in the query config bounds that query: Query read timeout', async () => {
    const w = createWorld({ seed: 1 });
    w.pgInsert('orders', { id: 'o1', customer_id: 'c1', status: 'paid', total: 12.5, version: 3 });
    w.fault({ kind: 'pg', state: 'slow', extraMs: 3000 });
    const pool = w.pgPool();
    const r = await w.run(async () => {
      const t0 = w.now;
      const e = await pool.query({ text: 'SELECT status FROM orders WHERE id = $1', values: ['o1'], query_timeout: 200 }).catch((x: unknown) => x);
      return { e, ms: w.now - t0 };
    });
    expect((r.e as Error).message).toBe('Query read timeout');
    expect(r.ms).toBe(200);
  });
});

describe('pg: bound values are read once, by index', () => {
  it('a values array with its own `map` or `slice` cannot store an object, and the history keeps the values as sent', async () => {
    const w = createWorld({ seed: 1 });
    w.pgInsert('orders', { id: 'o1', customer_id: 'c1', status: 'paid', total: 12.5, version: 3 });
    const pool = w.pgPool();
    const live = { toString: () => 'shipped', toJSON: () => 'shipped' };
    const values: unknown[] = ['cancelled', 'o1'];
    Object.defineProperty(values, 'map', { value: () => [live, 'o1'] });
    Object.defineProperty(values, 'slice', { value: () => ['refunded', 'o1'] });
    await w.run(() => pool.query('UPDATE orders SET status = $1 WHERE id = $2', values));
    values[0] = 'changed later';
    const stored = w.pgRows('orders').find((r) => r.id === 'o1') as { status: unknown };
    expect(stored.status).toBe('cancelled');
    const sent = w.history.filter((op) => op.f === 'pg-write').map((op) => (op.value as { values: unknown[] }).values[0]);
    expect(sent).toEqual(['cancelled', 'cancelled']);
    expect(w.queries.map((q) => q.params[0])).toEqual(['cancelled']);
  });
});
