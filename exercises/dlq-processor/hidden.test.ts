// Hidden tests for dlq-processor: fault scenarios, each over several seeds.
import { defineTests, seeds, fc, gen, words, type Outage, type TestContext } from '../../src/grading/api';
import meta from './meta.json';

import { type OrderEvent, type Processor, type KafkaMessage, DLQ, NODES, STATUSES, prng, type Setup, setup, makeEvents, type Attempt, type Delivery, type Platform, runPlatform, hash, parseDlq, isSimulationError, describeError, readModel, dlqEvents, label, expectNothingLost, expectReadModelEqualsPostgres, redrive, firstAckedWrites, failedAtMs, saysWhatFailed, count, expectQuorumWrites } from './harness';


/** An outage of the read model as seen from the processor (zone B), chosen by the seed. */
function outage(s: Setup, seed: number, from: number, until: number): string {
  const kind = seed % 3;
  if (kind === 0) {
    s.world.schedule([...NODES.map((node) => ({ at: from, kind: 'crash' as const, node })), ...NODES.map((node) => ({ at: until, kind: 'restart' as const, node }))]);
    return 'every Cassandra node was down for a while';
  }
  if (kind === 1) {
    s.world.schedule([{ at: from, kind: 'isolate', zone: 'B' }, { at: until, kind: 'heal' }]);
    return 'zone B (the processor and node B) was cut off from A and C for a while';
  }
  s.world.schedule([{ at: from, kind: 'crash', node: 'A' }, { at: from, kind: 'crash', node: 'C' }, { at: until, kind: 'restart', node: 'A' }, { at: until, kind: 'restart', node: 'C' }]);
  return 'nodes A and C were down for a while';
}

