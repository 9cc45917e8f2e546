// Hidden tests for circuit-breaker: fault scenarios, each over many seeds. Every test gets its own
// breaker with a failure threshold (3–6) and cool-down (1.5–4.5 s) drawn from the seed; the API runs in
// zone A and reads through it.
import { defineTests, fc, seeds, words, type TestContext } from '../../src/grading/api';
import meta from './meta.json';
import {
  type Call, type Setup, setup, step, together, viaBreaker, untilOpen, outcome, isOpenError, rethrownUnchanged, show, describeError,
  breakCassandra, healCassandra, ALL, isSimulationError, classPrototype, hasPrototype, secondApi, type Learner,
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
      seeds: seeds(1, 4),
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
      seeds: seeds(101, 4),
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
      seeds: seeds(201, 4),
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
      seeds: seeds(301, 4),
    },
    async (ctx) => {
      const s = setup(ctx);
      await s.world.run(async () => {
        // A long run of misses.
        for (let i = 0; i <= s.threshold; i++) {
          const c = await step(s, s.missing[i % 2]);
          if (!c.reached) ctx.fail(`Cassandra answered "no such row" for ${i} reads in a row and the breaker then refused to call it: a healthy read model was cut off because of orders it simply did not have yet (seed ${ctx.seed}).`);
          if (!rethrownUnchanged(c)) ctx.fail(`A read of an order missing from the read model ended as: ${c.ok ? 'a value' : describeError(c.error)}${c.ok || !('thrown' in c) ? '' : `, while the function threw ${describeError(c.thrown)}`}; the breaker must rethrow the function's own error unchanged, the same object (seed ${ctx.seed}).`);
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
      seeds: seeds(401, 4),
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
      seeds: seeds(501, 4),
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
      seeds: seeds(601, 4),
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
      seeds: seeds(701, 4),
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
      seeds: seeds(801, 4),
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
        if (!rethrownUnchanged(trial)) ctx.fail(`The trial read of a missing order ended as: ${outcome(s, trial)}; expected the function's own NotInReadModelError, rethrown unchanged (the same object) (seed ${ctx.seed}).`);
        const after: Call[] = [];
        for (let i = 0; i < 4; i++) after.push(await step(s, pick(s), 100 + s.rand(500)));
        const refused = after.filter((c) => !c.reached).length;
        if (refused > 0) {
          ctx.fail(`The trial reached Cassandra, which answered ("no such row"), yet ${refused} of the next 4 reads were refused by the breaker (state '${s.breaker.state}'): the circuit never closed and customers are kept off a working read model (seed ${ctx.seed}).`);
        }
      });
    },
  );

  t.test(
    "each API instance's breaker counts and opens on its own",
    {
      scenario: 'Two API instances, one in zone A and one in zone B, each with its own breaker (its own threshold and cool-down). First both lose the network to Cassandra for a few reads, fewer than either threshold; later only the zone A instance does, until its circuit opens, while the zone B instance keeps reading.',
      hint: 'Keep the count, the state and the time the circuit opened on the breaker itself (`this.…`), not in module-level variables or static fields: the API makes one breaker per instance, and each counts only its own calls against its own options.',
      seeds: seeds(901, 4),
    },
    async (ctx) => {
      const a = setup(ctx);
      const b = secondApi(a, { threshold: a.threshold + 1 + a.rand(3), coolDownMs: a.coolDownMs + 500 * (1 + a.rand(4)) });
      const apis = [a, b];
      const where = ['zone A', 'zone B'];
      const cut = (clients: string[]) => a.world.fault({ kind: 'partition', groups: [clients, ALL] });
      await a.world.run(async () => {
        // 1. Both instances' reads fail, each fewer times in a row than its own threshold, interleaved.
        cut(['api-a', 'api-b']);
        const turns = [...Array<number>(a.threshold - 1).fill(0), ...Array<number>(b.threshold - 1).fill(1)];
        for (let i = turns.length - 1; i > 0; i--) {
          const j = a.rand(i + 1);
          [turns[i], turns[j]] = [turns[j], turns[i]];
        }
        const fails = [0, 0];
        const refused = (k: number, now: string) =>
          ctx.fail(`The API instance in ${where[k]} refused a read ${now}, after its own breaker had seen ${fails[k]} failed read${fails[k] === 1 ? '' : 's'} in a row (its failureThreshold ${apis[k].threshold}); the instance in ${where[1 - k]} had seen ${fails[1 - k]} (its failureThreshold ${apis[1 - k].threshold}). Its breaker counted the other instance's failures: there is one breaker per API instance, and failureThreshold failures in a row of its own open it (seed ${ctx.seed}).`);
        for (const k of turns) {
          const c = await step(apis[k], pick(apis[k]), 20 + a.rand(200));
          if (!c.reached) refused(k, 'while the network to Cassandra was down');
          fails[k]++;
        }
        a.world.fault({ kind: 'heal' });
        for (const k of [0, 1]) {
          const c = await step(apis[k], pick(apis[k]), 50);
          if (!c.reached) refused(k, 'once the network was back');
          if (!c.ok) ctx.fail(`With the network back, the API instance in ${where[k]} read an order and got: ${outcome(apis[k], c)}; expected the row from Cassandra (seed ${ctx.seed}).`);
          fails[k] = 0;
        }
        // 2. Only the zone A instance loses Cassandra, until its circuit opens; zone B keeps reading.
        cut(['api-a']);
        const { openedAt } = await openIt(ctx, a, 'the API instance in zone A had lost the network to Cassandra');
        for (let i = 0; i < 3; i++) {
          const c = await step(b, pick(b), 50 + a.rand(200));
          if (!c.reached) ctx.fail(`The circuit of the API instance in zone A opened; then the instance in zone B, whose reads had all succeeded since its last failure, refused a read too (${outcome(b, c)}, its breaker.state '${b.breaker.state}'). One breaker per API instance: the other instance's failures must not open this one (seed ${ctx.seed}).`);
          if (!c.ok) ctx.fail(`While only the zone A instance was cut off, the API instance in zone B read an order and got: ${outcome(b, c)}; expected the row from Cassandra (seed ${ctx.seed}).`);
        }
        if (b.breaker.state !== 'closed') ctx.fail(`The API instance in zone B read every order from Cassandra, yet its breaker.state is '${b.breaker.state}'; expected 'closed': it is not the breaker that opened (seed ${ctx.seed}).`);
        const c = await step(a, pick(a));
        if (c.reached) ctx.fail(`The circuit of the API instance in zone A opened; ${secs(c.start - openedAt)} later, still within its cool-down of ${secs(a.coolDownMs)}, it sent a read to Cassandra again: the other instance's successful reads closed this instance's circuit (seed ${ctx.seed}).`);
      });
    },
  );

  // ── Properties: each task sentence over generated workloads ─────────────────────────────────────
  properties(t);
});

