// The simulator against the real systems, item by item (the simulator fidelity review, S1–S19):
// each describe names the item and states what Apache Cassandra 4.1 / cassandra-driver 4.10 /
// kafkajs 2.2 / Lambda really do.
import { describe, expect, it } from 'vitest';
import { createWorld, drivers } from '../../src/sim/index';

const { types } = drivers['cassandra-driver'];
const CL = types.consistencies;
const SEL = 'SELECT * FROM orders WHERE id = ?';

/** QUORUM reads of orders/o-1 every second through a client of zone B (coordinator B), zone A cut off at 1 s. */
async function readsThroughB(seed: number, o: { speculativeRetry?: string; dynamicSnitch?: boolean; warmup?: number } = {}) {
  const w = createWorld({ seed, speculativeRetry: o.speculativeRetry, dynamicSnitch: o.dynamicSnitch });
  w.cassandraPut('orders', { id: 'o-1', status: 'paid' }, { timestampUs: 1 });
  const c = w.cassandraClient({ zone: 'B', contactPoints: ['B'], failover: false, id: 'api-b' });
  const results: Array<{ at: number; ok: boolean; ms: number; error?: string; convicted: boolean }> = [];
  await w.run(async () => {
    for (let i = 0; i < (o.warmup ?? 0); i++) {
      await c.execute(SEL, ['o-1'], { consistency: CL.quorum });
      await w.sleep(50);
    }
  });
  const t0 = w.now;
  const specBefore = w.metrics('B')['Table.SpeculativeRetries'] ?? 0;
  w.schedule([{ at: t0 + 1000, kind: 'isolate', zone: 'A' }]);
  await w.run(async () => {
    await w.sleep(1000);
    for (let i = 0; i < 40; i++) {
      const start = w.now;
      const convicted = w.isDown('B', 'A');
      const r = await c.execute(SEL, ['o-1'], { consistency: CL.quorum }).then(
        (rs) => ({ ok: rs.first()?.status === 'paid', error: undefined }),
        (e: Error) => ({ ok: false, error: `${e.name} ${e.message}` }),
      );
      results.push({ at: start - t0, ms: w.now - start, convicted, ...r });
      await w.sleep(1000);
    }
  });
  return { w, results, speculated: (w.metrics('B')['Table.SpeculativeRetries'] ?? 0) - specBefore };
}

describe('S1 speculative retry and dynamic snitch: with zone A cut off, every QUORUM read through B answers', () => {
  it('on a fresh table (no latency samples yet) each read answers within read_request_timeout / 2 (2.5 s) plus a round trip, before and after A is convicted', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { results } = await readsThroughB(seed);
      expect(results.filter((r) => !r.ok), `seed ${seed}`).toEqual([]);
      expect(results.some((r) => !r.convicted) && results.some((r) => r.convicted)).toBe(true);
      for (const r of results) expect(r.ms, `seed ${seed} read at ${r.at} ms`).toBeLessThan(2500 + 50);
    }
  });

  it('once p99 latency is known, the speculative read goes out after a few ms, and the dynamic snitch stops asking A after its first read callback expires', async () => {
    for (const seed of [6, 7, 8]) {
      const { results, speculated } = await readsThroughB(seed, { warmup: 300 });
      expect(results.filter((r) => !r.ok), `seed ${seed}`).toEqual([]);
      for (const r of results) expect(r.ms, `seed ${seed} read at ${r.at} ms`).toBeLessThan(50);
      // at most the reads within one read_request_timeout of the first speculation ask A at all
      expect(speculated).toBeGreaterThan(0);
      expect(speculated).toBeLessThanOrEqual(6);
    }
  });

  it("with speculative_retry = 'NONE' and no dynamic snitch, reads that pick A time out after 5 s until A is convicted (what the table option switches off)", async () => {
    let timeouts = 0;
    for (const seed of [1, 2, 3]) {
      const { results } = await readsThroughB(seed, { speculativeRetry: 'NONE', dynamicSnitch: false });
      for (const r of results.filter((x) => !x.ok)) {
        expect(r.error).toMatch(/ResponseError Operation timed out - received only 1 responses/);
        expect(r.convicted).toBe(false);
        timeouts++;
      }
    }
    expect(timeouts).toBeGreaterThan(0);
  });

  it('an isolated coordinator still times out first, then answers Unavailable: the speculative replica is unreachable too', async () => {
    const w = createWorld({ seed: 9 });
    w.cassandraPut('orders', { id: 'o-1', status: 'paid' }, { timestampUs: 1 });
    const c = w.cassandraClient({ zone: 'A', contactPoints: ['A'], failover: false, id: 'api-a' });
    w.fault({ kind: 'isolate', zone: 'A' });
    const errs = await w.run(async () => {
      const out: Array<{ ok?: boolean; code?: number; received?: number }> = [];
      for (let i = 0; i < 25; i++) {
        // Unavailable is retried on the next host, and with no other host: NoHostAvailableError
        const cause = (e: { code?: number; received?: number; innerErrors?: Record<string, { code?: number }> }) => e.innerErrors?.['A:9042'] ?? e;
        out.push(await c.execute(SEL, ['o-1'], { consistency: CL.quorum }).then(() => ({ ok: true }), (e) => ({ code: cause(e).code, received: e.received })));
        await w.sleep(1000);
      }
      return out;
    });
    expect(errs[0]).toEqual({ code: types.responseErrorCodes.readTimeout, received: 1 });
    expect(errs[errs.length - 1].code).toBe(types.responseErrorCodes.unavailableException);
  });
});
