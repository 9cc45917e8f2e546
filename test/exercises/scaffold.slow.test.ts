/**
 * `npm run new:exercise -- <id>` in a temporary copy of the project: the folder it writes is complete,
 * type-checks against the real test API and simulator types, and `npm run verify -- <id>` accepts it
 * at once (starter fails a hidden test, the solution passes everything, the wrong/ file fails the
 * property it names). Bad ids and existing folders are refused without writing anything.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const ID = 'quorum-read';
let copy: string;

function run(script: string, args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), script, ...args], { cwd: copy, encoding: 'utf8', env: { ...process.env, QC_EXERCISES_DIR: '' } });
}

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'qc-scaffold-'));
  for (const part of ['package.json', 'tsconfig.json', 'src', 'scripts', 'exercises', 'content']) cpSync(join(ROOT, part), join(copy, part), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
});

afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe('npm run new:exercise', () => {
  it('writes a complete exercise folder', () => {
    const r = run('scripts/new-exercise.ts', [ID]);
    expect(r.status, r.stderr).toBe(0);
    const dir = join(copy, 'exercises', ID);
    const files = [...readdirSync(dir), ...readdirSync(join(dir, 'wrong')).map((f) => `wrong/${f}`)].sort();
    expect(files).toEqual(['harness.ts', 'hidden.test.ts', 'meta.json', 'solution.ts', 'starter.ts', 'visible.test.ts', 'wrong', 'wrong/cl-all.ts']);
    expect(readFileSync(join(dir, 'hidden.test.ts'), 'utf8')).toContain('t.property(');
    expect(readFileSync(join(dir, 'wrong/cl-all.ts'), 'utf8')).toMatch(/^\/\/ rejects: \S/);
  });

  it('type-checks against the real test API and simulator types (drivers as the learner sees them)', () => {
    const dir = join(copy, 'exercises', ID);
    const files = ['harness.ts', 'visible.test.ts', 'hidden.test.ts'].map((f) => join(dir, f));
    const program = ts.createProgram(files, {
      strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'], types: [],
      module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, skipLibCheck: true,
    });
    const diags = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
    expect(diags).toEqual([]);
  }, 600_000);

  it('is accepted by npm run verify as it is', () => {
    const r = run('scripts/verify.ts', [ID]);
    expect(r.stdout + r.stderr).toMatch(/starter fails a hidden test\s+ok/);
    expect(r.stdout).toMatch(/solution passes all\s+ok/);
    expect(r.stdout).toMatch(/wrong\/cl-all\.ts\s+ok\s+rejected by "A read sees the status acknowledged at QUORUM/);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  }, 600_000);

  it('refuses a bad id, a lesson that does not exist and an existing folder, writing nothing', () => {
    const bad = run('scripts/new-exercise.ts', ['Quorum Read']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/not an exercise id/);
    expect(existsSync(join(copy, 'exercises', 'Quorum Read'))).toBe(false);
    const before = readFileSync(join(copy, 'exercises', ID, 'solution.ts'), 'utf8');
    const again = run('scripts/new-exercise.ts', [ID]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
    expect(readFileSync(join(copy, 'exercises', ID, 'solution.ts'), 'utf8')).toBe(before);
    const noLesson = run('scripts/new-exercise.ts', ['other-read', '--lesson', 'no-such-lesson']);
    expect(noLesson.status).toBe(2);
    expect(noLesson.stderr).toMatch(/--lesson no-such-lesson: there is no such lesson .*the lessons are: .*why-quorum-failed/);
    expect(existsSync(join(copy, 'exercises', 'other-read'))).toBe(false);
  });
});