// ── The property phase ───────────────────────────────────────────────────────────────────────────
// Each property feeds the learner's breaker a generated workload of calls whose `fn` the test controls
// (it succeeds, times out, or answers "no such row" after a given time), then replays the workload on
// the task's state table and reports the first call where the breaker did something the task rules out.
// Times are chosen so no two events tie: calls arrive on multiples of 100 ms, each `fn` settles at a
// time of its own between them (…01–…40 ms), and a cool-down ends at …55–…95 ms; every `fn` takes less
// than the shortest cool-down, so a call in flight when the circuit opens has settled before it ends.
// One tie is made on purpose (`ties`): a cool-down chosen so that a call arrives exactly `coolDownMs`
// after the circuit first opened. "Until coolDownMs have passed": by then they have, so it is the trial.

/** A task sentence by its id in meta.json: each property is named by the sentence it checks. */
function task(id: string): string {
  const x = meta.tasks.find((k: { id: string }) => k.id === id);
  if (!x) throw new Error(`exercises/circuit-breaker/meta.json has no task "${id}"`);
  return x.text;
}

/** What a call's `fn` does: resolve with an order, time out (a failure), or answer "no such row". */
type Result = 'ok' | 'timeout' | 'miss';
/** How the breaker is told which errors count: not at all (the default), or by class or by name. */
type Classifier = 'default' | 'instanceof' | 'name';
type CallSpec = { result: Result; hundreds: number };
/** Calls arriving together, `gap` × 100 ms after the previous wave arrived. */
type Wave = { gap: number; calls: CallSpec[] };
type Workload = { threshold: number; coolDownMs: number; isFailure: Classifier; waves: Wave[] };

