// Hidden tests for circuit-breaker: fault scenarios, each over many seeds. Every test gets its own
// breaker with a failure threshold (3–6) and cool-down (1.5–4.5 s) drawn from the seed; the API runs in
// zone A and reads through it.
import { defineTests, seeds, type TestContext } from '../../src/grading/api';
import {
  type Call, type Setup, setup, step, together, viaBreaker, untilOpen, outcome, isOpenError, show, describeError,
  breakCassandra, healCassandra, ALL,
} from './harness';

const secs = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** Inside world.run: break Cassandra and make calls until the breaker opens; fail the test if it never does. */
async function openIt(ctx: TestContext, s: Setup, what: string): Promise<{ openedAt: number; opened: Call; index: number }> {
  const { reached, opened, openedAt } = await untilOpen(s, () => 50 + s.rand(200), s.threshold + 6);
  if (!opened) {
    ctx.fail(`While ${what}, ${reached} reads in a row failed and every one of them still went to Cassandra and waited for it: the circuit never opened (failureThreshold ${s.threshold}) (seed ${ctx.seed}).`);
  }
  return { openedAt, opened: opened!, index: s.calls.length - 1 };
}

/** Make Cassandra fail (node A, the coordinator, answers too late) or work, from now on. */
function failing(s: Setup, fail: boolean) {
  s.world.fault({ kind: 'slow', node: 'A', extraMs: fail ? 300 : 0 });
}

const pick = (s: Setup) => s.ids[s.rand(s.ids.length)];

