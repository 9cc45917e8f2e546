/**
 * Kinesis-like stream (shards by partition key, per-shard order, sequence numbers, retention,
 * iterator age) and a Lambda-like processor (batches per shard, retries with exponential backoff in
 * virtual time, maximum attempts, a failing batch blocks its shard, at-least-once delivery).
 */
import { hashString } from './rng';
import type { World } from './world';

export interface StreamRecord<T = unknown> {
  shardId: number;
  sequenceNumber: number;
  partitionKey: string;
  data: T;
  /** virtual ms */
  arrivalMs: number;
}

export class Stream<T = unknown> {
  readonly shards: StreamRecord<T>[][];
  private seq = 0;
  readonly #world: World;
  constructor(world: World, readonly name: string, shardCount: number, readonly retentionMs: number) {
    this.#world = world;
    if (!(Number.isInteger(shardCount) && shardCount >= 1)) throw new Error(`stream '${name}': shards must be a positive integer`);
    this.shards = Array.from({ length: shardCount }, () => []);
  }

  shardOf(partitionKey: string): number {
    return hashString(partitionKey) % this.shards.length;
  }

  /** PutRecord: appends to the key's shard; returns the record. */
  put(partitionKey: string, data: T): StreamRecord<T> {
    const shardId = this.shardOf(String(partitionKey));
    const r: StreamRecord<T> = { shardId, sequenceNumber: ++this.seq, partitionKey: String(partitionKey), data, arrivalMs: this.#world.now };
    this.shards[shardId].push(r);
    this.#world.note('stream-put', { stream: this.name, shard: shardId, seq: r.sequenceNumber, key: r.partitionKey });
    return r;
  }

  get size(): number {
    return this.shards.reduce((a, s) => a + s.length, 0);
  }
}

export interface ProcessorOptions<T> {
  stream: Stream<T>;
  /** called once per record, in shard order; a throw (or rejection) fails the batch */
  handler: (event: T, record: StreamRecord<T>) => unknown;
  batchSize?: number;
  /** MaximumRetryAttempts: -1 = retry until the record expires (Lambda's default) */
  maxRetryAttempts?: number;
  /** MaximumRecordAgeInSeconds, in ms; -1 = up to the stream's retention */
  maxRecordAgeMs?: number;
  /** ReportBatchItemFailures: retry from the failing record instead of the whole batch */
  reportBatchItemFailures?: boolean;
  /** first retry delay and cap, ms */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** function timeout, ms: a batch still running then counts as failed (its effects may still land) */
  timeoutMs?: number;
  /** idle polling interval per shard, ms */
  pollMs?: number;
  /** chance that a successful batch's checkpoint is lost, so the batch is delivered again */
  redeliveryProbability?: number;
  /**
   * OnFailure destination (SQS/SNS): called with the metadata of a batch that was given up — shard
   * and sequence-number range, never the records (read them from the stream before they expire).
   */
  onFailure?: (invocation: FailedInvocation) => void;
}

/** What a Kinesis event source mapping sends to an SQS/SNS on-failure destination. */
export interface FailedInvocation {
  requestContext: { condition: 'RetryAttemptsExhausted' | 'RecordAgeExceeded'; approximateInvokeCount: number };
  responseContext: { functionError: 'Unhandled' | null };
  version: '1.0';
  /** ISO time of the failure */
  timestamp: string;
  KinesisBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
    streamArn: string;
  };
}

interface ShardState {
  /** index into stream.shards[i] of the next record to process */
  checkpoint: number;
  busy: boolean;
  attempts: number;
  stalledUntilUs: number;
  iteratorAgeMs: number;
}

export class Processor<T = unknown> {
  readonly metrics = { invocations: 0, batchesOk: 0, batchesFailed: 0, recordsProcessed: 0, retries: 0, discarded: 0, timeouts: 0, duplicateDeliveries: 0 };
  readonly state: ShardState[];
  private running = false;
  private readonly o: Required<Omit<ProcessorOptions<T>, 'onFailure'>> & { onFailure?: ProcessorOptions<T>['onFailure'] };
  /** every (sequenceNumber, attempt) the handler was called with, for duplicate checks */
  readonly deliveries: Array<{ seq: number; key: string; timeMs: number }> = [];

