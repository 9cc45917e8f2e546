// rejects: Ask PostgreSQL whenever Cassandra errors, times out, or does not have the order: a miss in the read model is not proof that the order does not exist.
// Remembers every "not found" answer in module memory and returns null for that id from then on without asking either store.
import { types, policies } from 'cassandra-driver';
import type { Client } from 'cassandra-driver';
import type { Pool } from 'pg';

export interface Order { id: string; customerId: string; status: string; total: number; version: number }
export interface Deps { cassandra: Client; pg: Pool }

const CQL = 'SELECT id, customer_id, status, total, version FROM orders WHERE id = ?';
const SQL = 'SELECT id, customer_id, status, total, version FROM orders WHERE id = $1';
const OPTS = { prepare: true, consistency: types.consistencies.quorum, readTimeout: 100 };
const known404 = new Set<string>();
export async function getOrder(deps: Deps, orderId: string): Promise<Order | null> {
  if (known404.has(orderId)) return null;
  try {
    const rs = await deps.cassandra.execute(CQL, [orderId], OPTS);
    const row = rs.first();
    if (row) return toOrder(row);
  } catch {}
  const res = await deps.pg.query(SQL, [orderId]);
  if (res.rows.length === 0) { known404.add(orderId); return null; }
  return toOrder(res.rows[0]);
}

function toOrder(row: { [column: string]: any }): Order {
  return { id: String(row.id), customerId: String(row.customer_id), status: String(row.status), total: Number(row.total), version: Number(row.version) };
}

