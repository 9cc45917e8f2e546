/**
 * cassandra-driver 4.10 forms beyond the promise-and-array
 * form the reference solutions use: each behaves here as it does there (the sources are cited), so
 * a correct learner answer in that form is graded on what it does.
 */
import { describe, expect, it } from 'vitest';
import { createWorld, drivers } from '../../src/sim/index';
import { trustSim } from '../../src/sim/internal';

const cd = drivers['cassandra-driver'];
const { types, errors } = cd;
const CL = types.consistencies;
type ResultSet = InstanceType<typeof cd.ResultSet>;
type Row = InstanceType<typeof cd.Row>;

function world() {
  const w = createWorld({ seed: 1 });
  w.cassandraPut('orders', { id: 'o1', status: 'paid', total: 12.5, version: 3 });
  return w;
}

describe('cassandra-driver: named parameters (lib/utils.js adaptNamedParamsPrepared / adaptNamedParamsWithHints)', () => {
  it('binds an object by the :name markers, and by column for ? markers, keys in any case', async () => {
    const w = world();
    const c = w.cassandraClient({ zone: 'B', contactPoints: ['B'] });
    const [a, b, d] = await w.run(async () => [
      await c.execute('SELECT status FROM orders WHERE id = :orderId', { orderid: 'o1' }, { prepare: true }),
      await c.execute('SELECT status FROM orders WHERE id = ?', { ID: 'o1' }, { prepare: true }),
      await c.execute('SELECT status FROM orders WHERE id = :id', { id: 'o1', unused: 1 }),
    ]);
    for (const rs of [a, b, d]) expect(rs.first()?.status).toBe('paid');
    expect(w.queries[0].params).toEqual(['o1']);
  });

  it('writes with named markers, one name used twice (value and USING TIMESTAMP)', async () => {
    const w = world();
    const c = w.cassandraClient({ zone: 'B', contactPoints: ['B'] });
    const rs = await w.run(async () => {
      await c.execute('INSERT INTO orders (id, status, version) VALUES (:id, :status, :version) USING TIMESTAMP :version', { id: 'o2', status: 'new', version: 7 }, { prepare: true, consistency: CL.quorum });
      // an older write (timestamp 5 < 7) loses
      await c.execute('UPDATE orders USING TIMESTAMP ? SET status = ? WHERE id = ?', { '[timestamp]': 5, status: 'old', id: 'o2' }, { prepare: true, consistency: CL.quorum });
      return c.execute('SELECT status, version FROM orders WHERE id = ?', ['o2'], { consistency: CL.quorum });
    });
    expect(rs.first()?.status).toBe('new');
  });

  it('a prepared statement missing a parameter rejects with the driver’s ArgumentError; a simple one with the server’s error', async () => {
    const w = world();
    const c = w.cassandraClient({ zone: 'B', contactPoints: ['B'] });
    const [prep, simple] = await w.run(async () => [
      await c.execute('SELECT status FROM orders WHERE id = :id', { orderId: 'o1' }, { prepare: true }).catch((e: unknown) => e),
      await c.execute('SELECT status FROM orders WHERE id = :id', { orderId: 'o1' }).catch((e: unknown) => e),
    ]);
    expect(prep).toBeInstanceOf(errors.ArgumentError);
    expect((prep as Error).message).toBe('Parameter "id" not defined');
    expect(simple).toBeInstanceOf(errors.ResponseError);
    expect((simple as InstanceType<typeof errors.ResponseError>).code).toBe(types.responseErrorCodes.invalid);
  });
});

