/**
 * src/grading runs unchanged in a browser Worker and in Node: it imports no DOM, no Node
 * built-ins, no esbuild/Astro/Monaco — only its own modules, the simulator's public entry, chai,
 * fast-check, zod and ses (with its own @endo/* dependencies). Checked on the real import graph
 * (esbuild's metafile), not by grepping.
 */
import { builtinModules } from 'node:module';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const DIR = join(ROOT, 'src/grading');
const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));

describe('src/grading purity', () => {
  it('bundles for the browser with only chai, fast-check (and its pure-rand), zod, ses and the simulator outside its folder', () => {
    const r = buildSync({
      entryPoints: [join(DIR, 'index.ts'), join(DIR, 'api.ts'), join(DIR, 'schema.ts')],
      bundle: true,
      write: false,
      outdir: join(ROOT, '.tmp/purity'),
      platform: 'browser',
      format: 'esm',
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(r.metafile!.inputs);
    const outside = inputs.filter((p) => !p.startsWith('src/grading/') && !p.startsWith('src/sim/'));
    const packages = [...new Set(outside.map((p) => p.replace(/^node_modules\/((?:@[^/]+\/)?[^/]+)\/.*$/, '$1')))].sort();
    const own = packages.filter((p) => !p.startsWith('@endo/'));
    expect(own).toEqual(['chai', 'fast-check', 'pure-rand', 'ses', 'zod']);
    // ses's own dependencies only (the Endo project's, listed by ses's package.json)
    const sesDeps = Object.keys((JSON.parse(readFileSync(join(ROOT, 'node_modules/ses/package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
    for (const p of packages.filter((p) => p.startsWith('@endo/'))) expect(sesDeps, `${p} comes from ses`).toContain(p);
    const fromSim = inputs.filter((p) => p.startsWith('src/sim/'));
    expect(fromSim).toContain('src/sim/index.ts');
  });

  it('no source file imports a Node built-in, esbuild, astro, monaco or touches the DOM', () => {
    const banned = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'esbuild', 'esbuild-wasm', 'astro', 'monaco-editor']);
    for (const f of files) {
      const src = readFileSync(join(DIR, f), 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
      const specs = [...src.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]);
      for (const s of specs) {
        expect(banned.has(s) || s.startsWith('astro') || s.startsWith('monaco-editor'), `${f} imports ${s}`).toBe(false);
        if (s.startsWith('.')) expect(s.startsWith('./') || s === '../sim/index', `${f} imports ${s}`).toBe(true);
      }
      // code that uses a DOM/worker global (names inside string literals, e.g. the sandbox's list of refused APIs, are not uses)
      const code = src.replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g, "''");
      expect(/\b(document|window|localStorage|XMLHttpRequest|importScripts)\b/.test(code), `${f} mentions a DOM/worker global`).toBe(false);
    }
  });
});
