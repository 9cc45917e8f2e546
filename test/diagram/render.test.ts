import { describe, expect, it } from 'vitest';
import { renderTrace, renderTraceDetailed, renderTraceFigure, TraceError, hash32 } from '../../src/diagram/index';
import { bigTrace, isolatedRead } from './fixtures/handmade';

describe('renderTrace: structure a reader relies on', () => {
  const r = renderTraceDetailed(isolatedRead);

  it('is an accessible image: role=img labelled by its <title> and <desc>', () => {
    const svg = r.svg;
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toMatch(/role="img"/);
    const m = svg.match(/aria-labelledby="([^"]+)"/);
    expect(m).not.toBeNull();
    for (const id of m![1].split(' ')) expect(svg).toContain(`id="${id}"`);
    expect(svg).toContain('<title id="' + r.idPrefix + '-title">QUORUM read from zone A while zone A is cut off</title>');
    expect(r.summary).toMatch(/1 ok, 1 failed/);
    expect(r.summary).toMatch(/3 dropped/);
  });

  it('draws only the lanes that appear, clients first, then replicas in node order', () => {
    expect(r.layout.lanes.map((l) => l.id)).toEqual(['api-a', 'client api-b', 'A', 'B', 'C']);
    expect(r.layout.lanes.map((l) => l.label)).toEqual(['api-a', 'api-b', 'A', 'B', 'C']);
    const xs = r.layout.lanes.map((l) => l.x);
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    expect(r.svg).not.toMatch(/PostgreSQL|DLQ/);
  });

  it('marks dropped messages with × and the reason in their tooltip', () => {
    const drops = r.svg.match(/<g class="dg-msg dg-msg-dropped"[^>]*><title>[^<]*<\/title>/g) ?? [];
    expect(drops).toHaveLength(3);
    expect(drops[0]).toContain('dropped 12 ms — partition: zone A isolated');
    expect(r.svg.match(/class="dg-x"/g)).toHaveLength(3);
  });

  it('shows outcomes: ok, fail with the error, and a stale final value', () => {
    expect(r.svg).toContain('fail: ReadTimeout');
    expect(r.svg).toMatch(/class="dg-op dg-op-ok"/);
    expect(r.svg).toMatch(/class="dg-op dg-op-fail"/);
    // A ends with v2 while v3 is expected
    expect(r.svg).toMatch(/class="dg-final dg-final-stale"><title>A holds v2 at the end \(behind v3\)/);
    expect(r.svg.match(/class="dg-final"/g)).toHaveLength(2);
  });

  it('draws partitions and timeouts as shaded spans', () => {
    expect(r.svg.match(/class="dg-span dg-span-partition"/g)).toHaveLength(2); // A and api-a
    expect(r.svg).toMatch(/class="dg-span dg-span-timeout"/);
  });

  it('places events by virtual time: later events lower, long gaps compressed but labelled', () => {
    const { times, ys } = r.layout;
    for (let i = 1; i < ys.length; i++) expect(ys[i]).toBeGreaterThan(ys[i - 1]);
    expect(times[times.length - 1]).toBe(5012);
    // the 4,988 ms wait is drawn shorter than 100 px and labelled
    expect(ys[ys.length - 1] - ys[ys.length - 2]).toBeLessThan(100);
    expect(r.svg).toContain('⋮ 4.988 s');
  });

  it('flags stale reads', () => {
    const t = structuredClone(isolatedRead);
    t.history!.push({ process: 'c9', type: 'invoke', f: 'read', time: 30, node: 'C' });
    t.history!.push({ process: 'c9', type: 'ok', f: 'read', value: 'v1', time: 31, stale: true });
    const svg = renderTrace(t);
    expect(svg).toMatch(/class="dg-op dg-op-stale"/);
    expect(svg).toContain('STALE → v1');
  });

  it('leaves room left of an actor for its longest operation label (nothing runs off the edge or over the axis)', () => {
    const t = structuredClone(isolatedRead);
    const failed = t.history!.find((h) => h.type === 'fail')!;
    failed.error = 'NoHostAvailable (Unavailable: Cannot achieve consistency level QUORUM)';
    const svg = renderTrace(t);
    const labels = [...svg.matchAll(/<text class="dg-op-(?:out|inv)"[^>]* x="([\d.]+)"[^>]*text-anchor="end">([^<]*)<\/text>/g)];
    expect(labels.length).toBeGreaterThan(3);
    const axisX = Number(svg.match(/<line class="dg-axis" x1="([\d.]+)"/)![1]);
    // right-aligned at x: the text starts about 7 px per (bold) character further left
    for (const [, x, text] of labels) expect(Number(x) - text.length * 7, text).toBeGreaterThan(axisX);
  });

  it('keeps message labels clear of the fault spans\' labels', () => {
    const svg = renderTrace(isolatedRead);
    const box = (x: number, y: number, text: string, anchor: 'start' | 'middle') => {
      const w = text.length * 5.6;
      const x0 = anchor === 'middle' ? x - w / 2 : x;
      return { x0, x1: x0 + w, y0: y - 10, y1: y };
    };
    const msgs = [...svg.matchAll(/<text class="dg-msg-label" x="([\d.]+)" y="([\d.]+)" text-anchor="middle">([^<]*)</g)].map((m) => box(+m[1], +m[2], m[3], 'middle'));
    const spans = [...svg.matchAll(/<text class="dg-span-label[^"]*"[^>]* x="([\d.]+)" y="([\d.]+)">([^<]*)</g)].map((m) => box(+m[1], +m[2], m[3], 'start'));
    expect(msgs.length).toBeGreaterThan(2);
    expect(spans.length).toBe(2); // zone A isolated, read_request_timeout 5 s
    for (const m of msgs) for (const sp of spans) expect(m.x1 <= sp.x0 || m.x0 >= sp.x1 || m.y1 <= sp.y0 || m.y0 >= sp.y1, JSON.stringify({ m, sp })).toBe(true);
  });

  it('is deterministic and stable (file snapshot: open the .svg to review a change)', async () => {
    const a = renderTrace(isolatedRead);
    const b = renderTrace(structuredClone(isolatedRead));
    expect(a).toBe(b);
    await expect(a).toMatchFileSnapshot('./__snapshots__/isolated-read.svg');
  });
});

