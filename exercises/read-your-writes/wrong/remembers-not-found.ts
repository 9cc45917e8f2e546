// rejects: processor lagging: an order just placed is not in the read model yet
// Remembers the ids PostgreSQL did not have and answers null for them from then on without asking: an order placed after its page was first opened stays "no such order".
import { types } from 'cassandra-driver';
import type { Client } from 'cassandra-driver';
import type { Pool } from 'pg';

export interface Order { id: string; customerId: string; status: string; total: number; version: number }
export interface Deps { cassandra: Client; pg: Pool }

const CQL = 'SELECT id, customer_id, status, total, version FROM orders WHERE id = ?';
const SQL = 'SELECT id, customer_id, status, total, version FROM orders WHERE id = $1';
function toOrder(row: { [column: string]: any }): Order {
  return { id: String(row.id), customerId: String(row.customer_id), status: String(row.status), total: Number(row.total), version: Number(row.version) };
}

const missing = new Set<string>();
export async function getOrderAtLeast(deps: Deps, orderId: string, minVersion: number): Promise<Order | null> {
  if (missing.has(orderId)) return null;
  try {
    const rs = await deps.cassandra.execute(CQL, [orderId], { prepare: true, consistency: types.consistencies.quorum, readTimeout: 100 });
    const row = rs.first();
    if (row && Number(row.version) >= minVersion) return toOrder(row);
  } catch {}
  const res = await deps.pg.query(SQL, [orderId]);
  if (!res.rows.length) { missing.add(orderId); return null; }
  return toOrder(res.rows[0]);
}