const MAX_CALLS = 40;

function workload(o: { results: [Result, number][]; burst: number; gap: [number, number]; waves: [number, number]; classifiers?: Classifier[]; ties?: boolean }): fc.Arbitrary<Workload> {
  const result = fc.oneof(...o.results.map(([r, weight]) => ({ arbitrary: fc.constant(r), weight })));
  const call = fc.record({ result, hundreds: fc.integer({ min: 0, max: 3 }) });
  const wave = fc.record({
    gap: fc.integer({ min: o.gap[0], max: o.gap[1] }),
    calls: fc.oneof({ arbitrary: fc.array(call, { minLength: 1, maxLength: 1 }), weight: 3 }, { arbitrary: fc.array(call, { minLength: 2, maxLength: o.burst }), weight: 1 }),
  });
  return fc
    .record({
      threshold: fc.integer({ min: 1, max: 5 }),
      coolDownMs: fc.integer({ min: 3, max: 20 }).map((h) => h * 100 + 55),
      isFailure: fc.constantFrom(...(o.classifiers ?? (['default', 'instanceof', 'name'] as Classifier[]))),
      waves: fc.array(wave, { minLength: o.waves[0], maxLength: o.waves[1] }),
      // most workloads: which later call the first cool-down ends on exactly (if one can)
      tie: o.ties ? fc.oneof({ arbitrary: fc.constant(null), weight: 1 }, { arbitrary: fc.nat({ max: 99 }), weight: 3 }) : fc.constant(null),
    })
    .map((w) => {
      // at most MAX_CALLS calls, so each can settle at a time of its own
      let n = 0;
      const waves: Wave[] = [];
      for (const wv of w.waves) {
        const calls = wv.calls.slice(0, MAX_CALLS - n);
        if (!calls.length) break;
        n += calls.length;
        waves.push({ gap: waves.length === 0 ? 0 : wv.gap, calls });
      }
      const out: Workload = { threshold: w.threshold, coolDownMs: w.coolDownMs, isFailure: w.isFailure, waves };
      return w.tie === null ? out : tieCoolDown(out, w.tie);
    });
}

/** When the circuit first opens in `w` (the task's table: the threshold-th failure in a row settles), or null. */
function firstOpening(w: Workload): number | null {
  const { arrive, spec } = timeline(w);
  const settles = spec.map((c, i) => ({ t: arrive[i] + fnMs(c, i), r: c.result })).sort((x, y) => x.t - y.t);
  let fails = 0;
  for (const { t, r } of settles) {
    if (r === 'ok' || (r === 'miss' && w.isFailure !== 'default')) fails = 0;
    else if (++fails >= w.threshold) return t;
  }
  return null;
}

/**
 * `w` with its cool-down set so that a call arrives exactly `coolDownMs` after the circuit first opened
 * (the `pick`-th of the calls that can, a cool-down of 355–2055 ms as usual), or `w` as it is.
 */
function tieCoolDown(w: Workload, pick: number): Workload {
  const opened = firstOpening(w);
  if (opened === null) return w;
  const ends = [...new Set(timeline(w).arrive)].map((t) => t - opened).filter((d) => d >= 355 && d <= 2055);
  return ends.length ? { ...w, coolDownMs: ends[pick % ends.length] } : w;
}

const RESULT_WORDS: Record<Result, string> = { ok: 'succeeds', timeout: 'times out', miss: 'answers "no such row"' };
const CLASSIFIER_WORDS: Record<Classifier, string> = {
  default: 'no isFailure (every error is a failure)',
  instanceof: 'isFailure: (err) => !(err instanceof NotInReadModelError)',
  name: "isFailure: (err) => err.name !== 'NotInReadModelError'",
};

/** When each call arrives and when its fn settles (ms after the first call), by call number. */
function timeline(w: Workload): { arrive: number[]; spec: CallSpec[] } {
  const arrive: number[] = [];
  const spec: CallSpec[] = [];
  let t = 0;
  for (const wave of w.waves) {
    t += wave.gap * 100;
    for (const c of wave.calls) {
      arrive.push(t);
      spec.push(c);
    }
  }
  return { arrive, spec };
}
/**
 * What call #i's fn resolves with when it succeeds: an order, or (every third call) `null`, as a read
 * that returns `Order | null` would. A success is a success whatever the value: `call<T>` is generic.
 */
