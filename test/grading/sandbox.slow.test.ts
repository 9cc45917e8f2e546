/**
 * The sandbox's attacks through the Node host (scripts/grade.ts): jobs graded one after the other
 * through one pool, as `npm run verify` uses it (each in a fresh grading process whose realm the
 * grader hardens, as the browser's run worker does). Spawns processes, hence the slow tier. The same
 * attacks in one realm: sandbox.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect as vexpect, it } from 'vitest';
import { GradePool, compileLearnerTs } from '../../scripts/grade';
import { PROBE, TAMPER } from './fixtures/sandbox-attacks';

const ROOT = resolve(__dirname, '../..');

function compileOrThrow(ts: string): string {
  const c = compileLearnerTs(ts, 'learner.ts');
  if (!c.ok) throw new Error(c.message);
  return c.js;
}

describe('nothing a run does reaches the next run (Node host)', () => {
  const files = (id: string) => ({
    solution: readFileSync(join(ROOT, 'exercises', id, 'solution.ts'), 'utf8'),
    starter: readFileSync(join(ROOT, 'exercises', id, 'starter.ts'), 'utf8'),
  });
  const js = compileOrThrow;

  it('the Node host: after a run that poisoned every simulator and driver prototype and cache it could reach, the solution still passes and the starter still fails (one pool: a fresh grading process for each job)', { timeout: 300_000 }, async () => {
    const { solution, starter } = files('read-fallback');
    // the statements the solution sends, poisoned in the driver's cache by the tampering run
    const queries = [...solution.matchAll(/(['"`])(SELECT [^'"`]*)\1/g)].map((m) => m[2]);
    vexpect(queries.length).toBeGreaterThan(0);
    const tamper = TAMPER.replace('(globalThis as any).__queries ?? []', JSON.stringify(queries));
    const pool = new GradePool(1);
    try {
      const tampered = await pool.grade({ exerciseId: 'read-fallback', learnerJs: js(tamper), mode: 'run' });
      // graded, not crashed
      vexpect(tampered.status).toBe('fail');
      vexpect(tampered.tests.length).toBeGreaterThan(0);
      const afterSolution = await pool.grade({ exerciseId: 'read-fallback', learnerJs: js(solution), mode: 'run' });
      vexpect(afterSolution.tests.filter((t) => t.status !== 'pass').map((t) => `${t.name}: ${t.message}`)).toEqual([]);
      vexpect(afterSolution.status).toBe('pass');
      const afterStarter = await pool.grade({ exerciseId: 'read-fallback', learnerJs: js(starter), mode: 'submit' });
      vexpect(afterStarter.status).toBe('fail');
    } finally {
      pool.close();
    }
  });

});

describe('the host is out of reach (Node host)', () => {
  it('through the Node host: a correct solution that tries every way out at load reaches nothing and is graded by the host alone', { timeout: 300_000 }, async () => {
    const solution = readFileSync(join(ROOT, 'exercises/demo/solution.ts'), 'utf8');
    const learner = `${solution}\n${PROBE}\nconst reached = probeHost();\nif (Object.keys(reached).length > 0) throw new Error('reached the host: ' + JSON.stringify(reached));`;
    const pool = new GradePool(1);
    try {
      const r = await pool.grade({ exerciseId: 'demo', learnerJs: compileOrThrow(learner), mode: 'submit' });
      vexpect(r.message ?? '').toBe('');
      vexpect(r.status).toBe('pass');
    } finally {
      pool.close();
    }
  });
});
