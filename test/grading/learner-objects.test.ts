/**
 * Exercise checks read what learner code returns once: an object whose getters or `toJSON` answer
 * differently each time it is read cannot pass a check with one answer and give the simulator another.
 */
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
