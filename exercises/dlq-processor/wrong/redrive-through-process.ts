// rejects: a redrive while Cassandra is still down leaves the DLQ intact
// Replays each DLQ message through processOrderEvent and then commits it: a replayed write that fails is dead-lettered again and its old message committed, so while Cassandra is down the redrive never runs out of messages (and counts failures as replayed).
import { types } from 'cassandra-driver';
import type { Client } from 'cassandra-driver';
import type { Producer } from 'kafkajs';

export interface OrderEvent { orderId: string; version: number; customerId: string; status: string; total: number }
export interface DlqRecord { offset: string; key: string | null; value: string }
export interface Deps {
  cassandra: Client;
  dlq: Producer;
  metrics: { increment(name: string): void };
  alert: (message: string) => void;
  dlqDepth: () => Promise<number>;
  dlqConsumer: { fetch(max: number): Promise<DlqRecord[]>; commit(offset: string): Promise<void> };
}
export const DLQ_TOPIC = 'orders-dlq';
const INSERT = 'INSERT INTO orders (id, customer_id, status, total, version) VALUES (?, ?, ?, ?, ?) USING TIMESTAMP ?';
async function writeReadModel(cassandra: Client, e: OrderEvent): Promise<void> {
  await cassandra.execute(INSERT, [e.orderId, e.customerId, e.status, e.total, e.version, e.version], { prepare: true, consistency: types.consistencies.quorum });
}

export class OrderEventProcessor {
  private alerting = false;
  constructor(private readonly deps: Deps) {}

  async processOrderEvent(event: OrderEvent): Promise<void> {
    try {
      await writeReadModel(this.deps.cassandra, event);
    } catch (err) {
      await this.deps.dlq.send({ topic: DLQ_TOPIC, messages: [{ key: event.orderId, value: JSON.stringify({ event, error: (err as Error).message, failedAt: new Date().toISOString() }) }] });
      this.deps.metrics.increment('cassandra.dlq');
      const depth = await this.deps.dlqDepth();
      if (depth > 1000 && !this.alerting) { this.alerting = true; this.deps.alert(`DLQ depth ${depth}`); }
      if (depth < 1000) this.alerting = false;
    }
  }

  async redriveDlq(): Promise<number> {
    let n = 0;
    for (;;) {
      const batch = await this.deps.dlqConsumer.fetch(100);
      if (batch.length === 0) return n;
      for (const r of batch) {
        await this.processOrderEvent(JSON.parse(r.value).event);
        await this.deps.dlqConsumer.commit(r.offset);
        n++;
      }
    }
  }
}