describe('cassandra-driver: callbacks, eachRow and stream (lib/client.js)', () => {
  it('execute(query, params, options, callback) returns nothing and calls back with the result or the error', async () => {
    const w = world();
    w.fault({ kind: 'crash', node: 'A' });
    const c = w.cassandraClient({ zone: 'B', contactPoints: ['B'] });
    const seen: string[] = [];
    await w.run(async () => {
      let ret: unknown = 'unset';
      await new Promise<void>((resolve) => {
        ret = c.execute('SELECT status FROM orders WHERE id = ?', ['o1'], { prepare: true, consistency: CL.quorum }, (err, rs) => {
          seen.push(err ? `err ${err.name}` : `ok ${rs.first()?.status}`);
          resolve();
        });
      });
      expect(ret).toBeUndefined();
      await new Promise<void>((resolve) => {
        c.execute('SELECT status FROM orders WHERE id = ?', ['o1'], { prepare: true, consistency: CL.all }, (err) => {
          seen.push(err ? `err ${err.name}` : 'ok');
          resolve();
        });
      });
      // execute(query, callback): params and options left out
      await new Promise<void>((resolve) => c.execute("SELECT status FROM orders WHERE id = 'o1'", (err, rs) => { seen.push(err ? 'err' : `ok ${rs.rowLength}`); resolve(); }));
    });
    expect(seen).toEqual(['ok paid', 'err ResponseError', 'ok 1']);
  });

  it('eachRow calls the row callback per row, then the end callback with the result', async () => {
    const w = world();
    const c = w.cassandraClient({ zone: 'B', contactPoints: ['B'] });
    const rows: Array<[number, unknown]> = [];
    const end = await w.run(() => new Promise<[Error | null, ResultSet]>((resolve) => {
      c.eachRow('SELECT status FROM orders WHERE id = ?', ['o1'], { prepare: true }, (n: number, row: Row) => rows.push([n, row.status]), (err, rs) => resolve([err, rs]));
    }));
    expect(rows).toEqual([[0, 'paid']]);
    expect(end[0]).toBe(null);
    expect(end[1].rowLength).toBe(1);
    expect(() => c.eachRow('SELECT status FROM orders WHERE id = ?', ['o1'], { prepare: true }, undefined as never)).toThrow('rowCallback is not a function');
  });

  it('stream() yields the rows to for await, and its error rejects the loop', async () => {
    const w = world();
    const c = w.cassandraClient({ zone: 'A', contactPoints: ['A'], failover: false });
    const got = await w.run(async () => {
      const out: unknown[] = [];
      for await (const row of c.stream('SELECT status FROM orders WHERE id = ?', ['o1'], { prepare: true })) out.push((row as Row).status);
      w.fault({ kind: 'crash', node: 'A' });
      try {
        for await (const row of c.stream('SELECT status FROM orders WHERE id = ?', ['o1'], { prepare: true })) out.push(row);
      } catch (e) {
        out.push((e as Error).name);
      }
      return out;
    });
    expect(got).toEqual(['paid', 'NoHostAvailableError']);
  });

  it("stream() emits 'data' and 'end'", async () => {
    const w = world();
    const c = w.cassandraClient({ zone: 'B', contactPoints: ['B'] });
    const events = await w.run(() => new Promise<string[]>((resolve) => {
      const ev: string[] = [];
      c.stream('SELECT status FROM orders WHERE id = ?', ['o1'], { prepare: true })
        .on('data', (row: Row) => ev.push(`data ${String(row.status)}`))
        .on('end', () => resolve([...ev, 'end']));
    }));
    expect(events).toEqual(['data paid', 'end']);
  });
});

