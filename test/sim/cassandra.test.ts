import { describe, expect, it } from 'vitest';
import { SimulationError, checkers, createWorld, drivers } from '../../src/sim/index';

const { types, errors } = drivers['cassandra-driver'];
const CL = types.consistencies;
const SEL = 'SELECT * FROM orders WHERE id = ?';
const INS = 'INSERT INTO orders (id, status, version) VALUES (?, ?, ?)';

describe('Cassandra-like cluster', () => {
  it('sends writes to every replica whatever the consistency level', async () => {
    const w = createWorld({ seed: 1 });
    const c = w.cassandraClient({ zone: 'A' });
    await w.run(async () => {
      await c.execute(INS, ['o1', 'new', 1], { consistency: CL.one });
      await w.sleep(100);
    });
    for (const n of ['A', 'B', 'C']) expect(w.replicaRow(n, 'orders', 'o1')).toMatchObject({ status: 'new', version: 1 });
  });

  it('a write timestamp may be a types.Long, bound to USING TIMESTAMP ? or as the timestamp option, as in the real driver', async () => {
    const w = createWorld({ seed: 2 });
    const c = w.cassandraClient({ zone: 'A' });
    const { Long } = types;
    const row = await w.run(async () => {
      await c.execute('INSERT INTO orders (id, status) VALUES (?, ?) USING TIMESTAMP ?', ['o', 'v3', Long.fromNumber(3).multiply(1000)], { consistency: CL.all, prepare: true });
      await c.execute('INSERT INTO orders (id, status) VALUES (?, ?)', ['o', 'v2'], { consistency: CL.all, timestamp: Long.fromString('2000') });
      const a = (await c.execute(SEL, ['o'], { consistency: CL.all })).first();
      await c.execute('INSERT INTO orders (id, status) VALUES (?, ?)', ['o', 'v4'], { consistency: CL.all, timestamp: Long.fromNumber(4000) });
      const b = (await c.execute(SEL, ['o'], { consistency: CL.all })).first();
      return { a, b };
    });
    expect(row.a?.status).toBe('v3');
    expect(row.b?.status).toBe('v4');
    expect(w.replicaCellTimestamp('A', 'orders', 'o', 'status')).toBe(4000);
  });

  it('types.Long is a 64-bit integer: exact past 2^53 in strings, wrapping at 2^63, a number where one is expected', () => {
    const { Long } = types;
    expect(Long.fromString('9007199254740993').toString()).toBe('9007199254740993');
    expect(Long.fromString('9223372036854775807').add(1).toString()).toBe('-9223372036854775808');
    expect(Long.fromNumber(1_700_000_000_000).multiply(1000).toString()).toBe('1700000000000000');
    expect(Long.fromBits(1, 1).toString()).toBe('4294967297');
    expect(Number(Long.fromInt(-42))).toBe(-42);
    expect(Long.fromNumber(5).equals(5)).toBe(true);
    expect(Long.fromNumber(5).compare(Long.fromNumber(7))).toBe(-1);
    expect(() => Long.fromString('12x')).toThrow(/not an integer/);
  });

  it('last write wins by timestamp, not arrival; ties: tombstone, then larger value', async () => {
    const w = createWorld({ seed: 2 });
    const c = w.cassandraClient({ zone: 'A' });
    const row = await w.run(async () => {
      await c.execute('INSERT INTO orders (id, status) VALUES (?, ?) USING TIMESTAMP 2000', ['o', 'newer'], { consistency: CL.all });
      await c.execute('INSERT INTO orders (id, status) VALUES (?, ?) USING TIMESTAMP 1000', ['o', 'older-but-later'], { consistency: CL.all });
      await c.execute('UPDATE orders USING TIMESTAMP 3000 SET status = ? WHERE id = ?', ['aaa'], { consistency: CL.all }).catch((e) => e);
      await c.execute('UPDATE orders USING TIMESTAMP 3000 SET status = ? WHERE id = ?', ['bbb', 'o'], { consistency: CL.all });
      await c.execute('UPDATE orders USING TIMESTAMP 3000 SET status = ? WHERE id = ?', ['aaa', 'o'], { consistency: CL.all });
      const a = (await c.execute(SEL, ['o'], { consistency: CL.all })).first();
      await c.execute('DELETE status FROM orders USING TIMESTAMP 3000 WHERE id = ?', ['o'], { consistency: CL.all });
      const b = (await c.execute(SEL, ['o'], { consistency: CL.all })).first();
      await c.execute('DELETE FROM orders USING TIMESTAMP 4000 WHERE id = ?', ['o'], { consistency: CL.all });
      await c.execute('UPDATE orders USING TIMESTAMP 4000 SET status = ? WHERE id = ?', ['tie', 'o'], { consistency: CL.all });
      const d = (await c.execute(SEL, ['o'], { consistency: CL.all })).first();
      return { a, b, d };
    });
    expect(row.a?.status).toBe('bbb');
    expect(row.b?.status).toBe(null);
    expect(row.d).toBe(null);
  });

  it('a QUORUM read merges by timestamp and repairs the stale replica before answering (blocking read repair)', async () => {
    for (const mode of ['blocking', 'none'] as const) {
      const w = createWorld({ seed: 3, readRepair: mode });
      w.cassandraPut('orders', { id: 'o', status: 'v1' }, { nodes: ['A', 'B', 'C'], timestampUs: 1 });
      w.cassandraPut('orders', { id: 'o', status: 'v2' }, { nodes: ['B', 'C'], timestampUs: 2 });
      const c = w.cassandraClient({ zone: 'A', contactPoints: ['A'], failover: false });
      const got = await w.run(async () => (await c.execute(SEL, ['o'], { consistency: CL.quorum })).first()?.status);
      expect(got).toBe('v2'); // never "whichever answered first"
      expect(w.replicaRow('A', 'orders', 'o')?.status).toBe(mode === 'blocking' ? 'v2' : 'v1');
      expect(w.metrics('A')['ReadRepair.RepairedBlocking'] ?? 0).toBe(mode === 'blocking' ? 1 : 0);
    }
  });

  it('ONE/ONE returns stale data under a partition, and the checker says so', async () => {
    const w = createWorld({ seed: 4 });
    const writer = w.cassandraClient({ zone: 'B', contactPoints: ['B'], id: 'writer' });
    const reader = w.cassandraClient({ zone: 'A', contactPoints: ['A'], id: 'reader' });
    await w.run(async () => {
      await writer.execute(INS, ['o', 'v1', 1], { consistency: CL.quorum });
      await w.sleep(50);
    });
    w.fault({ kind: 'isolate', zone: 'A' });
    const got = await w.run(async () => {
      await writer.execute(INS, ['o', 'v2', 2], { consistency: CL.one });
      return (await reader.execute(SEL, ['o'], { consistency: CL.one })).first()?.status;
    });
    expect(got).toBe('v1');
    const v = checkers.staleReads(w.history);
    expect(v.valid).toBe(false);
    expect(v.reason).toMatch(/stale read/);
    expect((v.witness as { returned: unknown }).returned).toBe('v1');
  });

  it('an isolated coordinator times out at first, then answers Unavailable — never stale data', async () => {
    const w = createWorld({ seed: 5 });
    w.cassandraPut('orders', { id: 'o', status: 'v1' }, { timestampUs: 1 });
    const writer = w.cassandraClient({ zone: 'B', contactPoints: ['B'], id: 'writer' });
    const c = w.cassandraClient({ zone: 'A', contactPoints: ['A'], failover: false, id: 'iso' });
    w.fault({ kind: 'isolate', zone: 'A' });
    await w.run(() => writer.execute(INS, ['o', 'v2', 2], { consistency: CL.quorum }));
    // before the failure detector convicts B and C: the coordinator waits read_request_timeout
    const t0 = w.now;
    const e1 = await w.run(() => c.execute(SEL, ['o'], { consistency: CL.quorum })).catch((e) => e);
    expect(e1).toBeInstanceOf(errors.ResponseError);
    expect(e1.code).toBe(types.responseErrorCodes.readTimeout);
    expect(e1.received).toBe(1);
    expect(e1.blockFor).toBe(2);
    expect(Math.round(w.now - t0)).toBe(5000 + Math.round(w.now - t0 - 5000)); // answered after the 5 s server timeout
    expect(w.now - t0).toBeGreaterThanOrEqual(5000);
    expect(w.now - t0).toBeLessThan(5010);
    // after conviction (18 s of silence): Unavailable at once; the retry policy tries the next host, there is none
    await w.run(() => w.sleep(20_000));
    const t1 = w.now;
    const e2 = await w.run(() => c.execute(SEL, ['o'], { consistency: CL.quorum })).catch((e) => e);
    expect(e2).toBeInstanceOf(errors.NoHostAvailableError);
    const inner = e2.innerErrors['A:9042'];
    expect(inner).toBeInstanceOf(errors.ResponseError);
    expect(inner.code).toBe(types.responseErrorCodes.unavailableException);
    expect(inner.required).toBe(2);
    expect(inner.alive).toBe(1);
    expect(w.now - t1).toBeLessThan(5);
    // a write is refused the same way, and ALL/TWO too
    const e3 = await w.run(() => c.execute(INS, ['o', 'v3', 3], { consistency: CL.all })).catch((e) => e);
    expect(e3.innerErrors['A:9042'].code).toBe(types.responseErrorCodes.unavailableException);
    // no QUORUM read returned data at all
    expect(w.history.filter((o) => o.process === 'iso' && o.type === 'ok')).toHaveLength(0);
    expect(checkers.staleReads(w.history).valid).not.toBe(false);
  });

  it('a write that times out is "info" (unknown), and may still show up in reads later', async () => {
    const w = createWorld({ seed: 6 });
    const c = w.cassandraClient({ zone: 'A', contactPoints: ['A'], failover: false, id: 'a' });
    w.fault({ kind: 'isolate', zone: 'A' });
    const e = await w.run(() => c.execute(INS, ['o', 'landed-on-A', 1], { consistency: CL.quorum })).catch((x) => x);
    expect(e).toBeInstanceOf(errors.ResponseError);
    expect(e.code).toBe(types.responseErrorCodes.writeTimeout);
    expect(e.writeType).toBe('SIMPLE');
    const last = w.history[w.history.length - 1];
    expect(last.type).toBe('info');
    w.fault({ kind: 'heal' });
    const got = await w.run(async () => { await w.sleep(1000); return (await c.execute(SEL, ['o'], { consistency: CL.quorum })).first()?.status; });
    expect(got).toBe('landed-on-A');
  });

  it('a slow replica gets a hint after the write timeout even though QUORUM was met', async () => {
    const w = createWorld({ seed: 7 });
    const c = w.cassandraClient({ zone: 'A', contactPoints: ['A'] });
    w.fault({ kind: 'slow', node: 'C', extraMs: 3000 });
    await w.run(async () => {
      await c.execute(INS, ['o', 'x', 1], { consistency: CL.quorum });
      expect(w.metrics('A')['HintedHandOffManager.Hints_created-C'] ?? 0).toBe(0);
      await w.sleep(2500);
    });
    expect(w.metrics('A')['HintedHandOffManager.Hints_created-C']).toBe(1);
  });

  it('hints for a crashed replica pile up and replay after it returns', async () => {
    const w = createWorld({ seed: 8 });
    const c = w.cassandraClient({ zone: 'A', contactPoints: ['A'] });
    w.fault({ kind: 'crash', node: 'C' });
    await w.run(async () => {
      await w.sleep(20_000); // the failure detector convicts C
      for (let i = 0; i < 50; i++) await c.execute(INS, ['o' + i, 's', i], { consistency: CL.quorum });
    });
    expect(w.pendingHints('A', 'C')).toBe(50);
    expect(w.metrics('A')['Storage.TotalHints']).toBe(50);
    expect(w.replicaRow('C', 'orders', 'o7')).toBeUndefined();
    w.fault({ kind: 'restart', node: 'C' });
    await w.run(() => w.sleep(15_000));
    expect(w.pendingHints('A', 'C')).toBe(0);
    expect(w.metrics('A')['HintsService.HintsSucceeded']).toBe(50);
    expect(w.replicaRow('C', 'orders', 'o7')).toMatchObject({ status: 's', version: 7 });
    expect(w.metrics('A')['Storage.TotalHints']).toBe(50); // a counter since restart, not a backlog
  });

  it('past max_hint_window: Hints_not_stored grows and the replica stays divergent until repair', async () => {
    const w = createWorld({ seed: 9, hints: { maxHintWindowMs: 60_000 } });
    const c = w.cassandraClient({ zone: 'A', contactPoints: ['A'] });
    w.fault({ kind: 'crash', node: 'C' });
    await w.run(async () => {
      await w.sleep(90_000);
      await c.execute(INS, ['late', 'x', 1], { consistency: CL.quorum });
    });
    expect(w.metrics('A')['HintedHandOffManager.Hints_not_stored-C']).toBe(1);
    expect(w.pendingHints('A', 'C')).toBe(0);
    w.fault({ kind: 'restart', node: 'C' });
    await w.run(() => w.sleep(60_000));
    expect(w.replicaRow('C', 'orders', 'late')).toBeUndefined();
    w.repair('orders');
    expect(w.replicaRow('C', 'orders', 'late')).toMatchObject({ status: 'x' });
  });

  it('per-host hint cap: hints beyond it are not stored', async () => {
    const w = createWorld({ seed: 10, hints: { maxHintsPerHost: 5 } });
    const c = w.cassandraClient({ zone: 'A', contactPoints: ['A'] });
    w.fault({ kind: 'crash', node: 'B' });
    await w.run(async () => {
      await w.sleep(20_000);
      for (let i = 0; i < 8; i++) await c.execute(INS, ['k' + i, 's', i], { consistency: CL.quorum });
    });
    expect(w.pendingHints('A', 'B')).toBe(5);
    expect(w.notes.filter((n) => n.kind === 'hint-cap-reached')).toHaveLength(3);
  });

  it('clock skew: a later write from a client whose clock is behind loses, and the checker finds the stale QUORUM read', async () => {
    const w = createWorld({ seed: 11 });
    const fast = w.cassandraClient({ zone: 'B', id: 'fast' });
    const slow = w.cassandraClient({ zone: 'C', id: 'slow' });
    w.fault({ kind: 'clock-skew', target: 'slow', offsetMs: -5000 });
    const got = await w.run(async () => {
      await fast.execute(INS, ['o', 'first', 1], { consistency: CL.quorum });
      await w.sleep(10);
      await slow.execute(INS, ['o', 'second', 2], { consistency: CL.quorum });
      await w.sleep(10);
      return (await fast.execute(SEL, ['o'], { consistency: CL.quorum })).first()?.status;
    });
    expect(got).toBe('first');
    const v = checkers.staleReads(w.history);
    expect(v.valid).toBe(false);
    expect((v.witness as { newerWrite: { process: string } }).newerWrite.process).toBe('slow');
  });

  it('server-side timestamps use the coordinator clock', async () => {
    const w = createWorld({ seed: 12 });
    const c = w.cassandraClient({ zone: 'A', contactPoints: ['B'], timestampGeneration: null });
    w.fault({ kind: 'clock-skew', target: 'B', offsetMs: 1000 });
    await w.run(() => c.execute(INS, ['o', 's', 1], { consistency: CL.all }));
    const ts = w.replicaCellTimestamp('A', 'orders', 'o', 'status')!;
    expect(ts - w.epochMs * 1000).toBeGreaterThanOrEqual(1_000_000);
  });

  it('a paused coordinator answers late; a crashed one closes the connection', async () => {
    const w = createWorld({ seed: 13 });
    const c = w.cassandraClient({ zone: 'A', contactPoints: ['A'], failover: false });
    w.fault({ kind: 'pause', node: 'A', forMs: 3000 });
    const t0 = w.now;
    await w.run(() => c.execute(SEL, ['x'], { consistency: CL.one }));
    expect(w.now - t0).toBeGreaterThanOrEqual(3000);
    const p = w.run(async () => {
      setTimeout(() => w.fault({ kind: 'crash', node: 'A' }), 0);
      return c.execute(INS, ['o', 's', 1], { consistency: CL.one, readTimeout: 0 });
    });
    const e = await p.catch((x) => x);
    expect(e).toBeInstanceOf(errors.DriverError);
    expect(e.message).toMatch(/closed/);
    const e2 = await w.run(() => c.execute(SEL, ['x'])).catch((x) => x);
    expect(e2).toBeInstanceOf(errors.NoHostAvailableError);
    expect(e2.message).toMatch(/Host considered as DOWN/);
  });

  it('a replica paused past the write timeout drops the queued mutations, and the coordinator hints them', async () => {
    const w = createWorld({ seed: 14 });
    const c = w.cassandraClient({ zone: 'A', contactPoints: ['A'] });
    w.fault({ kind: 'pause', node: 'C', forMs: 5000 });
    await w.run(async () => {
      for (let i = 0; i < 3; i++) await c.execute(INS, ['p' + i, 's', i], { consistency: CL.quorum });
      await w.sleep(6000);
    });
    expect(w.metrics('C')['DroppedMessage.MUTATION.Dropped']).toBe(3);
    expect(w.metrics('A')['HintedHandOffManager.Hints_created-C']).toBe(3);
    await w.run(() => w.sleep(15_000));
    expect(w.replicaRow('C', 'orders', 'p2')).toMatchObject({ status: 's' });
  });

  it('nested world.run is refused instead of hanging', async () => {
    const w = createWorld({ seed: 15 });
    const err = await w.run(async () => w.run(async () => 1)).catch((e) => e);
    expect(err).toBeInstanceOf(SimulationError);
    expect(err.message).toMatch(/while a run is in progress/);
  });

  it('validates configuration with clear messages', () => {
    expect(() => createWorld({ seed: 1, rf: 5 })).toThrow(/rf must be/);
    expect(() => createWorld({ seed: Number.NaN })).toThrow(/seed/);
    const w = createWorld({ seed: 1 });
    expect(() => w.fault({ kind: 'crash', node: 'Z' } as never)).toThrow(/'node' must be one of A, B, C/);
    expect(() => w.schedule([{ at: 5, kind: 'explode' } as never])).toThrow(/unknown kind/);
    expect(SimulationError).toBeDefined();
  });
});