export default defineTests((t) => {
  t.test(
    'Cassandra partitioned for a while: every event ends in the read model or the DLQ',
    {
      scenario: 'About 75 order events stream in over 3 seconds; for 1.2–2 seconds of that the processor cannot write a quorum (nodes down, or its zone cut off).',
      hint: 'Follow each path through processOrderEvent: after a failed write, the event has to be somewhere — the DLQ — before you return.',
      seeds: seeds(3, 2),
    },
    async (ctx) => {
      const s = await setup(ctx);
      const events = makeEvents(s, 30);
      const start = s.world.now;
      const from = start + 600 + s.rand(800);
      const what = outage(s, ctx.seed, from, from + 1200 + s.rand(800));
      await runPlatform(s, events, { spacingMs: 3000 / events.length });
      expectQuorumWrites(ctx, s, `${what} (seed ${ctx.seed}).`);
      expectNothingLost(ctx, s, events, what);
    },
  );

  t.test(
    'duplicates and late deliveries never roll an order back',
    {
      scenario: 'A healthy cluster; the stream delivers at least once: about one event in three arrives a second time, some after newer versions of the same order.',
      hint: 'Make the write idempotent and order-proof: `USING TIMESTAMP ?` with `event.version` as the last bound parameter, so the newest version wins whatever order the writes arrive in.',
      seeds: seeds(101, 2),
    },
    async (ctx) => {
      const s = await setup(ctx);
      const events = makeEvents(s, 6);
      await runPlatform(s, events, { redeliver: 0.3 });
      expectReadModelEqualsPostgres(ctx, s, 'some events were delivered twice, late');
    },
  );

  t.test(
    'a dead-lettered event is not also retried by the platform',
    {
      scenario: 'For a second and a half writes at QUORUM fail (every node down, zone B cut off, or nodes A and C down) while events keep arriving; the DLQ works.',
      hint: 'Once the event is safely in the DLQ, return normally. Throwing makes the platform retry it: it is dead-lettered again and again, and the shard stalls behind it.',
      seeds: seeds(201, 2),
    },
    async (ctx) => {
      const s = await setup(ctx);
      const events = makeEvents(s, 6);
      const from = s.world.now + 100 + s.rand(200);
      const what = outage(s, ctx.seed, from, from + 1500);
      const log = await runPlatform(s, events, { spacingMs: 60 });
      const bad = log.attempts.find((a) => a.threw && a.deadLetteredDuringCall > 0);
      if (bad) {
        const copies = dlqEvents(s).filter((e) => label(e) === label(bad.event)).length;
        ctx.fail(
          `Event ${label(bad.event)} was put in the DLQ and then thrown back to the platform, which retried it: it is now in the DLQ ${copies} time${copies === 1 ? '' : 's'}, and its shard waited on the retries; ${what} (seed ${ctx.seed}).`,
        );
      }
      expectNothingLost(ctx, s, events, what);
    },
  );

  t.test(
    'DLQ unavailable: the event is retried, not lost',
    {
      scenario: 'Writes at QUORUM fail (every node down, zone B cut off, or nodes A and C down) and, for part of that time, the DLQ topic is unreachable too (Kafka brokers down). Events keep arriving; the platform retries a failed event with backoff.',
      hint: "`await` the DLQ publish and let its error escape: then the platform retries the event later instead of acknowledging an event that is nowhere.",
      seeds: seeds(301, 2),
    },
    async (ctx) => {
      const s = await setup(ctx);
      const events = makeEvents(s, 4);
      const from = s.world.now + 50;
      const what = outage(s, ctx.seed, from, from + 14_000 + s.rand(4000));
      // Longer than kafkajs's own retries (5 retries, 300 ms doubling: about 9 s).
      s.world.schedule([{ at: from, kind: 'kafka', state: 'down' }, { at: from + 10_000 + s.rand(2500), kind: 'kafka', state: 'up' }]);
      const log = await runPlatform(s, events, { spacingMs: 100, maxAttempts: 12 });
      expectNothingLost(ctx, s, events, `${what}, and the DLQ was down for part of it`);
      if (log.expired.length) {
        ctx.fail(`Event ${label(log.expired[0])} failed every retry and expired from the stream although Cassandra and the DLQ came back (seed ${ctx.seed}).`);
      }
    },
  );

  t.test(
    'the DLQ message carries the event, the error and the time, keyed by order id',
    {
      scenario: 'Writes at QUORUM fail: every Cassandra node is down, zone B (the processor and node B) is cut off, or two of the three replicas (A and C) are down. A handful of events fail and go to the DLQ; the on-call engineer reads it.',
      hint: "Publish `{ key: event.orderId, value: JSON.stringify({ event, error: String(err), failedAt: Date.now() }) }` to the DLQ topic (an ISO date or epoch seconds for `failedAt`, an object for `error`, are fine too).",
      seeds: seeds(401, 2),
    },
    async (ctx) => {
      const s = await setup(ctx);
      const events = makeEvents(s, 3);
      const what = outage(s, ctx.seed, s.world.now, s.world.now + 60_000);
      await s.world.run(() => s.world.sleep(ctx.seed % 3 === 0 ? 0 : 25_000));
      const log = await runPlatform(s, events);
      // a write at (or lowered to) a level one replica can take "succeeds" here: that is named first
      expectQuorumWrites(ctx, s, `${what} (seed ${ctx.seed}).`);
      const msgs = s.world.topic(DLQ).messages;
      if (msgs.length === 0) {
        const calls = log.attempts.length;
        const failed = log.attempts.filter((a) => !a.wroteDuringCall).length;
        // No write failed: nothing to dead-letter, and nothing this test can read.
        if (failed > 0) {
          const who = failed < calls ? `${failed} of ${calls} calls of processOrderEvent` : calls === 1 ? 'The one call of processOrderEvent' : `All ${calls} calls of processOrderEvent`;
          ctx.fail(`${who} failed to write the read model, but nothing reached the DLQ topic '${DLQ}'; ${what} (seed ${ctx.seed}).`);
        }
      }
      for (const m of msgs) {
        const body = parseDlq(m.value);
        const ev = body?.event;
        if (!body || !ev) return ctx.fail(`A DLQ message is not JSON of the form { event, error, failedAt }: ${String(m.value).slice(0, 200)} (seed ${ctx.seed}).`);
        const orig = events.find((e) => e.orderId === ev.orderId && e.version === ev.version);
        if (!orig || orig.status !== ev.status || orig.customerId !== ev.customerId || orig.total !== ev.total) {
          ctx.fail(`The DLQ message's "event" is not the event that failed (got ${JSON.stringify(ev)}): a redrive could not replay it (seed ${ctx.seed}).`);
        }
        if (m.key !== ev.orderId) ctx.fail(`The DLQ message for ${label(ev)} has key ${JSON.stringify(m.key)}; key it by the order id so one order's failures stay in order and can be found (seed ${ctx.seed}).`);
        expectDlqFields(ctx, s, ev, body, m.timestamp);
      }
    },
  );

  t.test(
    'every dead-lettered event is counted in cassandra.dlq',
    {
      scenario: 'Writes at QUORUM fail (every node down, zone B cut off, or nodes A and C down); the DLQ is down for part of the time, so some publishes fail and the platform retries those events.',
      hint: "Increment `cassandra.dlq` once per event actually put in the DLQ: after the `send` succeeded, not before.",
      seeds: seeds(501, 2),
    },
    async (ctx) => {
      const s = await setup(ctx);
      const events = makeEvents(s, 3);
      const from = s.world.now + 50;
      outage(s, ctx.seed, from, from + 60_000);
      s.world.schedule([{ at: from + 200 + s.rand(300), kind: 'kafka', state: 'down' }, { at: from + 12_000 + s.rand(6000), kind: 'kafka', state: 'up' }]);
      await runPlatform(s, events, { spacingMs: 150, maxAttempts: 12 });
      const inDlq = s.world.topic(DLQ).messages.length;
      const counted = s.metrics.get('cassandra.dlq') ?? 0;
      if (counted !== inDlq) {
        ctx.fail(`The cassandra.dlq metric says ${counted} but ${count(inDlq, 'event was', 'events were')} dead-lettered: the dashboard ${counted < inDlq ? 'hides failures' : 'shows failures that never reached the DLQ'} (seed ${ctx.seed}).`);
      }
    },
  );

  t.test(
    'the ops team is paged once when the DLQ depth crosses 1000',
    {
      scenario: 'An outage has been going on for a while: the DLQ already holds 975–990 messages. Cassandra stays down while 40 more events arrive on two shards, handled at the same time, so the depth crosses 1,000 and keeps growing. Reading the DLQ depth takes 20 ms.',
      hint: 'Alert on the crossing, not on every event above it: remember (in a field) that you already paged, and re-arm when the depth is back under 1000. Two calls can be waiting for the depth at once: look at the field after the depth arrives, and set it in the same step as you page.',
      seeds: seeds(601, 2),
    },
    async (ctx) => {
      const s = await setup(ctx);
      // What earlier failures already put in the DLQ (one batch, straight to the topic).
      const earlier = 975 + s.rand(16);
      const topic = s.world.topic(DLQ);
      topic.messages.push(...earlierFailures(earlier, 'NoHostAvailableError: All host(s) tried for query failed'));
      const events = makeEvents(s, 20).slice(0, 40);
      s.world.schedule(NODES.map((node) => ({ at: s.world.now, kind: 'crash', node })));
      // a monitoring API call: the two shards' calls can both be waiting for the depth when it crosses 1000
      s.depthRead.latencyMs = 20;
      await runPlatform(s, events, { spacingMs: 5, maxAttempts: 2, backoffMs: 10 });
      const depth = s.world.topic(DLQ).depth;
      if (depth <= 1000) ctx.fail(`The DLQ only reached ${depth} messages although every write failed (seed ${ctx.seed}).`);
      if (s.alerts.length === 0) ctx.fail(`The DLQ grew from ${earlier} to ${depth} messages and nobody was paged (seed ${ctx.seed}).`);
      if (s.alerts.length > 1) {
        ctx.fail(`The ops team was paged ${s.alerts.length} times for one incident (the DLQ grew from ${earlier} to ${depth}): they will mute the alert. Page once when it crosses 1000, also when the calls of both shards are waiting for the depth at the same time (seed ${ctx.seed}).`);
      }
    },
  );

  t.test(
    'redrive after heal: the read model equals PostgreSQL',
    {
      scenario: 'For about a second writes at QUORUM fail (every node down, zone B cut off, or nodes A and C down) while events stream in; then Cassandra recovers, newer events keep arriving, and the DLQ (often more messages than one fetch returns) is redriven.',
      hint: 'Loop: fetch a batch, write each event with the same idempotent write (USING TIMESTAMP from its version), commit it, until fetch returns nothing. An old DLQ event must not overwrite a newer version written after the heal.',
      seeds: seeds(701, 2),
    },
    async (ctx) => {
      const s = await setup(ctx);
      const events = makeEvents(s, 16);
      const from = s.world.now + 200;
      const what = outage(s, ctx.seed, from, from + 700 + s.rand(500));
      await runPlatform(s, events, { spacingMs: 20 });
      await s.world.run(() => s.world.sleep(3000));
      const before = s.world.topic(DLQ).depth;
      const r = await redrive(s);
      if (!r.ok) return ctx.fail(`redriveDlq() threw ${describeError(r.error)} after Cassandra had recovered (${count(before, 'message')} waiting) (seed ${ctx.seed}).`);
      expectReadModelEqualsPostgres(ctx, s, `${what}, then the DLQ (${count(before, 'message')}) was redriven`);
      const left = s.world.topic(DLQ).depth;
      if (left !== 0) ctx.fail(`After the redrive ${left} of ${count(before, 'message')} ${left === 1 ? 'is' : 'are'} still waiting in the DLQ (seed ${ctx.seed}).`);
    },
  );

  t.test(
    'a redrive while Cassandra is still down leaves the DLQ intact',
    {
      scenario: 'Writes at QUORUM fail (every node down, zone B cut off, or nodes A and C down); an operator starts the redrive too early, while they still fail. Later Cassandra recovers and the redrive is run again.',
      hint: 'Commit a DLQ message only after its write succeeded. If a write fails, stop (or throw): the message must stay in the DLQ for the next redrive.',
      seeds: seeds(801, 2),
    },
    async (ctx) => {
      const s = await setup(ctx);
      const events = makeEvents(s, 3);
      const from = s.world.now + 50;
      const what = outage(s, ctx.seed, from, from + 40_000);
      await runPlatform(s, events, { spacingMs: 50 });
      const before = s.world.topic(DLQ).depth;
      await redrive(s); // too early: may throw or return 0
      const mid = s.world.topic(DLQ).depth;
      await s.world.run(() => s.world.sleep(Math.max(0, from + 45_000 - s.world.now)));
      const r = await redrive(s);
      if (!r.ok) return ctx.fail(`redriveDlq() threw ${describeError(r.error)} after Cassandra had recovered (seed ${ctx.seed}).`);
      if (mid < before) {
        for (const e of events) {
          const row = readModel(s, e.orderId);
          const v = row ? Number(row.version) : 0;
          if (v < (s.truth.get(e.orderId)?.version ?? 0)) {
            ctx.fail(`A redrive run while Cassandra was still down emptied ${count(before - mid, 'DLQ message')} without writing them: order ${e.orderId} is stuck at ${row ? `v${v}` : 'missing'} in the read model while PostgreSQL has v${s.truth.get(e.orderId)!.version}; ${what} (seed ${ctx.seed}).`);
          }
        }
      }
      expectReadModelEqualsPostgres(ctx, s, `${what}; the redrive was run once too early and once after recovery`);
    },
  );

  t.test(
    'values with quotes are written as bound parameters',
    {
      scenario: "A healthy cluster; some customers have ids with quotes in them (c-o'brien, c-d'arcy).",
      hint: "Never paste event fields into CQL: `INSERT … VALUES (?, ?, ?, ?, ?) USING TIMESTAMP ?` with the values as parameters and `{ prepare: true }`.",
      seeds: seeds(901, 2),
    },
    async (ctx) => {
      const s = await setup(ctx);
      const quoted = [`c-o'brien`, `c-d'arcy`, `c-'; DROP TABLE orders; --`];
      const events = makeEvents(s, 4, { customer: (i) => (i % 2 === 0 ? quoted[(i / 2 + ctx.seed) % 3] : `c-${i}`) });
      await runPlatform(s, events);
      const pasted = s.world.queries.find((q) => q.driver === 'cassandra' && quoted.some((c) => q.text.includes(c.slice(0, 5))));
      if (pasted) {
        ctx.fail(`A customer id with a quote was pasted into the CQL text (${pasted.text.slice(0, 160)}): the write is rejected or, worse, does something else. Pass values as bound parameters (seed ${ctx.seed}).`);
      }
      for (const e of events) {
        const row = readModel(s, e.orderId);
        if (!row || row.customer_id !== e.customerId) {
          ctx.fail(`Order ${e.orderId} (customer ${e.customerId}) never reached the read model although Cassandra was healthy: its write was rejected (seed ${ctx.seed}).`);
        }
      }
      expectReadModelEqualsPostgres(ctx, s, 'some customer ids contain quotes');
    },
  );

  // ── Properties: each task sentence over generated scenarios ─────────────────────────────────────
  properties(t);
});

