// rejects: Use the token: return the read model's row only when its `version` is at least `minVersion` (when there is no token, `minVersion` 0, whatever row the QUORUM read returns will do).
// Compares the row's version with the token as strings: '10' < '9', so with versions past 9 a current row is sent to PostgreSQL and an older row passes for the caller's version.
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

export async function getOrderAtLeast(deps: Deps, orderId: string, minVersion: number): Promise<Order | null> {
  try {
    const rs = await deps.cassandra.execute(CQL, [orderId], { prepare: true, consistency: types.consistencies.quorum, readTimeout: 100 });
    const row = rs.first();
    if (row && String(row.version) >= String(minVersion)) return toOrder(row);
  } catch {}
  const res = await deps.pg.query(SQL, [orderId]);
  return res.rows.length ? toOrder(res.rows[0]) : null;
}
