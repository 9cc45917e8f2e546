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

describe('kafkajs: what a producer appends is plain strings, whatever learner code passes', () => {
  /** A message value the broker would keep as it is, were it not made a string: an object with code of its own. */
  const live = () => ({ toString: () => 'live', toJSON: () => 'live' });

  it('a messages array with its own `map` cannot hand the broker objects (send and sendBatch)', async () => {
    const w = createWorld({ seed: 1 });
    const p = w.kafka().producer();
    const sneaky = (): Array<{ value: string }> => {
      const a = [{ value: 'a' }];
      Object.defineProperty(a, 'map', { value: () => [{ key: null, value: live(), headers: {} }] });
      return a;
    };
    await w.run(async () => {
      await p.send({ topic: 't', messages: sneaky() });
      await p.sendBatch({ topicMessages: [{ topic: 't', messages: sneaky() }] });
    });
    expect(w.topic('t').messages.map((m) => [typeof m.value, m.value])).toEqual([['string', 'a'], ['string', 'a']]);
  });

  it('a topicMessages array with its own `map`, a topic that is not a string or a getter that changes it: only named string topics', async () => {
    const w = createWorld({ seed: 1 });
    const p = w.kafka().producer();
    const tm = [{ topic: 't', messages: [{ value: 'a' }] }];
    Object.defineProperty(tm, 'map', { value: () => [{ topic: 't', msgs: [{ key: null, value: live(), headers: {} }] }] });
    let reads = 0;
    const flipping = { get topic() { return reads++ === 0 ? 't' : live(); }, messages: [{ value: 'b' }] };
    const [objTopic, flipped] = await w.run(async () => {
      await p.sendBatch({ topicMessages: tm });
      return [
        await p.sendBatch({ topicMessages: [{ topic: live() as never, messages: [{ value: 'x' }] }] }).catch((e: unknown) => e),
        await p.send(flipping as never).then(() => 'sent', (e: unknown) => e),
      ];
    });
    expect(objTopic).toBeInstanceOf(drivers.kafkajs.KafkaJSNonRetriableError);
    expect(flipped).toBe('sent');
    expect(w.topic('t').messages.map((m) => m.value)).toEqual(['a', 'b']);
    expect(w.queries.every((q) => typeof q.text === 'string' && q.params.every((v) => typeof v === 'string'))).toBe(true);
  });

  it('header values are kept as strings', async () => {
    const w = createWorld({ seed: 1 });
    const p = w.kafka().producer();
    await w.run(() => p.send({ topic: 't', messages: [{ value: 'a', headers: { reason: live() as never } }] }));
    expect(w.topic('t').messages[0].headers).toEqual({ reason: 'live' });
  });
});
