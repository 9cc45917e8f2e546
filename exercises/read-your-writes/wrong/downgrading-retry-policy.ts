// rejects: Read Cassandra at QUORUM on every read, with a token or without, and with a short budget (about 100 ms, `readTimeout`); pass the order id as a bound parameter (`?` with `{ prepare: true }`, `$1` in PostgreSQL).
// Asks for QUORUM, but a "downgrading" retry policy (like the Java driver's DowngradingConsistencyRetryPolicy)
// retries at ONE when QUORUM cannot be reached: a single replica answers, which may have missed an update.
import { types, policies } from 'cassandra-driver';
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
class Downgrading extends policies.retry.RetryPolicy {
  override onUnavailable(info: { nbRetry: number }) {
    return info.nbRetry > 0 ? this.rethrowResult() : this.retryResult(types.consistencies.one, true);
  }
  override onReadTimeout(info: { nbRetry: number }, consistency: types.consistencies, received: number) {
    return info.nbRetry > 0 || received < 1 ? this.rethrowResult() : this.retryResult(types.consistencies.one, true);
  }
}
const OPTS = { prepare: true, consistency: types.consistencies.quorum, readTimeout: 100, retry: new Downgrading() };

export async function getOrderAtLeast(deps: Deps, orderId: string, minVersion: number): Promise<Order | null> {
  try {
    const row = (await deps.cassandra.execute('SELECT id, customer_id, status, total, version FROM orders WHERE id = ?', [orderId], OPTS)).first();
    if (row && Number(row.version) >= minVersion) return toOrder(row);
  } catch {}
  const res = await deps.pg.query('SELECT id, customer_id, status, total, version FROM orders WHERE id = $1', [orderId]);
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
