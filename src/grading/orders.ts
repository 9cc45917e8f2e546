/**
 * The course's orders, as the exercises that seed them share them: an order as the services see it,
 * its row in PostgreSQL and in the Cassandra read model, random orders from a test's seed, and
 * placing an order in the stores in the state a scenario needs (current, behind, missing, or stale
 * on some replicas). Re-exported by ./api. Pure TypeScript.
 */
import type { TestRandom } from './authoring';
import type { World } from './world';

/** An order as the API and the processor see it. */
export interface Order {
  id: string;
  customerId: string;
  status: string;
  total: number;
  version: number;
}

/** The order's row, as both stores' `orders` tables hold it. */
export function orderRow(o: Order): Record<string, unknown> {
  return { id: o.id, customer_id: o.customerId, status: o.status, total: o.total, version: o.version };
}

/** A short form for failure messages: `{ id: "o-1", status: "paid", version: 2 }`. */
export function showOrder(o: Order | null | undefined): string {
  return o ? `{ id: ${JSON.stringify(o.id)}, status: ${JSON.stringify(o.status)}, version: ${o.version} }` : String(o);
}

/** A random order from the test's seed: `status` is `statuses[version]`. */
export function randomOrder(
  rand: TestRandom,
  o: { id: string; version: number; statuses: readonly string[]; customers: number; total: () => number },
): Order {
  return { id: o.id, customerId: `c-${1 + rand(o.customers)}`, status: o.statuses[o.version], total: o.total(), version: o.version };
}

/**
 * Where the read model stands for an order (every write stamped with the version as its timestamp,
 * as the processor writes them):
 * - `current`: every replica has the order;
 * - `missing`: no replica has it (the processor has not written it yet);
 * - `{ behind }`: every replica has this older version;
 * - `{ staleOn, previous }`: the nodes in `staleOn` have `previous`, the others the order.
 */
export type ReadModelState = 'current' | 'missing' | { behind: Order } | { staleOn: readonly string[]; previous: Order };

/** Put the order into PostgreSQL, and into the read model as `state` says. */
export function putOrder(world: World, order: Order, state: ReadModelState = 'current'): void {
  world.pgInsert('orders', orderRow(order));
  if (state === 'missing') return;
  if (state === 'current') {
    world.cassandraPut('orders', orderRow(order), { timestampUs: order.version });
  } else if ('behind' in state) {
    world.cassandraPut('orders', orderRow(state.behind), { timestampUs: state.behind.version });
  } else {
    const fresh = world.nodes.filter((n) => !state.staleOn.includes(n));
    world.cassandraPut('orders', orderRow(state.previous), { nodes: [...state.staleOn], timestampUs: state.previous.version });
    world.cassandraPut('orders', orderRow(order), { nodes: fresh, timestampUs: order.version });
  }
}
