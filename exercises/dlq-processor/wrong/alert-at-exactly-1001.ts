// rejects: Page the ops team once when the DLQ depth crosses 1000, not on every event after that.
// Pages only when the depth it reads is exactly 1001: when other shards' processors publish to the DLQ
// between two of its reads, the depth goes from 999 to 1003 and nobody is paged.
import { types } from 'cassandra-driver';
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
const ALERT_DEPTH = 1000;

interface DlqMessage {
  event: OrderEvent;
  error: string;
  failedAt: number;
}

export class OrderEventProcessor {
  /** True while the DLQ is above the alert depth and the ops team has been paged. */
  private alerting = false;

  constructor(private readonly deps: Deps) {}

  async processOrderEvent(event: OrderEvent): Promise<void> {
    try {
      await this.writeToReadModel(event);
    } catch (err) {
      // Throws if the DLQ is unavailable: the event stays in the stream, and the
      // platform retries it.
      await this.deadLetter(event, err);
    }
  }

  async redriveDlq(): Promise<number> {
    let replayed = 0;
    for (;;) {
      const batch = await this.deps.dlqConsumer.fetch(100);
      if (batch.length === 0) break;
      for (const record of batch) {
        const { event } = JSON.parse(record.value) as DlqMessage;
        // If Cassandra fails again, this throws before the commit: the message stays in
        // the DLQ.
        await this.writeToReadModel(event);
        await this.deps.dlqConsumer.commit(record.offset);
        replayed++;
      }
    }
    await this.checkDepth();
    return replayed;
  }

  private async writeToReadModel(event: OrderEvent): Promise<void> {
    await this.deps.cassandra.execute(
      'INSERT INTO orders (id, customer_id, status, total, version) ' +
        'VALUES (?, ?, ?, ?, ?) USING TIMESTAMP ?',
      [
        event.orderId,
        event.customerId,
        event.status,
        event.total,
        event.version,
        event.version,
      ],
      { prepare: true, consistency: types.consistencies.quorum },
    );
  }

  private async deadLetter(event: OrderEvent, err: unknown): Promise<void> {
    const message: DlqMessage = {
      event,
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      failedAt: Date.now(),
    };
    await this.deps.dlq.send({
      topic: DLQ_TOPIC,
      messages: [{ key: event.orderId, value: JSON.stringify(message) }],
    });
    this.deps.metrics.increment('cassandra.dlq');
    await this.checkDepth();
  }

  /**
   * Page once when the depth crosses the threshold; re-arm when it is back under it.
   */
  private async checkDepth(): Promise<void> {
    let depth: number;
    try {
      depth = await this.deps.dlqDepth();
    } catch {
      return; // monitoring trouble must not make the platform redeliver a handled event
    }
    if (depth === ALERT_DEPTH + 1 && !this.alerting) {
      this.alerting = true;
      this.deps.alert(
        `Order DLQ depth is ${depth} (over ${ALERT_DEPTH}): ` +
          'Cassandra writes are failing',
      );
    } else if (depth <= ALERT_DEPTH) {
      this.alerting = false;
    }
  }
}
