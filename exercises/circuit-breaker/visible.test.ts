// Visible tests for circuit-breaker: what CircuitBreaker.call() must do in each state.
import { defineTests } from '../../src/grading/api';
import { setup, one, burst, untilOpen, outcome, isOpenError, rethrownUnchanged, show, ALL, describeError } from './harness';

export default defineTests((t) => {
  t.test('closed: reads go to Cassandra', async (ctx) => {
    const s = setup(ctx, { threshold: 5, coolDownMs: 10_000 });
    for (const id of s.ids.slice(0, 3)) {
      const c = await one(s, id);
      if (!c.ok) ctx.fail(`With every node up, reading order ${id} through the breaker gave: ${outcome(s, c)}; expected the row from Cassandra.`);
    }
    if (s.breaker.state !== 'closed') ctx.fail(`breaker.state is '${s.breaker.state}' after three successful reads; expected 'closed'.`);
  });

  t.test('5 failures in a row open the circuit; then calls fail fast without Cassandra', async (ctx) => {
    const s = setup(ctx, { threshold: 5, coolDownMs: 10_000 });
    s.world.schedule(ALL.map((node) => ({ at: s.world.now, kind: 'crash', node })));
    const { reached, opened } = await s.world.run(() => untilOpen(s, () => 100));
    if (!opened) ctx.fail(`Every node is down and 12 reads in a row failed, yet each one still went to Cassandra: the circuit never opened.`);
    if (reached !== 5) ctx.fail(`The circuit opened after ${reached} failed reads; with failureThreshold 5 it should open after exactly 5.`);
    if (!isOpenError(s, opened!)) ctx.fail(`A call on an open circuit ${opened!.ok ? `resolved with ${String(opened!.value)} instead of rejecting` : `rejected with ${describeError(opened!.error)}`}; expected a CircuitOpenError.`);
    if (s.breaker.state !== 'open') ctx.fail(`breaker.state is '${s.breaker.state}' after 5 failures; expected 'open'.`);
    const calls = await burst(s, 10);
    const reachedNow = calls.filter((c) => c.reached).length;
    if (reachedNow > 0) ctx.fail(`While the circuit was open, ${reachedNow} of 10 calls still went to Cassandra.`);
    const slow = calls.find((c) => c.ms > 0);
    if (slow) ctx.fail(`A call rejected by the open circuit took ${slow.ms} ms; it should fail at once (0 ms).`);
  });

  t.test('after the cool-down one trial call goes through; its success closes the circuit', async (ctx) => {
    const s = setup(ctx, { threshold: 5, coolDownMs: 10_000 });
    s.world.schedule(ALL.map((node) => ({ at: s.world.now, kind: 'crash', node })));
    await s.world.run(() => untilOpen(s, () => 100));
    s.world.schedule(ALL.map((node) => ({ at: s.world.now + 1000, kind: 'restart', node })));
    const early = await one(s, s.ids[0], 10_000);
    if (early.reached) ctx.fail(`A call made right after the circuit opened went to Cassandra; it should be rejected until the 10 s cool-down has passed.`);
    const calls = await burst(s, 5);
    const trials = calls.filter((c) => c.reached).length;
    if (trials !== 1) ctx.fail(`Five callers arrived together after the cool-down and ${trials} of them went to Cassandra; expected exactly one trial call.`);
    const trial = calls.find((c) => c.reached)!;
    if (!trial.ok) ctx.fail(`The trial call failed: ${outcome(s, trial)} (the cluster was back up).`);
    if (s.breaker.state !== 'closed') ctx.fail(`breaker.state is '${s.breaker.state}' after a successful trial; expected 'closed'.`);
    const after = await one(s, s.ids[1]);
    if (!after.ok) ctx.fail(`After the successful trial, the next read gave: ${outcome(s, after)}; expected the row from Cassandra.`);
  });

  t.test('an order missing from the read model is not a failure', async (ctx) => {
    const s = setup(ctx, { threshold: 5, coolDownMs: 10_000 });
    for (let i = 0; i < 8; i++) {
      const c = await one(s, s.missing[i % s.missing.length]);
      if (!c.reached) ctx.fail(`Cassandra was healthy and answered "no such row" for ${i} reads in a row, and the breaker then refused call ${i + 1}: a miss is an answer, not a failure (isFailure returns false for it).`);
      if (!rethrownUnchanged(c)) ctx.fail(`A read of an order missing from the read model should reject with the function's own NotInReadModelError, unchanged (the same object); got ${c.ok ? 'a value' : describeError(c.error)}.`);
    }
    const o = await s.world.run(() => s.mod.getOrder(s.deps, s.missing[0]));
    const want = s.truth.get(s.missing[0]);
    if (!o || o.version !== want!.version) ctx.fail(`getOrder('${s.missing[0]}') returned ${show(o)}; PostgreSQL has ${show(want)}.`);
  });
});
