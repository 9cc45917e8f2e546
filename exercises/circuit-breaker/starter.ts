// The team's circuit breaker around the Cassandra read of the order read model.
// getOrder() below is fine; the breaker is what needs work.
import { types } from 'cassandra-driver';
import type { Client } from 'cassandra-driver';
import type { Pool } from 'pg';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** How many failures in a row open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before one trial call is let through. */
  coolDownMs: number;
  /**
   * Which errors count against the dependency. Any other error means it answered.
   * Default: every error.
   */
  isFailure?: (err: unknown) => boolean;
}

/**
 * Thrown instead of calling the dependency while the circuit is open
 * (or a trial is in flight).
 */
export class CircuitOpenError extends Error {
  constructor(message = 'Circuit open: Cassandra was not called') {
    super(message);
    this.name = 'CircuitOpenError';
  }
}

export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private failures = 0;
  private lastFailure = 0;

  constructor(private readonly options: BreakerOptions) {}

  get state(): BreakerState {
    return this.current;
  }

  async call<T>(fn: () => Promise<T>): Promise<T> {
    if (this.current === 'open') {
      if (Date.now() - this.lastFailure > this.options.coolDownMs) {
        // Cool-down over: give Cassandra another chance.
        this.current = 'half-open';
      } else {
        throw new CircuitOpenError();
      }
    }

    try {
      const value = await fn();
      if (this.current === 'half-open') {
        this.current = 'closed';
      }
      return value;
    } catch (err) {
      this.failures++;
      this.lastFailure = Date.now();
      if (this.failures >= this.options.failureThreshold) {
        this.current = 'open';
      }
      throw err;
    }
  }
}

// ---- The read path that uses the breaker (nothing to change here) ----

export interface Order {
  id: string;
  customerId: string;
  status: string;
  total: number;
  version: number;
}

/**
 * Cassandra answered, but the read model has no row for this order
 * (like gocql's ErrNotFound).
 */
export class NotInReadModelError extends Error {
  constructor(orderId: string) {
    super(`order ${orderId} is not in the read model`);
    this.name = 'NotInReadModelError';
  }
}

export interface Deps {
  /** The read model: Cassandra, RF=3, one replica per availability zone. */
  cassandra: Client;
  /** The source of truth: PostgreSQL. */
  pg: Pool;
  /** One breaker per API instance, shared by every request. */
  breaker: CircuitBreaker;
}

/**
 * The breaker the API creates at start-up. A missing row is an answer, not a failure.
 */
export function createBreaker(): CircuitBreaker {
  return new CircuitBreaker({
    failureThreshold: 5,
    coolDownMs: 10_000,
    isFailure: (err) => !(err instanceof NotInReadModelError),
  });
}

export async function readFromCassandra(
  cassandra: Client,
  orderId: string,
): Promise<Order> {
  const rs = await cassandra.execute(
    'SELECT id, customer_id, status, total, version FROM orders WHERE id = ?',
    [orderId],
    { prepare: true, consistency: types.consistencies.quorum, readTimeout: 100 },
  );
  const row = rs.first();
  if (!row) throw new NotInReadModelError(orderId);
  return toOrder(row);
}

/**
 * Cassandra through the breaker; PostgreSQL when the circuit is open, the read fails,
 * or misses.
 */
export async function getOrder(deps: Deps, orderId: string): Promise<Order | null> {
  try {
    return await deps.breaker.call(() => readFromCassandra(deps.cassandra, orderId));
  } catch {
    // open circuit, failed read or miss: ask the source of truth
  }
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
