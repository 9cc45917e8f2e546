/**
 * The shared parts of the authors' API (src/grading/authoring.ts, re-exported by api.ts): measuring
 * one call of learner code against a world, the test's own seeded random source, and the error
 * helpers — what a harness relies on when it times a read, draws a scenario or words a failure.
 */
import { describe, expect, it } from 'vitest';
import { describeError, isSimulationError, measure, prng, seeds } from '../../src/grading/api';
import { createWorld, drivers, Rng } from '../../src/sim/index';

const CL = drivers['cassandra-driver'].types.consistencies;
const ROW = { id: 'o-1', customer_id: 'c-1', status: 'paid', total: 10, version: 1 };

function world(seed = 7) {
  const w = createWorld({ seed });
  w.cassandraPut('orders', ROW);
  const client = w.cassandraClient({ zone: 'A', contactPoints: ['A'], id: 'api-a' });
  const read = () => client.execute('SELECT status FROM orders WHERE id = ?', ['o-1'], { prepare: true, consistency: CL.quorum });
  return { w, client, read };
}

describe('measure(world, fn): one call as the test saw it', () => {
  it('returns the value, the virtual ms the call took and exactly the queries it sent', async () => {
    const { w, read } = world();
    await w.run(() => read()); // an earlier query: not this call's
    const before = w.now;
    const m = await measure(w, async () => {
      await w.sleep(120);
      const rs = await read();
      return rs.first()?.get('status');
    });
    expect(m.ok).toBe(true);
    expect(m.ok && m.value).toBe('paid');
    expect(m.ms).toBeCloseTo(w.now - before, 9);
    expect(m.ms).toBeGreaterThanOrEqual(120);
    expect(m.queries.map((q) => [q.driver, q.text])).toEqual([['cassandra', 'SELECT status FROM orders WHERE id = ?']]);
  });

  it('records what the call threw as the outcome, with its time and queries, instead of throwing', async () => {
    const { w, read } = world();
    const boom = new TypeError('no such column');
    const m = await measure(w, async () => {
      await read();
      await w.sleep(30);
      throw boom;
    });
    expect(m.ok).toBe(false);
    expect(!m.ok && m.error).toBe(boom);
    expect(m.ms).toBeGreaterThanOrEqual(30);
    expect(m.queries).toHaveLength(1);
  });

  it('records a driver error (a crashed cluster) as the call failing, not the test', async () => {
    const { w, read } = world();
    w.schedule(['A', 'B', 'C'].map((node) => ({ at: 0, kind: 'crash' as const, node })));
    const m = await measure(w, () => read());
    expect(m.ok).toBe(false);
    expect(isSimulationError(!m.ok && m.error)).toBe(false);
    expect(describeError(!m.ok && m.error)).toMatch(/^(NoHostAvailableError|DriverError): /);
  });

  it('inside world.run measures each call in place: its own time and queries only', async () => {
    const { w, read } = world();
    const [a, b] = await w.run(async () => {
      const a = await measure(w, async () => (await read(), await read(), 'two'));
      const b = await measure(w, () => w.sleep(500).then(() => 'slept'));
      return [a, b];
    });
    expect(a).toMatchObject({ ok: true, value: 'two' });
    expect(a.queries).toHaveLength(2);
    expect(b).toMatchObject({ ok: true, value: 'slept', ms: 500, queries: [] });
  });

  it("rethrows the simulator's own verdicts (a deadlock is the test's failure, not the call's outcome)", async () => {
    const { w } = world();
    const err = await measure(w, () => new Promise(() => {})).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isSimulationError(err)).toBe(true);
    expect(describeError(err)).toMatch(/deadlock/i);
  });
});

describe('prng(seed): the test’s own random choices', () => {
  const draw = (seed: number) => {
    const r = prng(seed);
    return [r(1000), r.between(5, 9), r.pick(['a', 'b', 'c', 'd']), r.chance(0.5), r(3)];
  };

  it('gives the same choices for the same seed and other choices for other seeds', () => {
    expect(draw(42)).toEqual(draw(42));
    const others = seeds(1, 20).map((s) => JSON.stringify(draw(s)));
    expect(new Set(others).size).toBeGreaterThan(15);
  });

  it('keeps every draw in range: rand(n) in [0, n), between(lo, hi) inclusive, pick an element, chance(0|1) never|always', () => {
    const r = prng(9);
    const ints = Array.from({ length: 2000 }, () => r(7));
    expect(Math.min(...ints)).toBe(0);
    expect(Math.max(...ints)).toBe(6);
    expect(ints.every(Number.isInteger)).toBe(true);
    const bs = Array.from({ length: 2000 }, () => r.between(-2, 2));
    expect([...new Set(bs)].sort()).toEqual([-1, -2, 0, 1, 2].sort());
    expect(Array.from({ length: 50 }, () => r.pick(['x', 'y'])).every((x) => x === 'x' || x === 'y')).toBe(true);
    expect(Array.from({ length: 50 }, () => r.chance(0)).some(Boolean)).toBe(false);
    expect(Array.from({ length: 50 }, () => r.chance(1)).every(Boolean)).toBe(true);
  });

  it("is the simulator's generator on a stream of its own ('test'), so the same seed replays the same choices anywhere", () => {
    const ours = prng(1234);
    const sims = new Rng(1234).fork('test');
    for (let i = 0; i < 100; i++) expect(ours(1_000_000)).toBe(sims.int(1_000_000));
  });

  it("does not shift the world's random stream: the same world runs the same whatever the test draws", async () => {
    const run = async (draws: number) => {
      const { w, read } = world(99);
      const r = prng(99);
      for (let i = 0; i < draws; i++) r(100);
      const m = await measure(w, async () => (await read(), await read(), await read()));
      return { ms: m.ms, trace: w.traceHash() };
    };
    expect(await run(500)).toEqual(await run(0));
  });
});

describe('describeError(e): an error in a line of a failure message', () => {
  it('says an Error by its name and message, anything else as text, and never throws', () => {
    expect(describeError(new RangeError('too far'))).toBe('RangeError: too far');
    expect(describeError('a plain string')).toBe('a plain string');
    expect(describeError(42)).toBe('42');
    const hostile = {
      toString() {
        throw new Error('no');
      },
    };
    expect(describeError(hostile)).toBe('an unprintable value');
  });
});
