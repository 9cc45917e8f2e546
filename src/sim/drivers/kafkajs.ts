/** `kafkajs`, shaped like its Kafka / Producer / Consumer / Admin, talking to the simulated broker. */
import { restoreStack, suspendStack } from '../errors';
import { type Endpoint } from '../net';
import { worldFor } from '../active';
import type { World } from '../world';
import { ownItems } from './learner-input';
import { simOptions } from './placement';

export class KafkaJSError extends Error {
  retriable: boolean;
  /** the error this one wraps (kafkajs 2.x; 1.x called it `originalError`) */
  cause?: Error;
  constructor(message: string, opts: { retriable?: boolean; cause?: Error } = {}) {
    const limit = suspendStack();
    super(message);
    restoreStack(limit);
    this.retriable = opts.retriable ?? true;
    if (opts.cause !== undefined) this.cause = opts.cause;
  }
}
export class KafkaJSNonRetriableError extends KafkaJSError {
  constructor(message: string, opts: { cause?: Error } = {}) {
    super(message, { retriable: false, cause: opts.cause });
  }
}
export class KafkaJSConnectionError extends KafkaJSError {
  broker?: string;
  constructor(message: string, opts: { broker?: string } = {}) {
    super(message);
    this.broker = opts.broker;
  }
}
/** No answer within the client's `requestTimeout` (30 s by default); retriable. */
export class KafkaJSRequestTimeoutError extends KafkaJSError {
  broker?: string;
  constructor(message: string, opts: { broker?: string } = {}) {
    super(message);
    this.broker = opts.broker;
  }
}
/** The retries ran out; `cause` is the last attempt's error, `retryTime` the last delay (ms). */
export class KafkaJSNumberOfRetriesExceeded extends KafkaJSNonRetriableError {
  retryCount: number;
  retryTime: number;
  constructor(e: Error, opts: { retryCount: number; retryTime: number }) {
    super(e.message, { cause: e });
    this.retryCount = opts.retryCount;
    this.retryTime = opts.retryTime;
  }
}

// Literal names (not `new.target.name`): minifiers rename classes, and code compares `err.name`.
for (const [cls, name] of [[KafkaJSError, 'KafkaJSError'], [KafkaJSNonRetriableError, 'KafkaJSNonRetriableError'], [KafkaJSConnectionError, 'KafkaJSConnectionError'], [KafkaJSRequestTimeoutError, 'KafkaJSRequestTimeoutError'], [KafkaJSNumberOfRetriesExceeded, 'KafkaJSNumberOfRetriesExceeded']] as const) {
  Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true });
}

export interface Message {
  key?: string | null;
  value: string | null;
  headers?: Record<string, string>;
  partition?: number;
  timestamp?: string;
}

export interface ProducerRecord {
  topic: string;
  messages: Message[];
  acks?: number;
  timeout?: number;
}

export interface TopicMessages {
  topic: string;
  messages: Message[];
}

export interface ProducerBatch {
  topicMessages?: TopicMessages[];
  acks?: number;
  timeout?: number;
}

export interface RecordMetadata {
  topicName: string;
  partition: number;
  errorCode: number;
  baseOffset: string;
  logAppendTime: string;
}

export interface KafkaConfig {
  clientId?: string;
  brokers: string[];
  retry?: { retries?: number; initialRetryTime?: number; multiplier?: number };
  /** ms a broker request may take before it is retried (default 30000) */
  requestTimeout?: number;
  /** Simulator binding (tests set this through world.kafka) */
  sim?: { world?: object; zone?: string; id?: string };
  [option: string]: unknown;
}

export interface KafkaMessageIn {
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  offset: string;
  timestamp: string;
}

export interface EachMessagePayload {
  topic: string;
  partition: number;
  message: KafkaMessageIn;
}

