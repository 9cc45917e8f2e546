// rejects: Open: reject at once with a `CircuitOpenError`, without calling `fn` and without waiting, until `coolDownMs` have passed since the circuit opened.
// A call() that is not async and throws CircuitOpenError synchronously: no rejected promise, so breaker.call(fn).catch(…) never runs.
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
  state: BreakerState = 'closed';
  private row = 0;
  private openedAt = 0;
  private probing = false;
  constructor(private readonly options: BreakerOptions) {}
  call<T>(fn: () => Promise<T>): Promise<T> {
    const now = Date.now();
    if (this.state === 'open' && now - this.openedAt >= this.options.coolDownMs) this.state = 'half-open';
    if (this.state === 'open') throw new CircuitOpenError();
    const isTrial = this.state === 'half-open';
    if (isTrial) {
      if (this.probing) throw new CircuitOpenError();
      this.probing = true;
    }
    let p: Promise<T>;
    try { p = Promise.resolve(fn()); } catch (e) { p = Promise.reject(e); }
    return p.then(
      (v) => { this.settle(isTrial, false); return v; },
      (e: unknown) => {
        const f = this.options.isFailure === undefined ? true : this.options.isFailure(e);
        this.settle(isTrial, f);
        return Promise.reject(e);
      },
    );
  }
  private settle(isTrial: boolean, failure: boolean): void {
    if (isTrial) {
      this.probing = false;
      if (failure) { this.state = 'open'; this.openedAt = Date.now(); }
      else { this.state = 'closed'; }
      this.row = 0;
      return;
    }
    if (this.state !== 'closed') return;
    if (!failure) { this.row = 0; return; }
    this.row = this.row + 1;
    if (this.row >= this.options.failureThreshold) { this.state = 'open'; this.openedAt = Date.now(); this.row = 0; }
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

/** Cassandra answered, but the read model has no row for this order (like gocql's ErrNotFound). */
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

/** The breaker the API creates at start-up. A missing row is an answer, not a failure. */
export function createBreaker(): CircuitBreaker {
  return new CircuitBreaker({
    failureThreshold: 5,
    coolDownMs: 10_000,
    isFailure: (err) => !(err instanceof NotInReadModelError),
  });
}

export async function readFromCassandra(cassandra: Client, orderId: string): Promise<Order> {
  const rs = await cassandra.execute(
    'SELECT id, customer_id, status, total, version FROM orders WHERE id = ?',
    [orderId],
    { prepare: true, consistency: types.consistencies.quorum, readTimeout: 100 },
  );
  const row = rs.first();
  if (!row) throw new NotInReadModelError(orderId);
  return toOrder(row);
}

/** Cassandra through the breaker; PostgreSQL when the circuit is open, the read fails, or misses. */
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
