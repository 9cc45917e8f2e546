/**
 * The lesson diagrams are real simulator runs with fixed seeds: same seed → same SVG (file snapshots
 * under __snapshots__/, open them to review a change), and each run shows what its lesson says.
 */
import { describe, expect, it } from 'vitest';
import { SCENES, sceneTrace, type SceneName } from '../../src/diagram/scenes';
import { renderTraceDetailed } from '../../src/diagram/render';

const names = Object.keys(SCENES) as SceneName[];

describe.each(names)('scene %s', (name) => {
  it('renders the same SVG twice from the same seed (file snapshot)', async () => {
    const a = renderTraceDetailed(await sceneTrace(name), { idPrefix: `dg-${name}` });
    const b = renderTraceDetailed(await sceneTrace(name), { idPrefix: `dg-${name}` });
    expect(a.svg).toBe(b.svg);
    expect(a.layout.totalEvents).toBeGreaterThan(5);
    expect(a.layout.pages).toBe(1);
    await expect(a.svg).toMatchFileSnapshot(`./__snapshots__/scene-${name}.svg`);
  });
});

const sends = (t: Awaited<ReturnType<typeof sceneTrace>>) =>
  t.network!.filter((m) => m.event === 'send').map((m) => `${m.type} ${m.from}>${m.to}`);
const outcomes = (t: Awaited<ReturnType<typeof sceneTrace>>) =>
  t.history!.filter((o) => o.type !== 'invoke').map((o) => `${o.process} ${o.f} ${o.type}${o.error ? ' ' + o.error : ''}${o.value !== undefined ? ' ' + String(o.value) : ''}`);

describe('each diagram shows what its lesson says', () => {
  it('normal: the write goes to all three replicas; QUORUM read returns v2', async () => {
    const t = await sceneTrace('normal');
    const s = sends(t);
    expect(s.filter((m) => m.startsWith('mutation ')).length).toBe(2); // coordinator A writes locally + B + C
    expect(outcomes(t)).toEqual(['api-a write order-1 ok v2', 'api-b read order-1 ok v2']);
    expect(t.final).toEqual({ A: 'v2', B: 'v2', C: 'v2' });
  });

  it('zone A isolated (FACTS §2, §5): A gets v3 sent and is hinted on timeout, then once marked down gets nothing and is hinted at once; reads through A fail with ReadTimeout, then Unavailable — never stale', async () => {
    const t = await sceneTrace('zone-a-isolated');
    expect(t.final).toEqual({ A: 'v2', B: 'v4', C: 'v4' });
    expect(outcomes(t)).toEqual([
      'api-b write order-1 ok v3',
      'api-a read order-1 fail ReadTimeout',
      'api-b write order-1 ok v4',
      'api-a read order-1 fail NoHostAvailable (Unavailable)',
    ]);
    const marks = t.marks!.map((m) => m.text);
    expect(marks).toEqual(['write timed out for A: hint stored', 'A marked down', 'nothing sent to A: hint stored at once']);
    const markedDown = t.marks!.find((m) => m.text === 'A marked down')!.time;
    const mutationsToA = t.network!.filter((m) => m.event === 'send' && m.type === 'mutation' && m.from === 'B' && m.to === 'A');
    expect(mutationsToA.length).toBe(1);
    expect(mutationsToA.every((m) => m.time < markedDown)).toBe(true);
    expect(t.network!.some((m) => m.event === 'drop' && m.to === 'A' && m.reason === 'partition')).toBe(true);
    expect(t.spans).toContainEqual(expect.objectContaining({ kind: 'partition', nodes: ['A', 'api-a'], label: 'zone A isolated' }));
  });

  it('QUORUM read repair: digest mismatch, full data, repair to A, then the answer v2', async () => {
    const t = await sceneTrace('quorum-read-repair');
    expect(sends(t)).toEqual([
      'execute api-b>B',
      'read-digest B>A',
      'digest A>B',
      'read-data B>A',
      'data A>B',
      'read-repair B>A',
      'read-repair-ack A>B',
      'result B>api-b',
    ]);
    expect(outcomes(t)).toEqual(['api-b read order-1 ok v2']);
    expect(t.final).toEqual({ A: 'v2', B: 'v2', C: 'v2' });
    expect(t.marks!.map((m) => m.text)).toEqual(['digest mismatch → full reads', 'blocking read repair']);
  });

  it('CQRS T1–T7: PostgreSQL has the order, the read model does not; the processor keeps retrying', async () => {
    const t = await sceneTrace('cqrs-t1-t7');
    const marks = t.marks!.map((m) => m.text);
    for (const k of ['T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7']) expect(marks.some((m) => m.startsWith(k))).toBe(true);
    expect(marks).toContain('T6 read model: not found');
    expect(marks).toContain('T7 PostgreSQL: order exists');
    const o = outcomes(t);
    expect(o).toContain('api-b read ord-1 ok not found');
    expect(o.filter((x) => x.startsWith('processor write ord-1 info WriteTimeout')).length).toBeGreaterThanOrEqual(2);
  });

  it('hints: QUORUM writes succeed while C is cut off, hints pile up on A, replay after the heal', async () => {
    const t = await sceneTrace('hints-pile-up-and-replay');
    expect(outcomes(t).every((x) => / ok /.test(x))).toBe(true);
    const piles = t.marks!.filter((m) => m.text.startsWith('hints for C')).map((m) => m.text);
    expect(piles[0]).toBe('hints for C: 1');
    expect(piles.at(-1)).toBe('hints for C: 0 (replayed)');
    expect(Math.max(...piles.map((p) => Number(/\d+/.exec(p)![0])))).toBe(4);
    expect(sends(t).filter((m) => m === 'hint A>C')).toHaveLength(4);
    expect(t.final).toEqual({ A: '4 of 4', B: '4 of 4', C: '4 of 4' });
  });
});

describe('traces as the grader carries them (world.trace() through JSON)', () => {
  it('renderSimTrace draws a failed run: the error, the dropped messages, the partition', async () => {
    const { createWorld, drivers } = await import('../../src/sim/index');
    const { renderSimTrace } = await import('../../src/diagram/index');
    const world = createWorld({ seed: 3 });
    const a = world.cassandraClient({ zone: 'A', contactPoints: ['A'], failover: false, id: 'api-a' });
    world.fault({ kind: 'isolate', zone: 'A' });
    await world
      .run(() => a.execute('SELECT value FROM kv WHERE key = ?', ['k'], { prepare: true, consistency: drivers['cassandra-driver'].types.consistencies.quorum }))
      .catch(() => undefined);
    const carried = JSON.parse(JSON.stringify(world.trace()));
    const svg = renderSimTrace(carried, { idPrefix: 't' });
    expect(svg).toContain('fail: ReadTimeout');
    expect(svg).toMatch(/class="dg-msg dg-msg-dropped"/);
    expect(svg).toMatch(/class="dg-span dg-span-partition"/);
    expect(svg).toContain('zone A isolated');
  });
});

describe('build time', () => {
  it('several <Diagram>s rendered concurrently (as Astro does) all succeed and match the sequential result', async () => {
    const { renderScene } = await import('../../src/diagram/scenes');
    const concurrent = await Promise.all(names.map((n) => renderScene(n, { idPrefix: `c-${n}` })));
    for (const [i, n] of names.entries()) expect(concurrent[i]).toBe(await renderScene(n, { idPrefix: `c-${n}` }));
  });
});
