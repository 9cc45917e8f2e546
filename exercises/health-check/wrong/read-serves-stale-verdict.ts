// rejects: Keep one probe in flight and let concurrent callers share its result.
// readWithFallback() never waits for a probe after the first: it acts on the last verdict, however old,
// and refreshes it in the background, so the first reads after a change follow a verdict older than 5 s.
import { errors, types } from 'cassandra-driver';
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

const PROBE_TIMEOUT_MS = 500;
const CACHE_MS = 5000;
const DEGRADED_BUDGET_MS = 100;
const HEALTHY_BUDGET_MS = 1000;
/**
 * Any key will do: a QUORUM read of a missing row still needs two replicas to answer.
 */
const PROBE_KEY = 'health-probe';

export class CassandraCluster {
  private health: ClusterHealth = 'healthy';
  private checkedAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<ClusterHealth> | null = null;

  constructor(private readonly deps: Deps) {}

  checkHealth(): Promise<ClusterHealth> {
    if (Date.now() - this.checkedAt < CACHE_MS) {
      return Promise.resolve(this.health);
    }
    if (!this.inFlight) {
      this.inFlight = this.probe().finally(() => {
        this.inFlight = null;
      });
    }
    return this.inFlight;
  }

  private async probe(): Promise<ClusterHealth> {
    let health: ClusterHealth;
    try {
      await this.deps.cassandra.execute(
        'SELECT id FROM orders WHERE id = ?',
        [PROBE_KEY],
        {
          prepare: true,
          consistency: types.consistencies.quorum,
          readTimeout: PROBE_TIMEOUT_MS,
        },
      );
      health = 'healthy';
    } catch (err) {
      health = classify(err);
    }
    this.health = health;
    this.checkedAt = Date.now();
    return health;
  }

  async readWithFallback(orderId: string): Promise<Order | null> {
    // reads never wait for a probe: use the last verdict and refresh it in the background
    const health = Number.isFinite(this.checkedAt) ? this.health : await this.checkHealth();
    void this.checkHealth();
    if (health === 'unavailable') {
      return this.readFromPostgres(orderId);
    }
    const budget = health === 'degraded' ? DEGRADED_BUDGET_MS : HEALTHY_BUDGET_MS;
    try {
      const order = await this.readFromCassandra(orderId, budget);
      if (order) return order;
    } catch {
      // fall through to the source of truth
    }
    return this.readFromPostgres(orderId);
  }

  private async readFromCassandra(
    orderId: string,
    timeoutMs: number,
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

function classify(err: unknown): ClusterHealth {
  if (err instanceof errors.OperationTimedOutError) return 'degraded';
  if (err instanceof errors.ResponseError) {
    if (err.code === types.responseErrorCodes.unavailableException)
      return 'unavailable';
    // read timeout, overloaded, …: the replicas exist but answer slowly
    return 'degraded';
  }
  // NoHostAvailableError and anything else: we cannot reach the cluster.
  return 'unavailable';
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
