/**
 * Every folder's allowed imports, enforced: the layering of README "Layout" and docs/CONTRACTS.md
 * ("components → browser → grading → sim", public entries between folders) checked on every import of
 * every tracked source file (TypeScript, .mjs and .astro), including dynamic imports and `require`.
 * `#…` aliases (package.json "imports") resolve to the public entries they name.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const SKIP_DIRS = new Set(['node_modules', '.git', '.astro', 'public', 'wrong', '__snapshots__', 'fixtures', 'results']);
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { imports?: Record<string, string> };

/** The repository's source files (hidden folders such as .git, .astro and the scratch .tmp/ aside). */
function sources(dir = ROOT): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (SKIP_DIRS.has(name) || name.startsWith('dist') || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.(ts|mts|mjs|js|astro)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Module specifiers a file imports (static, dynamic, re-exports, require). */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.astro')) {
    // frontmatter and <script> blocks
    return [...text.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"`]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]|(?:^|\s)import\s+['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? m[2] ?? m[3]);
  }
  return ts.preProcessFile(text, true, true).importedFiles.map((i) => i.fileName);
}

/** A specifier as a repo-relative path (local files) or `pkg:name` (packages, node: built-ins, virtual modules). */
function target(file: string, spec: string): string {
  if (spec.startsWith('#')) {
    const mapped = PKG.imports?.[spec];
    if (!mapped) return `unknown-alias:${spec}`;
    return relative(ROOT, resolve(ROOT, mapped));
  }
  if (!spec.startsWith('.') && !spec.startsWith('/')) return `pkg:${spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]}`;
  const base = spec.startsWith('/') ? join(ROOT, spec) : resolve(dirname(file), spec.replace(/\?.*$/, ''));
  for (const c of [base, `${base}.ts`, `${base}.mjs`, `${base}.js`, join(base, 'index.ts')]) {
    if (existsSync(c) && statSync(c).isFile()) return relative(ROOT, c);
  }
  return relative(ROOT, base);
}

type Rule = { files: RegExp; allow: RegExp[]; why: string };

const NODE = /^pkg:node:/;
/** The driver names learner code `require`s (mapped to src/sim's drivers). */
const DRIVERS = /^pkg:(cassandra-driver|pg|kafkajs)$/;
/** Diagram modules a page or worker bundle imports on its own: a barrel would pull the renderer and the simulator into the page. */
const DIAGRAM_CLIENT = /^src\/diagram\/(stepper|quorum|quorum-view|quorum-measure|partition-lab|text|style)\.ts$/;

