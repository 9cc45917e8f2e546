/**
 * The build's compile of each starter (src/browser/build/starter-js.mjs, `virtual:starter-js`): the
 * page runs it instead of compiling the starter itself (the warm-up's rehearsal, a Run of the
 * unchanged starter), so it must be exactly what the page's compiler and the CLI produce for it.
 * Slow tier: esbuild-wasm in Node runs in a child process.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileStarters } from '../../src/browser/build/starter-js.mjs';
import { SITE_LEARNER_FILE } from '../../src/grading/compile-options';
import { compileLearnerTs } from '../../scripts/grade';

const EXERCISES = resolve(import.meta.dirname, '../../exercises');
const tmp = mkdtempSync(join(tmpdir(), 'qc-starter-js-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('starters compiled at build time', () => {
  it("every exercise's starter is there, byte for byte what the CLI's esbuild makes of it as the site's solution.ts", async () => {
    const built = await compileStarters(EXERCISES);
    const ids = readdirSync(EXERCISES).filter((id) => readdirSync(join(EXERCISES, id)).includes('starter.ts'));
    expect(Object.keys(built).sort()).toEqual(ids.sort());
    for (const id of ids) {
      const cli = compileLearnerTs(readFileSync(join(EXERCISES, id, 'starter.ts'), 'utf8'), SITE_LEARNER_FILE);
      expect(cli.ok, id).toBe(true);
      expect(built[id], id).toBe(cli.ok ? cli.js : '');
      // its inline source map names the file as the editor does (error locations in the learner's terms)
      const map = /\/\/# sourceMappingURL=data:application\/json;base64,(\S+)/.exec(built[id])?.[1] ?? '';
      expect(JSON.parse(Buffer.from(map, 'base64').toString('utf8')).sources, id).toEqual([SITE_LEARNER_FILE]);
    }
  });

  it('leaves out a starter that compiles with a warning (the page compiles it itself), and stops the build at one that does not compile, naming its line', async () => {
    const put = (id: string, code: string) => {
      mkdirSync(join(tmp, id), { recursive: true });
      writeFileSync(join(tmp, id, 'starter.ts'), code);
    };
    put('fine', 'export const ok: number = 1;\n');
    put('warning', 'export const same = typeof x === "nothing";\n');
    mkdirSync(join(tmp, 'no-starter'));
    expect(Object.keys(await compileStarters(tmp))).toEqual(['fine']);
    put('syntax-error', 'export const ok = 1;\nexport const broken = (1;\n');
    await expect(compileStarters(tmp)).rejects.toThrow(/syntax-error\/starter\.ts:2:\d+: the starter does not compile: Expected "\)" but found ";"/);
  });
});
