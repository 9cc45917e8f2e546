// rejects: healthy cluster: most reads are served by Cassandra
// Always reads the source of truth: never older than the token, but the read model takes no load at all.
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
  cassandra: Client;
  pg: Pool;
}

export async function getOrderAtLeast(deps: Deps, orderId: string, minVersion: number): Promise<Order | null> {
  const res = await deps.pg.query('SELECT id, customer_id, status, total, version FROM orders WHERE id = $1', [orderId]);
  const row = res.rows[0];
  if (!row) return null;
  return { id: String(row.id), customerId: String(row.customer_id), status: String(row.status), total: Number(row.total), version: Number(row.version) };
}