const okValue = (i: number): { id: string; version: number } | null => (i % 3 === 2 ? null : { id: `o-${i}`, version: 1 });
const resultWords = (c: CallSpec, i: number) => (c.result === 'ok' && okValue(i) === null ? 'succeeds with null' : RESULT_WORDS[c.result]);

/** How long call #i's fn takes: whole hundreds plus i+1 ms, so no two settle at the same time. */
const fnMs = (c: CallSpec, i: number) => c.hundreds * 100 + i + 1;

function workloadWords(w: Workload): string {
  const { arrive, spec } = timeline(w);
  const calls = spec.map((c, i) => `#${i + 1} at ${arrive[i]} ms (its fn ${resultWords(c, i)} after ${fnMs(c, i)} ms)`);
  return `a breaker with failureThreshold ${w.threshold}, coolDownMs ${w.coolDownMs} and ${CLASSIFIER_WORDS[w.isFailure]}; calls ${calls.join(', ')}`;
}

/** One call as the breaker handled it (times in ms after the first call). */
type Seen = { arrive: number; reached: boolean; fnAt: number; settled: number; ok: boolean; value?: unknown; error?: unknown; expect?: unknown; notAPromise?: string };

/**
 * Runs the workload through a fresh breaker of the learner's, in virtual time. `isOpenError`: a
 * rejection is a CircuitOpenError of the learner's (by its prototype chain, never by `instanceof`,
 * which the learner's class decides) and not an error one of the calls' `fn` threw.
 */
async function drive(ctx: TestContext, w: Workload): Promise<{ seen: Seen[]; isOpenError: (e: unknown) => boolean }> {
  const world = ctx.world({});
  const mod = ctx.load<Learner>();
  const openProto = classPrototype(mod.CircuitOpenError);
  const missProto = classPrototype(mod.NotInReadModelError);
  const thrownByFn = new Set<unknown>();
  const options: { failureThreshold: number; coolDownMs: number; isFailure?: (err: unknown) => boolean } = { failureThreshold: w.threshold, coolDownMs: w.coolDownMs };
  // "by class": the task's `err instanceof NotInReadModelError`, as the prototype chain says it
  if (w.isFailure === 'instanceof') options.isFailure = (err) => !hasPrototype(err, missProto);
  if (w.isFailure === 'name') options.isFailure = (err) => (err as { name?: unknown } | null)?.name !== 'NotInReadModelError';
  const breaker = new mod.CircuitBreaker(options);
  const seen: Seen[] = [];
  await world.run(async () => {
    const t0 = world.now;
    const at = () => world.now - t0;
    const pending: Promise<void>[] = [];
    let i = 0;
    for (const wave of w.waves) {
      if (wave.gap) await world.sleep(wave.gap * 100);
      for (const c of wave.calls) {
        const k = i++;
        const rec: Seen = { arrive: at(), reached: false, fnAt: -1, settled: -1, ok: false };
        seen.push(rec);
        const fn = async () => {
          rec.reached = true;
          rec.fnAt = at();
          await world.sleep(fnMs(c, k));
          if (c.result === 'ok') return (rec.expect = okValue(k));
          const err = c.result === 'miss' ? new mod.NotInReadModelError(`o-${k}`) : Object.assign(new Error('Operation timed out (no answer within 100 ms)'), { name: 'OperationTimedOutError' });
          rec.expect = err;
          thrownByFn.add(err);
          throw err;
        };
        // call() must return a promise: one that throws instead (a non-async call) breaks every caller's .catch()
        let p: Promise<unknown>;
        try {
          const r: unknown = breaker.call(fn);
          if (r instanceof Promise) p = r;
          else {
            rec.notAPromise = `returned ${typeof r === 'object' && r !== null ? 'an object that is not a Promise' : String(r)}`;
            p = Promise.resolve(r);
          }
        } catch (error) {
          if (isSimulationError(error)) throw error;
          rec.notAPromise = `threw ${describeError(error)} instead of returning a rejected promise`;
          p = Promise.reject(error);
        }
        pending.push(
          p.then(
            (value) => { rec.ok = true; rec.value = value; rec.settled = at(); },
            (error) => {
              if (isSimulationError(error)) throw error;
              rec.error = error;
              rec.settled = at();
            },
          ),
        );
      }
    }
    await Promise.all(pending);
  });
  return { seen, isOpenError: (e) => hasPrototype(e, openProto) && !thrownByFn.has(e) };
}