/** The DLQ message's `error` and `failedAt`, in any reasonable form (a string or an object; epoch ms or s, or a date string). */
function expectDlqFields(ctx: TestContext, s: Setup, ev: OrderEvent, body: { error?: unknown; failedAt?: unknown }, publishedAt?: string): void {
  if (!saysWhatFailed(body.error)) {
    ctx.fail(`The DLQ message for ${label(ev)} does not say what went wrong ("error" is ${JSON.stringify(body.error)}): give the error's message (a string, or an object with its name and message).`);
  }
  const at = failedAtMs(body.failedAt);
  const published = Number(publishedAt ?? NaN);
  // the failure happened shortly before the message was published (allow a minute: clocks, retries, seconds)
  const near = Number.isFinite(published) ? Math.abs((at ?? 0) - published) <= 60_000 : at !== null && Math.abs(at - (s.world.epochMs + s.world.now)) <= 86_400_000;
  if (at === null || !near) {
    ctx.fail(`The DLQ message for ${label(ev)} has no usable "failedAt" (got ${JSON.stringify(body.failedAt)}): say when the write failed, e.g. Date.now(), new Date().toISOString() or epoch seconds.`);
  }
}

/**
 * A stream to generate: how many versions each order goes through, how the orders' events interleave,
 * and which events the platform delivers again later (a duplicate, arriving after newer versions).
 */
