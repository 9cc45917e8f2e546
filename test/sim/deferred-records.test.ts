/**
 * A Cassandra driver call's query-log entry and history operations are made when `world.queries` or
 * `world.history` is read, not at the call (src/sim/history.ts `Deferred`, src/sim/drivers/cassandra-call.ts).
 * What they show must not depend on when they are read: learner code that changes its params array,
 * its options object or an error after the call changes no record, and a record read early is the
 * same object, and says the same, as one read late.
 */
import { describe, expect, it } from 'vitest';
import { createWorld, drivers } from '../../src/sim/index';

const { types } = drivers['cassandra-driver'];
const CL = types.consistencies;

function world() {
  const w = createWorld({ seed: 7 });
  w.cassandraPut('orders', { id: 'o1', status: 'paid', total: 12.5, version: 3 });
  return w;
}

describe('deferred driver records', () => {
  it('learner code changing its params, options or error after the call changes no record', async () => {
    const w = world();
    const c = w.cassandraClient({ zone: 'A' });
    await w.run(async () => {
      const params: unknown[] = ['o1'];
      const options: Record<string, unknown> = { consistency: CL.one, prepare: true };
      const rs = await c.execute('SELECT status FROM orders WHERE id = ?', params, options);
      params[0] = 'changed';
      params.push('extra');
      options.consistency = CL.all;
      options.injected = true;
      delete options.prepare;
      (rs.rows[0] as unknown as Record<string, unknown>).status = 'changed';
      const named = { id: 'o1' };
      await c.execute('SELECT status FROM orders WHERE id = :id', named, { prepare: true });
      named.id = 'changed';
      const err = (await c.execute('SELECT nope FROM orders WHERE id = ?', ['o1']).catch((e: Error) => e)) as Error;
      err.message = 'changed';
      w.fault({ kind: 'crash', node: 'B' });
      await w.sleep(20_000); // the coordinator's failure detector convicts B
      const failed = (await c.execute('SELECT status FROM orders WHERE id = ?', ['o1'], { consistency: CL.all }).catch((e: Error) => e)) as Error;
      failed.message = 'changed';
    });
    const q = w.queries;
    expect(q[0]).toEqual({ time: 0, client: 'cassandra-client-1', driver: 'cassandra', text: 'SELECT status FROM orders WHERE id = ?', params: ['o1'], options: { consistency: CL.one, prepare: true }, literals: [] });
    expect(q[1].params).toEqual(['o1']);
    expect(q[2].rejected).toEqual({ name: 'ResponseError', message: 'Undefined column name nope in table shop.orders' });
    const h = w.history;
    expect(h[0]).toMatchObject({ index: 0, type: 'invoke', f: 'read', value: { table: 'orders', key: 'o1', cl: CL.one }, key: 'orders/o1', time: 0 });
    expect(h[1]).toMatchObject({ index: 1, type: 'ok', invoke: 0, value: { table: 'orders', key: 'o1', cl: CL.one, row: { status: 'paid' } } });
    const fail = h.find((op) => op.type === 'fail');
    expect(fail?.error?.message).toBe('Not enough replicas available for query at consistency ALL (3 required but only 2 alive)');
    // a failed call's value is its invoke's (one object, whichever of the two was made first)
    expect(fail!.value).toBe(h[fail!.invoke!].value);
  });

  it('reading the records early or late gives the same objects, in call order', async () => {
    const early = world();
    const late = world();
    const seen: unknown[] = [];
    for (const w of [early, late]) {
      const c = w.cassandraClient({ zone: 'A' });
      await w.run(async () => {
        for (let i = 0; i < 6; i++) {
          await Promise.all([
            c.execute('SELECT status FROM orders WHERE id = ?', ['o1'], { consistency: CL.quorum }),
            c.execute("UPDATE orders SET status = 'x' WHERE id = ?", ['o' + i], { consistency: CL.one }),
          ]);
          if (w === early) seen.push(w.history[w.history.length - 1], w.queries[w.queries.length - 1]);
        }
      });
    }
    expect(JSON.stringify(early.history)).toBe(JSON.stringify(late.history));
    expect(JSON.stringify(early.queries)).toBe(JSON.stringify(late.queries));
    expect(early.traceHash()).toBe(late.traceHash());
    // what was read early is what the arrays still hold (the same objects), and the arrays are the same arrays
    for (const x of seen) expect(early.history.includes(x as never) || early.queries.includes(x as never)).toBe(true);
    expect(early.history).toBe(early.history);
    expect(early.queries).toBe(early.queries);
    // a write's invoke and ok share one value object, as the history has always recorded them
    const write = early.history.find((op) => op.type === 'ok' && op.f === 'write')!;
    expect(write.value).toBe(early.history[write.invoke!].value);
    // so do a failed read's invoke and failure when the invoke was made (read) before the failure
    const c = early.cassandraClient({ zone: 'A' });
    early.fault({ kind: 'crash', node: 'C' });
    await early.run(async () => {
      await early.sleep(20_000);
      const p = c.execute('SELECT status FROM orders WHERE id = ?', ['o1'], { consistency: CL.all });
      void early.history;
      await p.catch(() => undefined);
    });
    const failed = early.history[early.history.length - 1];
    expect(failed.type).toBe('fail');
    expect(failed.value).toBe(early.history[failed.invoke!].value);
  });

  it('a record read while the driver is still taking the call in is completed (literals, refusal)', async () => {
    const w = world();
    const c = w.cassandraClient({ zone: 'A' });
    const peek = { get executionProfile() { void w.queries; return undefined; } };
    await w.run(async () => {
      await c.execute("SELECT status FROM orders WHERE id = 'o1'", [], peek);
      await c.execute('SELECT status FROM orders WHERE id IN (?)', ['o1'], peek).catch(() => undefined);
    });
    expect(w.queries[0].literals).toEqual(['o1']);
    expect(w.queries[1].rejected?.name).toBe('NotSupportedError');
  });

  it('a trace taken before more calls holds records only (the calls made after it are not in it)', async () => {
    const w = world();
    const c = w.cassandraClient({ zone: 'A' });
    await w.run(async () => {
      await c.execute('SELECT status FROM orders WHERE id = ?', ['o1']);
    });
    const trace = w.trace();
    await w.run(async () => {
      await c.execute('SELECT status FROM orders WHERE id = ?', ['o1']);
    });
    expect(trace.history.map((op) => [op.index, op.type])).toEqual([[0, 'invoke'], [1, 'ok']]);
    expect(JSON.parse(JSON.stringify(trace.history))).toEqual(trace.history);
    expect(w.history.map((op) => op.type)).toEqual(['invoke', 'ok', 'invoke', 'ok']);
  });
});
