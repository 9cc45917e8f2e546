/**
 * Issue 11, "patched built-ins can make a test's checks vacuous": learner code that, after doing its
 * (wrong) work, replaces `Array.prototype.forEach`, `entries`, `find` and `some` turned the tests'
 * own loops over the results into no-ops, so failing tests passed. Every test the unmodified starter
 * fails must still fail when the starter patches built-ins on its way out.
 */
import { describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers';
import { clickAndWait, setCode, useExercisePage, shownTests } from './exercise-helpers';

vi.setConfig({ testTimeout: 400_000, hookTimeout: 300_000 });

const ID = 'read-fallback';
const starter = readFileSync(path.join(ROOT, 'exercises', ID, 'starter.ts'), 'utf8');

const shared = useExercisePage(`playground/${ID}/`, ID);

/** The starter, its `getOrder` wrapped: `patch` runs after the starter's own work, before returning. */
function patchingOnTheWayOut(patch: string): string {
  const head = 'export async function getOrder(';
  if (!starter.includes(head)) throw new Error(`exercises/${ID}/starter.ts no longer declares \`${head}…\``);
  return `${starter.replace(head, 'async function starterGetOrder(')}
export async function getOrder(deps: any, orderId: string): Promise<any> {
  const result = await starterGetOrder(deps, orderId);
  const A: any = Array.prototype;
${patch}
  return result;
}
`;
}

/** Each replacement tried on its own (a frozen built-in refuses one; the others are still tried). */
const PATCH = [
  'A.forEach = function () {};',
  'A.entries = function* () {};',
  'A.find = function () { return undefined; };',
  'A.some = function () { return false; };',
  'A.every = function () { return true; };',
  'A.includes = function () { return false; };',
  '(Object as any).keys = () => [];',
]
  .map((line) => `try { ${line} } catch {}`)
  .join('\n');

describe('patched built-ins cannot make the tests’ checks vacuous', () => {
  it('every test the starter fails still fails when the starter patches built-ins', async () => {
    await setCode(shared.page, starter, ID);
    await clickAndWait(shared.page, 'Submit', ID);
    const failing = (await shownTests(shared.page, ID)).filter((t) => t.status !== 'pass').map((t) => t.name);
    expect(failing.length).toBeGreaterThan(0);

    await setCode(shared.page, patchingOnTheWayOut(PATCH), ID);
    await clickAndWait(shared.page, 'Submit', ID);
    const after = new Map((await shownTests(shared.page, ID)).map((t) => [t.name, t.status]));
    // each of them ran again (a run that ended early would list none) and did not pass
    expect(failing.filter((name) => !after.has(name)), 'tests missing from the second Submit').toEqual([]);
    const nowPassing = failing.filter((name) => after.get(name) === 'pass');
    expect(nowPassing).toEqual([]);
  });
});