type Stream = { versions: number[]; interleave: number[]; again: { pick: number; later: number }[]; quotes: boolean };
const streams = (o: { orders?: number; versions?: number; again?: number } = {}): fc.Arbitrary<Stream> =>
  fc.record({
    versions: fc.array(fc.integer({ min: 1, max: o.versions ?? 4 }), { minLength: 1, maxLength: o.orders ?? 3 }),
    interleave: fc.array(fc.nat(), { maxLength: 12 }),
    again: fc.array(fc.record({ pick: fc.nat(), later: fc.integer({ min: 1, max: 8 }) }), { maxLength: o.again ?? 3 }),
    quotes: fc.boolean(),
  });

const QUOTED = [`c-o'brien`, `c-d'arcy`, `c-'; DROP TABLE orders; --`];

/** The events of a stream, in delivery order (PostgreSQL gets each order's last version). */
function deliveries(s: Setup, st: Stream): { events: OrderEvent[]; delivered: OrderEvent[] } {
  const perOrder = st.versions.map((n, i) => {
    const id = `o-${1000 + i}`;
    const customerId = st.quotes && i % 2 === 0 ? QUOTED[i % 3] : `c-${10 + i}`;
    return Array.from({ length: n }, (_, k) => ({ orderId: id, version: k + 1, customerId, status: STATUSES[Math.min(k, STATUSES.length - 1)], total: 10 + 5 * i + k }));
  });
  for (const evs of perOrder) {
    const last = evs[evs.length - 1];
    s.truth.set(last.orderId, last);
    s.world.pgInsert('orders', { id: last.orderId, customer_id: last.customerId, status: last.status, total: last.total, version: last.version });
  }
  const events: OrderEvent[] = [];
  const cursors = perOrder.map(() => 0);
  let k = 0;
  for (;;) {
    const open = perOrder.map((_, i) => i).filter((i) => cursors[i] < perOrder[i].length);
    if (!open.length) break;
    const i = open[(st.interleave[k++] ?? 0) % open.length];
    events.push(perOrder[i][cursors[i]++]);
  }
  const delivered = [...events];
  for (const a of st.again) {
    const e = events[a.pick % events.length];
    delivered.splice(Math.min(delivered.length, delivered.indexOf(e) + 1 + a.later), 0, e);
  }
  return { events, delivered };
}

function streamWords(st: Stream): string {
  const orders = st.versions.map((n, i) => `order o-${1000 + i} changes ${n === 1 ? 'once' : `${n} times`}`);
  const again = st.again.length ? `; ${st.again.length} event${st.again.length > 1 ? 's are' : ' is'} delivered a second time, later` : '';
  return `${words.list(orders)}${again}${st.quotes ? '; some customer ids contain quotes' : ''}`;
}

/** An outage of the read model as the processor (zone B) sees it: quorum lost for a while. */
const readModelOutage = gen.outage({ kinds: ['crash', 'isolate'], nodes: [2, 3], zones: ['B'], at: [0, 300], forMs: [100, 2500] });

