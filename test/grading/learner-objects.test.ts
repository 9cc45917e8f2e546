/**
 * Exercise checks read what learner code returns once: an object whose getters or `toJSON` answer
 * differently each time it is read cannot pass a check with one answer and give the simulator another,
 * and an array's own methods cannot stand in for the built-ins the checks call (learnerData).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runExercise } from '../../src/grading/index';
import { loadExercise } from '../support/exercise';
import { compile } from './helpers';

describe('break-quorum: the schedule the checks see is the schedule the simulator runs', () => {
  it('a fault that reads as an allowed kind but serialises as another is refused by the kind check', async () => {
    const r = await runExercise({
      exercise: await loadExercise('break-quorum'),
      learnerJs: compile(`export function schedule() {
        return [{ at: 0, kind: 'heal', toJSON() { return { at: 0, kind: 'latency', link: ['A', 'B'], dist: 'const:5000' }; } }];
      }`),
      mode: 'run',
    });
    expect(r.tests.length).toBeGreaterThan(0);
    for (const t of r.tests) expect(t.message, t.name).toMatch(/^Fault 1 of your schedule, \{"at":0,"kind":"latency".*has an unknown kind/);
  });
});

/** An attack found by red-teaming the grader (test/grading/fixtures/attacks/), compiled. */
const attack = (file: string) => compile(readFileSync(new URL(`./fixtures/attacks/${file}`, import.meta.url), 'utf8'));

describe('read-your-writes: a getter that tells the checks apart cannot pass a wrong answer', () => {
  it("the token-ignoring answer, its order's `version` a getter that looks at the stack to answer each check what it wants, fails the Submit as the plain wrong answer does", async () => {
    const exercise = await loadExercise('read-your-writes');
    const wrong = readFileSync(new URL('../../exercises/read-your-writes/wrong/fallback-only-when-missing.ts', import.meta.url), 'utf8');
    const twisted = wrong.replace('if (row) return toOrder(row);', 'if (row) return twoFaced(toOrder(row), minVersion);');
    expect(twisted).not.toBe(wrong);
    const code = `${twisted}\n${readFileSync(new URL('./fixtures/attacks/two-faced-version.ts', import.meta.url), 'utf8')}`;
    const r = await runExercise({ exercise, learnerJs: compile(code), mode: 'submit' });
    const failed = r.tests.filter((t) => t.status !== 'pass').map((t) => t.name);
    expect(r.status).toBe('fail');
    expect(failed).toContain("processor lagging: the read model still has the version before the caller's change");
    expect(failed.some((n) => n.startsWith('Use the token: return the read model'))).toBe(true);
  });
});

describe("hint-alerts: an array's own methods do not stand in for the built-ins", () => {
  it('an answer that computes nothing and returns an array with its own iterator, filter and find passes no test that expects an alert', async () => {
    const exercise = await loadExercise('hint-alerts');
    const r = await runExercise({ exercise, learnerJs: attack('own-array-methods.ts'), mode: 'submit' });
    const passed = r.tests.filter((t) => t.status === 'pass').map((t) => t.name);
    expect(r.status).toBe('fail');
    for (const name of ['warns while a down node is still inside the hint window', 'any increase of Hints_not_stored asks for a repair', 'dropped mutations raise one alert per episode']) {
      expect(passed).not.toContain(name);
    }
  });
});

describe('read-fallback: learner code cannot run its client outside the zone the scenario cuts off', () => {
  it('CL ONE through a client it constructs itself in zone B (sim options, contact point B) still fails "zone A cut off": its client runs where the API does', async () => {
    const exercise = await loadExercise('read-fallback');
    const name = 'zone A cut off: a client there gets the current order, not a stale copy';
    const r = await runExercise({ exercise, learnerJs: attack('relocated-client.ts'), mode: 'submit', only: name });
    expect(r.tests.map((t) => [t.name, t.status])).toEqual([[name, 'fail']]);
  });
});
