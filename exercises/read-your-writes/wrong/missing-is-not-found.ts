// rejects: processor lagging: an order just placed is not in the read model yet
// Checks the version of a row, but treats a missing row as "no such order": an order placed a moment ago is denied.
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
  /** The read model: Cassandra, RF=3, one replica per availability zone, fed by the processor. */
  cassandra: Client;
  /** The source of truth: PostgreSQL, where every command commits first. */
  pg: Pool;
}

/** How long a read may wait for Cassandra before asking PostgreSQL instead. */
const CASSANDRA_BUDGET_MS = 100;

export async function getOrderAtLeast(deps: Deps, orderId: string, minVersion: number): Promise<Order | null> {
  try {
    const rs = await deps.cassandra.execute(
      'SELECT id, customer_id, status, total, version FROM orders WHERE id = ?',
      [orderId],
      { prepare: true, consistency: types.consistencies.quorum, readTimeout: CASSANDRA_BUDGET_MS },
    );
    const row = rs.first();
    if (!row) return null; // not in the read model
    if (Number(row.version) >= minVersion) return toOrder(row);
  } catch {
    // the read model cannot answer: ask PostgreSQL
  }
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