type Window = { at: number; forMs: number };
/** `depthDown`: for a while `dlqDepth()` rejects (the depth cannot be read), while publishing to the DLQ works. */
type DlqCase = { stream: Stream; outage: Outage; kafkaDown: Window | null; depthDown?: Window | null };
const dlqCases = (kafka: boolean, o: { orders?: number; depthFails?: boolean } = {}): fc.Arbitrary<DlqCase> => {
  const base = {
    stream: streams({ orders: o.orders ?? 2, versions: 3, again: 2 }),
    outage: readModelOutage,
    // longer than kafkajs's own retries (5 retries, 300 ms doubling: about 9 s), or the send just waits it out
    kafkaDown: kafka ? fc.option(fc.record({ at: fc.integer({ min: 0, max: 1000 }), forMs: fc.integer({ min: 9_500, max: 16_000 }) }), { nil: null, freq: 2 }) : fc.constant(null),
  };
  // (a field of its own only where asked for: the other properties' cases stay as they were)
  if (!o.depthFails) return fc.record(base);
  return fc.record({ ...base, depthDown: fc.option(fc.record({ at: fc.integer({ min: 0, max: 1000 }), forMs: fc.integer({ min: 200, max: 4000 }) }), { nil: null, freq: 2 }) });
};
const dlqWords = (c: DlqCase) =>
  `${streamWords(c.stream)}; events arrive 60 ms apart while ${words.outage(c.outage).replace(/^at /, 'from ')}${
    c.kafkaDown ? `; the DLQ's Kafka is down from ${words.ms(c.kafkaDown.at)} for ${words.ms(c.kafkaDown.forMs)}` : ''
  }${c.depthDown ? `; reading the DLQ's depth (dlqDepth()) fails from ${words.ms(c.depthDown.at)} for ${words.ms(c.depthDown.forMs)}` : ''}.`;

/** Runs a case: the outage, the DLQ outage, and the platform delivering the stream (retrying a call that throws). */
async function playDlq(ctx: TestContext, c: DlqCase) {
  const s = await setup(ctx);
  const { events, delivered } = deliveries(s, c.stream);
  const t0 = s.world.now;
  s.world.schedule(gen.outageFaults(c.outage, t0));
  if (c.kafkaDown) s.world.schedule([{ at: t0 + c.kafkaDown.at, kind: 'kafka', state: 'down' }, { at: t0 + c.kafkaDown.at + c.kafkaDown.forMs, kind: 'kafka', state: 'up' }]);
  if (c.depthDown) s.depthRead.down = { from: t0 + c.depthDown.at, until: t0 + c.depthDown.at + c.depthDown.forMs };
  const log = await runPlatform(s, delivered, { spacingMs: 60, maxAttempts: 12, backoffMs: 200 });
  return { s, events, log, situation: dlqWords(c) };
}

/** A task sentence by its id in meta.json: each property is named by the sentence it checks. */
function task(id: string): string {
  const t = meta.tasks.find((x: { id: string }) => x.id === id);
  if (!t) throw new Error(`exercises/${'dlq-processor'}/meta.json has no task "${id}"`);
  return t.text;
}

function properties(t: Parameters<Parameters<typeof defineTests>[0]>[0]): void {
  t.property(
    task('idempotent'),
    {
      cases: streams({ orders: 3, versions: 3, again: 4 }),
      scenario: (st) => `a healthy cluster; ${streamWords(st)}.`,
      hint: 'Stamp the write with the event: `INSERT … VALUES (?, ?, ?, ?, ?) USING TIMESTAMP ?` with `event.version` as the last bound parameter, and `{ prepare: true, consistency: types.consistencies.quorum }`.',
      runs: 45,
    },
    async (ctx, st) => {
      const s = await setup(ctx);
      const { delivered } = deliveries(s, st);
      await runPlatform(s, delivered, { spacingMs: 10 });
      const pasted = s.world.queries.find((q) => q.driver === 'cassandra' && QUOTED.some((c) => q.text.includes(c.slice(0, 5))));
      if (pasted) ctx.fail(`A customer id with a quote was pasted into the CQL text (${pasted.text.slice(0, 160)}): the write is rejected or does something else. Pass values as bound parameters; ${streamWords(st)}.`);
      expectReadModelEqualsPostgres(ctx, s, streamWords(st));
      expectQuorumWrites(ctx, s, `${streamWords(st)}.`);
    },
  );

  t.property(
    task('dead-letter'),
    {
      // reading the DLQ depth (for the alert) fails for a while too: an event in the DLQ is counted all the same
      cases: dlqCases(true, { orders: 2, depthFails: true }),
      scenario: dlqWords,
      hint: 'After a failed write: `send` one message `{ key: event.orderId, value: JSON.stringify({ event, error, failedAt }) }` to the DLQ topic, then `metrics.increment(\'cassandra.dlq\')` once it was sent, before anything else that could fail (reading the DLQ depth for the alert).',
      runs: 45,
    },
    async (ctx, c) => {
      const { s, log, situation } = await playDlq(ctx, c);
      // a write lowered below QUORUM once QUORUM failed hides the failure this sentence is about
      expectQuorumWrites(ctx, s, situation);
      const msgs = s.world.topic(DLQ).messages;
      const failedWrite = log.attempts.find((a) => !a.wroteDuringCall && !a.threw);
      if (failedWrite && msgs.length === 0) ctx.fail(`The write of ${label(failedWrite.event)} failed, but nothing reached the DLQ topic '${DLQ}'; ${situation}`);
      for (const m of msgs) {
        const body = parseDlq(m.value);
        const ev = body?.event;
        if (!body || !ev) return ctx.fail(`A DLQ message is not JSON of the form { event, error, failedAt }: ${String(m.value).slice(0, 200)}; ${situation}`);
        const orig = log.attempts.find((a) => a.event.orderId === ev.orderId && a.event.version === ev.version)?.event;
        if (!orig || orig.status !== ev.status || orig.customerId !== ev.customerId || orig.total !== ev.total) {
          ctx.fail(`The DLQ message's "event" is not the event that failed (got ${JSON.stringify(ev)}): a redrive could not replay it; ${situation}`);
        }
        if (m.key !== ev.orderId) ctx.fail(`The DLQ message for ${label(ev)} has key ${JSON.stringify(m.key)}: key it by the order id (${ev.orderId}); ${situation}`);
        expectDlqFields(ctx, s, ev, body, m.timestamp);
      }
      const counted = s.metrics.get('cassandra.dlq') ?? 0;
      if (counted !== msgs.length) {
        const depthFailed = counted < msgs.length && s.depthRead.errors.size > 0 ? ` (reading the DLQ depth failed ${count(s.depthRead.errors.size, 'time')}: an event that reached the DLQ is counted whether or not the depth can be read afterwards)` : '';
        ctx.fail(`The cassandra.dlq metric says ${counted} but ${msgs.length} event${msgs.length === 1 ? ' was' : 's were'} put in the DLQ: the dashboard ${counted < msgs.length ? 'hides failures' : 'counts failures that never reached the DLQ'}${depthFailed}; ${situation}`);
      }
    },
  );

  t.property(
    task('no-rethrow'),
    {
      // "return normally" whatever happens after the send: also when reading the depth for the alert fails
      cases: dlqCases(false, { depthFails: true }),
      scenario: dlqWords,
      hint: 'After a successful DLQ `send`, do not rethrow the write error, and let nothing after the send throw either (reading the DLQ depth for the alert can fail too): the DLQ owns the event now.',
      runs: 40,
    },
    async (ctx, c) => {
      const { s, log, situation } = await playDlq(ctx, c);
      const bad = log.attempts.find((a) => a.threw && a.deadLetteredDuringCall > 0);
      if (bad) {
        const copies = dlqEvents(s).filter((e) => label(e) === label(bad.event)).length;
        const what = s.depthRead.errors.has(bad.error)
          ? `, and then processOrderEvent threw because reading the DLQ depth failed (${describeError(bad.error)}), so the platform retried it`
          : ' and then thrown back to the platform, which retried it';
        ctx.fail(`Event ${label(bad.event)} was put in the DLQ${what}: it is in the DLQ ${copies} time${copies === 1 ? '' : 's'} now, and its shard waited on the retries; ${situation}`);
      }
    },
  );

  t.property(
    task('dlq-fails'),
    {
      cases: dlqCases(true),
      scenario: dlqWords,
      hint: '`await` the DLQ `send` and let its error escape: a call that returns normally tells the platform the event is handled.',
      runs: 45,
    },
    async (ctx, c) => {
      const { s, log, situation } = await playDlq(ctx, c);
      const lost = log.attempts.find((a) => !a.threw && !a.wroteDuringCall && a.deadLetteredDuringCall === 0);
      if (lost) {
        ctx.fail(`processOrderEvent(${label(lost.event)}) returned normally at ${words.ms(lost.at - (log.attempts[0]?.at ?? 0))} although the event was neither written to the read model nor put in the DLQ: the platform counts it as handled, and it is lost; ${situation}`);
      }
      expectNothingLost(ctx, s, log.attempts.filter((a) => !a.threw).map((a) => a.event), situation);
    },
  );

  t.property(
    task('alert-once'),
    {
      cases: fc.record({
        start: fc.integer({ min: 985, max: 1010 }),
        failures: fc.integer({ min: 1, max: 24 }),
        drains: fc.array(fc.record({ after: fc.integer({ min: 1, max: 24 }), to: fc.integer({ min: 990, max: 999 }) }), { maxLength: 2 }),
        // the other shards' processors dead-letter events into the same DLQ: between two of this
        // processor's calls the depth can grow by several messages (past 1001 without stopping there)
        others: fc.array(fc.record({ after: fc.integer({ min: 0, max: 23 }), count: fc.integer({ min: 1, max: 6 }) }), { maxLength: 3 }),
        // the calls (0-based) during which reading the DLQ depth fails: the monitoring API does not answer
        depthFails: fc.uniqueArray(fc.integer({ min: 0, max: 23 }), { maxLength: 4 }),
      }),
      scenario: (c) => {
        const steps = [
          ...c.drains.filter((d) => d.after < c.failures).map((d) => ({ after: d.after, what: `an operator drains the DLQ down to ${d.to}` })),
          ...[...new Set(c.others.map((o) => o.after))]
            .filter((after) => after < c.failures)
            .map((after) => ({ after, what: `the other shards' processors dead-letter ${count(c.others.reduce((n, o) => n + (o.after === after ? o.count : 0), 0), 'event')}` })),
          ...c.depthFails.filter((k) => k < c.failures).map((k) => ({ after: k, what: `reading the DLQ depth (dlqDepth()) fails during event ${k + 1}` })),
        ].sort((x, y) => x.after - y.after);
        return `the DLQ already holds ${c.start} messages; Cassandra is down while ${count(c.failures, 'event arrives', 'events arrive')}${steps
          .map((st) => (st.what.startsWith('reading') ? `; ${st.what}` : `; ${st.after === 0 ? 'before the first' : `after ${st.after}`} of them, ${st.what}`))
          .join('')}.`;
      },
      hint: 'Remember in a field that you paged; page when the depth you read is over 1000 and you have not; forget it when the depth is back at or under 1000 (and when the depth cannot be read, change nothing).',
      runs: 40,
    },
    async (ctx, c) => {
      const s = await setup(ctx);
      const topic = s.world.topic(DLQ);
      topic.messages.push(...earlierFailures(c.start, 'NoHostAvailableError'));
      const events = Array.from({ length: c.failures }, (_, i) => ({ orderId: `o-${5000 + i}`, version: 1, customerId: 'c-1', status: 'pending', total: 10 + i }));
      s.world.schedule(NODES.map((node) => ({ at: s.world.now, kind: 'crash', node })));
      const drains = [...c.drains].sort((a, b) => a.after - b.after);
      const unreadable = new Set(c.depthFails);
      // the depth after each call, read from the topic itself: however the processor published (a
      // wrapper around the producer it is handed can be bypassed through the producer's prototype)
      const depthAfter: number[] = [];
      await s.world.run(async () => {
        for (const [i, e] of events.entries()) {
          for (const d of drains) if (d.after === i) topic.committed.set('redrive', Math.max(topic.committed.get('redrive') ?? 0, topic.messages.length - d.to));
          for (const o of c.others) if (o.after === i) topic.messages.push(...otherShardFailures(topic.messages.length, o.count));
          s.depthRead.down = unreadable.has(i) ? { from: -Infinity, until: Infinity } : null;
          try {
            await s.proc.processOrderEvent(e);
          } catch {
            // the platform would retry; not this property's business
          } finally {
            s.depthRead.down = null;
          }
          depthAfter.push(topic.depth);
        }
      });
      // Crossings of the depth the processor could see: after each call whose depth read worked, from at
      // most 1000 to over 1000 (from the depth it started at, or the last one it could read). "Crosses
      // 1000" read as "reaches 1000" is fine too: a page is required where both readings see a crossing,
      // and allowed where either does (plus one, for a DLQ already over the line when the processor starts).
      let skipped = false; // a crossing where the depth went past 1001 between two reads
      const crossingsOver = (line: number) => {
        let prev = c.start;
        let n = 0;
        depthAfter.forEach((d, i) => {
          if (unreadable.has(i)) return;
          if (prev <= line && d > line) {
            n++;
            if (d > 1001) skipped = true;
          }
          prev = d;
        });
        return n;
      };
      const required = Math.min(crossingsOver(1000), crossingsOver(999));
      const allowed = Math.max(crossingsOver(1000) + (c.start > 1000 ? 1 : 0), crossingsOver(999) + (c.start >= 1000 ? 1 : 0));
      const seen = [c.start, ...depthAfter];
      const unread = depthAfter.flatMap((_, i) => (unreadable.has(i) ? [String(i + 1)] : []));
      const situation = `the DLQ went ${words.list(seen.filter((d, i) => i === 0 || i === seen.length - 1 || (d > 1000) !== (seen[i - 1] > 1000)).map(String))}${
        unread.length ? `; the depth could not be read during event${unread.length === 1 ? '' : 's'} ${words.list(unread)}` : ''
      }`;
      if (s.alerts.length < required) ctx.fail(`The DLQ depth crossed 1000 ${required === 1 ? 'once' : `${required} times`} (${situation}) and the ops team was paged ${s.alerts.length} time${s.alerts.length === 1 ? '' : 's'}: page when it crosses${skipped ? ', even when it grows past 1001 between two of your reads' : ''}.`);
      if (s.alerts.length > allowed) {
        const crossed = crossingsOver(1000);
        ctx.fail(
          `The ops team was paged ${count(s.alerts.length, 'time')} while the DLQ depth crossed 1000 ${crossed === 0 ? 'not once' : crossed === 1 ? 'once' : `${crossed} times`} (${situation}): page once per crossing, not for every event above it${
            unread.length ? ', and a depth that cannot be read is no sign that the DLQ went back under 1000' : ''
          }.`,
        );
      }
    },
  );

  t.property(
    task('redrive'),
    {
      cases: fc.record({
        stream: streams({ orders: 2, versions: 3, again: 1 }),
        outage: readModelOutage,
        // a second outage that starts while the redrive runs (some of its writes fail)
        relapse: fc.option(fc.record({ at: fc.integer({ min: 0, max: 40 }), forMs: fc.integer({ min: 100, max: 3000 }) }), { nil: null, freq: 2 }),
        extra: fc.integer({ min: 0, max: 30 }),
      }),
      scenario: (c) =>
        `${streamWords(c.stream)}; the events arrive while ${words.outage(c.outage).replace(/^at /, 'from ')}${c.extra ? `, after ${count(c.extra, 'older failure')} already waiting in the DLQ` : ''}; then Cassandra recovers and the DLQ is redriven${c.relapse ? `; ${words.ms(c.relapse.at)} into the redrive nodes A and C crash for ${words.ms(c.relapse.forMs)}, and the redrive is run again later` : ''}.`,
      hint: 'Loop `fetch` until it returns nothing; for each record write its event with the same idempotent write, and only then `commit(record.offset)`. If a write fails, stop (or throw): the rest stays in the DLQ.',
      runs: 50,
    },
    async (ctx, c) => {
      const s = await setup(ctx);
      const topic = s.world.topic(DLQ);
      // older failures of orders that have since been rewritten: replaying them must change nothing
      for (let i = 0; i < c.extra; i++) {
        const id = `o-${1000 + (i % c.stream.versions.length)}`;
        topic.messages.push({ key: id, value: JSON.stringify({ event: { orderId: id, version: 0, customerId: 'c-0', status: 'pending', total: 1 }, error: 'timeout', failedAt: 1767225600000 }), headers: {}, offset: String(topic.messages.length), timestamp: '1767225600000' });
      }
      const { delivered } = deliveries(s, c.stream);
      const t0 = s.world.now;
      s.world.schedule(gen.outageFaults(c.outage, t0));
      await runPlatform(s, delivered, { spacingMs: 40 });
      await s.world.run(() => s.world.sleep(Math.max(0, t0 + c.outage.at + c.outage.forMs + 3000 - s.world.now)));
      const situation = `${streamWords(c.stream)}; then the DLQ (${count(topic.depth, 'message')}) was redriven`;
      const r0 = s.world.now;
      if (c.relapse) s.world.schedule([{ at: r0 + c.relapse.at, kind: 'crash', node: 'A' }, { at: r0 + c.relapse.at, kind: 'crash', node: 'C' }, { at: r0 + c.relapse.at + c.relapse.forMs, kind: 'restart', node: 'A' }, { at: r0 + c.relapse.at + c.relapse.forMs, kind: 'restart', node: 'C' }]);
      for (let k = 0; k < 3 && (k === 0 || topic.depth > 0); k++) {
        if (k > 0) await s.world.run(() => s.world.sleep(Math.max(3000, r0 + (c.relapse ? c.relapse.at + c.relapse.forMs + 3000 : 0) - s.world.now)));
        const c0 = s.commits.length;
        const p0 = topic.committed.get('redrive') ?? 0;
        const r = await redrive(s);
        // every commit follows an acknowledged write of each message it marks handled
        const firstWrite = firstAckedWrites(s);
        const events = topic.messages.map((m) => parseDlq(m.value)?.event);
        for (const cm of s.commits.slice(c0)) {
          const upTo = topic.messages.findIndex((m) => m.offset === cm.offset);
          for (let i = 0; i <= upTo; i++) {
            const ev = events[i];
            if (ev && !(firstWrite(ev) < cm.history)) {
              ctx.fail(`redriveDlq() committed the DLQ message of ${label(ev)} (offset ${topic.messages[i].offset}) before any write of it succeeded: if that write fails, the event is gone from the DLQ and never reaches the read model; ${situation}.`);
            }
          }
        }
        const replayed = (topic.committed.get('redrive') ?? 0) - p0;
        if (r.ok && r.value !== replayed) ctx.fail(`redriveDlq() returned ${JSON.stringify(r.value)} but replayed ${replayed} message${replayed === 1 ? '' : 's'} from the DLQ: return how many were replayed; ${situation}.`);
        if (!r.ok && !c.relapse) ctx.fail(`redriveDlq() threw ${describeError(r.error)} although Cassandra had recovered; ${situation}.`);
      }
      if (topic.depth !== 0) ctx.fail(`After the redrive ${topic.depth} message${topic.depth === 1 ? ' is' : 's are'} still waiting in the DLQ although Cassandra had recovered: replay until fetch returns nothing; ${situation}.`);
      expectReadModelEqualsPostgres(ctx, s, situation);
    },
  );

  t.property(
    'After the cluster recovers, redrive the DLQ: replay its events through the same idempotent write. Because writes are stamped with versions, replaying in any order converges to the right state.',
    {
      cases: fc.record({
        orders: fc.integer({ min: 1, max: 4 }),
        dlqVersions: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 8 }),
        liveLag: fc.integer({ min: 0, max: 30 }),
        liveSpacing: fc.integer({ min: 0, max: 8 }),
      }),
      scenario: (c) =>
        `the DLQ holds ${count(c.dlqVersions.length, 'old event')} of ${c.orders === 1 ? 'one order' : `${c.orders} orders`} (versions ${words.list(c.dlqVersions)}); the redrive starts while, ${words.ms(c.liveLag)} later, the stream delivers each order's version 4, one every ${words.ms(c.liveSpacing)}.`,
      hint: 'A version check before the write (read, compare, write) races with live events: between your read and your write a newer version can land. `USING TIMESTAMP ?` with the event\'s version lets Cassandra keep the newest, whatever arrives last.',
      runs: 40,
    },
    async (ctx, c) => {
      const s = await setup(ctx);
      const topic = s.world.topic(DLQ);
      c.dlqVersions.forEach((v, i) => {
        const id = `o-${1000 + (i % c.orders)}`;
        const event = { orderId: id, version: v, customerId: `c-${i % c.orders}`, status: STATUSES[v - 1], total: 10 + v };
        topic.messages.push({ key: id, value: JSON.stringify({ event, error: 'NoHostAvailableError', failedAt: 1767225600000 }), headers: {}, offset: String(i), timestamp: '1767225600000' });
      });
      const live = Array.from({ length: c.orders }, (_, i) => ({ orderId: `o-${1000 + i}`, version: 4, customerId: `c-${i}`, status: STATUSES[3], total: 14 }));
      for (const e of live) {
        s.truth.set(e.orderId, e);
        s.world.pgInsert('orders', { id: e.orderId, customer_id: e.customerId, status: e.status, total: e.total, version: e.version });
      }
      let threw: unknown = null;
      await s.world.run(async () => {
        const redriving = s.proc.redriveDlq().catch((e) => void (threw = e));
        await s.world.sleep(c.liveLag);
        for (const e of live) {
          await s.proc.processOrderEvent(e).catch(() => {});
          if (c.liveSpacing) await s.world.sleep(c.liveSpacing);
        }
        await redriving;
      });
      const situation = `the DLQ (${count(c.dlqVersions.length, 'old event')}) was redriven while newer events arrived`;
      if (threw) ctx.fail(`redriveDlq() threw ${describeError(threw)} on a healthy cluster; ${situation}.`);
      expectReadModelEqualsPostgres(ctx, s, situation);
      expectQuorumWrites(ctx, s, `${situation}.`);
    },
  );
}

