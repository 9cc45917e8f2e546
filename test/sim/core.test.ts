import { describe, expect, it } from 'vitest';
import { Rng, detLn } from '../../src/sim/rng';
import { Scheduler } from '../../src/sim/sched';
import { parseDist, sampleDist } from '../../src/sim/dist';

describe('Rng', () => {
  it('is a function of the seed', () => {
    const a = new Rng(42), b = new Rng(42), c = new Rng(43);
    const xa = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(xa);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(xa);
  });

  it('forked streams do not perturb each other', () => {
    const r1 = new Rng(7), r2 = new Rng(7);
    const n1 = r1.fork('net'), n2 = r2.fork('net');
    r1.fork('faults').next(); // extra draws in another stream
    for (let i = 0; i < 100; i++) r1.next();
    expect(Array.from({ length: 10 }, () => n1.next())).toEqual(Array.from({ length: 10 }, () => n2.next()));
    expect(new Rng(7).fork('a').next()).not.toBe(new Rng(7).fork('b').next());
  });

  it('int(n) is uniform enough and in range', () => {
    const r = new Rng(1);
    const counts = [0, 0, 0, 0, 0, 0];
    for (let i = 0; i < 60000; i++) counts[r.int(6)]++;
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(500);
    expect(() => r.int(0)).toThrow(/n > 0/);
  });

  it('pins the first outputs (cross-engine regression)', () => {
    const r = new Rng(123);
    // values produced by this implementation in Node; the browser test compares whole traces
    expect([r.next(), r.next(), r.next()]).toEqual([629417593, 1268586715, 283082504]);
  });

  it('detLn matches Math.log closely', () => {
    for (const x of [1e-9, 0.001, 0.3, 0.5, 0.999, 1, 2, 10, 12345.6]) expect(detLn(x)).toBeCloseTo(Math.log(x), 12);
  });
});

describe('Scheduler', () => {
  it('orders by time, FIFO on ties, and skips cancelled events', () => {
    const s = new Scheduler();
    const seen: string[] = [];
    s.at(5, () => seen.push('b1'));
    s.at(1, () => seen.push('a'));
    const c = s.at(3, () => seen.push('cancelled'));
    s.at(5, () => seen.push('b2'));
    s.at(5, () => seen.push('b3'));
    c.cancelled = true;
    while (s.step());
    expect(seen).toEqual(['a', 'b1', 'b2', 'b3']);
    expect(s.now).toBe(5);
  });

  it('heap stays ordered under random inserts', () => {
    const s = new Scheduler();
    const r = new Rng(9);
    const times: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const t = r.int(100000);
      s.at(t, () => times.push(s.now));
    }
    while (s.step());
    expect(times.length).toBe(5000);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]);
  });
});

describe('latency distributions', () => {
  it('parses and samples integer microseconds', () => {
    const r = new Rng(3);
    expect(sampleDist(parseDist('const:2'), r)).toBe(2000);
    const u = parseDist('uniform:1:3');
    for (let i = 0; i < 100; i++) {
      const x = sampleDist(u, r);
      expect(Number.isInteger(x)).toBe(true);
      expect(x).toBeGreaterThanOrEqual(1000);
      expect(x).toBeLessThanOrEqual(3000);
    }
    const e = parseDist('1+exp:5');
    let sum = 0;
    for (let i = 0; i < 20000; i++) sum += sampleDist(e, r);
    expect(sum / 20000 / 1000).toBeGreaterThan(5.8);
    expect(sum / 20000 / 1000).toBeLessThan(6.2);
  });

  it('rejects bad input with a clear message', () => {
    expect(() => parseDist('gauss:3')).toThrow(/expected const:MS, exp:MEAN_MS or uniform/);
    expect(() => parseDist('exp:-1')).toThrow(/non-negative/);
    expect(() => parseDist('uniform:5:1')).toThrow(/high < low/);
  });
});