export default defineTests((t) => {
  t.test(
    'an open circuit rejects at once without calling Cassandra',
    {
      scenario: 'Cassandra becomes unreachable from the API (zone A cut off, every node down, a coordinator seconds late, or two nodes down). Customers keep reading orders, one after another and in bursts.',
      hint: 'Count failures in a row; when the count reaches `failureThreshold`, remember the time and open the circuit. While open, `throw new CircuitOpenError()` before calling `fn`: no await, no Cassandra.',
      seeds: seeds(1, 25),
    },
    async (ctx) => {
      const s = setup(ctx);
      const what = breakCassandra(s, ctx.seed);
      await s.world.run(async () => {
        const { openedAt, opened } = await openIt(ctx, s, what);
        const reached = s.calls.filter((c) => c.reached).length;
        if (reached !== s.threshold) {
          ctx.fail(`With failureThreshold ${s.threshold}, the circuit opened only after ${reached} failed reads in a row while ${what} (seed ${ctx.seed}).`);
        }
        if (!isOpenError(s, opened)) ctx.fail(`A call on the open circuit ${opened.ok ? `resolved with ${String(opened.value)} instead of rejecting` : `rejected with ${describeError(opened.error)}`}; expected a CircuitOpenError, so callers can tell "skipped" from "failed" and go to PostgreSQL (seed ${ctx.seed}).`);
        const during: Call[] = await together(s, 6 + s.rand(7));
        const until = openedAt + s.coolDownMs - 200;
        for (let i = 0; i < 4; i++) {
          await s.world.sleep(Math.max(0, Math.floor((until - s.world.now) * (0.2 + s.rand(50) / 100))));
          during.push(await viaBreaker(s, pick(s)));
        }
        const sent = during.filter((c) => c.reached);
        if (sent.length > 0) {
          ctx.fail(`The circuit was open (cool-down ${secs(s.coolDownMs)}) while ${what}, yet ${sent.length} of ${during.length} calls still went to Cassandra, the first ${secs(sent[0].start - openedAt)} after it opened (seed ${ctx.seed}).`);
        }
        const slow = during.find((c) => c.ms > 1);
        if (slow) ctx.fail(`A call rejected by the open circuit took ${slow.ms} ms: customers still wait although Cassandra is not even asked (expected 0 ms) (seed ${ctx.seed}).`);
        const odd = during.find((c) => !isOpenError(s, c));
        if (odd) ctx.fail(`During the cool-down a call ended as: ${outcome(s, odd)}; expected a CircuitOpenError (seed ${ctx.seed}).`);
      });
    },
  );

  t.test(
    'customers still get their orders while the circuit is open',
    {
      scenario: 'Cassandra is unreachable and the circuit has opened. Customers read orders through getOrder(), which falls back to PostgreSQL.',
      hint: 'An open circuit must reject (throw), not resolve with nothing: getOrder() only asks PostgreSQL when the call through the breaker throws.',
      seeds: seeds(101, 20),
    },
    async (ctx) => {
      const s = setup(ctx);
      const what = breakCassandra(s, ctx.seed);
      await s.world.run(async () => {
        await openIt(ctx, s, what);
        const q0 = s.world.queries.length;
        const ids = [...s.ids, ...s.missing];
        const got = await Promise.all(ids.map((id) => s.mod.getOrder(s.deps, id)));
        ids.forEach((id, i) => {
          const want = s.truth.get(id)!;
          const o = got[i];
          if (!o) return ctx.fail(`While ${what} and the circuit was open, a customer was told order ${id} does not exist; PostgreSQL has it (seed ${ctx.seed}).`);
          if (o.id !== want.id || o.version !== want.version || o.status !== want.status) ctx.fail(`A customer saw order ${id} as ${show(o)} while PostgreSQL has ${show(want)} (seed ${ctx.seed}).`);
        });
        const toCassandra = s.world.queries.slice(q0).filter((q) => q.driver === 'cassandra').length;
        if (toCassandra > 0) ctx.fail(`With the circuit open, ${ids.length} getOrder() calls still sent ${toCassandra} reads to Cassandra (seed ${ctx.seed}).`);
      });
    },
  );

  t.test(
    'only failures in a row open the circuit',
    {
      scenario: 'Cassandra is flaky: now and then node A answers too late and a read times out, but never failureThreshold times in a row; the reads in between succeed.',
      hint: 'The threshold is for consecutive failures. A successful call proves Cassandra works: set the failure count back to 0.',
      seeds: seeds(201, 25),
    },
    async (ctx) => {
      const s = setup(ctx);
      await s.world.run(async () => {
        let failed = 0;
        const opened = () =>
          ctx.fail(`Cassandra had failed ${failed} reads in all, never more than ${s.threshold - 1} in a row, with successful reads in between, yet the breaker opened (failureThreshold ${s.threshold}): customers were turned away from a working read model (seed ${ctx.seed}).`);
        for (let round = 0; round < 3; round++) {
          const run = round === 0 ? s.threshold - 1 : 1 + s.rand(s.threshold - 1);
          failing(s, true);
          for (let k = 0; k < run; k++) {
            const c = await step(s, pick(s));
            if (!c.reached) opened();
            failed++;
          }
          failing(s, false);
          const ok = await step(s, pick(s));
          if (!ok.reached) opened();
          if (!ok.ok) ctx.fail(`A read that should have succeeded gave: ${outcome(s, ok)} (seed ${ctx.seed}).`);
        }
      });
      if (s.breaker.state !== 'closed') ctx.fail(`breaker.state is '${s.breaker.state}' after a successful read; expected 'closed' (seed ${ctx.seed}).`);
    },
  );

  t.test(
    'a missing order is an answer, not a failure',
    {
      scenario: 'Cassandra is healthy, but some customers ask for orders the read model has not received yet ("no such row"), in between reads that time out now and then.',
      hint: 'Pass every error to `options.isFailure` (default: every error is a failure). When it returns false, Cassandra answered: treat the call like a success (reset the count) and rethrow the error unchanged.',
      seeds: seeds(301, 20),
    },
    async (ctx) => {
      const s = setup(ctx);
      await s.world.run(async () => {
        // A long run of misses.
        for (let i = 0; i <= s.threshold; i++) {
          const c = await step(s, s.missing[i % 2]);
          if (!c.reached) ctx.fail(`Cassandra answered "no such row" for ${i} reads in a row and the breaker then refused to call it: a healthy read model was cut off because of orders it simply did not have yet (seed ${ctx.seed}).`);
          if (!(c.error instanceof s.mod.NotInReadModelError)) ctx.fail(`A read of an order missing from the read model ended as: ${c.ok ? 'a value' : describeError(c.error)}; the breaker must rethrow the function's own error unchanged (seed ${ctx.seed}).`);
        }
        // Failures, a miss, failures, a miss: never failureThreshold failures in a row.
        for (let round = 0; round < 2; round++) {
          failing(s, true);
          for (let k = 0; k < s.threshold - 1; k++) {
            const c = await step(s, pick(s));
            if (!c.reached) ctx.fail(`Reads timed out ${s.threshold - 1} times, then Cassandra answered "no such row", then reads timed out again, and the breaker opened: it counted the answer as a failure, or did not reset the count after it (failureThreshold ${s.threshold}) (seed ${ctx.seed}).`);
          }
          failing(s, false);
          const miss = await step(s, s.missing[round]);
          if (!miss.reached) ctx.fail(`After ${s.threshold - 1} timeouts, a read of a missing order was refused although the breaker should still be closed (failureThreshold ${s.threshold}) (seed ${ctx.seed}).`);
        }
      });
    },
  );

  t.test(
    'after the cool-down exactly one trial call goes through',
    {
      scenario: 'The circuit is open. When the cool-down ends, a burst of customers arrives at once, while Cassandra is still cut off (or is back but slow).',
      hint: "When the cool-down has passed, the first caller switches the state to 'half-open' and is the trial. While the state is 'half-open', every other caller gets a CircuitOpenError at once: they must not call `fn`, and must not wait for the trial either.",
      seeds: seeds(401, 25),
    },
    async (ctx) => {
      const s = setup(ctx);
      const back = ctx.seed % 2 === 0;
      s.world.schedule([{ at: s.world.now, kind: 'isolate', zone: 'A' }]);
      await s.world.run(async () => {
        const { openedAt } = await openIt(ctx, s, 'zone A is cut off');
        if (back) {
          s.world.fault({ kind: 'heal' });
          s.world.fault({ kind: 'slow', node: 'A', extraMs: 10 + s.rand(15) });
        }
        await s.world.sleep(Math.max(0, openedAt + s.coolDownMs + s.rand(2000) - s.world.now));
        const n = 6 + s.rand(7);
        const calls = await together(s, n);
        const trials = calls.filter((c) => c.reached);
        const situation = back ? 'Cassandra was back (if slow)' : 'zone A was still cut off';
        if (trials.length === 0) {
          ctx.fail(`The cool-down had ended (${secs(s.coolDownMs)}), ${n} customers arrived at once while ${situation}, and none of them was let through to Cassandra: without a trial call the circuit can never close again (seed ${ctx.seed}).`);
        }
        if (trials.length > 1) {
          ctx.fail(`When the cool-down ended, ${n} customers arrived at once and ${trials.length} of them were let through to Cassandra while ${situation}; a recovering cluster should get one trial call, not a burst (seed ${ctx.seed}).`);
        }
        const held = calls.find((c) => !c.reached && c.ms > 1);
        if (held) ctx.fail(`While the trial call was in flight, another caller was held for ${held.ms} ms before being turned away; callers during the trial should be rejected at once (seed ${ctx.seed}).`);
        const odd = calls.find((c) => !c.reached && !isOpenError(s, c));
        if (odd) ctx.fail(`A caller during the trial got: ${outcome(s, odd)}; expected a CircuitOpenError (seed ${ctx.seed}).`);
        if (back) {
          if (!trials[0].ok) ctx.fail(`The trial call failed (${outcome(s, trials[0])}) although Cassandra was back (seed ${ctx.seed}).`);
          const next = await together(s, 5);
          const refused = next.filter((c) => !c.reached).length;
          if (refused > 0) ctx.fail(`The trial call succeeded, yet ${refused} of the next 5 calls were still refused: the circuit should be closed again (seed ${ctx.seed}).`);
        }
      });
    },
  );

  t.test(
    'a failed trial re-opens the circuit for a full cool-down',
    {
      scenario: 'Cassandra stays unreachable for several cool-downs while customers keep reading orders every few hundred milliseconds.',
      hint: "If the trial fails, open the circuit again and restart the cool-down from now. One trial per cool-down, not one per call once the first cool-down has ended.",
      seeds: seeds(501, 25),
    },
    async (ctx) => {
      const s = setup(ctx);
      const what = breakCassandra(s, ctx.seed);
      await s.world.run(async () => {
        const { openedAt, index } = await openIt(ctx, s, what);
        const end = openedAt + Math.round(3.5 * s.coolDownMs);
        while (s.world.now < end) await step(s, pick(s), 300 + s.rand(900));
        const trials = s.calls.slice(index).filter((c) => c.reached);
        if (trials.length > 4) {
          ctx.fail(`While ${what}, ${trials.length} reads were sent to Cassandra in the ${secs(end - openedAt)} after the circuit opened; with a cool-down of ${secs(s.coolDownMs)} there should be one trial per cool-down (3) (seed ${ctx.seed}).`);
        }
        let prev = openedAt;
        for (const c of trials) {
          if (c.start - prev < s.coolDownMs) {
            ctx.fail(`A trial call went to Cassandra ${secs(c.start - prev)} after the ${prev === openedAt ? 'circuit opened' : 'previous trial failed'}, while ${what}; each failed trial should open the circuit for a full ${secs(s.coolDownMs)} (seed ${ctx.seed}).`);
          }
          prev = c.start + c.ms;
        }
        if (trials.length < 2) {
          ctx.fail(`In the ${secs(end - openedAt)} after the circuit opened (cool-down ${secs(s.coolDownMs)}), ${trials.length === 0 ? 'no trial call was made' : 'only one trial call was made'}: after each cool-down one caller should try Cassandra, or the circuit can never close again (seed ${ctx.seed}).`);
        }
      });
    },
  );

  t.test(
    'the circuit closes again once Cassandra is back',
    {
      scenario: 'Cassandra is unreachable for 1–8 seconds, then the fault is repaired. Customers keep reading orders every few hundred milliseconds throughout.',
      hint: 'Measure the cool-down from when the circuit opened, not from the last rejected call: under steady traffic a cool-down that restarts on every call never ends.',
      seeds: seeds(601, 25),
    },
    async (ctx) => {
      const s = setup(ctx);
      const what = breakCassandra(s, ctx.seed);
      await s.world.run(async () => {
        await openIt(ctx, s, what);
        const healAt = s.world.now + 1000 + s.rand(7000);
        while (s.world.now < healAt) await step(s, pick(s), 300 + s.rand(900));
        healCassandra(s, ctx.seed);
        const healed = s.world.now;
        const deadline = healed + 3 * s.coolDownMs + 10_000;
        let okInARow = 0;
        while (okInARow < 5) {
          if (s.world.now > deadline) {
            const sent = s.calls.filter((c) => c.reached && c.start >= healed).length;
            ctx.fail(`Cassandra was unreachable (${what}) and was repaired ${secs(s.world.now - healed)} ago, but customers are still turned away by the breaker (${sent} calls reached Cassandra since the repair; cool-down ${secs(s.coolDownMs)}): the circuit is stuck open (seed ${ctx.seed}).`);
          }
          const c = await step(s, pick(s), 300 + s.rand(900));
          okInARow = c.ok && c.reached ? okInARow + 1 : 0;
        }
      });
      if (s.breaker.state !== 'closed') ctx.fail(`Reads succeed again, but breaker.state is '${s.breaker.state}'; expected 'closed' (seed ${ctx.seed}).`);
    },
  );

  t.test(
    'after recovery, a few failures do not re-open the circuit',
    {
      scenario: 'Every Cassandra node goes down and the circuit opens; the nodes come back and a trial call closes the circuit. Later a few reads time out, fewer than the threshold.',
      hint: 'Closing the circuit starts a fresh count: set the failure count to 0 when the trial succeeds.',
      seeds: seeds(701, 20),
    },
    async (ctx) => {
      const s = setup(ctx);
      s.world.schedule(ALL.map((node) => ({ at: s.world.now, kind: 'crash', node })));
      await s.world.run(async () => {
        const { openedAt } = await openIt(ctx, s, 'every node is down');
        s.world.schedule(ALL.map((node) => ({ at: s.world.now + 500, kind: 'restart', node })));
        await s.world.sleep(Math.max(0, openedAt + s.coolDownMs + s.rand(1000) - s.world.now));
        const trial = await step(s, s.ids[0], 200);
        if (!trial.ok) ctx.fail(`After the cool-down, with every node back up, the trial call gave: ${outcome(s, trial)} (seed ${ctx.seed}).`);
        const slips = 1 + s.rand(s.threshold - 1);
        failing(s, true);
        for (let k = 0; k < slips; k++) {
          const c = await step(s, pick(s), 50 + s.rand(300));
          if (!c.reached) ctx.fail(`The cluster had recovered and the trial call closed the circuit; then ${k === 0 ? 'the very next read was refused' : `${k === 1 ? 'a single read' : `${k} reads`} timed out and the breaker opened again`} (failureThreshold ${s.threshold}): the failures from before the outage were still counted (seed ${ctx.seed}).`);
        }
        failing(s, false);
        const c = await step(s, s.ids[0]);
        if (!c.reached) ctx.fail(`After ${slips === 1 ? 'one timeout' : `${slips} timeouts`} (fewer than failureThreshold ${s.threshold}) following a recovery, the breaker refused to call Cassandra: the failures from before the outage were still counted (seed ${ctx.seed}).`);
      });
    },
  );

  t.test(
    'a trial that finds no row still closes the circuit',
    {
      scenario: 'Cassandra comes back after an outage; the first customer after the cool-down asks for an order the read model has not received yet.',
      hint: "The trial's outcome decides the state, whatever it is: success, or an error `isFailure` says is not a failure → closed; a failure → open. Make sure no path leaves the state 'half-open' with nobody on trial.",
      seeds: seeds(801, 20),
    },
    async (ctx) => {
      const s = setup(ctx);
      const crash = ctx.seed % 2 === 0;
      if (crash) s.world.schedule(ALL.map((node) => ({ at: s.world.now, kind: 'crash', node })));
      else s.world.schedule([{ at: s.world.now, kind: 'isolate', zone: 'A' }]);
      await s.world.run(async () => {
        const { openedAt } = await openIt(ctx, s, crash ? 'every node is down' : 'zone A is cut off');
        if (crash) s.world.schedule(ALL.map((node) => ({ at: s.world.now + 200, kind: 'restart', node })));
        else s.world.schedule([{ at: s.world.now + 200, kind: 'heal' }]);
        await s.world.sleep(Math.max(0, openedAt + s.coolDownMs + s.rand(1000) - s.world.now));
        const trial = await step(s, s.missing[ctx.seed % 2], 100);
        if (!trial.reached) ctx.fail(`The cool-down had passed, but the first call after it was refused instead of being the trial (seed ${ctx.seed}).`);
        if (!(trial.error instanceof s.mod.NotInReadModelError)) ctx.fail(`The trial read of a missing order ended as: ${outcome(s, trial)}; expected the function's own NotInReadModelError, rethrown (seed ${ctx.seed}).`);
        const after: Call[] = [];
        for (let i = 0; i < 4; i++) after.push(await step(s, pick(s), 100 + s.rand(500)));
        const refused = after.filter((c) => !c.reached).length;
        if (refused > 0) {
          ctx.fail(`The trial reached Cassandra, which answered ("no such row"), yet ${refused} of the next 4 reads were refused by the breaker (state '${s.breaker.state}'): the circuit never closed and customers are kept off a working read model (seed ${ctx.seed}).`);
        }
      });
    },
  );
});
