// rejects: Ask PostgreSQL whenever Cassandra errors, times out, or does not have the order: a miss in the read model is not proof that the order does not exist.
// Throws "not found" when PostgreSQL has no such order: the API answers 503 "try again" for an order that does not exist, instead of 404.
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
    // ask PostgreSQL
  }
  const res = await deps.pg.query('SELECT id, customer_id, status, total, version FROM orders WHERE id = $1', [orderId]);
  if (res.rows.length === 0) throw new Error(`order ${orderId} not found`);
  return toOrder(res.rows[0]);
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