/**
 * Replays the workload on the task's state table and returns the first thing the breaker did that the
 * task rules out, in words (null: none). Where the task leaves a choice, any choice is accepted: a
 * failure of a call still in flight when the circuit opened may count (re-opening it later) or not.
 */
function firstViolation(w: Workload, seen: Seen[], isOpenError: (e: unknown) => boolean): string | null {
  const { spec } = timeline(w);
  const counts = (r: Result) => r === 'timeout' || (r === 'miss' && w.isFailure === 'default');
  type Ev = { t: number; kind: 0 | 1; i: number };
  const evs: Ev[] = [];
  seen.forEach((s, i) => {
    evs.push({ t: s.arrive, kind: 1, i });
    if (s.reached) evs.push({ t: s.fnAt + fnMs(spec[i], i), kind: 0, i });
  });
  evs.sort((a, b) => a.t - b.t || a.kind - b.kind || a.i - b.i);
  let state: 'closed' | 'open' | 'half-open' = 'closed';
  let fails = 0;
  let openedAt = 0;
  let openedLate = 0;
  let trial = -1;
  let why = '';
  const failed = (r: Result) => (r === 'timeout' ? 'timed out' : 'answered "no such row", a failure when no isFailure is given,');
  const name = (i: number) => `call #${i + 1} (at ${seen[i].arrive} ms)`;
  const rejected = (i: number): string | null => {
    const s = seen[i];
    if (s.ok) return `${name(i)} was not let through, yet it resolved (with ${String(s.value)}) instead of rejecting with a CircuitOpenError: getOrder() would return that instead of asking PostgreSQL`;
    if (!isOpenError(s.error)) return `${name(i)} was not let through and rejected with ${describeError(s.error)}; expected a CircuitOpenError`;
    if (s.settled > s.arrive) return `${name(i)} was turned away only after waiting ${s.settled - s.arrive} ms; a call that is not let through is rejected at once`;
    return null;
  };
  const odd = seen.findIndex((s) => s.notAPromise !== undefined);
  if (odd >= 0) return `${name(odd)}: breaker.call(fn) ${seen[odd].notAPromise}; call() returns a promise (it is async), so a caller's .catch() or try/await sees every rejection, a CircuitOpenError included`;
  for (const ev of evs) {
    const i = ev.i;
    const s = seen[i];
    const r = spec[i].result;
    if (ev.kind === 1) {
      if (state === 'closed') {
        if (!s.reached) return `${name(i)} was turned away although the circuit was closed (${fails === 0 ? 'no failure' : `${fails} failure${fails === 1 ? '' : 's'}`} in a row since the last success, failureThreshold ${w.threshold})`;
        if (s.fnAt > s.arrive) return `${name(i)} was held ${s.fnAt - s.arrive} ms before fn was called, although the circuit was closed`;
      } else if (state === 'open') {
        const since = s.arrive - openedAt;
        if (s.arrive < openedAt + w.coolDownMs) {
          if (s.reached) return `${name(i)} called fn ${since} ms after the circuit should have opened (${why}), before the cool-down of ${w.coolDownMs} ms had passed`;
          const bad = rejected(i);
          if (bad) return bad;
        } else if (s.reached) {
          state = 'half-open';
          trial = i;
        } else if (s.arrive >= openedLate + w.coolDownMs) {
          if (since === w.coolDownMs) return `${name(i)} came exactly coolDownMs (${w.coolDownMs} ms) after the circuit opened (${why}) and was turned away: calls are rejected only until coolDownMs have passed, so at ${w.coolDownMs} ms the cool-down is over and this first call after it is the trial`;
          return `${name(i)} came ${since} ms after the circuit opened (coolDownMs ${w.coolDownMs}) and was turned away: the first call after the cool-down is the trial, or the circuit never closes again`;
        } else {
          const bad = rejected(i);
          if (bad) return bad;
        }
      } else {
        if (s.reached) return `${name(i)} called fn while call #${trial + 1}, the trial, was still running: a half-open circuit lets exactly one call through`;
        const bad = rejected(i);
        if (bad) return bad;
      }
      continue;
    }
    // fn of call i settled at ev.t
    if (i === trial) {
      trial = -1;
      if (counts(r)) {
        state = 'open';
        openedAt = openedLate = ev.t;
        why = `the trial, call #${i + 1}, ${failed(r)} at ${ev.t} ms`;
      } else {
        state = 'closed';
        fails = 0;
      }
    } else if (state === 'closed') {
      if (!counts(r)) fails = 0;
      else if (++fails >= w.threshold) {
        state = 'open';
        openedAt = openedLate = ev.t;
        why = `call #${i + 1} ${failed(r)} at ${ev.t} ms: ${fails} failure${fails === 1 ? '' : 's'} in a row, failureThreshold ${w.threshold}`;
      }
    } else if (state === 'open' && counts(r)) {
      openedLate = ev.t; // a call in flight when the circuit opened: its failure may re-open it
    }
  }
  // what each call that was let through gave its caller
  for (let i = 0; i < seen.length; i++) {
    const s = seen[i];
    if (!s.reached) continue;
    const r = spec[i].result;
    if (r === 'ok' && !(s.ok && s.value === s.expect)) return `${name(i)}: fn resolved with ${s.expect === null ? 'null' : 'an order'}, but the caller got ${s.ok ? String(s.value) : describeError(s.error)}: a call that is let through gives fn's result`;
    if (r !== 'ok' && s.ok) return `${name(i)}: fn ${r === 'miss' ? 'answered "no such row"' : 'timed out'}, but the call resolved (with ${String(s.value)}): the error must reach the caller`;
    if (r === 'miss' && !counts(r) && s.error !== s.expect) return `${name(i)}: fn threw NotInReadModelError, but the caller got ${describeError(s.error)}: an error isFailure rejects is rethrown unchanged (the same object)`;
  }
  return null;
}

