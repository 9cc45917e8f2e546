/**
 * Issue 11, "one run changes later runs": a Run that changes what the simulator or the built-ins
 * keep between runs (a driver's static cache, a simulator prototype, a built-in) must change
 * nothing for the next Run or Submit — the unmodified starter then does not show "Completed", and
 * the reference solution passes.
 */
import { describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers';
import { clickAndWait, exerciseRoot, setCode, useExercisePage, summaryStatus } from './exercise-helpers';

vi.setConfig({ testTimeout: 400_000, hookTimeout: 300_000 });

const ID = 'read-fallback';
const read = (f: string) => readFileSync(path.join(ROOT, 'exercises', ID, f), 'utf8');
const solution = read('solution.ts');
const starter = read('starter.ts');

const shared = useExercisePage(`playground/${ID}/`, ID);

/** The starter, its `getOrder` wrapped: `attack(deps)` runs first. */
function withAttack(attack: string): string {
  const head = 'export async function getOrder(';
  if (!starter.includes(head)) throw new Error(`exercises/${ID}/starter.ts no longer declares \`${head}…\``);
  return `${starter.replace(head, 'async function starterGetOrder(')}
export async function getOrder(deps: any, orderId: string): Promise<any> {
  try {
${attack}
  } catch (e) {
    console.log('attack refused: ' + String(e).slice(0, 200));
  }
  return starterGetOrder(deps, orderId);
}
`;
}

/** The statements the reference solution sends to Cassandra (the text a statement cache is keyed by). */
const solutionStatements = [...solution.matchAll(/'(SELECT [^']*\?)'/g)].map((m) => m[1]);

/** What learner code can change that a later run would use, reached from the clients it gets. */
const ATTACKS: [string, string][] = [
  [
    'the Cassandra driver’s static statement cache',
    `const cache: any = deps.cassandra.constructor.cache;
     // A later run's statements fail as if Cassandra had refused them.
     for (const q of ${JSON.stringify(solutionStatements)}) cache.set(q, new Error('poisoned by an earlier run'));`,
  ],
  [
    'the prototype of the Cassandra client and of the PostgreSQL pool',
    `const cp: any = Object.getPrototypeOf(deps.cassandra);
     const pp: any = Object.getPrototypeOf(deps.pg);
     cp.execute = async function () { return { rows: [], rowLength: 0, first: () => null }; };
     pp.query = async function () { return { rows: [], rowCount: 0 }; };`,
  ],
  [
    'state hung on Intl and on the global object',
    `const I: any = Intl;
     I.__poisoned = true;
     (Intl.NumberFormat.prototype as any).format = () => '0';
     (globalThis as any).__orders = new Map();`,
  ],
];

async function submit(code: string): Promise<{ summary: string; status: string | null; complete: boolean }> {
  await setCode(shared.page, code, ID);
  const summary = await clickAndWait(shared.page, 'Submit', ID);
  const complete = (await exerciseRoot(shared.page, ID).locator('[data-note="complete"]').count()) > 0;
  return { summary, status: await summaryStatus(shared.page, ID), complete };
}

describe('a Run that changes what later runs use changes nothing for them', () => {
  it('knows the statements of the reference solution', () => {
    expect(solutionStatements.length).toBeGreaterThan(0);
  });

  it.each(ATTACKS)('%s', async (_what, attack) => {
    await setCode(shared.page, withAttack(attack), ID);
    await clickAndWait(shared.page, 'Run', ID);
    // The reference solution passes …
    const good = await submit(solution);
    expect(good.status, good.summary).toBe('pass');
    // … and the unmodified starter still fails, with no "Completed" note.
    const bad = await submit(starter);
    expect(bad.status, bad.summary).not.toBe('pass');
    expect(bad.complete).toBe(false);
  });
});