/** First matching rule wins. */
const RULES: Rule[] = [
  { files: /^src\/sim\//, allow: [/^src\/sim\//], why: 'the simulator imports nothing outside itself' },
  { files: /^src\/grading\//, allow: [/^src\/grading\//, /^src\/sim\/index\.ts$/, /^pkg:(chai|zod|fast-check|ses)$/], why: "the grader uses the simulator's public entry only (and ses: the learner-code sandbox)" },
  { files: /^src\/diagram\//, allow: [/^src\/diagram\//, /^src\/sim\/index\.ts$/], why: "diagrams run simulations through the simulator's public entry" },
  {
    // Node-side Vite/Astro plugins that run at build time (not browser code); the driver-types plugin
    // generates the drivers' declarations with scripts/gen-types.ts, the CSP plugin hashes the
    // sandbox frame's own source, the starter-js plugin compiles starters as the page does, and the
    // course check derives lesson slugs as the content collection does.
    files: /^src\/browser\/build\//,
    allow: [/^src\/browser\/build\//, /^scripts\/gen-types\.ts$/, /^src\/browser\/sandbox-frame\.mjs$/, /^src\/grading\/compile-options\.ts$/, /^src\/lib\/schemas\.ts$/, NODE, /^pkg:/],
    why: 'build plugins use Node, the declaration generator, the learner-code compile options and the content schemas',
  },
  { files: /^src\/browser\/offline\/sw\.js$/, allow: [], why: 'the service worker is self-contained' },
  {
    files: /^src\/browser\//,
    allow: [/^src\/browser\//, /^src\/grading\/(index|host|compile-options)\.ts$/, /^pkg:(esbuild-wasm|sucrase)$/],
    why: "the page's services use the grader's host entry",
  },
  {
    files: /^src\/(components|layouts|pages)\//,
    allow: [
      /^src\/(components|layouts|lib|styles)\//,
      /^src\/browser\/(compile-client|run-client|run-sandbox|warm-up|timing|protocol|results|progress|progress-import|progress-records|worker-ctor|offline\/(register|exercise-start))\.ts$/,
      /^src\/diagram\/index\.ts$/,
      DIAGRAM_CLIENT,
      // the grader's host entry, and its build-time validation of exercise folders (Exercise.astro)
      /^src\/grading\/(index|schema)\.ts$/,
      /^pkg:(astro|astro:components|astro:content|monaco-editor|virtual:driver-types|virtual:starter-js)$/,
    ],
    why: "components use the browser services, the diagram's public entry (or a single client module) and the grader's public entry",
  },
  { files: /^src\/lib\//, allow: [/^src\/lib\//, /^pkg:(astro:content|zod)$/], why: 'site helpers' },
  { files: /^src\/[^/]+$/, allow: [/^src\/lib\//, /^pkg:(astro|astro:content|zod)$/], why: 'content collections' },
  {
    files: /^exercises\/([^/]+)\//,
    allow: [/^exercises\/$1\//, /^src\/grading\/api\.ts$/, /^src\/sim\/index\.ts$/, DRIVERS],
    why: "an exercise uses its own files, the authors' API and the simulator's public entry",
  },
  {
    files: /^scripts\//,
    allow: [/^scripts\//, /^src\/sim\/index\.ts$/, /^src\/grading\/(index|api|schema|host|compile-options)\.ts$/, /^src\/browser\/build\/(offline\.mjs|course-check\.ts)$/, NODE, /^pkg:(esbuild|typescript|tsx)$/],
    why: 'tools use public entries',
  },
  {
    files: /^bench\//,
    allow: [
      /^bench\//, /^support\//, /^scripts\//, /^src\/sim\/(index|internal)\.ts$/, /^src\/grading\/(index|api|schema|compile-options)\.ts$/,
      /^src\/browser\/build\/offline\.mjs$/, NODE, /^pkg:(esbuild|playwright-core|tsx)$/,
    ],
    why: 'benchmarks use public entries (the engine entry for engine benchmarks) and the shared support folder, never test/',
  },
  { files: /^support\//, allow: [/^support\//, /^src\/sim\/(index|internal)\.ts$/, /^src\/browser\/build\/offline\.mjs$/, NODE, /^pkg:/], why: 'shared by test and bench' },
  { files: /^test\//, allow: [/^(test|support|src|scripts|exercises|content)\//, /^[^/]+$/, /^pkg:/], why: 'tests may use internals, but not bench/' },
  { files: /^[^/]+$/, allow: [/^src\/browser\/build\//, /^src\/lib\/code-breaks\.mjs$/, /^test\/(tiers|browser\/sequencer)\.ts$/, /^pkg:/], why: 'config files (the build plugins, where inline code may wrap, the test tiers and the browser tier\'s file order)' },
];

function ruleFor(file: string): { rule: Rule; m: RegExpMatchArray } | null {
  for (const rule of RULES) {
    const m = file.match(rule.files);
    if (m) return { rule, m };
  }
  return null;
}

function violations(): string[] {
  const out: string[] = [];
  for (const abs of sources()) {
    const file = relative(ROOT, abs);
    const found = ruleFor(file);
    if (!found) {
      out.push(`${file}: no rule says what this folder may import`);
      continue;
    }
    const allow = found.rule.allow.map((re) => new RegExp(re.source.replace('$1', found.m[1] ?? '')));
    for (const spec of specifiers(abs)) {
      const t = target(abs, spec);
      if (t.endsWith('.css') || t.endsWith('.json') || t.endsWith('.wasm')) continue;
      if (t === file) continue;
      if (!t.startsWith('pkg:') && !t.startsWith('unknown-alias:') && !existsSync(join(ROOT, t)) && !spec.includes('?')) {
        out.push(`${file} imports ${spec}, which does not exist`);
        continue;
      }
      if (!allow.some((re) => re.test(t))) out.push(`${file} imports ${spec} (${t}): ${found.rule.why}`);
    }
  }
  return out;
}

describe('import boundaries', () => {
  it('every import of every source file is allowed by its folder', () => {
    expect(violations()).toEqual([]);
  });

  it('every package.json "imports" alias points at a public entry that exists', () => {
    for (const [alias, path] of Object.entries(PKG.imports ?? {})) {
      expect(existsSync(resolve(ROOT, path)), `${alias} → ${path}`).toBe(true);
    }
  });

  it('the check bites: a grading module importing a simulator internal is reported', () => {
    const r = ruleFor('src/grading/x.ts')!;
    expect(r.rule.allow.some((re) => re.test('src/sim/world.ts'))).toBe(false);
    expect(r.rule.allow.some((re) => re.test('src/sim/index.ts'))).toBe(true);
    const b = ruleFor('bench/x.ts')!;
    expect(b.rule.allow.some((re) => re.test('test/browser/server.ts'))).toBe(false);
  });
});
