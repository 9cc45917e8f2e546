// ProcessOrderEvent as the team had it: the Go from the original notes, in TypeScript.
// The stream platform calls processOrderEvent() for every event, at least once, and
// retries an event whenever the call throws.
import type { Client } from 'cassandra-driver';
import type { Producer } from 'kafkajs';

/**
 * An order as PostgreSQL has it after a change. `version` is 1 on creation, +1 on every
 * change.
 */
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
  /** For the redrive: the messages still waiting (oldest first; at most `max`, and like
   *  a Kafka poll it may return fewer), and a way to mark a message, and every message
   *  before it, as handled. */
  dlqConsumer: {
    fetch(max: number): Promise<DlqRecord[]>;
    commit(offset: string): Promise<void>;
  };
}

export const DLQ_TOPIC = 'orders-dlq';

export class OrderEventProcessor {
  constructor(private readonly deps: Deps) {}

  /** Process order event - update read cache */
  async processOrderEvent(event: OrderEvent): Promise<void> {
    try {
      await this.deps.cassandra.execute(
        'INSERT INTO orders (id, customer_id, status, total, version) ' +
          `VALUES ('${event.orderId}', '${event.customerId}', '${event.status}', ` +
          `${event.total}, ${event.version})`,
      );
    } catch (err) {
      // Write to DLQ instead of dropping!
      try {
        await this.deps.dlq.send({
          topic: DLQ_TOPIC,
          messages: [
            {
              value: JSON.stringify({
                event,
                error: err instanceof Error ? err.message : String(err),
                timestamp: Math.floor(Date.now() / 1000),
              }),
            },
          ],
        });
      } catch {
        // Produce's result was not checked
      }
      this.deps.metrics.increment('cassandra.dlq');

      // Alert ops team if DLQ is growing
      const dlqDepth = await this.deps.dlqDepth();
      if (dlqDepth > 1000) {
        this.deps.alert(`Order DLQ depth: ${dlqDepth}`);
      }
      throw err;
    }
  }

  /**
   * Replay the DLQ into the read model once Cassandra has recovered; returns how many
   * were replayed.
   */
  async redriveDlq(): Promise<number> {
    throw new Error('redriveDlq() is not written yet');
  }
}
