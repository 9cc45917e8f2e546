// rejects: PostgreSQL down: orders in the read model are still served
// Reads both stores every time and trusts PostgreSQL: a PostgreSQL outage now takes every read down with it.
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
  const [rs, res] = await Promise.all([
    deps.cassandra
      .execute('SELECT id, customer_id, status, total, version FROM orders WHERE id = ?', [orderId], {
        prepare: true,
        consistency: types.consistencies.quorum,
        readTimeout: 100,
      })
      .catch(() => null),
    deps.pg.query('SELECT id, customer_id, status, total, version FROM orders WHERE id = $1', [orderId]),
  ]);
  if (res.rows.length > 0) return toOrder(res.rows[0]);
  const row = rs?.first();
  return row ? toOrder(row) : null;
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
