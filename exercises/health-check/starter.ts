// CheckHealth and ReadWithFallback as the team had them: the Go from the original
// notes, in TypeScript.
import { types } from 'cassandra-driver';
import type { Client } from 'cassandra-driver';
import type { Pool } from 'pg';

export type ClusterHealth = 'healthy' | 'degraded' | 'unavailable';

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

export class CassandraCluster {
  private health: ClusterHealth = 'healthy';
  private lastCheck = 0;

  constructor(
    private readonly deps: Deps,
    private readonly timeoutMs?: number,
  ) {}

  /** Check cluster health via lightweight query. */
  async checkHealth(): Promise<ClusterHealth> {
    const now = Date.now();
    if (now - this.lastCheck < 5000) {
      return this.health;
    }

    this.lastCheck = now;

    // Lightweight query to local node
    try {
      await this.deps.cassandra.execute('SELECT now() FROM system.local LIMIT 1', [], {
        consistency: types.consistencies.one,
        readTimeout: this.timeoutMs,
      });
      this.health = 'healthy';
    } catch (err) {
      if (err instanceof Error && err.name === 'TimeoutError') {
        // Query timed out - degraded!
        this.health = 'degraded';
      } else {
        // Can't reach any host - unavailable!
        this.health = 'unavailable';
      }
    }

    return this.health;
  }

  async readWithFallback(orderId: string): Promise<Order | null> {
    const health = await this.checkHealth();

    if (health === 'unavailable') {
      // Fail fast to PostgreSQL
      console.log(`Cassandra unavailable, using PostgreSQL for ${orderId}`);
      return this.readFromPostgres(orderId);
    }

    if (health === 'degraded') {
      // Try Cassandra, but short timeout
      try {
        return await this.readFromCassandra(orderId, 100);
      } catch {
        console.log(`Cassandra degraded, using PostgreSQL for ${orderId}`);
        return this.readFromPostgres(orderId);
      }
    }

    // Healthy: Use Cassandra
    return this.readFromCassandra(orderId);
  }

  private async readFromCassandra(
    orderId: string,
    timeoutMs?: number,
  ): Promise<Order | null> {
    const rs = await this.deps.cassandra.execute(
      'SELECT id, customer_id, status, total, version FROM orders WHERE id = ?',
      [orderId],
      {
        prepare: true,
        consistency: types.consistencies.quorum,
        readTimeout: timeoutMs,
      },
    );
    const row = rs.first();
    return row ? toOrder(row) : null;
  }

  private async readFromPostgres(orderId: string): Promise<Order | null> {
    const res = await this.deps.pg.query(
      'SELECT id, customer_id, status, total, version FROM orders WHERE id = $1',
      [orderId],
    );
    return res.rows.length > 0 ? toOrder(res.rows[0]) : null;
  }
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
