// GetOrder as the team had it: the Go from the original notes, in TypeScript.
// The API calls getOrder(); `null` means the API answers "no such order" (HTTP 404).
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
  let rs;
  try {
    // Try Cassandra first (fast)
    rs = await deps.cassandra.execute(
      'SELECT id, customer_id, status, total, version FROM orders ' +
        `WHERE id = '${orderId}'`,
      [],
      { consistency: types.consistencies.one },
    );
  } catch (err) {
    // Fallback to PostgreSQL (correct)
    console.log(`Fallback to PostgreSQL for ${orderId}`);
    const res = await deps.pg.query(
      'SELECT id, customer_id, status, total, version FROM orders ' +
        `WHERE id = '${orderId}'`,
    );
    return res.rows.length > 0 ? toOrder(res.rows[0]) : null;
  }
  const row = rs.first();
  if (!row) {
    return null; // not in the read model
  }
  return toOrder(row);
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
