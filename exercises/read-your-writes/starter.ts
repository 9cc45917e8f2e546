// The team's query for the order page, as it was: it trusts the read model.
// The API calls getOrderAtLeast(); `null` means the API answers "no such order"
// (HTTP 404). `minVersion` is the token the last command returned to this caller (the
// order's version after their change), or 0 when the request carries no token. Nobody
// uses it yet.
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
  /**
   * The read model: Cassandra, RF=3, one replica per availability zone, fed by the
   * processor.
   */
  cassandra: Client;
  /** The source of truth: PostgreSQL, where every command commits first. */
  pg: Pool;
}

export async function getOrderAtLeast(
  deps: Deps,
  orderId: string,
  minVersion: number,
): Promise<Order | null> {
  const rs = await deps.cassandra.execute(
    'SELECT id, customer_id, status, total, version FROM orders WHERE id = ?',
    [orderId],
    { prepare: true, consistency: types.consistencies.quorum },
  );
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
