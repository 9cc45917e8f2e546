/**
 * The course's build-time diagrams: named simulator runs with fixed seeds. Each scene runs
 * the simulator through its public API (src/sim/index.ts: createWorld, drivers, faults) and turns
 * the world's trace into a DiagramTrace. Same name + seed → the same SVG on every build
 * (snapshot-tested in test/diagram/scenes.test.ts).
 */
import { createWorld, drivers } from '../sim/index';
import { defaultOpValue, fromSimTrace, journalMarks, type SimOpLike, type SimTraceLike } from './adapt';
import type { DiagramMark, DiagramTrace } from './model';
import { renderTraceFigure, type RenderOptions } from './render';

export interface Scene {
  title: string;
  /** Which lesson uses it and what it shows. */
  about: string;
  seed: number;
  build(seed: number): Promise<DiagramTrace>;
}

type World = ReturnType<typeof createWorld>;
const CL = drivers['cassandra-driver'].types.consistencies;
const labels: Record<string, string> = {
  'api-a': 'API (zone A)',
  'api-b': 'API (zone B)',
  'api-c': 'API (zone C)',
  pg: 'PostgreSQL',
  kafka: 'stream',
  processor: 'processor',
};
/** Versions are stored as integers: show 2 as "v2". */
const version = (op: SimOpLike): unknown => {
  const v = defaultOpValue(op);
  return typeof v === 'number' ? `v${v}` : v;
};
function replicaValues(world: World, key: string, table = 'kv'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of ['A', 'B', 'C']) {
    const row = world.replicaRow(id, table, key) as Record<string, unknown> | undefined;
    const v = row ? (table === 'kv' ? row.value : row.status) : undefined;
    out[id] = v === undefined || v === null ? 'missing' : typeof v === 'number' ? `v${v}` : String(v);
  }
  return out;
}
function traceOf(world: World): SimTraceLike {
  return world.trace() as unknown as SimTraceLike;
}
const INSERT = 'INSERT INTO kv (key, value) VALUES (?, ?)';
const SELECT = 'SELECT value FROM kv WHERE key = ?';