describe('text alternative', () => {
  it('lists every event in time order inside a <details>', () => {
    const html = renderTraceFigure(isolatedRead);
    expect(html).toMatch(/<details class="dg-text"><summary>The run as text \(18 events\)<\/summary>/);
    const items = [...html.matchAll(/<li value="(\d+)"[^>]*><span class="dg-ev-time">([^<]+)<\/span> ([^<]*)<\/li>/g)];
    expect(items).toHaveLength(18);
    expect(items[0][3]).toBe('zone A isolated (from 0 ms)');
    expect(items.at(-2)![3]).toBe('api-a: read fail: ReadTimeout');
    expect(html).toContain('read data A → B DROPPED (partition: zone A isolated)');
    // scrollable region is keyboard focusable
    expect(html).toMatch(/<div class="dg-scroll" tabindex="0"/);
  });
});

describe('large traces', () => {
  it('paginate past maxEvents and say so', () => {
    const t = bigTrace(1000); // 6,000 events
    const r0 = renderTraceDetailed(t, { maxEvents: 2000 });
    expect(r0.layout.pages).toBe(3);
    expect(r0.layout.events).toHaveLength(2000);
    expect(r0.svg).toContain('Events 1–2000 of 6000 · page 1 of 3');
    expect(r0.summary).toContain('showing events 1–2000 of 6000 (page 1 of 3)');
    const r2 = renderTraceDetailed(t, { maxEvents: 2000, page: 2 });
    expect(r2.layout.range).toEqual([4001, 6000]);
    expect(r2.svg).toContain('continued from the previous page');
    expect(renderTraceFigure(t, { maxEvents: 2000, page: 1 })).toContain('This run has 6000 events; this figure shows events 2001–4000 (page 2 of 3)');
  });

  it('keeps the default page small enough to draw quickly (< 1,500 events)', () => {
    const r = renderTraceDetailed(bigTrace(2000));
    expect(r.layout.events.length).toBeLessThanOrEqual(1500);
    expect(r.layout.pages).toBe(8);
    expect(r.svg.length).toBeLessThan(1_000_000);
  });
});

describe('bad input', () => {
  it('names the entry and the field that is wrong', () => {
    expect(() => renderTrace({ history: [{ process: 1, type: 'done' as never, f: 'read', time: 0 }] })).toThrow(TraceError);
    expect(() => renderTrace({ history: [{ process: 1, type: 'done' as never, f: 'read', time: 0 }] })).toThrow(
      'history[0].type must be invoke, ok, fail or info (got "done")',
    );
    expect(() => renderTrace({ network: [{ event: 'send', id: 1, from: 'A', to: 'B', time: -1 }] })).toThrow('network[0].time');
    expect(() => renderTrace(null as never)).toThrow('expected an object');
  });

  it('escapes text from the trace', () => {
    const svg = renderTrace({ history: [{ process: '<b>', type: 'invoke', f: 'write', value: '"&<x>', time: 0 }] });
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&lt;b&gt;');
  });
});
