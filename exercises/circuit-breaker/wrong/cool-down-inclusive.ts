// rejects: Open: reject at once with a `CircuitOpenError`, without calling `fn` and without waiting, until `coolDownMs` have passed since the circuit opened.
// The cool-down is taken as inclusive (`<=`): a call exactly coolDownMs after the circuit opened is still rejected instead of being the trial.
// A circuit breaker around the Cassandra read of the order read model, corrected.
// - Closed: calls go through; only failures IN A ROW count (a success, or an error that
//   shows Cassandra answered, resets the count).
// - Open: calls are rejected at once with CircuitOpenError; Cassandra is not called.
// - Half-open: once the cool-down has passed, exactly one trial call goes through;
//   every other caller is rejected at once while it runs. Its success closes the
//   circuit (count reset), its failure opens it again for a full cool-down.
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
  private openedAt = 0;

  constructor(private readonly options: BreakerOptions) {}

  get state(): BreakerState {
    return this.current;
  }

  async call<T>(fn: () => Promise<T>): Promise<T> {
    if (this.current === 'half-open') {
      throw new CircuitOpenError('Circuit half-open: a trial call is in flight');
    }
    if (this.current === 'open') {
      if (Date.now() - this.openedAt <= this.options.coolDownMs)
        throw new CircuitOpenError();
      this.current = 'half-open'; // this caller is the one trial
      return this.trial(fn);
    }
    try {
      const value = await fn();
      if (this.current === 'closed') this.failures = 0;
      return value;
    } catch (err) {
      // Calls that were in flight when the circuit opened change nothing.
      if (this.current === 'closed') {
        if (!this.countsAsFailure(err)) this.failures = 0;
        else if (++this.failures >= this.options.failureThreshold) this.open();
      }
      throw err;
    }
  }

  private async trial<T>(fn: () => Promise<T>): Promise<T> {
    try {
      const value = await fn();
      this.close();
      return value;
    } catch (err) {
      if (this.countsAsFailure(err)) this.open();
      else this.close(); // Cassandra answered (e.g. no such row): it is back
      throw err;
    }
  }

  private countsAsFailure(err: unknown): boolean {
    return this.options.isFailure ? this.options.isFailure(err) : true;
  }

  private open(): void {
    this.current = 'open';
    this.openedAt = Date.now();
  }

  private close(): void {
    this.current = 'closed';
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