/** One round trip to the broker with kafkajs-style retries (retries 5, 300 ms doubling). */
function brokerCall<T>(w: World, ep: Endpoint, what: string, cfg: KafkaConfig, clientId: string, action: () => T, f: string, value: unknown): Promise<T> {
  w.assertRunning(`kafkajs ${what}`);
  w.activity++;
  const inv = w.record(clientId, 'invoke', f, value);
  const token = w.addPending(`kafkajs ${what} by ${clientId}`);
  const retries = cfg.retry?.retries ?? 5;
  const initial = cfg.retry?.initialRetryTime ?? 300;
  const mult = cfg.retry?.multiplier ?? 2;
  const requestTimeout = typeof cfg.requestTimeout === 'number' && cfg.requestTimeout > 0 ? cfg.requestTimeout : 30_000;
  return new Promise<T>((resolve, reject) => {
    let attempt = 0;
    let lastDelay = 0;
    const done = (err: Error | null, v?: T) => {
      w.removePending(token);
      w.wake();
      if (err) { w.record(clientId, 'fail', f, value, { invoke: inv.index, error: { name: err.name, message: err.message } }); reject(err); }
      else { w.record(clientId, 'ok', f, value, { invoke: inv.index }); resolve(v as T); }
    };
    const tryOnce = () => {
      const n = attempt;
      let answered = false;
      // each attempt waits requestTimeout for an answer (a request lost to a partition ends here)
      const timer = w.sched.after(requestTimeout * 1000, () => {
        if (answered || n !== attempt) return;
        answered = true;
        retry(new KafkaJSRequestTimeoutError(`Request ${what} timed out`, { broker: 'kafka:9092' }));
      });
      const answer = (fn: () => void) => {
        if (answered) return;
        answered = true;
        w.sched.cancel(timer);
        fn();
      };
      w.net.send(ep, w.kafkaEp, what, null, () => {
        if (!w.kafkaBroker.up) {
          const e = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 10.0.0.9:9092', { broker: 'kafka:9092' });
          return w.net.send(w.kafkaEp, ep, 'error', e, () => answer(() => retry(e)));
        }
        let v: T;
        try {
          v = action();
        } catch (e) {
          return w.net.send(w.kafkaEp, ep, 'error', e, () => answer(() => done(e as Error)));
        }
        w.net.send(w.kafkaEp, ep, 'ok', v, () => answer(() => done(null, v)));
      });
    };
    const retry = (e: Error) => {
      if (attempt >= retries) return done(new KafkaJSNumberOfRetriesExceeded(e, { retryCount: attempt, retryTime: lastDelay }));
      const delay = Math.round(initial * Math.pow(mult, attempt));
      attempt++;
      lastDelay = delay;
      w.sched.after(delay * 1000, tryOnce);
    };
    tryOnce();
  });
}

/** A message's headers as the broker keeps them: own keys, string values (undefined ones left out). */
function headersOf(h: unknown): Record<string, string> {
  if (!h || typeof h !== 'object') return {};
  const out: Array<[string, string]> = [];
  for (const k of Object.keys(h)) {
    const v = (h as Record<string, unknown>)[k];
    if (v !== undefined) out.push([k, String(v)]);
  }
  return Object.fromEntries(out);
}

