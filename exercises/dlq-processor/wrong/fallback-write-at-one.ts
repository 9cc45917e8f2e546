// rejects: When the write fails, publish `{ event, error, failedAt }` to the DLQ topic keyed by the order id, and count it with the `cassandra.dlq` metric. The DLQ must hold the event itself: the platform's `OnFailure` destination would keep only a pointer (shard and sequence numbers) to records the stream deletes when its retention ends.
// When the QUORUM write fails, writes the event again at ONE instead of dead-lettering it: with two
// replicas down the ONE write "succeeds" on the one left, nothing reaches the DLQ, and the API's QUORUM
// reads can miss the order until hints or repair catch up (the lesson's very case).
import { types } from 'cassandra-driver';
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
const WRITE_OPTIONS = { prepare: true, consistency: types.consistencies.quorum };
const INSERT = 'INSERT INTO orders (id, customer_id, status, total, version) VALUES (?, ?, ?, ?, ?) USING TIMESTAMP ?';

export class OrderEventProcessor {
  private alerting = false;
  constructor(private readonly deps: Deps) {}

  private async write(e: OrderEvent): Promise<void> {
    const params = [e.orderId, e.customerId, e.status, e.total, e.version, e.version];
    try {
      await this.deps.cassandra.execute(INSERT, params, WRITE_OPTIONS);
    } catch {
      // QUORUM unreachable: keep the read model fresh at ONE rather than dead-letter
      await this.deps.cassandra.execute(INSERT, params, { ...WRITE_OPTIONS, consistency: types.consistencies.one });
    }
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
