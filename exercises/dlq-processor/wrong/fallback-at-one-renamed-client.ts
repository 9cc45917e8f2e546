// rejects: Cassandra partitioned for a while: every event ends in the read model or the DLQ
// The fallback at ONE of fallback-write-at-one.ts, and the client renamed so the checks would not
// know its writes for the processor's: the simulator names a call by the client it keeps, not by a
// property learner code can write or shadow.
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
  constructor(private readonly deps: Deps) {
    try {
      (deps.cassandra as unknown as { id: string }).id = 'renamed';
    } catch {
      Object.defineProperty(deps.cassandra, 'id', { value: 'renamed' });
    }
  }

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
