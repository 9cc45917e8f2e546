/**
 * Issue 11, "the tests' own machinery is reachable": from the clients a test hands it, learner code
 * must not reach the simulated world (its PostgreSQL rows, its replicas, its fault schedule, its
 * inspection methods) nor a test's private setup objects — not through properties, symbols or
 * prototypes, and not through a `then` getter on Object.prototype that objects crossing the
 * boundary would trigger.
 */
import { describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers';
import { clickAndWait, setCode, useExercisePage } from './exercise-helpers';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const ID = 'read-fallback';
const solution = readFileSync(path.join(ROOT, 'exercises', ID, 'solution.ts'), 'utf8');

const shared = useExercisePage(`playground/${ID}/`, ID);

/**
 * Prepended to the solution's `getOrder`: walk everything reachable from `deps` (own properties of
 * any kind, symbols, getters, prototypes, bound state) and from what a `then` getter catches, and
 * log the path of anything that looks like the world or a test's setup.
 */
const EXPLORE = `
const WORLD_METHODS = ['pgRows', 'replicaRow', 'cassandraPut', 'pgInsert', 'schedule', 'sampleFaults', 'trace', 'pendingList'];
const found: string[] = [];
const seen = new Set<unknown>();
const looksLikeWorld = (o: any) => { try { return WORLD_METHODS.filter((m) => typeof o[m] === 'function').length >= 2; } catch { return false; } };
const walk = (o: any, where: string, depth: number) => {
  if (o === null || (typeof o !== 'object' && typeof o !== 'function') || seen.has(o) || depth > 6 || seen.size > 20000) return;
  seen.add(o);
  if (looksLikeWorld(o)) found.push(where);
  let keys: (string | symbol)[] = [];
  try { keys = Reflect.ownKeys(o); } catch { return; }
  for (const k of keys) {
    let v: unknown;
    try {
      const d = Object.getOwnPropertyDescriptor(o, k);
      v = d && ('value' in d ? d.value : d.get ? d.get.call(o) : undefined);
    } catch { continue; }
    walk(v, where + '.' + String(k), depth + 1);
  }
  try { walk(Object.getPrototypeOf(o), where + '.__proto__', depth + 1); } catch {}
};
const caught: unknown[] = [];
try {
  Object.defineProperty(Object.prototype, 'then', {
    configurable: true,
    get() { if (caught.length < 1000) caught.push(this); return undefined; },
  });
} catch {}
walk(deps, 'deps', 0);
`;

const REPORT = `
try { delete (Object.prototype as any).then; } catch {}
caught.forEach((o, i) => walk(o, 'then#' + i, 0));
console.log('WORLD PATHS ' + JSON.stringify(found.slice(0, 10)) + ' of ' + found.length);
`;

/** The solution, its `getOrder` wrapped: EXPLORE before it runs, REPORT after. */
function exploring(): string {
  const head = 'export async function getOrder(';
  if (!solution.includes(head)) throw new Error(`exercises/${ID}/solution.ts no longer declares \`${head}…\``);
  return `${solution.replace(head, 'async function solutionGetOrder(')}
export async function getOrder(deps: any, orderId: string): Promise<any> {
${EXPLORE}
  try {
    return await solutionGetOrder(deps, orderId);
  } finally {
${REPORT}
  }
}
`;
}

describe('the world and the tests’ setup are out of learner code’s reach', () => {
  it('nothing reachable from the clients (or caught by a then getter) is the world', async () => {
    const code = exploring();
    await setCode(shared.page, code, ID);
    await clickAndWait(shared.page, 'Run', ID);
    const out = (await shared.page.locator(`qc-exercise[data-exercise-id="${ID}"] [data-role="console-out"]`).textContent()) ?? '';
    const reports = [...out.matchAll(/WORLD PATHS (\[.*?\]) of (\d+)/g)];
    expect(reports.length, `the explorer's report in the console: ${out.slice(0, 400)}`).toBeGreaterThan(0);
    for (const r of reports) expect(`${r[1]} of ${r[2]}`).toBe('[] of 0');
  });
});
