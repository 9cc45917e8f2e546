/** Kafka-like broker: topics with one partition each, offsets per consumer group, depth. */

export interface KafkaMessage {
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  offset: string;
  timestamp: string;
}

export class Topic {
  readonly messages: KafkaMessage[] = [];
  readonly committed = new Map<string, number>();
  constructor(readonly name: string) {}
  /** messages not yet committed by the slowest consumer group (all of them if no group has committed) */
  get depth(): number {
    let min = Infinity;
    for (const v of this.committed.values()) min = Math.min(min, v);
    return this.messages.length - (min === Infinity ? 0 : min);
  }
}

export class KafkaBroker {
  up = true;
  readonly topics = new Map<string, Topic>();
  topic(name: string): Topic {
    let t = this.topics.get(name);
    if (!t) { t = new Topic(name); this.topics.set(name, t); }
    return t;
  }
}
