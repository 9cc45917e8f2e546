/**
 * kafkajs 2.2 forms beyond `producer.send({ topic, messages })` that the real library accepts:
 * `producer.sendBatch({ topicMessages })` (src/producer/messageProducer.js, where `send` is a
 * `sendBatch` of one topic).
 */
import { describe, expect, it } from 'vitest';
import { createWorld, drivers } from '../../src/sim/index';

describe('kafkajs: producer.sendBatch', () => {
  it('appends every topic’s messages, with keys and headers, and returns one metadata per topic', async () => {
    const w = createWorld({ seed: 1 });
    const p = w.kafka({ clientId: 'app' }).producer();
    const md = await w.run(() => p.sendBatch({
      topicMessages: [
        { topic: 'orders-dlq', messages: [{ key: 'o1', value: 'a', headers: { 'x-error': 'ReadTimeout' } }, { key: 'o2', value: 'b' }] },
        { topic: 'audit', messages: [{ value: 'c' }] },
      ],
    }));
    expect(md.map((m) => [m.topicName, m.baseOffset])).toEqual([['orders-dlq', '0'], ['audit', '0']]);
    expect(w.topic('orders-dlq').messages.map((m) => [m.key, m.value, m.headers])).toEqual([['o1', 'a', { 'x-error': 'ReadTimeout' }], ['o2', 'b', {}]]);
    expect(w.topic('audit').messages.map((m) => m.value)).toEqual(['c']);
  });

  it('rejects a batch without a topic or with a message without value, as kafkajs does, writing nothing', async () => {
    const w = createWorld({ seed: 1 });
    const p = w.kafka().producer();
    const [noTopic, noValue] = await w.run(async () => [
      await p.sendBatch({ topicMessages: [{ topic: '', messages: [{ value: 'x' }] }] }).catch((e: unknown) => e),
      await p.sendBatch({ topicMessages: [{ topic: 't', messages: [{ key: 'k' } as never] }] }).catch((e: unknown) => e),
    ]);
    expect(noTopic).toBeInstanceOf(drivers.kafkajs.KafkaJSNonRetriableError);
    expect((noTopic as Error).message).toBe('Invalid topic');
    expect((noValue as Error).message).toBe('Invalid message without value for topic "t": {"key":"k"}');
    expect(w.topic('t').messages).toHaveLength(0);
  });

  it('broker down: sendBatch retries and rejects like send, and appends nothing', async () => {
    const w = createWorld({ seed: 1 });
    w.fault({ kind: 'kafka', state: 'down' });
    const e = await w.run(() => w.kafka().producer().sendBatch({ topicMessages: [{ topic: 't', messages: [{ value: 'x' }] }] })).catch((x) => x);
    expect(e).toBeInstanceOf(drivers.kafkajs.KafkaJSNumberOfRetriesExceeded);
    expect(w.topic('t').messages).toHaveLength(0);
  });
});
