// rejects: Cassandra partitioned for a while: every event ends in the read model or the DLQ
// Asks for QUORUM, but a retry policy answers `ignore` when QUORUM cannot be reached (Unavailable, or a
// server-side write timeout of a query marked idempotent): the driver then resolves the write with an
// empty result, the code never sees the failure, and the event goes neither to the DLQ nor to the read
// model. Client-side timeouts are rethrown, so a cluster that is entirely down still fills the DLQ.
import { types, policies } from 'cassandra-driver';
import type { Client } from 'cassandra-driver';
import type { Producer } from 'kafkajs';

/** An order as PostgreSQL has it after a change. `version` is 1 on creation, +1 on every change. */
export interface OrderEvent {
  orderId: string;
  version: number;
  customerId: string;
  status: string;
  total: number;
}

/** One message waiting in the DLQ topic. */
export interface DlqRecord {
  offset: string;
  key: string | null;
  value: string;
}

export interface Deps {
  /** The read model: Cassandra, RF=3, one replica per availability zone. */
  cassandra: Client;
  /** A connected producer for the dead-letter topic. */
  dlq: Producer;
  metrics: { increment(name: string): void };
  /** Pages the ops team. */
  alert: (message: string) => void;
  /** How many messages are waiting in the DLQ topic. */
  dlqDepth: () => Promise<number>;
  /** For the redrive: the messages still waiting (oldest first; at most `max`, and like a Kafka
   *  poll it may return fewer), and a way to mark a message, and every message before it, as handled. */
  dlqConsumer: {
    fetch(max: number): Promise<DlqRecord[]>;
    commit(offset: string): Promise<void>;
  };
}

export const DLQ_TOPIC = 'orders-dlq';

// consistency set once in a shared options object
// "Best effort": a write that cannot reach its level is ignored rather than failed. (2 is the module's
// RetryPolicy.retryDecision.ignore, a constant its typings leave out.)
const IGNORE = 2;
class IgnoreWhenShort extends policies.retry.RetryPolicy {
  override onUnavailable(_info: unknown, consistency: types.consistencies) {
    return { decision: IGNORE, consistency };
  }
  override onWriteTimeout(_info: unknown, consistency: types.consistencies) {
    return { decision: IGNORE, consistency };
  }
  override onRequestError() {
    return this.rethrowResult();
  }
}
const WRITE_OPTIONS = { prepare: true, consistency: types.consistencies.quorum, retry: new IgnoreWhenShort(), isIdempotent: true };
const INSERT = 'INSERT INTO orders (id, customer_id, status, total, version) VALUES (?, ?, ?, ?, ?) USING TIMESTAMP ?';

export class OrderEventProcessor {
  private alerting = false;
  constructor(private readonly deps: Deps) {}

  private async write(e: OrderEvent): Promise<void> {
    await this.deps.cassandra.execute(INSERT, [e.orderId, e.customerId, e.status, e.total, e.version, e.version], WRITE_OPTIONS);
  }

  async processOrderEvent(event: OrderEvent): Promise<void> {
    try {
      await this.write(event);
      return;
    } catch (err) {
      await this.deps.dlq.send({
        topic: DLQ_TOPIC,
        messages: [{ key: event.orderId, value: JSON.stringify({ event, error: err instanceof Error ? err.message : String(err), failedAt: new Date().toISOString() }) }],
      });
      this.deps.metrics.increment('cassandra.dlq');
      const depth = await this.deps.dlqDepth();
      if (depth > 1000) {
        if (!this.alerting) {
          this.alerting = true;
          this.deps.alert(`Order DLQ depth is ${depth} (over 1000): Cassandra writes are failing`);
        }
      } else {
        this.alerting = false;
      }
    }
  }

  async redriveDlq(): Promise<number> {
    let n = 0;
    for (;;) {
      const batch = await this.deps.dlqConsumer.fetch(100);
      if (batch.length === 0) return n;
      for (const rec of batch) {
        const { event } = JSON.parse(rec.value) as { event: OrderEvent };
        await this.write(event);
        await this.deps.dlqConsumer.commit(rec.offset);
        n++;
      }
    }
  }
}