export class Producer {
  readonly #w: World;
  readonly #ep: Endpoint;
  readonly #cfg: KafkaConfig;
  readonly #clientId: string;
  /** @internal */
  constructor(w: World, ep: Endpoint, cfg: KafkaConfig, clientId: string) {
    this.#w = w; this.#ep = ep; this.#cfg = cfg; this.#clientId = clientId;
  }
  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}
  /** Append messages to a topic; resolves with one RecordMetadata per partition written. */
  send(record: ProducerRecord): Promise<RecordMetadata[]> {
    // each property of learner code's objects is read once, and arrays by index (`ownItems`)
    const topic: unknown = record?.topic;
    const messages: unknown = record?.messages;
    if (!record || typeof topic !== 'string' || !Array.isArray(messages)) {
      return Promise.reject(new KafkaJSError('Invalid send: expected { topic: string, messages: [{ key, value }] }', { retriable: false }));
    }
    return this.#produce([{ topic, messages: ownItems(messages) as Message[] }]);
  }

  /**
   * Append messages to several topics in one request, as kafkajs's `sendBatch({ topicMessages })`
   * (src/producer/messageProducer.js: `send` is `sendBatch` with one topic): all or none.
   */
  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    const given: unknown = batch?.topicMessages ?? [];
    if (!Array.isArray(given)) return Promise.reject(new KafkaJSNonRetriableError('Invalid topic'));
    const topicMessages: TopicMessages[] = [];
    for (const tm of ownItems(given) as Array<Partial<TopicMessages> | null | undefined>) {
      const topic: unknown = tm?.topic;
      if (!tm || !topic || typeof topic !== 'string') return Promise.reject(new KafkaJSNonRetriableError('Invalid topic'));
      const messages: unknown = tm.messages;
      topicMessages.push({ topic, messages: (Array.isArray(messages) ? ownItems(messages) : messages) as Message[] });
    }
    for (const { topic, messages } of topicMessages) {
      if (!messages || !Array.isArray(messages)) return Promise.reject(new KafkaJSNonRetriableError(`Invalid messages array [${String(messages)}] for topic "${topic}"`));
      const without = messages.find((m) => m?.value === undefined);
      if (without) return Promise.reject(new KafkaJSNonRetriableError(`Invalid message without value for topic "${topic}": ${JSON.stringify(without)}`));
    }
    return this.#produce(topicMessages);
  }

  /** `topicMessages`: arrays of this module's own (`ownItems`), each topic a string. */
  #produce(topicMessages: TopicMessages[]): Promise<RecordMetadata[]> {
    const w = this.#w;
    let batches: Array<{ topic: string; msgs: Array<{ key: string | null; value: string | null; headers: Record<string, string> }> }>;
    try {
      batches = topicMessages.map(({ topic, messages }) => ({
        topic,
        msgs: messages.map((m) => {
          if (!m || typeof m !== 'object' || !('value' in m)) throw new KafkaJSError('Invalid message without value', { retriable: false });
          return { key: m.key === undefined || m.key === null ? null : String(m.key), value: m.value === null ? null : String(m.value), headers: headersOf(m.headers) };
        }),
      }));
    } catch (e) {
      return Promise.reject(e);
    }
    for (const b of batches) w.logQuery({ time: w.now, client: this.#clientId, driver: 'kafka', text: `send ${b.topic}`, params: b.msgs.map((m) => m.value), options: {}, literals: [] });
    const value = batches.length === 1 ? { topic: batches[0].topic, messages: batches[0].msgs } : { topics: batches.map((b) => ({ topic: b.topic, messages: b.msgs })) };
    return brokerCall(w, this.#ep, 'produce', this.#cfg, this.#clientId, () => batches.map((b) => {
      const t = w.kafkaBroker.topic(b.topic);
      const base = t.messages.length;
      for (const m of b.msgs) t.messages.push({ ...m, offset: String(t.messages.length), timestamp: String(w.epochMs + Math.floor(w.sched.now / 1000)) });
      return { topicName: b.topic, partition: 0, errorCode: 0, baseOffset: String(base), logAppendTime: '-1' };
    }), 'produce', value);
  }
}

