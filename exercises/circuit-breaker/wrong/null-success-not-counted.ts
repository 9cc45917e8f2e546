// rejects: Closed: call `fn` and count failures in a row. A success resets the count; `failureThreshold` failures in a row open the circuit.
// Only a truthy value counts as a success: a read that resolves with null (a success all the same) does not reset the count, so failures around it add up and open the circuit early.
import { types } from 'cassandra-driver';
import type { Client } from 'cassandra-driver';
import type { Pool } from 'pg';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  failureThreshold: number;
  coolDownMs: number;
  isFailure?: (err: unknown) => boolean;
}

export class CircuitOpenError extends Error {
  constructor(message = 'Circuit open: Cassandra was not called') {
    super(message);
    this.name = 'CircuitOpenError';
  }
}
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private trialRunning = false;

  constructor(private readonly options: BreakerOptions) {}

  get state(): BreakerState {
    return this.current;
  }

  async call<T>(fn: () => Promise<T>): Promise<T> {
    let trial = false;
    if (this.current === 'open') {
      if (Date.now() - this.openedAt < this.options.coolDownMs) throw new CircuitOpenError();
      this.current = 'half-open';
    }
    if (this.current === 'half-open') {
      if (this.trialRunning) throw new CircuitOpenError('trial in flight');
      this.trialRunning = true;
      trial = true;
    }
    try {
      const value = await fn();
      if (value) this.onAnswer(trial);
      else if (trial) this.onAnswer(trial);
      return value;
    } catch (err) {
      const counts = this.options.isFailure?.(err) ?? true;
      if (counts) this.onFailure(trial);
      else this.onAnswer(trial);
      throw err;
    }
  }

  private onAnswer(trial: boolean) {
    if (trial) {
      this.trialRunning = false;
      this.current = 'closed';
      this.failures = 0;
    } else if (this.current === 'closed') {
      this.failures = 0;
    }
  }

  private onFailure(trial: boolean) {
    if (trial) {
      this.trialRunning = false;
      this.open();
    } else if (this.current === 'closed') {
      this.failures++;
      if (this.failures >= this.options.failureThreshold) this.open();
    }
  }

  private open() {
    this.current = 'open';
    this.openedAt = Date.now();
    this.failures = 0;
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