export const SCENES = {
  normal: {
    title: 'Normal state: a QUORUM write reaches every replica',
    about: 'Lesson 3 (failure mode): the coordinator sends the write to all three replicas and answers after two acknowledgements; a QUORUM read then sees it.',
    seed: 1,
    build: async (seed) => {
      const world = createWorld({ seed });
      world.cassandraPut('kv', { key: 'order-1', value: 1 }, { nodes: ['A', 'B', 'C'], timestampUs: 1 });
      const a = world.cassandraClient({ zone: 'A', contactPoints: ['A'], failover: false, id: 'api-a' });
      const b = world.cassandraClient({ zone: 'B', contactPoints: ['B'], failover: false, id: 'api-b' });
      await world.run(async () => {
        await a.execute(INSERT, ['order-1', 2], { prepare: true, consistency: CL.quorum });
        await world.sleep(5);
        await b.execute(SELECT, ['order-1'], { prepare: true, consistency: CL.quorum });
      });
      await world.run(() => world.sleep(10));
      return fromSimTrace(traceOf(world), {
        title: 'Normal state: QUORUM write of v2 from zone A, then a QUORUM read from zone B',
        description:
          'All zones connected. The write goes to all three replicas; the coordinator answers after two acknowledgements and the third arrives a moment later. The read asks two replicas and returns v2.',
        labels,
        opValue: version,
        final: replicaValues(world, 'order-1'),
        expected: 'v2',
      });
    },
  },
  'zone-a-isolated': {
    title: 'Zone A isolated: the coordinator in A cannot reach a quorum',
    about: 'Lesson 3 (failure mode), corrected per FACTS §2 and §5: before the failure detectors convict, B sends v3 to A too (lost at the cut) and stores a hint when the write times out, and a QUORUM read through A times out (ReadTimeout); after, B sends v4 to B and C only and stores the hint at once, and the read through A fails at once (Unavailable). Never a stale answer.',
    seed: 1,
    build: async (seed) => {
      const world = createWorld({ seed });
      const marks: DiagramMark[] = [];
      const mark = (node: string, text: string, kind: DiagramMark['kind'] = 'info') => marks.push({ time: world.now, node, text, kind });
      world.cassandraPut('kv', { key: 'order-1', value: 2 }, { nodes: ['A', 'B', 'C'], timestampUs: 1 });
      const a = world.cassandraClient({ zone: 'A', contactPoints: ['A'], failover: false, id: 'api-a' });
      const b = world.cassandraClient({ zone: 'B', contactPoints: ['B'], failover: false, id: 'api-b' });
      world.fault({ kind: 'isolate', zone: 'A' });
      const attempt = (p: Promise<unknown>) => p.catch(() => undefined);
      const hintStored = (n: number) => world.waitFor(() => world.pendingHints('B', 'A') >= n, { pollMs: 1, what: `hint ${n} for A` });
      await world.run(async () => {
        await b.execute(INSERT, ['order-1', 3], { prepare: true, consistency: CL.quorum });
        const firstHint = hintStored(1).then(() => mark('B', 'write timed out for A: hint stored', 'warn'));
        await world.sleep(5);
        await attempt(a.execute(SELECT, ['order-1'], { prepare: true, consistency: CL.quorum }));
        await firstHint;
        // the failure detectors convict the other side of the cut (~18 s)
        await world.waitFor(() => world.isDown('B', 'A') && world.isDown('A', 'B') && world.isDown('A', 'C'), { pollMs: 100, what: 'failure detectors convict' });
        mark('B', 'A marked down', 'info');
        await b.execute(INSERT, ['order-1', 4], { prepare: true, consistency: CL.quorum });
        if (world.pendingHints('B', 'A') >= 2) mark('B', 'nothing sent to A: hint stored at once', 'warn');
        await world.sleep(5);
        await attempt(a.execute(SELECT, ['order-1'], { prepare: true, consistency: CL.quorum }));
      });
      return fromSimTrace(traceOf(world), {
        title: 'Zone A isolated: B and C take v3 and v4; QUORUM reads through A fail, never stale',
        description:
          'Zone A (node A and its API) is cut off. A QUORUM write of v3 from zone B is sent to A, B and C: B and C acknowledge, the copy for A is dropped at the cut, and B stores a hint for A when the 2 s write timeout expires. A QUORUM read through the coordinator in zone A waits out read_request_timeout (ReadTimeout after 5 s). Once the failure detectors have convicted the other side, a QUORUM write of v4 is sent to B and C only, with the hint for A stored at once, and the read through A answers Unavailable at once.',
        labels,
        opValue: version,
        marks,
        final: replicaValues(world, 'order-1'),
        expected: 'v4',
      });
    },
  },
  'quorum-read-repair': {
    title: 'QUORUM read with a digest mismatch and blocking read repair',
    about: 'Lesson 4 (Q1): the coordinator, not the driver, reconciles — data + digest, mismatch, full reads, the newest write timestamp wins, repair, then the answer.',
    seed: 1,
    build: async (seed) => {
      const world = createWorld({ seed, readRepair: 'blocking' });
      // v1 everywhere; v2 (newer timestamp) only on B and C: A missed it while it was down.
      world.cassandraPut('kv', { key: 'order-1', value: 1 }, { nodes: ['A', 'B', 'C'], timestampUs: 1_000 });
      world.cassandraPut('kv', { key: 'order-1', value: 2 }, { nodes: ['B', 'C'], timestampUs: 2_000 });
      const b = world.cassandraClient({ zone: 'B', contactPoints: ['B'], failover: false, id: 'api-b' });
      await world.run(() => b.execute(SELECT, ['order-1'], { prepare: true, consistency: CL.quorum }));
      await world.run(() => world.sleep(5));
      const trace = traceOf(world);
      return fromSimTrace(trace, {
        title: 'QUORUM read: digest mismatch, blocking read repair, then the answer',
        description:
          'A holds v1 (it missed a write); B and C hold v2 with a newer write timestamp. The coordinator B reads data from itself and asks A for a digest; they differ, so B fetches full data, keeps the cell with the newest timestamp (v2), writes it back to A and waits for the acknowledgement, and only then answers v2. Arrival order decides nothing.',
        labels,
        opValue: version,
        final: replicaValues(world, 'order-1'),
        expected: 'v2',
        marks: journalMarks(trace.journal ?? []),
      });
    },
  },
  'cqrs-t1-t7': {
    title: 'The CQRS T1–T7 timeline: PostgreSQL has the order, the read model does not yet',
    about: "Lesson 5 (Q2): the seed's T1–T7 run in the simulator — a read model fed asynchronously lags, partition or not.",
    seed: 1,
    build: async (seed) => {
      const world = createWorld({ seed });
      const marks: DiagramMark[] = [];
      const mark = (node: string, text: string, kind: DiagramMark['kind'] = 'info') => marks.push({ time: world.now, node, text, kind });
      const pg = world.pgPool({ id: 'api-b', zone: 'B' });
      const producer = world.kafka({ clientId: 'api-b-stream', zone: 'B' }).producer();
      const readModel = world.cassandraClient({ zone: 'B', contactPoints: ['B'], failover: false, id: 'api-b-cassandra' });
      const procDb = world.cassandraClient({ zone: 'A', contactPoints: ['A'], failover: false, id: 'processor' });
      const consumer = world.kafka({ clientId: 'processor-stream', zone: 'A' }).consumer({ groupId: 'read-model' });
      world.fault({ kind: 'isolate', zone: 'A' }); // the processor's zone is cut off from B and C
      let attempt = 0;
      await world.run(async () => {
        await consumer.subscribe({ topic: 'orders', fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ message }) => {
            attempt++;
            if (attempt === 1) mark('processor', 'T3 event read; Cassandra write', 'info');
            else mark('processor', `T4 retry #${attempt - 1}`, 'warn');
            const o = JSON.parse(String(message.value)) as { id: string; status: string };
            await procDb.execute('INSERT INTO orders (id, status) VALUES (?, ?)', [o.id, o.status], { prepare: true, consistency: CL.quorum });
          },
        });
        await pg.query("INSERT INTO orders (id, customer_id, status) VALUES ($1, $2, 'created')", ['ord-1', 'c-42']);
        mark('pg', 'T1 order committed', 'ok');
        await producer.send({ topic: 'orders', messages: [{ key: 'ord-1', value: JSON.stringify({ id: 'ord-1', status: 'created' }) }] });
        mark('kafka', 'T2 event published', 'ok');
        await world.sleep(1_500);
        mark('api-b', 'T5 "where is my order?"', 'info');
        const rs = await readModel.execute('SELECT id, status FROM orders WHERE id = ?', ['ord-1'], { prepare: true, consistency: CL.quorum });
        mark('api-b', rs.rowLength ? 'T6 found' : 'T6 read model: not found', rs.rowLength ? 'ok' : 'error');
        const pgr = await pg.query('SELECT id, status FROM orders WHERE id = $1', ['ord-1']);
        mark('api-b', pgr.rowCount ? 'T7 PostgreSQL: order exists' : 'T7 PostgreSQL: missing', 'ok');
        await world.sleep(3_000);
        await consumer.stop();
      });
      return fromSimTrace(traceOf(world), {
        title: 'CQRS T1–T7: the order is in PostgreSQL, not yet in the read model',
        description:
          'T1 the API commits the order in PostgreSQL; T2 publishes the event; T3 the processor (in zone A, cut off) tries to write it to Cassandra at QUORUM and times out; T4 it retries; T5–T6 a customer query at QUORUM from zone B does not find the order in the read model; T7 PostgreSQL has it. The read model lags its source: stale by design, not because QUORUM failed.',
        labels,
        marks,
        alias: { 'api-b-stream': 'api-b', 'api-b-cassandra': 'api-b', 'processor-stream': 'processor' },
        final: replicaValues(world, 'ord-1', 'orders'),
      });
    },
  },
  'hints-pile-up-and-replay': {
    title: 'Hints pile up while a replica is cut off, then replay after the heal',
    about: 'Lesson 7 (Q4): QUORUM writes keep succeeding; the coordinator stores a hint for the unreachable replica for each one and replays them when it is back.',
    seed: 1,
    build: async (seed) => {
      const world = createWorld({ seed });
      const marks: DiagramMark[] = [];
      const a = world.cassandraClient({ zone: 'A', contactPoints: ['A'], failover: false, id: 'api-a' });
      world.fault({ kind: 'isolate', zone: 'C' });
      await world.run(async () => {
        for (let i = 1; i <= 4; i++) {
          await a.execute(INSERT, [`order-${i}`, 1], { prepare: true, consistency: CL.quorum });
          await world.sleep(2_500);
          marks.push({ time: world.now, node: 'A', text: `hints for C: ${world.pendingHints('A', 'C')}`, kind: 'warn' });
        }
        world.fault({ kind: 'heal' });
        marks.push({ time: world.now, node: 'C', text: 'network healed', kind: 'ok' });
        await world.waitFor(() => world.pendingHints('A', 'C') === 0, { timeoutMs: 120_000, what: 'hints replayed' });
        marks.push({ time: world.now, node: 'A', text: 'hints for C: 0 (replayed)', kind: 'ok' });
      });
      const final: Record<string, string> = {};
      for (const id of ['A', 'B', 'C']) {
        let n = 0;
        for (let i = 1; i <= 4; i++) if (world.replicaRow(id, 'kv', `order-${i}`)) n++;
        final[id] = `${n} of 4`;
      }
      return fromSimTrace(traceOf(world), {
        title: 'Hints pile up for C while it is cut off, then replay after the heal',
        description:
          'Zone C is cut off. Four QUORUM writes through A succeed on A and B; the mutations to C are dropped, and since the failure detector has not marked C down yet, A stores a hint for C when each write times out for it (2 s). After the heal, A replays the hints (throttled) and C catches up.',
        labels,
        opValue: version,
        marks,
        final,
        expected: '4 of 4',
      });
    },
  },
} satisfies Record<string, Scene>;

export type SceneName = keyof typeof SCENES;

// One simulator run at a time per JS realm (the learner realm patches globals): Astro renders the
// <Diagram>s of a page concurrently, so scene runs are queued.
let queue: Promise<unknown> = Promise.resolve();

export async function sceneTrace(name: SceneName, seed?: number): Promise<DiagramTrace> {
  const scene: Scene | undefined = SCENES[name];
  if (!scene) throw new Error(`Unknown diagram scene "${name}". Known: ${Object.keys(SCENES).join(', ')}`);
  const next = queue.then(() => scene.build(seed ?? scene.seed));
  queue = next.catch(() => undefined);
  return next;
}

export async function renderScene(
  name: SceneName,
  opts: RenderOptions & { seed?: number; caption?: string; open?: boolean } = {},
): Promise<string> {
  const trace = await sceneTrace(name, opts.seed);
  return renderTraceFigure(trace, { ...opts, caption: opts.caption ?? SCENES[name].title });
}