  readonly #world: World;
  constructor(world: World, opts: ProcessorOptions<T>) {
    this.#world = world;
    if (!opts || !opts.stream || typeof opts.handler !== 'function') throw new Error('processor({ stream, handler }) needs a stream and a handler function');
    this.o = {
      batchSize: 100, maxRetryAttempts: -1, maxRecordAgeMs: -1, reportBatchItemFailures: false, backoffMs: 1000,
      maxBackoffMs: 60_000, timeoutMs: 30_000, pollMs: 1000, redeliveryProbability: 0, ...opts,
    };
    this.state = opts.stream.shards.map(() => ({ checkpoint: 0, busy: false, attempts: 0, stalledUntilUs: 0, iteratorAgeMs: 0 }));
  }

  /** Start polling every shard. */
  start(): this {
    if (this.running) return this;
    this.running = true;
    this.state.forEach((_, i) => this.#world.sched.after(0, () => this.poll(i)));
    return this;
  }

  stop(): void {
    this.running = false;
  }

  /** All records so far are checkpointed (processed or given up). */
  get idle(): boolean {
    return this.state.every((s, i) => !s.busy && s.checkpoint >= this.o.stream.shards[i].length);
  }

  /** Records not yet checkpointed, over all shards. */
  get lag(): number {
    return this.state.reduce((a, s, i) => a + (this.o.stream.shards[i].length - s.checkpoint), 0);
  }

  /** Largest iterator age over the shards (ms): how far behind the processor is. */
  get iteratorAgeMs(): number {
    let m = 0;
    for (let i = 0; i < this.state.length; i++) {
      const s = this.state[i];
      const recs = this.o.stream.shards[i];
      const age = s.checkpoint < recs.length ? this.#world.now - recs[s.checkpoint].arrivalMs : 0;
      if (age > m) m = age;
    }
    return m;
  }

  stall(shard: number, forMs: number): void {
    const s = this.state[shard];
    if (s) s.stalledUntilUs = this.#world.sched.now + Math.round(forMs * 1000);
  }

  /** The on-failure destination's document for records given up (metadata only, as Lambda sends to SQS/SNS). */
  private sendToDestination(shard: number, given: StreamRecord<T>[], condition: FailedInvocation['requestContext']['condition'], attempts: number): void {
    if (!this.o.onFailure || given.length === 0) return;
    const w = this.#world;
    const iso = (ms: number) => new Date(w.epochMs + Math.floor(ms)).toISOString();
    const doc: FailedInvocation = {
      requestContext: { condition, approximateInvokeCount: attempts },
      responseContext: { functionError: condition === 'RetryAttemptsExhausted' ? 'Unhandled' : null },
      version: '1.0',
      timestamp: iso(w.now),
      KinesisBatchInfo: {
        shardId: `shardId-${String(shard).padStart(12, '0')}`,
        startSequenceNumber: String(given[0].sequenceNumber),
        endSequenceNumber: String(given[given.length - 1].sequenceNumber),
        approximateArrivalOfFirstRecord: iso(given[0].arrivalMs),
        approximateArrivalOfLastRecord: iso(given[given.length - 1].arrivalMs),
        batchSize: given.length,
        streamArn: `arn:aws:kinesis:sim:000000000000:stream/${this.o.stream.name}`,
      },
    };
    try { this.o.onFailure(doc); } catch { /* a destination error is not the processor's */ }
  }

  private retention(): number {
    const max = this.o.maxRecordAgeMs;
    return max >= 0 ? Math.min(max, this.o.stream.retentionMs) : this.o.stream.retentionMs;
  }

  private poll(i: number): void {
    if (!this.running) return;
    const w = this.#world;
    const s = this.state[i];
    const recs = this.o.stream.shards[i];
    if (s.busy) return;
    if (w.sched.now < s.stalledUntilUs) {
      w.sched.at(s.stalledUntilUs, () => this.poll(i));
      return;
    }
    // expired records are skipped (data loss for the processor)
    const maxAge = this.retention();
    const from = s.checkpoint;
    while (s.checkpoint < recs.length && w.now - recs[s.checkpoint].arrivalMs > maxAge) {
      w.note('record-expired', { shard: i, seq: recs[s.checkpoint].sequenceNumber });
      s.checkpoint++;
    }
    // records older than MaximumRecordAgeInSeconds go to the destination (past retention they are simply gone)
    if (s.checkpoint > from && this.o.maxRecordAgeMs >= 0 && this.o.maxRecordAgeMs < this.o.stream.retentionMs) {
      this.sendToDestination(i, recs.slice(from, s.checkpoint), 'RecordAgeExceeded', s.attempts);
    }
    if (s.checkpoint > from) s.attempts = 0;
    if (s.checkpoint >= recs.length) {
      s.iteratorAgeMs = 0;
      w.sched.after(this.o.pollMs * 1000, () => this.poll(i));
      return;
    }
    const batch = recs.slice(s.checkpoint, s.checkpoint + this.o.batchSize);
    s.iteratorAgeMs = w.now - batch[0].arrivalMs;
    s.busy = true;
    this.metrics.invocations++;
    const epochAtStart = s.checkpoint;
    let finished = false;
    let progressed = 0;
    const done = (err: unknown) => {
      if (finished) return;
      finished = true;
      s.busy = false;
      if (err === undefined) {
        this.metrics.batchesOk++;
        this.metrics.recordsProcessed += batch.length;
        s.attempts = 0;
        if (this.o.redeliveryProbability > 0 && w.rng.chance(this.o.redeliveryProbability)) {
          this.metrics.duplicateDeliveries++;
          w.note('checkpoint-lost', { shard: i, from: batch[0].sequenceNumber });
        } else s.checkpoint = epochAtStart + batch.length;
        w.sched.after(0, () => this.poll(i));
        return;
      }
      this.metrics.batchesFailed++;
      if (this.o.reportBatchItemFailures && progressed > 0) {
        s.checkpoint = epochAtStart + progressed;
        s.attempts = 0;
      }
      s.attempts++;
      const max = this.o.maxRetryAttempts;
      if (max >= 0 && s.attempts > max) {
        this.metrics.discarded += batch.length - (this.o.reportBatchItemFailures ? progressed : 0);
        const given = this.o.reportBatchItemFailures ? batch.slice(progressed) : batch;
        w.note('batch-discarded', { shard: i, from: given[0].sequenceNumber, count: given.length });
        this.sendToDestination(i, given, 'RetryAttemptsExhausted', s.attempts);
        s.checkpoint = epochAtStart + batch.length;
        s.attempts = 0;
        w.sched.after(0, () => this.poll(i));
        return;
      }
      this.metrics.retries++;
      const delay = Math.min(this.o.maxBackoffMs, this.o.backoffMs * Math.pow(2, s.attempts - 1));
      w.note('batch-retry', { shard: i, from: batch[s.checkpoint - epochAtStart]?.sequenceNumber ?? batch[0].sequenceNumber, attempt: s.attempts, inMs: delay, error: err instanceof Error ? err.message : String(err) });
      w.sched.after(Math.round(delay * 1000), () => this.poll(i));
    };
    // the function times out after timeoutMs (its work may still land later)
    w.sched.after(this.o.timeoutMs * 1000, () => {
      if (!finished) { this.metrics.timeouts++; done(new Error(`Task timed out after ${this.o.timeoutMs / 1000} seconds`)); }
    });
    const runOne = (k: number): void => {
      if (finished) return;
      if (k >= batch.length) return done(undefined);
      const rec = batch[k];
      this.deliveries.push({ seq: rec.sequenceNumber, key: rec.partitionKey, timeMs: w.now });
      w.wake();
      let p: Promise<unknown>;
      try {
        p = Promise.resolve(this.o.handler(rec.data, rec));
      } catch (e) {
        p = Promise.reject(e);
      }
      p.then(
        () => { progressed = k + 1; w.sched.after(0, () => runOne(k + 1)); },
        (e) => { w.sched.after(0, () => done(e === undefined ? new Error('handler rejected with undefined') : e)); },
      );
    };
    runOne(0);
  }
}