function check(ctx: TestContext, w: Workload, seen: Seen[], isOpenError: (e: unknown) => boolean): void {
  const bad = firstViolation(w, seen, isOpenError);
  if (bad) ctx.fail(`${bad}. Scenario: ${workloadWords(w)}.`);
}

function properties(t: Parameters<Parameters<typeof defineTests>[0]>[0]): void {
  const prop = (id: string, cases: fc.Arbitrary<Workload>, hint: string, runs = 80) =>
    t.property(task(id), { cases, scenario: workloadWords, hint, runs }, async (ctx, w) => {
      const { seen, isOpenError } = await drive(ctx, w);
      check(ctx, w, seen, isOpenError);
    });

  prop(
    'consecutive',
    workload({ results: [['ok', 2], ['timeout', 3], ['miss', 1]], burst: 3, gap: [1, 4], waves: [3, 18] }),
    'Count failures in a row: set the count to 0 after every success, open when it reaches failureThreshold (not one later), and let every call through while closed.',
  );
  prop(
    'not-a-failure',
    workload({ results: [['ok', 1], ['timeout', 2], ['miss', 3]], burst: 3, gap: [1, 5], waves: [3, 18] }),
    '`isFailure` is optional: `const counts = this.options.isFailure?.(err) ?? true`. An error it rejects resets the count like a success and is rethrown as it is.',
  );
  prop(
    'open',
    workload({ results: [['ok', 1], ['timeout', 5], ['miss', 1]], burst: 5, gap: [0, 3], waves: [4, 20], ties: true }),
    'While open, `throw new CircuitOpenError()` before calling fn and before any await; remember when the circuit opened and let the cool-down run from then, whatever calls arrive meanwhile.',
  );
  prop(
    'half-open',
    workload({ results: [['ok', 2], ['timeout', 4], ['miss', 1]], burst: 5, gap: [1, 12], waves: [4, 20] }),
    "After the cool-down the first caller becomes the trial (state 'half-open'); every other caller is rejected at once until its fn settles. Its success, or an error that is not a failure, closes the circuit with a fresh count; its failure opens it for a full cool-down from then.",
  );
}
