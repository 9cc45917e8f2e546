/**
 * learnerData (src/grading/learner-data.ts): what a check sees of a value learner code produced is a
 * copy read once, so nothing in it answers two checks differently or replaces a built-in's method.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { learnerData } from '../../src/grading/learner-data';
import { TestFailure } from '../../src/grading/suite';

describe('learnerData', () => {
  it('runs a getter once: every later read of the copy gives that one answer', () => {
    let reads = 0;
    const order = Object.defineProperty({ id: 'o-1' } as { id: string; version: number }, 'version', { enumerable: true, get: () => ++reads });
    const copy = learnerData(order);
    expect([copy.version, copy.version, copy.version]).toEqual([1, 1, 1]);
    expect(reads).toBe(1);
    expect(Object.getOwnPropertyDescriptor(copy, 'version')).toMatchObject({ value: 1, writable: true });
  });

  it("an array's own methods and iterator are not copied: the copy is a plain array of its elements", () => {
    const arr = [1, 2, 3];
    for (const k of ['filter', 'find', 'map', Symbol.iterator] as const) Object.defineProperty(arr, k, { value: () => [], enumerable: true });
    Object.defineProperty(arr, 'extra', { value: 'x', enumerable: true });
    const copy = learnerData(arr);
    expect(Array.isArray(copy)).toBe(true);
    expect(Object.getPrototypeOf(copy)).toBe(Array.prototype);
    expect(Reflect.ownKeys(copy)).toEqual(['0', '1', '2', 'length']);
    expect([...copy]).toEqual([1, 2, 3]);
    expect(copy.filter((x) => x > 1)).toEqual([2, 3]);
  });

  it("a Proxy's traps run once per property: the copy holds what they said then", () => {
    let descriptorReads = 0;
    const p = new Proxy({ a: 1, b: 2 } as Record<string, number>, {
      getOwnPropertyDescriptor(t, k) {
        descriptorReads++;
        const d = Reflect.getOwnPropertyDescriptor(t, k)!;
        return { ...d, value: descriptorReads * 100 };
      },
      get: () => -1,
    });
    const copy = learnerData(p);
    const seen = descriptorReads;
    expect(copy.a + copy.b).toBe(copy.a + copy.b);
    expect(descriptorReads).toBe(seen); // reading the copy runs no trap
    expect(copy.a).not.toBe(-1);
  });

  it('drops functions, keeps Dates, shared and circular references, and a key named __proto__ as a key', () => {
    const shared = { n: 1 };
    const when = new Date(5);
    const o: Record<string, unknown> = { shared, again: shared, when, f: () => 1, list: [() => 2, 3] };
    o.self = o;
    Object.defineProperty(o, '__proto__', { value: { polluted: true }, enumerable: true });
    const copy = learnerData(o) as Record<string, unknown> & { self: unknown; list: unknown[] };
    expect(copy.shared).toBe(copy.again);
    expect(copy.self).toBe(copy);
    expect(copy.when).toEqual(when);
    expect(copy.when).not.toBe(when);
    expect('f' in copy).toBe(false);
    expect(copy.list).toEqual([undefined, 3]);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).toEqual({ polluted: true });
  });

  it('fails the test, in words, for data nested too deep or an array claiming too many elements', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 500; i++) deep = [deep];
    expect(() => learnerData(deep, 'schedule(plan)')).toThrow(TestFailure);
    expect(() => learnerData(deep, 'schedule(plan)')).toThrow(/^schedule\(plan\) returned data nested more than 100 levels deep/);
    const huge = new Proxy([], { getOwnPropertyDescriptor: (t, k) => (k === 'length' ? { value: 2 ** 32 - 1, writable: true, enumerable: false, configurable: false } : Reflect.getOwnPropertyDescriptor(t, k)) });
    expect(() => learnerData(huge)).toThrow(/returned an array of 4294967295 elements/);
  });

  it('copies plain data as it is (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(learnerData(v)).toStrictEqual(v);
      }),
      { seed: 3, numRuns: 300 },
    );
  });
});
