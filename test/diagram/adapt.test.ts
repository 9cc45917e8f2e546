import { describe, expect, it } from 'vitest';
import { fromSimTrace } from '../../src/diagram/adapt';
import { renderTraceDetailed } from '../../src/diagram/render';
import { journalMarks } from '../../src/diagram/adapt';

// A trace in the simulator's documented shape (docs/CONTRACTS.md "Simulator API").
const sim = {
  seed: 1,
  faults: [
    { at: 5, kind: 'isolate', zone: 'A' },
    { at: 40, kind: 'heal' },
    { at: 6, kind: 'crash', node: 'C' },
    { at: 30, kind: 'restart', node: 'C' },
  ],
  history: [
    { process: 'api-a', type: 'invoke' as const, f: 'read', key: 'o-1', value: null, time: 10 },
    { process: 'api-a', type: 'fail' as const, f: 'read', key: 'o-1', value: null, time: 15, error: { name: 'ResponseError', code: 0x1000 } },
  ],
  journal: [
    { time: 11, kind: 'send' as const, id: 1, from: 'A', to: 'B', type: 'read-digest' },
    { time: 12, kind: 'drop' as const, id: 1, from: 'A', to: 'B', type: 'read-digest', reason: 'partition' },
  ],
  endpoints: [
    { id: 'A', zone: 'A', kind: 'node' },
    { id: 'B', zone: 'B', kind: 'node' },
    { id: 'C', zone: 'C', kind: 'node' },
    { id: 'api-a', zone: 'A', kind: 'client' },
  ],
};

describe('fromSimTrace', () => {
  const t = fromSimTrace(sim, { labels: { 'api-a': 'client A' } });

  it('maps the journal to arrows and keeps drop reasons', () => {
    expect(t.network).toEqual([
      { event: 'send', id: 1, from: 'A', to: 'B', time: 11, type: 'read-digest', reason: undefined },
      { event: 'drop', id: 1, from: 'A', to: 'B', time: 12, type: 'read-digest', reason: 'partition' },
    ]);
  });

  it('turns faults into spans that end at the heal / restart', () => {
    expect(t.spans).toEqual([
      { kind: 'partition', nodes: ['A', 'api-a'], start: 5, end: 40, label: 'zone A isolated' },
      { kind: 'crash', nodes: ['C'], start: 6, end: 30, label: 'C crashed' },
    ]);
  });

  it('names the error of a failed operation and keeps its key', () => {
    expect(t.history![1]).toMatchObject({ type: 'fail', f: 'read o-1', error: 'Unavailable' });
    const svg = renderTraceDetailed(t).svg;
    expect(svg).toContain('read o-1');
    expect(svg).toContain('client A');
  });

  it('lanes: client first, then replicas with their zones', () => {
    const r = renderTraceDetailed(t);
    expect(r.layout.lanes.map((l) => [l.id, l.kind, l.zone])).toEqual([
      ['api-a', 'client', 'A'],
      ['A', 'replica', 'A'],
      ['B', 'replica', 'B'],
      ['C', 'replica', 'C'],
    ]);
  });
});

describe('journalMarks', () => {
  it('finds a digest mismatch (full reads after a digest) and a blocking read repair', () => {
    const marks = journalMarks([
      { time: 1, kind: 'send', id: 1, from: 'A', to: 'B', type: 'read-digest' },
      { time: 2, kind: 'deliver', id: 2, from: 'B', to: 'A', type: 'digest' },
      { time: 2, kind: 'send', id: 3, from: 'A', to: 'B', type: 'read-data' },
      { time: 4, kind: 'send', id: 4, from: 'A', to: 'A', type: 'read-repair' },
    ]);
    expect(marks).toEqual([
      { time: 2, node: 'A', text: 'digest mismatch → full reads', kind: 'warn' },
      { time: 4, node: 'A', text: 'blocking read repair', kind: 'info' },
    ]);
  });
});

describe('errName: driver errors recognised even when a minified build renamed their classes', () => {
  it('maps codes and messages, not only names', async () => {
    const { errName } = await import('../../src/diagram/adapt');
    expect(errName({ name: 'I', message: 'Cannot achieve consistency level QUORUM', code: 0x1000 })).toBe('Unavailable');
    expect(errName({ name: 'I', message: 'Operation timed out - received only 1 responses.', code: 0x1200 })).toBe('ReadTimeout');
    expect(
      errName({ name: 'x', message: 'All host(s) tried for query failed. First host tried, A:9042: I: Cannot achieve consistency level QUORUM. See innerErrors.' }),
    ).toBe('NoHostAvailable (Unavailable)');
    expect(errName({ name: 'OperationTimedOutError', message: 'anything' })).toBe('client timeout');
  });
});
