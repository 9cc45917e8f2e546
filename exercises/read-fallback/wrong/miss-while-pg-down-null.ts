// rejects: When PostgreSQL cannot answer either, throw: never tell a customer an order does not exist because you could not look it up.
// Falls back on a read-model miss, but treats PostgreSQL's failure there as "no such order": while PostgreSQL is down, an order the read model has not received yet is reported missing (404) instead of failing loudly (503).
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

const SQL = 'SELECT id, customer_id, status, total, version FROM orders WHERE id = $1';

export async function getOrder(deps: Deps, orderId: string): Promise<Order | null> {
  try {
    const rs = await deps.cassandra.execute(
      'SELECT id, customer_id, status, total, version FROM orders WHERE id = ?',
      [orderId],
      { prepare: true, consistency: types.consistencies.quorum, readTimeout: 100 },
    );
    const row = rs.first();
    if (row) return toOrder(row);
  } catch {
    // Cassandra failed: PostgreSQL must answer, and its error reaches the caller.
    const res = await deps.pg.query(SQL, [orderId]);
    return res.rows.length > 0 ? toOrder(res.rows[0]) : null;
  }
  // A miss: "probably not there yet", so double-check, and give up quietly if PostgreSQL is busy.
  try {
    const res = await deps.pg.query(SQL, [orderId]);
    return res.rows.length > 0 ? toOrder(res.rows[0]) : null;
  } catch {
    return null;
  }
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
