/**
 * One grader host (issue 14, "one grader host"): the same learner code that overruns the wall-clock
 * limit reads the same on the page (Run/Submit in Chromium) and through `npm run grade` — the same
 * verdict, message and listed tests (finished tests kept, the running test named, the rest listed as
 * not run). Cases: an infinite loop in a test, a test that computes for longer than the limit, and a
 * promise that never settles. And (issue 12) the grader's wording is the same in both hosts: a
 * promise learner code leaves rejected with no handler fails the test that left it (never the next
 * one, however late the host reports it), and times in messages are rounded.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Results } from '../../src/grading/index';
import { ROOT, launch, newPage, siteUrls } from './helpers';
import { DEMO_PATH, OVERRUN_WALL_MS, clickAndWait, demoWithBlockFor, demoWithWithTimeout, openExercise, setCode, setWallLimit } from './exercise-helpers';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

let browser: Browser;
let page: Page;
let closePage: () => Promise<void>;
const TMP = mkdtempSync(path.join(tmpdir(), 'host-parity-'));

beforeAll(async () => {
  browser = await launch();
  const p = await newPage(browser, { baseUrl: siteUrls().root });
  page = p.page;
  closePage = p.close;
  // Both hosts get the same limit per test (4 s, not the default 10 s: less time spinning in loops).
  await setWallLimit(page, OVERRUN_WALL_MS);
  await page.goto(siteUrls().root + DEMO_PATH);
  await openExercise(page);
});

afterAll(async () => {
  await closePage?.();
  await browser?.close();
  rmSync(TMP, { recursive: true, force: true });
});

/** What both hosts must agree on (durations differ from run to run). */
function comparable(r: Results) {
  return { status: r.status, message: r.message, tests: r.tests.map((t) => ({ name: t.name, status: t.status, message: t.message, visibility: t.visibility })) };
}

async function inBrowser(code: string, mode: 'Run' | 'Submit'): Promise<Results> {
  await setCode(page, code);
  await clickAndWait(page, mode);
  return page.evaluate(() => JSON.parse(JSON.stringify(window.__exerciseEditors!.demo.lastResults)) as Results);
}

function throughCli(code: string, mode: 'Run' | 'Submit'): Results {
  // named as the page names the learner's file, so that places in messages read the same
  const file = path.join(mkdtempSync(path.join(TMP, 'learner-')), 'solution.ts');
  writeFileSync(file, code);
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/grade.ts', 'demo', file, mode === 'Run' ? '--run' : '--submit', '--timeout', String(OVERRUN_WALL_MS)], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
  return JSON.parse(r.stdout) as Results;
}

/** A Run of `code` in both hosts, which must agree; the message of its QUORUM test (where the probes throw). */
async function quorumMessageInBothHosts(code: string): Promise<string | undefined> {
  const page_ = await inBrowser(code, 'Run');
  expect(comparable(page_)).toEqual(comparable(throughCli(code, 'Run')));
  return page_.tests.find((t) => t.name === 'blockFor > QUORUM of RF=3 waits for two replicas')?.message;
}

describe('the browser and `npm run grade` read an overrun alike', () => {
  for (const [what, code, mode] of [
    ['an infinite loop in the second test', demoWithBlockFor("if (cl === 'QUORUM') { while (true) {} }"), 'Run'],
    ['a test that computes for longer than the limit', demoWithBlockFor("if (cl === 'QUORUM') { let spin = 0; for (let i = 0; i < 1e13; i++) spin += i; if (spin < 0) return 0; }"), 'Submit'],
    ['a promise that never settles', demoWithWithTimeout('return new Promise<T>(() => {});'), 'Submit'],
  ] as const) {
    it(what, async () => {
      const page_ = await inBrowser(code, mode);
      const cli = throughCli(code, mode);
      expect(comparable(page_)).toEqual(comparable(cli));
      expect(page_.status).toBe('fail');
      if (what !== 'a promise that never settles') {
        const timedOut = page_.tests.find((t) => t.message?.startsWith('Timed out:'));
        expect(timedOut?.name).toMatch(/QUORUM/);
        expect(page_.message).toMatch(new RegExp(`^Timed out in ".*QUORUM.*" after ${OVERRUN_WALL_MS / 1000} s: the runner was stopped; \\d+ later tests? did not run\\.$`));
        const after = page_.tests.slice(page_.tests.indexOf(timedOut!) + 1);
        expect(after.length).toBeGreaterThan(0);
        expect(after.every((t) => t.status === 'error' && t.message?.startsWith('Not run:'))).toBe(true);
        expect(page_.tests[0].status).toBe('pass');
      } else {
        expect(page_.tests.some((t) => /did not finish within 3000 ms|never settles|deadlock/i.test(t.message ?? ''))).toBe(true);
      }
    });
  }
});

