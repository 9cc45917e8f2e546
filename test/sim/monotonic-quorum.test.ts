/** checkers.monotonicQuorumReads on hand-written histories: what it flags, and what it must not. */
import { describe, expect, it } from 'vitest';
import { checkers, type Op } from '../../src/sim/index';

const QUORUM = 0x04, ONE = 0x01;

/** A tiny history builder: each call appends an op; `done` pairs with the invoke index it names. */
function history() {
  const ops: Op[] = [];
  const add = (o: Omit<Op, 'index' | 'time'>) => { ops.push({ ...o, index: ops.length, time: ops.length }); return ops.length - 1; };
  return {
    ops,
    write(process: string, value: number, timestamp: number | null, outcome: 'ok' | 'info' = 'ok') {
      const v = { table: 'kv', key: 'k', cells: { value }, timestamp, cl: QUORUM };
      const i = add({ process, type: 'invoke', f: 'write', key: 'kv/k', value: v });
      add({ process, type: outcome, f: 'write', key: 'kv/k', value: v, invoke: i });
    },
    startRead(process: string, cl = QUORUM) {
      return add({ process, type: 'invoke', f: 'read', key: 'kv/k', value: { table: 'kv', key: 'k', cl } });
    },
    endRead(process: string, inv: number, value: number | null, cl = QUORUM) {
      add({ process, type: 'ok', f: 'read', key: 'kv/k', value: { table: 'kv', key: 'k', cl, row: value === null ? null : { value } }, invoke: inv });
    },
    read(process: string, value: number | null, cl = QUORUM) {
      this.endRead(process, this.startRead(process, cl), value, cl);
    },
  };
}

describe('checkers.monotonicQuorumReads', () => {
  it('flags a QUORUM read, begun after another returned, that returns an older value (across clients)', () => {
    const h = history();
    h.write('w', 1, 100);
    h.write('w', 2, 200, 'info'); // timed out on one replica
    h.read('r1', 2);
    h.read('r2', 1);
    const v = checkers.monotonicQuorumReads(h.ops);
    expect(v.valid).toBe(false);
    expect(v.reason).toMatch(/r1 read .* value=2; r2's later quorum read .* got the older value=1/);
  });

  it('accepts reads that overlap each other, reads that only move forward, and the initial value before any', () => {
    const h = history();
    h.read('r0', null);
    h.write('w', 1, 100);
    const a = h.startRead('r1');
    const b = h.startRead('r2');
    h.endRead('r1', a, 1);
    h.endRead('r2', b, null); // overlapping r1: may still miss the write
    h.read('r3', 1);
    h.write('w', 2, 200);
    h.read('r1', 2);
    expect(checkers.monotonicQuorumReads(h.ops).valid).toBe(true);
  });

  it('orders by write timestamp, not by the order the writes happened (last write wins)', () => {
    const h = history();
    h.write('w1', 1, 500); // stamped by a clock running ahead
    h.write('w2', 2, 200);
    h.read('r1', 1);
    h.read('r2', 1);
    expect(checkers.monotonicQuorumReads(h.ops).valid).toBe(true);
    h.read('r3', 2); // older by timestamp than what r1 returned
    expect(checkers.monotonicQuorumReads(h.ops).valid).toBe(false);
  });

  it('judges only quorum reads, and says unknown when nothing can be compared', () => {
    const h = history();
    h.write('w', 1, 100);
    h.write('w', 2, 200);
    h.read('r1', 2);
    h.read('r2', 1, ONE);
    expect(checkers.monotonicQuorumReads(h.ops).valid).toBe('unknown');
    const s = history();
    s.write('w', 1, null); // server-side timestamp: no order known to the history
    s.read('r1', 1);
    s.read('r2', 1);
    expect(checkers.monotonicQuorumReads(s.ops).valid).toBe('unknown');
    expect(checkers.monotonicQuorumReads([]).valid).toBe('unknown');
  });
});
