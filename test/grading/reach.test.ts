/**
 * The tests' machinery is out of reach of learner code: from the clients a test passes in, no path
 * of properties, symbols, prototypes, getters, statics or collection entries leads to the simulated
 * world or its parts (PostgreSQL's rows, the cluster's replicas, the fault schedule).
 */
import { describe, expect as vexpect, it } from 'vitest';
import { CNode, Cluster } from '../../src/sim/cassandra';
import { KafkaBroker } from '../../src/sim/kafka';
import { Network } from '../../src/sim/net';
import { PgDatabase } from '../../src/sim/pg';
import { Scheduler } from '../../src/sim/sched';
import { World, createWorld } from '../../src/sim/world';
import { expect } from '../../src/grading/api';
import { bundle, grade } from './helpers';

const INTERNAL = [World, Cluster, CNode, Network, Scheduler, PgDatabase, KafkaBroker];

/** Prototypes shared by every object of the realm: walking them finds nothing of one world. */
const SHARED = new Set<unknown>([
  Object.prototype, Function.prototype, Array.prototype, Map.prototype, Set.prototype, WeakMap.prototype,
  Promise.prototype, Error.prototype, RegExp.prototype, Date.prototype, String.prototype, Number.prototype,
  Symbol.prototype, Object, Function, Array, Map, Set, Promise, Error,
]);

/** Every object reachable from `roots` the way learner code could walk it, or the first internal one. */
function findInternal(roots: object[]): string | null {
  const seen = new Set<unknown>();
  const queue: Array<[unknown, string]> = roots.map((r, i) => [r, `root${i}`]);
  while (queue.length > 0) {
    const [o, path] = queue.shift()!;
    if ((typeof o !== 'object' && typeof o !== 'function') || o === null || seen.has(o) || SHARED.has(o)) continue;
    seen.add(o);
    if (INTERNAL.some((C) => o instanceof C)) return `${path} is a ${(o as object).constructor.name}`;
    if (o instanceof Map) for (const [k, v] of o) queue.push([k, `${path}.key`], [v, `${path}.get()`]);
    if (o instanceof Set) for (const v of o) queue.push([v, `${path}.entry`]);
    // own properties and symbols, then getters anywhere on the prototype chain, called on `o`
    for (let p: object | null = o as object; p && !SHARED.has(p); p = Object.getPrototypeOf(p)) {
      if (p !== o) queue.push([p, `${path}.__proto__`]);
      for (const key of Reflect.ownKeys(p)) {
        const d = Reflect.getOwnPropertyDescriptor(p, key)!;
        const name = `${path}.${String(key)}`;
        if ('value' in d) {
          if (p === o) queue.push([d.value, name]);
        } else if (d.get) {
          try {
            queue.push([d.get.call(o), name]);
          } catch {
            /* a getter that refuses this receiver leaks nothing */
          }
        }
      }
    }
  }
  return null;
}

describe('clients given to learner code do not lead to the world', () => {
  it('no property, symbol, prototype, getter, static or collection entry reaches a world internal', async () => {
    const w = createWorld({ seed: 3 });
    w.pgInsert('orders', { id: 'o-1', customer_id: 'c-1', status: 'paid', total: 1, version: 1 });
    w.schedule([{ at: 50_000, kind: 'isolate', zone: 'A' }]);
    const cassandra = w.cassandraClient({ zone: 'A' });
    const pool = w.pgPool();
    const kafka = w.kafka({ clientId: 'k' });
    const stream = w.stream('orders');
    const processor = w.processor({ stream, handler: async () => {} });
    const [poolClient, rs] = await w.run(async () => [
      await pool.connect(),
      await cassandra.execute('SELECT * FROM orders WHERE id = ?', ['o-1']),
    ]);
    const roots = [cassandra, pool, poolClient, rs, kafka, kafka.producer(), kafka.consumer({ groupId: 'g' }), kafka.admin(), stream, processor];
    vexpect(findInternal(roots)).toBeNull();
  });

  it('the walk finds a world when one is reachable (so a pass above means something)', () => {
    const w = createWorld({ seed: 3 });
    vexpect(findInternal([{ deps: { holder: new Map([['w', w]]) } }])).toMatch(/is a World/);
    vexpect(findInternal([Object.create({ get hidden() { return w; } })])).toMatch(/hidden is a World/);
  });

  it("a driver will not bind to a look-alike world a learner builds", async () => {
    const w = createWorld({ seed: 1 });
    const fake = Object.create(Object.getPrototypeOf(w));
    await vexpect(w.run(() => new (w.pgPool().constructor as new (c: object) => unknown)({ sim: { world: fake } }))).rejects.toThrow(/createWorld/);
  });
});

const LEARNER = `
export async function probe(deps: any) {
  const found: string[] = [];
  const seen = new Set<any>();
  const visit = (o: any, path: string, depth: number) => {
    if (!o || (typeof o !== 'object' && typeof o !== 'function') || seen.has(o) || depth > 6) return;
    seen.add(o);
    if (typeof o.pgRows === 'function' || typeof o.replicaRow === 'function' || o.pgdb || o.faultLog) {
      found.push(path);
      try { o.replicaRow = () => ({ id: 'forged' }); o.pgRows = () => []; } catch {}
    }
    for (const k of Reflect.ownKeys(o)) {
      let v: any;
      try { v = o[k]; } catch { continue; }
      visit(v, path + '.' + String(k), depth + 1);
    }
    for (const s of Object.getOwnPropertySymbols(o)) visit(o[s], path + '[sym]', depth + 1);
    visit(Object.getPrototypeOf(o), path + '.__proto__', depth + 1);
    visit(o.world, path + '.world', depth + 1);
    visit(o.opts, path + '.opts', depth + 1);
    visit(o.constructor, path + '.constructor', depth + 1);
  };
  visit(deps, 'deps', 0);
  return found;
}`;

describe('a learner module probing the clients it is given', () => {
  const ex = bundle(
    (t) => {
      t.test('cannot find the world, and the checks still hold', async (ctx) => {
        const world = ctx.world();
        world.pgInsert('orders', { id: 'o-1', customer_id: 'c-1', status: 'paid', total: 1, version: 1 });
        world.cassandraPut('orders', { id: 'o-1', status: 'paid', version: 1 }, { nodes: ['A'] });
        world.schedule([{ at: 60_000, kind: 'crash', node: 'B' }]);
        const deps = { cassandra: world.cassandraClient({ zone: 'A' }), pg: world.pgPool(), kafka: world.kafka({ clientId: 'k' }) };
        const found = await world.run(() => ctx.load().probe(deps));
        expect(found, 'paths from the clients to the world').to.deep.equal([]);
        expect(world.pgRows('orders').map((r) => r.id)).to.deep.equal(['o-1']);
        expect(world.replicaRow('A', 'orders', 'o-1')?.status).to.equal('paid');
        expect(world.faultLog.length + 1, 'the schedule is untouched').to.equal(1);
      });
    },
    () => {},
    { exports: ['probe'] },
  );

  it('passes: nothing found, inspection methods intact', async () => {
    const r = await grade(ex, LEARNER);
    vexpect(r.tests[0]).toMatchObject({ status: 'pass' });
  });
});
