import { describe, expect, it } from 'vitest';
import { SimulationError, createWorld, drivers } from '../../src/sim/index';

const { types } = drivers['cassandra-driver'];

describe('learner realm', () => {
  it('timers, Date, performance.now, AbortSignal.timeout and Math.random follow the simulation, and are restored after', async () => {
    // Virtual seconds, not real ones: every real timer set during the run is recorded (the run's
    // 5000, 250 and 100 ms waits must not be among them).
    const realSetTimeout = globalThis.setTimeout;
    const realTimers: number[] = [];
    globalThis.setTimeout = ((fn: () => void, ms?: number, ...args: unknown[]) => {
      realTimers.push(Number(ms ?? 0));
      return realSetTimeout(fn, ms, ...args);
    }) as unknown as typeof setTimeout;
    const before = { st: globalThis.setTimeout, si: globalThis.setInterval, ct: globalThis.clearTimeout, D: Date, pn: performance.now, r: Math.random, at: AbortSignal.timeout };
    const w = createWorld({ seed: 5 });
    const out = await w.run(async () => {
      const d0 = Date.now();
      const p0 = performance.now();
      await new Promise((r) => setTimeout(r, 5000));
      const aborted = await new Promise<string>((res) => {
        const s = AbortSignal.timeout(250);
        s.addEventListener('abort', () => res((s.reason as Error).name));
      });
      const ticks: number[] = [];
      await new Promise<void>((res) => {
        const h = setInterval(() => {
          ticks.push(Date.now() - d0);
          if (ticks.length === 3) { clearInterval(h); res(); }
        }, 100);
      });
      return { elapsed: Date.now() - d0, perf: performance.now() - p0, aborted, ticks, rnd: [Math.random(), Math.random()], newDate: new Date().getTime() - d0, isDate: new Date() instanceof before.D };
    }).finally(() => {
      expect(globalThis.setTimeout).toBe(before.st);
      globalThis.setTimeout = realSetTimeout;
    });
    expect(out.elapsed).toBe(5550);
    expect(out.perf).toBe(5550);
    expect(out.aborted).toBe('TimeoutError');
    expect(out.ticks).toEqual([5350, 5450, 5550]);
    expect(out.newDate).toBe(5550);
    expect(out.isDate).toBe(true);
    expect(realTimers.filter((ms) => ms >= 100)).toEqual([]);
    expect(globalThis.setInterval).toBe(before.si);
    expect(globalThis.clearTimeout).toBe(before.ct);
    expect(Date).toBe(before.D);
    expect(performance.now).toBe(before.pn);
    expect(Math.random).toBe(before.r);
    expect(AbortSignal.timeout).toBe(before.at);
    // Math.random is seeded
    const w2 = createWorld({ seed: 5 });
    const r2 = await w2.run(async () => [Math.random(), Math.random()]);
    expect(r2).toEqual(out.rnd);
  });

  it('globals are restored even when the code throws', async () => {
    const st = globalThis.setTimeout;
    const w = createWorld({ seed: 1 });
    await expect(w.run(async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(globalThis.setTimeout).toBe(st);
  });

  /** A 20,000-step await chain racing a timer due 1 ms later, after `waitFirstMs` of virtual time. */
  const chainVersusTimer = (waitFirstMs: number) =>
    createWorld({ seed: 1 }).run(async () => {
      if (waitFirstMs > 0) await new Promise<void>((res) => setTimeout(res, waitFirstMs));
      const t0 = Date.now();
      let timerAt = -1;
      const timer = new Promise<void>((res) => setTimeout(() => { timerAt = Date.now() - t0; res(); }, 1));
      const chain = (async () => {
        for (let i = 0; i < 20000; i++) await null;
        return Date.now() - t0;
      })();
      const [chainAt] = await Promise.all([chain, timer]);
      return { chainAt, timerAt };
    });

  it('a long await chain finishes before the clock moves (timer pending 1 ms later)', async () => {
    expect(await chainVersusTimer(0)).toEqual({ chainAt: 0, timerAt: 1 });
  });

  it('a long await chain later in a run also finishes before the clock moves', async () => {
    // after its first yield the run loop waits for microtasks differently (process.nextTick in Node)
    expect(await chainVersusTimer(5)).toEqual({ chainAt: 0, timerAt: 1 });
  });

  it('nested async functions between driver calls do not let time pass', async () => {
    const w = createWorld({ seed: 2 });
    const c = w.cassandraClient({ zone: 'A' });
    const deep = async (n: number): Promise<number> => (n === 0 ? Date.now() : deep(n - 1));
    const r = await w.run(async () => {
      const times: number[] = [];
      for (let i = 0; i < 20; i++) {
        await c.execute('SELECT * FROM orders WHERE id = ?', ['x'], { consistency: types.consistencies.one });
        const after = Date.now();
        const inner = await deep(200);
        times.push(inner - after);
      }
      return times;
    });
    expect(r.every((d) => d === 0)).toBe(true);
    // every invoke happens exactly when the previous operation completed
    const ops = w.history;
    for (let i = 2; i < ops.length; i += 2) expect(ops[i].time).toBe(ops[i - 1].time);
  });

  it('Promise.race between a slow query and a timer resolves at the timer, exactly', async () => {
    const w = createWorld({ seed: 3 });
    const c = w.cassandraClient({ zone: 'A', contactPoints: ['A'] });
    w.fault({ kind: 'slow', node: 'A', extraMs: 3000 });
    const r = await w.run(async () => {
      const t0 = Date.now();
      const timeout = new Promise<string>((res) => setTimeout(() => res('timeout'), 100));
      const q = c.execute('SELECT * FROM orders WHERE id = ?', ['o'], { consistency: types.consistencies.one }).then(() => 'query');
      const winner = await Promise.race([q, timeout]);
      return { winner, at: Date.now() - t0 };
    });
    expect(r).toEqual({ winner: 'timeout', at: 100 });
  });

  it('timers set from continuations fire relative to the continuation time', async () => {
    const w = createWorld({ seed: 4 });
    const c = w.cassandraClient({ zone: 'B' });
    const r = await w.run(async () => {
      await c.execute('SELECT * FROM orders WHERE id = ?', ['o'], { consistency: types.consistencies.quorum });
      const resolvedAt = w.now;
      await Promise.resolve();
      await new Promise((res) => setTimeout(res, 10));
      return w.now - resolvedAt;
    });
    expect(r).toBe(10);
  });

  it('awaiting a promise that never settles ends with a deadlock naming the time', async () => {
    const w = createWorld({ seed: 1 });
    const err = await w.run(async () => {
      await new Promise((r) => setTimeout(r, 250));
      await new Promise(() => {});
    }).catch((e) => e);
    expect(err).toBeInstanceOf(SimulationError);
    expect(err.kind).toBe('deadlock');
    expect(err.message).toMatch(/Deadlock at 250 ms/);
  });

  it('a forgotten interval runs into the time budget, which names what was pending', async () => {
    const w = createWorld({ seed: 1, limits: { maxVirtualMs: 10_000 } });
    const err = await w.run(async () => {
      setInterval(() => {}, 1000);
      await new Promise(() => {});
    }).catch((e) => e);
    expect(err).toBeInstanceOf(SimulationError);
    expect(err.kind).toBe('budget');
    expect(err.pending.join(' ')).toMatch(/setInterval\(1000 ms\)/);
    expect(err.message).toMatch(/10000 ms/);
  });

  it('busy-waiting on Date.now() is stopped with a clear error', async () => {
    const w = createWorld({ seed: 1 });
    const err = await w.run(async () => {
      const end = Date.now() + 100;
      while (Date.now() < end) { /* spin */ }
    }).catch((e) => e);
    expect(err).toBeInstanceOf(SimulationError);
    expect(err.kind).toBe('busy-wait');
  });

  it('an exception in a timer callback fails the run', async () => {
    const w = createWorld({ seed: 1 });
    const err = await w.run(async () => {
      setTimeout(() => { throw new Error('late boom'); }, 5);
      await new Promise((r) => setTimeout(r, 50));
    }).catch((e) => e);
    expect(err.kind).toBe('uncaught');
    expect(err.message).toMatch(/late boom/);
  });

  it('driver calls outside run are refused with a clear message', () => {
    const w = createWorld({ seed: 1 });
    const c = w.cassandraClient();
    expect(() => c.execute('SELECT * FROM orders WHERE id = ?', ['x'])).toThrow(/outside world.run/);
  });

  it('concurrent runs are serialized, and state and time persist between runs', async () => {
    const w = createWorld({ seed: 1 });
    const a = w.run(async () => { await new Promise((r) => setTimeout(r, 100)); return w.now; });
    const b = w.run(async () => { await new Promise((r) => setTimeout(r, 100)); return w.now; });
    expect(await Promise.all([a, b])).toEqual([100, 200]);
  });

  it('the same code and seed interleave identically', async () => {
    const once = async () => {
      const w = createWorld({ seed: 77 });
      const c = w.cassandraClient({ zone: 'A' });
      w.sampleFaults({ count: 3, untilMs: 2000 });
      await w.run(async () => {
        await Promise.all(Array.from({ length: 5 }, async (_, i) => {
          for (let j = 0; j < 10; j++) {
            await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 50)));
            await c.execute('INSERT INTO kv (key, value) VALUES (?, ?)', ['k' + (j % 3), i * 100 + j], { consistency: types.consistencies.quorum }).catch(() => {});
          }
        }));
      });
      return w.traceHash();
    };
    expect(await once()).toBe(await once());
  });
});
