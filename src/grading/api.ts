/**
 * The test API for exercise authors.
 *
 * ```ts
 * // exercises/<id>/hidden.test.ts
 * import { defineTests, expect } from '../../src/grading/api';
 *
 * export default defineTests((t) => {
 *   t.describe('blockFor', () => {
 *     t.test('QUORUM of RF=4 is 3 replicas', async (ctx) => {
 *       const { blockFor } = ctx.load();          // the learner's module, evaluated fresh
 *       expect(blockFor('QUORUM', 4), 'a majority of 4 is 3').to.equal(3);
 *     });
 *   });
 *
 *   t.test('falls back to PostgreSQL when zone A is cut off', {
 *     scenario: 'Zone A is isolated from B and C; the app reads an order through a node in zone A.',
 *     hint: 'An isolated coordinator answers Unavailable or times out: catch it and ask PostgreSQL.',
 *     seeds: [1, 2, 3],                            // runs once per seed; the first failing seed is reported
 *   }, async (ctx) => {
 *     const world = ctx.world({ ... });            // a simulator world seeded with ctx.seed
 *     const { getOrder } = ctx.load();
 *     ...
 *     if (!ok) t.fail('The order came back empty although PostgreSQL has it.');
 *   });
 * });
 * ```
 *
 * Properties: an invariant of the task over generated scenarios (docs/CONTRACTS.md "Properties").
 *
 * ```ts
 *   t.property('Ask PostgreSQL whenever Cassandra errors, times out, or does not have the order', {
 *     cases: gen.outage({ kinds: ['crash', 'isolate'] }),  // fast-check arbitrary; `gen.*` are shared
 *     scenario: (o) => words.outage(o),                    // one case in plain words
 *     hint: '…',
 *   }, async (ctx, o) => { … ctx.world() … });            // runs once per case; shrunk on failure
 * ```
 *
 * - Test names are `describe > test` (joined by " > "); they are what `wrong/*.ts` files name in
 *   their first line (`// rejects: blockFor > QUORUM of RF=4 is 3 replicas`).
 * - Tests run in file order. `beforeEach`/`afterEach` apply to the tests of the enclosing
 *   `describe` (or the whole file) and get the same `ctx`.
 * - `expect` is chai's `expect` (with an optional message: `expect(x, 'plain words').to…`).
 *   `t.fail(message)` / `fail(message)` fails the test with exactly `message`: hidden tests should
 *   fail with words a learner understands, not with "expected 2 to equal 3".
 * - Assertion failures give status `fail`; anything else the learner code throws gives `error`.
 * - `ctx.load()` evaluates the learner's compiled module again on every call: no state survives
 *   from one test (or seed) to the next.
 *
 * Besides the suite itself, the API carries what every exercise's tests share:
 * - `seeds(from, n)`: a run of seeds for `seeds:`;
 * - `prng(seed)`: the test's own random choices (`rand(n)`, `rand.pick(xs)`, `rand.between(lo, hi)`),
 *   from the simulator's generator on a stream of its own;
 * - `measure(world, fn)`: one call of the learner's code → `{ ok, value | error, ms, queries, resent }`
 *   (the simulator's own verdicts are rethrown; `value` is `learnerData`'s copy);
 * - `learnerData(value)`: a value learner code produced, copied once into plain data. Check only the
 *   copy: a getter, a Proxy or an array's own `filter` could answer each read of the original
 *   differently (e.g. one way to the check that finds the order, another to the version check);
 * - `resentWords(r)` says, for a message about a call
 *   that took too long, where the driver sent a request it sent more than once, and why;
 * - `isSimulationError(e)`, `describeError(e)`;
 * - the orders the exercises seed: `Order`, `orderRow`, `showOrder`, `randomOrder`, `putOrder`;
 * - properties (`t.property`, `gen`, `words`, `fc`) and the simulator's types (`World`, `Query`, `Fault`).
 *
 * Pure TypeScript: no DOM, no Node built-ins.
 */
export { defineTests, expect, fail, TestFailure } from './suite';
export type {
  LearnerModule, TestOptions, TestContext, TestBody, PropertyOptions, PropertyBody, Hook, TestBuilder, TestModule,
} from './suite';
export type { World, WorldOptions, Query } from './world';
export type { Fault } from '../sim/index';
export { fc } from './property';
export { gen, words } from './generators';
export { seeds, prng, measure, learnerData, resentWords, theRestWords, describeError, isSimulationError } from './authoring';
export type { TestRandom, Measured, Resent } from './authoring';
export { orderRow, showOrder, randomOrder, putOrder } from './orders';
export type { Order, ReadModelState } from './orders';
export type { Outage, OutageKind, CounterHistory, NodeId } from './generators';