describe('cassandra-driver: execution profiles (lib/execution-profile.js, lib/execution-options.js)', () => {
  it("a query takes its profile's consistency and readTimeout, and its own options win", async () => {
    const w = world();
    w.fault({ kind: 'partition', groups: [['A'], ['B', 'C']] });
    const c = new cd.Client({
      contactPoints: ['A'], localDataCenter: 'dc1', sim: trustSim({ world: w, zone: 'A', failover: false }),
      profiles: [new cd.ExecutionProfile('fast', { consistency: CL.quorum, readTimeout: 100 })],
    });
    const [viaProfile, overridden, byDefault] = await w.run(async () => [
      await c.execute('SELECT status FROM orders WHERE id = ?', ['o1'], { prepare: true, executionProfile: 'fast' }).catch((e: unknown) => e),
      await c.execute('SELECT status FROM orders WHERE id = ?', ['o1'], { prepare: true, executionProfile: 'fast', consistency: CL.one }),
      await c.execute('SELECT status FROM orders WHERE id = ?', ['o1'], { prepare: true }),
    ]);
    // node A is cut off: QUORUM cannot be met; the profile's 100 ms budget ends the wait first
    expect(viaProfile).toBeInstanceOf(errors.OperationTimedOutError);
    expect((viaProfile as Error).message).toBe('The host A:9042 did not reply before timeout 100 ms');
    expect((overridden as ResultSet).first()?.status).toBe('paid');
    expect((byDefault as ResultSet).info.achievedConsistency).toBe(CL.localOne);
  });

  it('an unknown profile name, or a profile the client was not given, fails as in the real driver', async () => {
    const w = world();
    const c = w.cassandraClient({ zone: 'B', contactPoints: ['B'] });
    const [unknown, stray, def] = await w.run(async () => [
      await c.execute('SELECT status FROM orders WHERE id = ?', ['o1'], { executionProfile: 'fast' }).catch((e: unknown) => e),
      await c.execute('SELECT status FROM orders WHERE id = ?', ['o1'], { executionProfile: new cd.ExecutionProfile('fast', { consistency: CL.quorum }) }).catch((e: unknown) => e),
      await c.execute('SELECT status FROM orders WHERE id = ?', ['o1'], { executionProfile: 'default' }),
    ]);
    expect(unknown).toBeInstanceOf(errors.ArgumentError);
    expect((unknown as Error).message).toBe('Execution profile "fast" not found');
    expect(stray).toBeInstanceOf(TypeError);
    expect((def as ResultSet).first()?.status).toBe('paid');
    expect(() => new cd.ExecutionProfile(42 as never)).toThrow('Execution profile name must be a string');
  });

  it('queryOptions.retry is ignored, as by the real driver (the retry policy comes from the query, its profile or policies.retry)', async () => {
    const w = world();
    w.fault({ kind: 'crash', node: 'B' });
    w.fault({ kind: 'crash', node: 'C' });
    class Ignore extends cd.policies.retry.RetryPolicy {
      override onUnavailable() {
        return { decision: cd.policies.retry.RetryPolicy.retryDecision.ignore };
      }
      override onReadTimeout() {
        return { decision: cd.policies.retry.RetryPolicy.retryDecision.ignore };
      }
    }
    const mk = (o: object) => new cd.Client({ contactPoints: ['A'], localDataCenter: 'dc1', sim: trustSim({ world: w, zone: 'A', failover: false }), ...o });
    const viaQueryOptions = mk({ queryOptions: { retry: new Ignore() } });
    const viaProfile = mk({ profiles: [new cd.ExecutionProfile('default', { retry: new Ignore() })] });
    const q = 'SELECT status FROM orders WHERE id = ?';
    const [a, b] = await w.run(async () => [
      await viaQueryOptions.execute(q, ['o1'], { consistency: CL.quorum }).catch((e: unknown) => e),
      await viaProfile.execute(q, ['o1'], { consistency: CL.quorum }).catch((e: unknown) => e),
    ]);
    // B and C are down: the QUORUM read fails; only the profile's policy turns it into "no rows"
    expect(a).toBeInstanceOf(errors.ResponseError);
    expect((b as ResultSet).rowLength).toBe(0);
  });
});

describe('cassandra-driver: what the driver keeps of learner input', () => {
  it('a positional params array with its own `map` or `slice` binds and logs the values as they were sent', async () => {
    const w = world();
    const c = w.cassandraClient({ zone: 'B', contactPoints: ['B'] });
    const live = { toString: () => 'shipped', toJSON: () => 'shipped' };
    const values: unknown[] = ['o9', 'cancelled'];
    Object.defineProperty(values, 'map', { value: () => ['o9', live] });
    Object.defineProperty(values, 'slice', { value: () => ['o9', 'refunded'] });
    const status = await w.run(async () => {
      await c.execute('INSERT INTO orders (id, status) VALUES (?, ?)', values, { prepare: true, consistency: CL.all });
      values[1] = 'changed later';
      return (await c.execute('SELECT status FROM orders WHERE id = ?', ['o9'], { prepare: true, consistency: CL.all })).first()?.status;
    });
    expect(status).toBe('cancelled');
    expect(w.queries[0].params).toEqual(['o9', 'cancelled']);
  });
});
