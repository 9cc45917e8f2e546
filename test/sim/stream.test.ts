import { describe, expect, it } from 'vitest';
import { createWorld } from '../../src/sim/index';

type Ev = { id: string; n: number };

describe('stream + processor', () => {
  it('keeps per-shard order and processes every record', async () => {
    const w = createWorld({ seed: 1 });
    const s = w.stream<Ev>('orders', { shards: 3 });
    for (let i = 0; i < 60; i++) s.put('k' + (i % 7), { id: 'k' + (i % 7), n: i });
    const seen: Ev[] = [];
    const p = w.processor({ stream: s, handler: async (e) => { seen.push(e); }, batchSize: 10 }).start();
    await w.run(() => w.waitFor(() => p.idle, { what: 'processor idle' }));
    expect(seen).toHaveLength(60);
    for (let k = 0; k < 7; k++) {
      const ns = seen.filter((e) => e.id === 'k' + k).map((e) => e.n);
      expect(ns).toEqual([...ns].sort((a, b) => a - b));
    }
    expect(new Set(s.shards.map((x) => x.length)).size).toBeGreaterThan(1);
  });

  it('a failing batch blocks its shard (retried with exponential backoff) while other shards go on', async () => {
    const w = createWorld({ seed: 2 });
    const s = w.stream<Ev>('orders', { shards: 2 });
    const bad = 'poison';
    const badShard = s.shardOf(bad);
    let other = 'a';
    while (s.shardOf(other) === badShard) other += 'a';
    s.put(bad, { id: bad, n: 0 });
    s.put(bad, { id: bad, n: 1 });
    s.put(other, { id: other, n: 2 });
    const calls: Array<[number, number]> = [];
    let failUntil = 3;
    const p = w.processor({
      stream: s,
      backoffMs: 1000,
      handler: async (e) => {
        calls.push([e.n, w.now]);
        if (e.id === bad && e.n === 0 && failUntil-- > 0) throw new Error('cassandra down');
      },
    }).start();
    await w.run(() => w.sleep(500));
    expect(calls.filter(([n]) => n === 2)).toHaveLength(1); // the other shard is not blocked
    expect(calls.filter(([n]) => n === 1)).toHaveLength(0); // n=1 waits behind the failing n=0
    expect(p.iteratorAgeMs).toBeGreaterThanOrEqual(500);
    await w.run(() => w.waitFor(() => p.idle));
    const tries = calls.filter(([n]) => n === 0).map(([, t]) => t);
    expect(tries).toHaveLength(4);
    // backoff 1 s, 2 s, 4 s between attempts
    expect(Math.round(tries[1] - tries[0])).toBe(1000);
    expect(Math.round(tries[2] - tries[1])).toBe(2000);
    expect(Math.round(tries[3] - tries[2])).toBe(4000);
    expect(p.metrics.retries).toBe(3);
  });

  it('retrying the whole batch delivers earlier records again (at-least-once); ReportBatchItemFailures does not', async () => {
    for (const rbif of [false, true]) {
      const w = createWorld({ seed: 3 });
      const s = w.stream<Ev>('orders', { shards: 1 });
      for (let i = 0; i < 3; i++) s.put('k', { id: 'k', n: i });
      const counts = [0, 0, 0];
      let failed = false;
      const p = w.processor({ stream: s, reportBatchItemFailures: rbif, handler: async (e) => {
        counts[e.n]++;
        if (e.n === 2 && !failed) { failed = true; throw new Error('x'); }
      } }).start();
      await w.run(() => w.waitFor(() => p.idle));
      expect(counts).toEqual(rbif ? [1, 1, 2] : [2, 2, 2]);
    }
  });

  it('S16 gives up after maxRetryAttempts and sends onFailure the batch metadata only (shard, sequence range), as Lambda does to SQS/SNS', async () => {
    const w = createWorld({ seed: 4 });
    const s = w.stream<Ev>('orders', { shards: 1 });
    const first = s.put('k', { id: 'k', n: 0 });
    s.put('k', { id: 'k', n: 1 });
    const failed: unknown[] = [];
    const ok: number[] = [];
    const p = w.processor({ stream: s, batchSize: 1, maxRetryAttempts: 2, handler: async (e) => { if (e.n === 0) throw new Error('no'); ok.push(e.n); }, onFailure: (doc) => failed.push(doc) }).start();
    await w.run(() => w.waitFor(() => p.idle));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 },
      KinesisBatchInfo: { shardId: 'shardId-000000000000', startSequenceNumber: String(first.sequenceNumber), endSequenceNumber: String(first.sequenceNumber), batchSize: 1 },
    });
    expect(JSON.stringify(failed[0])).not.toContain('"n":0'); // no record data
    expect(ok).toEqual([1]);
    expect(p.metrics.invocations).toBe(4);
  });

  it('by default a poison record blocks its shard until it expires', async () => {
    const w = createWorld({ seed: 5 });
    const s = w.stream<Ev>('orders', { shards: 1, retentionMs: 60_000 });
    s.put('k', { id: 'k', n: 0 });
    s.put('k', { id: 'k', n: 1 });
    const ok: number[] = [];
    const p = w.processor({ stream: s, batchSize: 1, maxBackoffMs: 10_000, handler: async (e) => { if (e.n === 0) throw new Error('poison'); ok.push(e.n); } }).start();
    await w.run(() => w.sleep(50_000));
    expect(ok).toEqual([]);
    await w.run(() => w.waitFor(() => p.idle));
    expect(w.now).toBeGreaterThan(60_000);
    expect(ok).toEqual([]); // both expired: n=1 sat behind n=0 for longer than the retention
    expect(w.notes.filter((n) => n.kind === 'record-expired')).toHaveLength(2);
  });

  it('a handler slower than the timeout fails the batch, and a stalled shard resumes later', async () => {
    const w = createWorld({ seed: 6 });
    const s = w.stream<Ev>('orders', { shards: 1 });
    s.put('k', { id: 'k', n: 0 });
    let first = true;
    const p = w.processor({ stream: s, timeoutMs: 3000, handler: async () => { if (first) { first = false; await new Promise((r) => setTimeout(r, 10_000)); } } });
    w.schedule([{ at: 0, kind: 'stream-stall', shard: 0, forMs: 2000 }]);
    p.start();
    await w.run(() => w.waitFor(() => p.idle));
    expect(p.metrics.timeouts).toBe(1);
    expect(w.now).toBeGreaterThan(2000 + 3000);
  });

  it('redelivery after a lost checkpoint shows up as duplicate deliveries', async () => {
    const w = createWorld({ seed: 7 });
    const s = w.stream<Ev>('orders', { shards: 1 });
    for (let i = 0; i < 50; i++) s.put('k' + i, { id: 'k' + i, n: i });
    const p = w.processor({ stream: s, batchSize: 5, redeliveryProbability: 0.3, handler: async () => {} }).start();
    await w.run(() => w.waitFor(() => p.idle));
    expect(p.metrics.duplicateDeliveries).toBeGreaterThan(0);
    expect(p.deliveries.length).toBe(50 + 5 * p.metrics.duplicateDeliveries);
  });
});