export class Consumer {
  #topics: string[] = [];
  #fromBeginning = false;
  #running = false;
  readonly #w: World;
  readonly #ep: Endpoint;
  readonly #cfg: KafkaConfig;
  readonly #clientId: string;
  readonly #groupId: string;
  /** @internal */
  constructor(w: World, ep: Endpoint, cfg: KafkaConfig, clientId: string, groupId: string) {
    this.#w = w; this.#ep = ep; this.#cfg = cfg; this.#clientId = clientId; this.#groupId = groupId;
  }
  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {
    this.#running = false;
  }
  async stop(): Promise<void> {
    this.#running = false;
  }
  async subscribe(s: { topic?: string; topics?: string[]; fromBeginning?: boolean }): Promise<void> {
    if (s.topic) this.#topics.push(s.topic);
    if (s.topics) this.#topics.push(...s.topics);
    this.#fromBeginning = !!s.fromBeginning;
  }
  /**
   * Start consuming: each message is passed to `eachMessage` in order and its offset committed after
   * it resolves; a throw is retried after 300 ms. Polls every 100 ms of virtual time until stop().
   */
  async run(o: { eachMessage: (p: EachMessagePayload) => Promise<void> }): Promise<void> {
    const w = this.#w;
    w.assertRunning('kafkajs consumer.run');
    this.#running = true;
    for (const name of this.#topics) {
      const t = w.kafkaBroker.topic(name);
      if (!t.committed.has(this.#groupId)) t.committed.set(this.#groupId, this.#fromBeginning ? 0 : t.messages.length);
    }
    const loop = () => {
      if (!this.#running) return;
      for (const name of this.#topics) {
        const t = w.kafkaBroker.topic(name);
        const off = t.committed.get(this.#groupId) ?? 0;
        if (off < t.messages.length && w.kafkaBroker.up) {
          const m = t.messages[off];
          w.wake();
          let p: Promise<void>;
          try {
            p = Promise.resolve(o.eachMessage({ topic: name, partition: 0, message: { ...m } }));
          } catch (e) {
            p = Promise.reject(e);
          }
          const token = w.addPending(`kafkajs eachMessage(${name}@${off}) by ${this.#clientId}`);
          p.then(
            () => { w.removePending(token); t.committed.set(this.#groupId, Math.max(off + 1, t.committed.get(this.#groupId) ?? 0)); w.sched.after(0, loop); },
            () => { w.removePending(token); w.sched.after(300_000, loop); },
          );
          return;
        }
      }
      w.sched.after(100_000, loop);
    };
    w.sched.after(0, loop);
  }
}

export class Admin {
  readonly #w: World;
  readonly #ep: Endpoint;
  readonly #cfg: KafkaConfig;
  readonly #clientId: string;
  /** @internal */
  constructor(w: World, ep: Endpoint, cfg: KafkaConfig, clientId: string) {
    this.#w = w; this.#ep = ep; this.#cfg = cfg; this.#clientId = clientId;
  }
  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}
  /** High/low watermarks of a topic (one partition). */
  fetchTopicOffsets(topic: string): Promise<Array<{ partition: number; offset: string; high: string; low: string }>> {
    return brokerCall(this.#w, this.#ep, 'fetchTopicOffsets', this.#cfg, this.#clientId, () => {
      const t = this.#w.kafkaBroker.topic(topic);
      const h = String(t.messages.length);
      return [{ partition: 0, offset: h, high: h, low: '0' }];
    }, 'kafka-admin', { topic });
  }
  /** Committed offsets of a consumer group. */
  fetchOffsets(o: { groupId: string; topics: string[] }): Promise<Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>> {
    return brokerCall(this.#w, this.#ep, 'fetchOffsets', this.#cfg, this.#clientId, () =>
      o.topics.map((topic) => ({ topic, partitions: [{ partition: 0, offset: String(this.#w.kafkaBroker.topic(topic).committed.get(o.groupId) ?? -1) }] })), 'kafka-admin', o);
  }
}

export class Kafka {
  readonly #clientId: string;
  readonly #w: World;
  readonly #ep: Endpoint;
  readonly #cfg: KafkaConfig;
  constructor(config: KafkaConfig) {
    if (!config || !Array.isArray(config.brokers)) throw new KafkaJSError('Failed to connect: expected brokers array', { retriable: false });
    const { trusted, sim } = simOptions(config.sim);
    const w = worldFor(sim.world);
    if (!w) throw new KafkaJSError('No simulated world: create one with createWorld({ seed }) first', { retriable: false });
    this.#w = w;
    this.#cfg = config;
    this.#clientId = sim.id ?? config.clientId ?? w.nextClientId('kafka');
    this.#ep = w.net.endpoints.get(this.#clientId) ?? w.net.add(this.#clientId, (trusted ? sim.zone : w.appZone) ?? 'app', 'client');
  }
  /** its name in the world's history (a getter: learner code cannot rename whose calls they are) */
  get clientId(): string {
    return this.#clientId;
  }
  producer(_o?: Record<string, unknown>): Producer {
    return new Producer(this.#w, this.#ep, this.#cfg, this.#clientId);
  }
  consumer(o: { groupId: string }): Consumer {
    if (!o || typeof o.groupId !== 'string') throw new KafkaJSError('Consumer groupId must be a non-empty string', { retriable: false });
    return new Consumer(this.#w, this.#ep, this.#cfg, this.#clientId, o.groupId);
  }
  admin(): Admin {
    return new Admin(this.#w, this.#ep, this.#cfg, this.#clientId);
  }
}

export default { Kafka, KafkaJSError, KafkaJSNonRetriableError, KafkaJSConnectionError, KafkaJSRequestTimeoutError, KafkaJSNumberOfRetriesExceeded };
