// Visible tests for dlq-processor: what OrderEventProcessor must do.
import { defineTests, type TestContext } from '../../src/grading/api';

import { type OrderEvent, type Processor, type KafkaMessage, DLQ, NODES, STATUSES, prng, type Setup, setup, makeEvents, type Attempt, type Delivery, type Platform, runPlatform, hash, parseDlq, isSimulationError, describeError, readModel, dlqEvents, label, expectNothingLost, expectReadModelEqualsPostgres, redrive } from './harness';

export default defineTests((t) => {
  t.test('writes the event into the read model', async (ctx) => {
    const s = await setup(ctx);
    const events = makeEvents(s, 3);
    const log = await runPlatform(s, events);
    const threw = log.attempts.find((a) => a.threw);
    if (threw) ctx.fail(`processOrderEvent threw ${describeError(threw.error)} for ${label(threw.event)} on a healthy cluster.`);
    expectReadModelEqualsPostgres(ctx, s, 'the cluster is healthy');
  });

  t.test('a failed write goes to the DLQ and the call returns', async (ctx) => {
    const s = await setup(ctx);
    s.world.schedule(NODES.map((node) => ({ at: s.world.now, kind: 'crash', node })));
    const events = makeEvents(s, 1).slice(0, 1);
    const log = await runPlatform(s, events);
    const first = log.attempts[0];
    if (first.threw) ctx.fail(`processOrderEvent threw (${describeError(first.error)}) after the write failed; once the event is in the DLQ it should return normally.`);
    const msgs = s.world.topic(DLQ).messages;
    if (msgs.length !== 1) ctx.fail(`Expected exactly 1 message in the DLQ topic '${DLQ}', found ${msgs.length}.`);
    const body = parseDlq(msgs[0].value);
    if (!body?.event || body.event.orderId !== events[0].orderId) ctx.fail(`The DLQ message should be JSON with the event under "event"; got ${msgs[0].value}.`);
    if (msgs[0].key !== events[0].orderId) ctx.fail(`The DLQ message should be keyed by the order id (${events[0].orderId}); its key is ${JSON.stringify(msgs[0].key)}.`);
  });

  t.test('an older event does not overwrite a newer one', async (ctx) => {
    const s = await setup(ctx);
    const v3 = { orderId: 'o-7', version: 3, customerId: 'c-1', status: 'shipped', total: 40 };
    const v2 = { ...v3, version: 2, status: 'paid' };
    s.truth.set('o-7', v3);
    s.world.pgInsert('orders', { id: 'o-7', customer_id: 'c-1', status: 'shipped', total: 40, version: 3 });
    await runPlatform(s, [v3, v2]); // v2 arrives late (a retry from earlier)
    expectReadModelEqualsPostgres(ctx, s, 'version 2 was delivered after version 3');
  });

  t.test('redriveDlq replays the DLQ into the read model', async (ctx) => {
    const s = await setup(ctx);
    s.world.schedule(NODES.map((node) => ({ at: s.world.now, kind: 'crash', node })));
    const events = makeEvents(s, 3);
    await runPlatform(s, events);
    s.world.schedule(NODES.map((node) => ({ at: s.world.now, kind: 'restart', node })));
    await s.world.run(() => s.world.sleep(5000));
    const r = await redrive(s);
    if (!r.ok) return ctx.fail(`redriveDlq() threw ${describeError(r.error)} after Cassandra recovered.`);
    expectReadModelEqualsPostgres(ctx, s, 'after the redrive');
    const depth = s.world.topic(DLQ).depth;
    if (depth !== 0) ctx.fail(`After the redrive ${depth} ${depth === 1 ? 'message is' : 'messages are'} still waiting in the DLQ: commit each one after its write succeeds.`);
  });
});