describe('the browser and `npm run grade` word a failure alike', () => {
  it('a promise left rejected with nothing handling it fails the test that left it, in both hosts', async () => {
    const code = demoWithBlockFor("if (cl === 'QUORUM') { Promise.reject(new Error('left behind by QUORUM')); }");
    const page_ = await inBrowser(code, 'Run');
    const cli = throughCli(code, 'Run');
    expect(comparable(page_)).toEqual(comparable(cli));
    expect(page_.status).toBe('fail');
    // only the test that asks for QUORUM left the rejection behind, and only it fails
    const failed = page_.tests.filter((t) => t.status !== 'pass');
    expect(failed.map((t) => t.name)).toEqual(['blockFor > QUORUM of RF=3 waits for two replicas']);
    for (const t of failed) {
      expect(t.status).toBe('fail');
      expect(t.message).toMatch(/^Your code left a promise rejected with nothing handling it \(an `await` or `\.catch\(\)` is missing\): Error: left behind by QUORUM/);
      expect(t.message).toMatch(/\(at [^)]*:\d+:\d+\)/); // where, in the learner's TypeScript
    }
  });

  it("built-ins carry their own names in both hosts (Hardened JavaScript's Error, RegExp and Function too, minified or not)", async () => {
    const names = 'Error RangeError TypeError RegExp Date Function Promise Object Array Map AsyncFunction';
    const code = demoWithBlockFor(
      "if (cl === 'QUORUM') throw new TypeError([Error, RangeError, TypeError, RegExp, Date, Function, Promise, Object, Array, Map, (async () => 1).constructor].map((f) => f.name).join(' '));",
    );
    expect(await quorumMessageInBothHosts(code)).toMatch(new RegExp(`^TypeError: ${names} \\(at `));
  });

  it("a stack learner code reads has only the learner module's frames, in both hosts (no frame of the grader or the test calling it)", async () => {
    const code = demoWithBlockFor(
      "if (cl === 'QUORUM') { const lines = (new Error('probe').stack ?? '').split('\\n').filter((l) => /^\\s+at /.test(l)); throw new TypeError(`frames ${lines.length > 0}, others ${lines.filter((l) => !l.includes('learner-module.js')).length}`); }",
    );
    expect(await quorumMessageInBothHosts(code)).toMatch(/^TypeError: frames true, others 0 \(at /);
  });

  it('learner code reaches the same built-ins in both hosts, name by name (the grader pins the language level, not the engine)', async () => {
    // Every own property of every global the module sees, of their prototypes and of the iterator prototypes.
    const preamble = `function builtIns(): string {
      const out = new Set<string>();
      const key = (k: string | symbol) => (typeof k === 'symbol' ? \`[\${k.description}]\` : k);
      const list = (path: string, o: object | null | undefined) => {
        if (!o || (typeof o !== 'object' && typeof o !== 'function')) return;
        for (const k of Reflect.ownKeys(o)) out.add(\`\${path}.\${key(k)}\`);
      };
      for (const name of Object.getOwnPropertyNames(globalThis)) {
        const v = (globalThis as any)[name];
        out.add(name);
        list(name, v);
        if (typeof v === 'function') list(\`\${name}.prototype\`, v.prototype);
      }
      const iter = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
      list('%IteratorPrototype%', iter);
      list('%ArrayIteratorPrototype%', Object.getPrototypeOf([][Symbol.iterator]()));
      list('%TypedArray%', Object.getPrototypeOf(Uint8Array));
      list('%TypedArray%.prototype', Object.getPrototypeOf(Uint8Array.prototype));
      return [...out].sort().join(' ');
    }`;
    const code = demoWithBlockFor("if (cl === 'QUORUM') console.log(builtIns());", preamble);
    const page_ = await inBrowser(code, 'Run');
    const cli = throughCli(code, 'Run');
    const names = (r: Results) => (r.tests.find((t) => t.name === 'blockFor > QUORUM of RF=3 waits for two replicas')?.output ?? '').trim().split(' ');
    const [inPage, inCli] = [names(page_), names(cli)];
    expect(inCli).toContain('Promise.prototype.then');
    // Not pinned yet (known, listed so that anything else new fails here): the well-known symbols
    // Symbol.dispose/asyncDispose cannot be deleted (non-configurable); TextEncoder/TextDecoder are the
    // host's objects, not the language.
    const KNOWN = /^(Symbol\.(asyncDispose|dispose)|Text(En|De)coder\.prototype\..*)$/;
    expect(inPage.filter((n) => !inCli.includes(n) && !KNOWN.test(n)), 'only in the browser').toEqual([]);
    expect(inCli.filter((n) => !inPage.includes(n)), 'only under npm run grade').toEqual([]);
  });

  it("learner code reads en-US and UTC in both hosts, even in a browser set to German and Berlin's time zone", async () => {
    const preamble = `function localeAndZone(): string {
      const d = new Date(Date.UTC(2026, 0, 1, 23, 30));
      return JSON.stringify([d.getHours(), d.getDate(), d.getTimezoneOffset(), String(d), d.toLocaleString(), d.toLocaleDateString(),
        (1234.5).toLocaleString(), (0.5).toLocaleString(undefined, { style: 'percent' }), 'ä'.localeCompare('z'), 'i'.toLocaleUpperCase(),
        new Date(2026, 0, 1).getTime(), Date.parse('2026-01-01T10:00'), Date.parse('2026-01-01 10:00:00')]);
    }`;
    const code = demoWithBlockFor("if (cl === 'QUORUM') console.log(localeAndZone());", preamble);
    const context = await browser.newContext({ locale: 'de-DE', timezoneId: 'Europe/Berlin' });
    try {
      const german = await context.newPage();
      await german.goto(siteUrls().root + DEMO_PATH);
      await openExercise(german);
      await setCode(german, code);
      await clickAndWait(german, 'Run');
      const inPage = await german.evaluate(() => JSON.parse(JSON.stringify(window.__exerciseEditors!.demo.lastResults)) as Results);
      const quorum = (r: Results) => r.tests.find((t) => t.name === 'blockFor > QUORUM of RF=3 waits for two replicas')?.output?.trim();
      expect(await german.evaluate(() => new Date(Date.UTC(2026, 0, 1, 23, 30)).getHours())).toBe(0); // the page itself is in Berlin
      expect(quorum(inPage)).toBe(quorum(throughCli(code, 'Run')));
      expect(JSON.parse(quorum(inPage)!)).toEqual([23, 1, 0, 'Thu Jan 01 2026 23:30:00 GMT+0000 (Coordinated Universal Time)', '1/1/2026, 11:30:00 PM', '1/1/2026', '1,234.5', '50%', -1, 'I',
        Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1, 10), Date.UTC(2026, 0, 1, 10)]);
    } finally {
      await context.close();
    }
  });

  it('a time in a message is rounded, in both hosts', async () => {
    const code = demoWithBlockFor("if (cl === 'QUORUM') throw new Error(`gave up after ${0.1 + 0.2} ms`);");
    const page_ = await inBrowser(code, 'Run');
    const cli = throughCli(code, 'Run');
    expect(comparable(page_)).toEqual(comparable(cli));
    const quorum = page_.tests.find((t) => t.name === 'blockFor > QUORUM of RF=3 waits for two replicas');
    expect(quorum?.status).toBe('error');
    expect(quorum?.message).toMatch(/^Error: gave up after 0\.3 ms/);
    expect(JSON.stringify(page_)).not.toContain('0.30000000000000004');
  });
});
