import { describe, expect, it } from 'vitest';
import { createWorld, drivers } from '../../src/sim/index';
import { parseCached } from '../../src/sim/drivers/cql-cache';

const cd = drivers['cassandra-driver'];
const { types, errors } = cd;
const CL = types.consistencies;

describe('cassandra-driver (simulated)', () => {
  it('has the real consistency and response error codes', () => {
    expect(CL).toMatchObject({ any: 0, one: 1, two: 2, quorum: 4, all: 5, localQuorum: 6, serial: 8, localOne: 10 });
    expect(types.responseErrorCodes).toMatchObject({ unavailableException: 0x1000, writeTimeout: 0x1100, readTimeout: 0x1200, syntaxError: 0x2000, invalid: 0x2200 });
    const e = new errors.ResponseError(0x1000, 'x');
    expect(e).toBeInstanceOf(errors.DriverError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('ResponseError');
    expect(new errors.NoHostAvailableError({ 'A:9042': new Error('down') }).message).toMatch(/All host\(s\) tried for query failed. First host tried, A:9042/);
  });

  it("NoHostAvailableError lists every host the driver skipped as 'Host considered as DOWN', like the real driver", async () => {
    const w = createWorld({ seed: 1 });
    for (const node of ['A', 'B', 'C']) w.fault({ kind: 'crash', node });
    const c = w.cassandraClient({ zone: 'A', contactPoints: ['A'] });
    const e = (await w.run(() => c.execute('SELECT id FROM orders WHERE id = ?', ['o1'], { prepare: true }).catch((x: unknown) => x))) as InstanceType<typeof errors.NoHostAvailableError>;
    expect(e).toBeInstanceOf(errors.NoHostAvailableError);
    expect(e.message).toBe('All host(s) tried for query failed. First host tried, A:9042: Host considered as DOWN. See innerErrors.');
    expect(e.innerErrors).toEqual({ 'A:9042': 'Host considered as DOWN', 'B:9042': 'Host considered as DOWN', 'C:9042': 'Host considered as DOWN' });
  });

  it('returns a ResultSet shaped like the driver’s', async () => {
    const w = createWorld({ seed: 1 });
    w.cassandraPut('orders', { id: 'o1', status: 'paid', total: 12.5 });
    const c = w.cassandraClient({ zone: 'B', contactPoints: ['B'] });
    const rs = await w.run(() => c.execute('SELECT id, status FROM orders WHERE id = ?', ['o1'], { prepare: true, consistency: CL.quorum }));
    expect(rs).toBeInstanceOf(cd.ResultSet);
    expect(rs.rowLength).toBe(1);
    expect(rs.first()?.get('status')).toBe('paid');
    expect({ ...rs.rows[0] }).toEqual({ id: 'o1', status: 'paid' });
    expect(rs.info.queriedHost).toBe('B:9042');
    expect(rs.info.achievedConsistency).toBe(CL.quorum);
    expect(rs.columns?.map((x) => x.name)).toEqual(['id', 'status']);
    const none = await w.run(() => c.execute('SELECT * FROM orders WHERE id = ?', ['nope']));
    expect(none.first()).toBe(null);
    expect(none.rows).toEqual([]);
  });

  it('records queries so a test can tell bound values from interpolated ones', async () => {
    const w = createWorld({ seed: 1 });
    const c = w.cassandraClient();
    const id = "o'1";
    await w.run(async () => {
      await c.execute('SELECT * FROM orders WHERE id = ?', [id], { prepare: true });
      await c.execute(`SELECT * FROM orders WHERE id = '${id}'`).catch(() => {});
      await c.execute("SELECT * FROM orders WHERE id = 'o-2'");
    });
    const [bound, broken, literal] = w.queries;
    expect(bound.params).toEqual([id]);
    expect(bound.literals).toEqual([]);
    expect(bound.options.prepare).toBe(true);
    expect(broken.text).toContain("'o'1'");
    expect(literal.literals).toEqual(['o-2']);
    expect(literal.params).toEqual([]);
  });

  it('an interpolated quote is a syntax error from the server', async () => {
    const w = createWorld({ seed: 1 });
    const c = w.cassandraClient();
    const e = await w.run(() => c.execute("SELECT * FROM orders WHERE id = 'o'1'")).catch((x) => x);
    expect(e).toBeInstanceOf(errors.ResponseError);
    expect(e.code).toBe(types.responseErrorCodes.syntaxError);
  });

  it('a refused statement throws an error made for that call: no error object reaches two calls (or two tests)', async () => {
    // The parse cache is shared by every client: an error object cached there and thrown again would
    // be one object handed to every later test, a channel for state between tests.
    for (const q of ["SELECT * FROM orders WHERE id = 'o'1'", 'SELECT * FROM orders WHERE id = ? ALLOW FILTERING']) {
      const thrown: unknown[] = [];
      for (const seed of [1, 2]) {
        const w = createWorld({ seed });
        const c = w.cassandraClient();
        for (let i = 0; i < 2; i++) thrown.push(await w.run(() => c.execute(q, ['a'])).catch((x) => x));
      }
      expect(new Set(thrown).size, q).toBe(4);
      expect(new Set(thrown.map((e) => (e as Error).message)).size, q).toBe(1);
    }
  });

  it('a statement whose parse failed another way (the stack or a string ran out) is parsed again next time, never answered from the cache', () => {
    let parses = 0;
    const failing = () => {
      parses++;
      throw new RangeError('Maximum call stack size exceeded');
    };
    const q = 'SELECT id FROM orders WHERE id = ? -- a parse that failed';
    const first = (() => { try { return parseCached(q, failing); } catch (e) { return e; } })();
    const second = (() => { try { return parseCached(q, failing); } catch (e) { return e; } })();
    expect(first).toBeInstanceOf(RangeError);
    expect(second).toBeInstanceOf(RangeError);
    expect(second).not.toBe(first);
    expect(parses).toBe(2);
  });

  it('rejects CQL outside the subset with a message naming the unsupported part', async () => {
    const w = createWorld({ seed: 1 });
    const c = w.cassandraClient();
    const cases: Array<[string, RegExp]> = [
      ['SELECT * FROM orders WHERE id = ? ALLOW FILTERING', /ALLOW FILTERING/],
      ['INSERT INTO orders (id) VALUES (?) IF NOT EXISTS', /lightweight transactions/],
      ['SELECT * FROM orders WHERE id IN (?, ?)', /IN \(…\)/],
      ['BEGIN BATCH INSERT INTO orders (id) VALUES (?); APPLY BATCH', /BATCH/],
      ['SELECT * FROM orders', /whole table/],
      ['INSERT INTO orders (id) VALUES (?) USING TTL 10', /USING TTL/],
      ['SELECT count(*) FROM orders WHERE id = ?', /count/],
      ['CREATE TABLE x (a int PRIMARY KEY)', /schema and admin statements \(CREATE\)/],
    ];
    for (const [q, re] of cases) {
      const e = await w.run(() => c.execute(q, ['a', 'b'].slice(0, (q.match(/\?/g) ?? []).length))).catch((x) => x);
      expect(e, q).toBeInstanceOf(errors.NotSupportedError);
      expect(e.message, q).toMatch(re);
    }
  });

  it('answers schema errors like Cassandra', async () => {
    const w = createWorld({ seed: 1 });
    const c = w.cassandraClient();
    const run = (q: string, p: unknown[]) => w.run(() => c.execute(q, p)).catch((x) => x);
    expect((await run('SELECT * FROM nope WHERE id = ?', ['a'])).message).toMatch(/unconfigured table nope/);
    expect((await run('SELECT nope FROM orders WHERE id = ?', ['a'])).message).toMatch(/Undefined column name nope/);
    expect((await run('SELECT * FROM orders WHERE status = ?', ['a'])).message).toMatch(/data filtering/);
    expect((await run('SELECT * FROM orders WHERE id = ?', [])).message).toMatch(/Invalid amount of bind variables: expected 1, got 0/);
    expect((await run('INSERT INTO orders (id, version) VALUES (?, ?)', ['a', 'x'])).message).toMatch(/version of type bigint/);
    expect((await run('SELECT * FROM other.orders WHERE id = ?', ['a'])).message).toMatch(/Keyspace other does not exist/);
    expect((await run('SELECT * FROM shop.orders WHERE id = ?', ['a'])).rows).toEqual([]);
  });

  it('default readTimeout is 12000 ms: an unreachable coordinator gives OperationTimedOutError', async () => {
    const w = createWorld({ seed: 2 });
    const c = w.cassandraClient({ zone: 'B', contactPoints: ['A'], failover: false });
    w.fault({ kind: 'partition', groups: [['A'], ['B', 'C']] });
    const t0 = w.now;
    const e = await w.run(() => c.execute('SELECT * FROM orders WHERE id = ?', ['x'], { consistency: CL.one })).catch((x) => x);
    expect(e).toBeInstanceOf(errors.OperationTimedOutError);
    expect(e.message).toBe('The host A:9042 did not reply before timeout 12000 ms');
    expect(e.host).toBe('A:9042');
    expect(w.now - t0).toBe(12000);
    const t1 = w.now;
    const e2 = await w.run(() => c.execute('SELECT * FROM orders WHERE id = ?', ['x'], { readTimeout: 100 })).catch((x) => x);
    expect(e2).toBeInstanceOf(errors.OperationTimedOutError);
    expect(w.now - t1).toBe(100);
  });

  it('idempotent queries move to the next host after a client timeout', async () => {
    const w = createWorld({ seed: 3 });
    const c = w.cassandraClient({ zone: 'B', contactPoints: ['A', 'B'] });
    w.fault({ kind: 'partition', groups: [['A'], ['B', 'C']] });
    const rs = await w.run(() => c.execute('SELECT * FROM orders WHERE id = ?', ['x'], { readTimeout: 200, isIdempotent: true, consistency: CL.quorum }));
    expect(rs.info.queriedHost).toBe('B:9042');
    expect(rs.info.triedHosts['A:9042']).toBeInstanceOf(errors.OperationTimedOutError);
  });

  it('health query is answered by the coordinator alone', async () => {
    const w = createWorld({ seed: 4 });
    const c = w.cassandraClient({ zone: 'A', contactPoints: ['A'], failover: false });
    w.fault({ kind: 'isolate', zone: 'A' });
    const rs = await w.run(() => c.execute('SELECT now() FROM system.local', [], { consistency: CL.one }));
    expect(rs.rowLength).toBe(1);
    expect(Object.keys(rs.first()!)).toEqual(['system.now()']);
    const rv = await w.run(() => c.execute('SELECT release_version FROM system.local'));
    expect(rv.first()?.release_version).toMatch(/^4\./);
  });

  it('new Client() inside a run binds to the running world', async () => {
    const w = createWorld({ seed: 5 });
    w.cassandraPut('orders', { id: 'z', status: 'ok' });
    const got = await w.run(async () => {
      const c = new cd.Client({ contactPoints: ['C'], localDataCenter: 'dc1' });
      await c.connect();
      const r = await c.execute('SELECT status FROM orders WHERE id = ?', ['z']);
      await c.shutdown();
      return r.first()?.status;
    });
    expect(got).toBe('ok');
    expect(() => new cd.Client({ contactPoints: ['Q'] })).toThrow(/Unknown contact point 'Q'/);
  });
});

describe('pg (simulated)', () => {
  it('INSERT … RETURNING, SELECT, UPDATE with bound values', async () => {
    const w = createWorld({ seed: 1 });
    const pool = w.pgPool();
    const r = await w.run(async () => {
      const ins = await pool.query('INSERT INTO orders (customer_id, total) VALUES ($1, $2) RETURNING id, version', ['c1', 20]);
      const id = ins.rows[0].id;
      const up = await pool.query('UPDATE orders SET status = $1, version = version + 1 WHERE id = $2 RETURNING version', ['paid', id]);
      const sel = await pool.query('SELECT id, status, version FROM orders WHERE id = $1', [id]);
      const none = await pool.query('SELECT * FROM orders WHERE id = $1', ['nope']);
      const one = await pool.query('SELECT 1');
      return { ins: ins.rows, insCount: ins.rowCount, up: up.rows, sel: sel.rows, none: none.rowCount, one: one.rows };
    });
    expect(r.ins).toEqual([{ id: 'ord-1', version: 1 }]);
    expect(r.insCount).toBe(1);
    expect(r.up).toEqual([{ version: 2 }]);
    expect(r.sel).toEqual([{ id: 'ord-1', status: 'paid', version: 2 }]);
    expect(r.none).toBe(0);
    expect(r.one).toEqual([{ '?column?': 1 }]);
    expect(w.queries.map((q) => q.literals)).toEqual([[], [1], [], [], [1]]); // 'version + 1' and 'SELECT 1' are literals
  });

  it('errors carry SQLSTATE codes; unsupported SQL names the part', async () => {
    const w = createWorld({ seed: 1 });
    const pool = w.pgPool();
    w.pgInsert('orders', { id: 'o1', customer_id: 'c' });
    const run = (q: string, p: unknown[] = []) => w.run(() => pool.query(q, p)).catch((x) => x);
    expect((await run('INSERT INTO orders (id) VALUES ($1)', ['o1'])).code).toBe('23505');
    expect((await run('INSERT INTO orders (id) VALUES ($1) ON CONFLICT DO NOTHING', ['o1'])).rowCount).toBe(0);
    expect((await run('SELEC 1')).code).toBe('42601');
    expect((await run('SELECT * FROM nope')).code).toBe('42P01');
    // no values: pg uses the simple-query protocol, where $1 means nothing
    expect((await run('SELECT * FROM orders WHERE id = $1', [])).message).toBe('there is no parameter $1');
    expect((await run('SELECT * FROM orders WHERE id = $1', ['a', 'b'])).message).toBe('bind message supplies 2 parameters, but prepared statement "" requires 1');
    const j = await run('SELECT * FROM orders o JOIN x ON true');
    expect(j.code).toBe('0A000');
    expect(j.message).toMatch(/JOIN/);
    expect((await run("SELECT * FROM orders WHERE id = 'o'1'")).code).toBe('42601');
  });

  it('down → ECONNREFUSED; slow → late; transactions roll back', async () => {
    const w = createWorld({ seed: 2 });
    const pool = w.pgPool();
    w.fault({ kind: 'pg', state: 'down' });
    const e = await w.run(() => pool.query('SELECT 1')).catch((x) => x);
    expect(e.code).toBe('ECONNREFUSED');
    w.fault({ kind: 'pg', state: 'slow', extraMs: 1500 });
    const t0 = w.now;
    await w.run(() => pool.query('SELECT 1'));
    expect(w.now - t0).toBeGreaterThan(1500);
    w.fault({ kind: 'pg', state: 'up' });
    const n = await w.run(async () => {
      const client = await pool.connect();
      await client.query('BEGIN');
      await client.query('INSERT INTO orders (id) VALUES ($1)', ['tx1']);
      await client.query('ROLLBACK');
      client.release();
      return (await pool.query('SELECT count(*) FROM orders')).rows[0].count;
    });
    expect(n).toBe('0');
  });
});

describe('kafkajs (simulated)', () => {
  it('producer.send appends to the topic and returns metadata; depth drops as a group consumes', async () => {
    const w = createWorld({ seed: 1 });
    const kafka = w.kafka({ clientId: 'app' });
    const seen: string[] = [];
    const md = await w.run(async () => {
      const p = kafka.producer();
      await p.connect();
      const r = await p.send({ topic: 'orders-dlq', messages: [{ key: 'o1', value: JSON.stringify({ event: { orderId: 'o1' } }) }, { key: 'o2', value: 'x' }] });
      const c = kafka.consumer({ groupId: 'redrive' });
      await c.subscribe({ topic: 'orders-dlq', fromBeginning: true });
      await c.run({ eachMessage: async ({ message }) => { seen.push(String(message.key)); } });
      await w.sleep(50);
      await c.stop();
      const offs = await kafka.admin().fetchTopicOffsets('orders-dlq');
      return { r, offs };
    });
    expect(md.r).toEqual([{ topicName: 'orders-dlq', partition: 0, errorCode: 0, baseOffset: '0', logAppendTime: '-1' }]);
    expect(md.offs[0].high).toBe('2');
    expect(seen).toEqual(['o1', 'o2']);
    expect(w.topic('orders-dlq').depth).toBe(0);
  });

  it('broker down: send retries, then rejects with KafkaJSNumberOfRetriesExceeded', async () => {
    const w = createWorld({ seed: 1 });
    const kafka = w.kafka();
    w.fault({ kind: 'kafka', state: 'down' });
    const t0 = w.now;
    const e = await w.run(() => kafka.producer().send({ topic: 't', messages: [{ value: 'x' }] })).catch((x) => x);
    expect(e).toBeInstanceOf(drivers.kafkajs.KafkaJSNumberOfRetriesExceeded);
    expect(e.cause).toBeInstanceOf(drivers.kafkajs.KafkaJSConnectionError);
    expect(w.now - t0).toBeGreaterThan(300 + 600 + 1200 + 2400 + 4800);
    expect(w.topic('t').messages).toHaveLength(0);
  });
});

describe('learner code cannot rename the clients a test hands it', () => {
  // The history names each call by its client, and the checks find the code under test's calls by
  // that name: a client renamed by the code under test would hide its calls from them.
  const rename = (o: object, key: string) => {
    const tries: string[] = [];
    try {
      (o as Record<string, unknown>)[key] = 'renamed';
    } catch (e) {
      tries.push((e as Error).name);
    }
    Object.defineProperty(o, key, { value: 'renamed' }); // an own property that shadows the getter
    return tries;
  };

  it('cassandra-driver: assigning id throws, shadowing it changes nothing, hosts and their addresses are fixed', async () => {
    const w = createWorld({ seed: 1 });
    const c = w.cassandraClient({ zone: 'A', id: 'app' });
    expect(rename(c, 'id')).toEqual(['TypeError']);
    rename(c, 'keyspace');
    const host = c.hosts.values()[0];
    expect(() => ((host as unknown as { address: string }).address = 'Z:9042')).toThrow(TypeError);
    c.hosts.values().push(host); // a copy: the client's own list is out of reach
    expect(c.hosts.length).toBe(3);
    await w.run(() => c.execute('SELECT id FROM orders WHERE id = ?', ['o1'], { prepare: true }));
    expect(w.history.map((op) => op.process)).toEqual(['app', 'app']);
    expect(w.queries.map((q) => q.client)).toEqual(['app']);
  });

  it('pg: a pool and a client checked out of it keep their names', async () => {
    const w = createWorld({ seed: 1 });
    const pool = w.pgPool({ id: 'api' });
    expect(rename(pool, 'id')).toEqual(['TypeError']);
    await w.run(async () => {
      await pool.query('SELECT 1');
      const conn = await pool.connect();
      rename(conn, 'id');
      await conn.query('SELECT 1');
      conn.release();
    });
    expect(w.history.map((op) => op.process)).toEqual(['api', 'api', 'api/1', 'api/1']);
  });

  it('kafkajs: producers made after a rename still carry the client id', async () => {
    const w = createWorld({ seed: 1 });
    const kafka = w.kafka({ clientId: 'processor-dlq' });
    expect(rename(kafka, 'clientId')).toEqual(['TypeError']);
    await w.run(async () => {
      const p = kafka.producer();
      await p.connect();
      await p.send({ topic: 'orders-dlq', messages: [{ key: 'o1', value: 'x' }] });
    });
    expect(new Set(w.history.map((op) => op.process))).toEqual(new Set(['processor-dlq']));
  });
});
