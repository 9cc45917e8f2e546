// Hidden tests for dlq-processor: fault scenarios, each over several seeds.
import { defineTests, seeds, type TestContext } from '../../src/grading/api';

import { type OrderEvent, type Processor, type KafkaMessage, DLQ, NODES, STATUSES, prng, type Setup, setup, makeEvents, type Attempt, type Delivery, type Platform, runPlatform, hash, parseDlq, isSimulationError, describeError, readModel, dlqEvents, label, expectNothingLost, expectReadModelEqualsPostgres, redrive } from './harness';


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
      seeds: seeds(3, 4),
    },
    async (ctx) => {
      const s = await setup(ctx);
      const events = makeEvents(s, 30);
      const start = s.world.now;
      const from = start + 600 + s.rand(800);
      const what = outage(s, ctx.seed, from, from + 1200 + s.rand(800));
      await runPlatform(s, events, { spacingMs: 3000 / events.length });
      expectNothingLost(ctx, s, events, what);
    },
  );

  t.test(
    'duplicates and late deliveries never roll an order back',
    {
      scenario: 'A healthy cluster; the stream delivers at least once: about one event in three arrives a second time, some after newer versions of the same order.',
      hint: 'Make the write idempotent and order-proof: `USING TIMESTAMP ?` with `event.version` as the last bound parameter, so the newest version wins whatever order the writes arrive in.',
      seeds: seeds(101, 12),
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
      scenario: 'Cassandra is unreachable for a second and a half while events keep arriving; the DLQ works.',
      hint: 'Once the event is safely in the DLQ, return normally. Throwing makes the platform retry it: it is dead-lettered again and again, and the shard stalls behind it.',
      seeds: seeds(201, 20),
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
      scenario: 'Cassandra is unreachable and, for part of that time, so is the DLQ topic (Kafka brokers down). Events keep arriving; the platform retries a failed event with backoff.',
      hint: "`await` the DLQ publish and let its error escape: then the platform retries the event later instead of acknowledging an event that is nowhere.",
      seeds: seeds(301, 25),
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
      scenario: 'Cassandra is unreachable; a handful of events fail and go to the DLQ. The on-call engineer reads the DLQ.',
      hint: "Publish `{ key: event.orderId, value: JSON.stringify({ event, error: String(err), failedAt: Date.now() }) }` to the DLQ topic.",
      seeds: seeds(401, 40),
    },
    async (ctx) => {
      const s = await setup(ctx);
      const events = makeEvents(s, 3);
      outage(s, ctx.seed, s.world.now, s.world.now + 60_000);
      await s.world.run(() => s.world.sleep(ctx.seed % 3 === 0 ? 0 : 25_000));
      await runPlatform(s, events);
      const msgs = s.world.topic(DLQ).messages;
      if (msgs.length === 0) ctx.fail(`Every write failed, but nothing reached the DLQ topic '${DLQ}' (seed ${ctx.seed}).`);
      for (const m of msgs) {
        const body = parseDlq(m.value);
        const ev = body?.event;
        if (!body || !ev) return ctx.fail(`A DLQ message is not JSON of the form { event, error, failedAt }: ${String(m.value).slice(0, 200)} (seed ${ctx.seed}).`);
        const orig = events.find((e) => e.orderId === ev.orderId && e.version === ev.version);
        if (!orig || orig.status !== ev.status || orig.customerId !== ev.customerId || orig.total !== ev.total) {
          ctx.fail(`The DLQ message's "event" is not the event that failed (got ${JSON.stringify(ev)}): a redrive could not replay it (seed ${ctx.seed}).`);
        }
        if (m.key !== ev.orderId) ctx.fail(`The DLQ message for ${label(ev)} has key ${JSON.stringify(m.key)}; key it by the order id so one order's failures stay in order and can be found (seed ${ctx.seed}).`);
        if (typeof body.error !== 'string' || body.error.trim() === '') ctx.fail(`The DLQ message for ${label(ev)} does not say what went wrong ("error" is ${JSON.stringify(body.error)}) (seed ${ctx.seed}).`);
        const failedAt = body.failedAt;
        if (typeof failedAt !== 'number' || !Number.isFinite(failedAt) || failedAt < 1e12) {
          ctx.fail(`The DLQ message for ${label(ev)} has no usable "failedAt" (epoch milliseconds, e.g. Date.now()); got ${JSON.stringify(failedAt)} (seed ${ctx.seed}).`);
        }
      }
    },
  );

  t.test(
    'every dead-lettered event is counted in cassandra.dlq',
    {
      scenario: 'Cassandra is unreachable; the DLQ is down for part of the time, so some publishes fail and the platform retries those events.',
      hint: "Increment `cassandra.dlq` once per event actually put in the DLQ: after the `send` succeeded, not before.",
      seeds: seeds(501, 25),
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
        ctx.fail(`The cassandra.dlq metric says ${counted} but ${inDlq} events were dead-lettered: the dashboard ${counted < inDlq ? 'hides failures' : 'shows failures that never reached the DLQ'} (seed ${ctx.seed}).`);
      }
    },
  );

  t.test(
    'the ops team is paged once when the DLQ depth crosses 1000',
    {
      scenario: 'An outage has been going on for a while: the DLQ already holds 975–990 messages. Cassandra stays down while 40 more events arrive, so the depth crosses 1,000 and keeps growing.',
      hint: 'Alert on the crossing, not on every event above it: remember (in a field) that you already paged, and re-arm when the depth is back under 1000.',
      seeds: seeds(601, 5),
    },
    async (ctx) => {
      const s = await setup(ctx);
      // What earlier failures already put in the DLQ (one batch, straight to the topic).
      const earlier = 975 + s.rand(16);
      const topic = s.world.topic(DLQ);
      for (let i = 0; i < earlier; i++) {
        const event = `{"orderId":"o-${i}","version":1,"customerId":"c-${i % 97}","status":"pending","total":${10 + (i % 50)}}`;
        const value = `{"event":${event},"error":"NoHostAvailableError: All host(s) tried for query failed","failedAt":1767225600000}`;
        topic.messages.push({ key: `o-${i}`, value, headers: {}, offset: String(i), timestamp: '1767225600000' });
      }
      const events = makeEvents(s, 20).slice(0, 40);
      s.world.schedule(NODES.map((node) => ({ at: s.world.now, kind: 'crash', node })));
      await runPlatform(s, events, { spacingMs: 5, maxAttempts: 2, backoffMs: 10 });
      const depth = s.world.topic(DLQ).depth;
      if (depth <= 1000) ctx.fail(`The DLQ only reached ${depth} messages although every write failed (seed ${ctx.seed}).`);
      if (s.alerts.length === 0) ctx.fail(`The DLQ grew from ${earlier} to ${depth} messages and nobody was paged (seed ${ctx.seed}).`);
      if (s.alerts.length > 1) {
        ctx.fail(`The ops team was paged ${s.alerts.length} times for one incident (the DLQ grew from ${earlier} to ${depth}): they will mute the alert. Page once when it crosses 1000 (seed ${ctx.seed}).`);
      }
    },
  );

  t.test(
    'redrive after heal: the read model equals PostgreSQL',
    {
      scenario: 'Cassandra is unreachable for about a second while events stream in; then it recovers, newer events keep arriving, and the DLQ (often more messages than one fetch returns) is redriven.',
      hint: 'Loop: fetch a batch, write each event with the same idempotent write (USING TIMESTAMP from its version), commit it, until fetch returns nothing. An old DLQ event must not overwrite a newer version written after the heal.',
      seeds: seeds(701, 10),
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
      if (!r.ok) return ctx.fail(`redriveDlq() threw ${describeError(r.error)} after Cassandra had recovered (${before} messages waiting) (seed ${ctx.seed}).`);
      expectReadModelEqualsPostgres(ctx, s, `${what}, then the DLQ (${before} messages) was redriven`);
      const left = s.world.topic(DLQ).depth;
      if (left !== 0) ctx.fail(`After the redrive ${left} of ${before} messages are still waiting in the DLQ (seed ${ctx.seed}).`);
    },
  );

  t.test(
    'a redrive while Cassandra is still down leaves the DLQ intact',
    {
      scenario: 'Cassandra is unreachable; an operator starts the redrive too early, while it is still down. Later Cassandra recovers and the redrive is run again.',
      hint: 'Commit a DLQ message only after its write succeeded. If a write fails, stop (or throw): the message must stay in the DLQ for the next redrive.',
      seeds: seeds(801, 20),
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
            ctx.fail(`A redrive run while Cassandra was still down emptied ${before - mid} DLQ messages without writing them: order ${e.orderId} is stuck at ${row ? `v${v}` : 'missing'} in the read model while PostgreSQL has v${s.truth.get(e.orderId)!.version}; ${what} (seed ${ctx.seed}).`);
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
      seeds: seeds(901, 42),
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
});