/** `n` DLQ messages that other shards' processors publish (orders o-9000, o-9001, …), from offset `from` on. */
function otherShardFailures(from: number, n: number) {
  return Array.from({ length: n }, (_, k) => {
    const id = `o-${9000 + from + k}`;
    return { key: id, value: `{"event":{"orderId":"${id}","version":1,"customerId":"c-2","status":"pending","total":20},"error":"NoHostAvailableError","failedAt":1767225600000}`, headers: {}, offset: String(from + k), timestamp: '1767225600000' };
  });
}

/** The text of the DLQ messages earlier failures left (orders o-0, o-1, …), by error text: built once, not per case. */
const earlierTexts = new Map<string, Array<{ key: string; value: string; offset: string }>>();

/**
 * `n` DLQ messages from earlier failures, as the topic holds them: fresh message objects (a run may
 * touch them) around text that is built once (a case needs about a thousand of them).
 */
function earlierFailures(n: number, error: string) {
  let texts = earlierTexts.get(error);
  if (!texts) earlierTexts.set(error, (texts = []));
  for (let i = texts.length; i < n; i++) {
    const event = `{"orderId":"o-${i}","version":1,"customerId":"c-${i % 97}","status":"pending","total":${10 + (i % 50)}}`;
    texts.push({ key: `o-${i}`, value: `{"event":${event},"error":"${error}","failedAt":1767225600000}`, offset: String(i) });
  }
  return texts.slice(0, n).map((m) => ({ key: m.key, value: m.value, headers: {}, offset: m.offset, timestamp: '1767225600000' }));
}
