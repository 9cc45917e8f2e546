/**
 * The test sources stay robust on a busy machine (issue 16): no fixed sleep before an assertion, no
 * assertion on elapsed wall-clock time, and nothing in the fast tier that is not a pure unit test.
 * The rules are in hygiene.ts; each is first shown to catch what it is for.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { FAST_FOLDERS, SLOW_FILES, SLOW_SUFFIX, TEST_DIR } from '../tiers';
import { lintSource, relativeImports, type Finding } from './hygiene';

const ROOT = path.dirname(TEST_DIR);

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === '__snapshots__' ? [] : tsFiles(full);
    return /\.(ts|mts|cts)$/.test(name) ? [full] : [];
  });
}

const isFastTier = (file: string) => {
  const rel = path.relative(TEST_DIR, file).split(path.sep);
  return rel.length >= 2 && (FAST_FOLDERS as readonly string[]).includes(rel[0]) && file.endsWith('.test.ts') && !file.endsWith(SLOW_SUFFIX) && !SLOW_FILES.includes(rel.join('/'));
};

/** The test/ modules a file imports, transitively (the fast tier's helpers must be pure too). */
function localModules(file: string, seen = new Set<string>()): string[] {
  for (const spec of relativeImports(file, readFileSync(file, 'utf8'))) {
    const base = path.resolve(path.dirname(file), spec);
    const target = [base, `${base}.ts`, path.join(base, 'index.ts')].find((p) => p.endsWith('.ts') && existsSync(p));
    if (!target || !target.startsWith(TEST_DIR + path.sep) || seen.has(target)) continue;
    seen.add(target);
    localModules(target, seen);
  }
  return [...seen];
}

const show = (file: string, f: Finding[]) => f.map((x) => `${path.relative(ROOT, file)}:${x.line}: ${x.rule}: ${x.text}`);

describe('the rules catch what they are for', () => {
  const lint = (code: string, fastTier = false) => lintSource('x.test.ts', code, { fastTier }).map((f) => f.rule);

  it('a fixed sleep: waitForTimeout anywhere, an awaited timer or sleep() before an assertion', () => {
    expect(lint(`await page.waitForTimeout(500);`)).toEqual(['fixed sleep']);
    expect(lint(`it('x', async () => { await new Promise((r) => setTimeout(r, 500)); expect(hits).toEqual([]); });`)).toEqual(['fixed sleep']);
    expect(lint(`it('x', async () => { await new Promise<void>((res) => setTimeout(() => res(), 50)); expect(a).toBe(1); });`)).toEqual(['fixed sleep']);
    expect(lint(`it('x', async () => { await sleep(1000); expect(a).toBe(1); });`)).toEqual(['fixed sleep']);
    expect(lint(`import { setTimeout as wait } from 'node:timers/promises';\nit('x', async () => { await wait(100); expect(a).toBe(1); });`)).toEqual(['fixed sleep']);
  });

  it('an elapsed-time assertion, directly or through a variable', () => {
    expect(lint(`const t0 = Date.now(); run(); expect(Date.now() - t0).toBeLessThan(20_000);`)).toEqual(['elapsed time']);
    expect(lint(`const started = performance.now(); await go(); vexpect(performance.now() - started).toBeLessThan(5000);`)).toEqual(['elapsed time']);
    expect(lint(`const started = performance.now(); await go(); const elapsed = performance.now() - started; vexpect(elapsed).toBeLessThan(10_000);`)).toEqual(['elapsed time']);
    expect(lint(`const real = before.D.now(); const ms = before.D.now() - real; expect(ms).toBeLessThan(2000);`)).toEqual(['elapsed time']);
  });

  it('a process, socket or browser in the fast tier', () => {
    expect(lint(`import { spawnSync } from 'node:child_process';`, true)).toEqual(['tier']);
    expect(lint(`import { createServer } from 'node:http';`, true)).toEqual(['tier']);
    expect(lint(`import { chromium } from 'playwright-core';`, true)).toEqual(['tier']);
    expect(lint(`import { spawnSync } from 'node:child_process';`, false)).toEqual([]);
  });

  it('leaves alone: virtual time in a simulator run, waits on events, learner code in strings, timers that are the behaviour under test', () => {
    expect(lint(`const out = await w.run(async () => { const d0 = Date.now(); await new Promise((r) => setTimeout(r, 5000)); return Date.now() - d0; }); expect(out).toBe(5000);`)).toEqual([]);
    expect(lint(`await page.waitForFunction(() => done); expect(x).toBe(1);`)).toEqual([]);
    expect(lint("await setCode(page, `await new Promise((r) => setTimeout(r, 500)); Date.now = () => 0;`); expect(a).toBe(1);")).toEqual([]);
    expect(lint(`const ms = Date.now(); console.log(ms);`)).toEqual([]);
    expect(lint(`expect(Date.now()).toBeGreaterThan(1_700_000_000_000);`)).toEqual([]);
    expect(lint(`w.processor({ handler: async () => { await new Promise((r) => setTimeout(r, 10_000)); } }); expect(a).toBe(1);`)).toEqual([]);
  });
});

describe('test/', () => {
  const files = tsFiles(TEST_DIR);

  it('has no fixed sleep before an assertion and no elapsed-time assertion', () => {
    expect(files.length).toBeGreaterThan(40);
    const found = files.flatMap((f) => show(f, lintSource(f, readFileSync(f, 'utf8'), { fastTier: false })));
    expect(found).toEqual([]);
  });

  it('fast-tier files (and the test/ modules they import) start no process and use no socket or browser', () => {
    const fast = files.filter(isFastTier);
    expect(fast.length).toBeGreaterThan(20);
    const modules = new Set(fast.flatMap((f) => [f, ...localModules(f)]));
    const found = [...modules].flatMap((f) => show(f, lintSource(f, readFileSync(f, 'utf8'), { fastTier: true }).filter((x) => x.rule === 'tier')));
    expect(found).toEqual([]);
  });
});
