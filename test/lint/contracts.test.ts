/**
 * docs/CONTRACTS.md stays true to the code where a machine can tell: every type its TypeScript
 * blocks annotate with exists as an export of src/, the `SimulationError` kinds it lists are exactly
 * the simulator's, and it links nothing outside the repository.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const DOC = readFileSync(join(ROOT, 'docs/CONTRACTS.md'), 'utf8');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every name exported (as a type, interface, class, function or constant, or re-exported) anywhere in src/. */
function exportedNames(): Set<string> {
  const names = new Set<string>();
  for (const f of sources(join(ROOT, 'src'))) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/export\s+(?:declare\s+)?(?:abstract\s+)?(?:type|interface|class|function|const|enum)\s+([A-Za-z_$][\w$]*)/g)) names.add(m[1]);
    for (const m of text.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
      for (const part of m[1].split(',')) {
        const name = part.trim().replace(/^type\s+/, '').split(/\s+as\s+/).pop()?.trim();
        if (name) names.add(name);
      }
    }
  }
  return names;
}

/** Type names the document's ```ts blocks use in annotations (`x: Name`, `=> Name`, `Name<…>`), minus those the blocks define. */
function annotatedTypes(): string[] {
  const blocks = [...DOC.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1].replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '')).join('\n');
  const defined = new Set([...blocks.matchAll(/\btype\s+([A-Z]\w*)\s*=/g)].map((m) => m[1]));
  const used = new Set([...blocks.matchAll(/(?:\?|\w)\s*:\s*([A-Z][a-z][A-Za-z0-9]*)\b/g)].map((m) => m[1]));
  const builtins = new Set(['Array', 'Record', 'Promise', 'Error', 'Partial', 'Map', 'Set', 'HTML', 'SVG', 'JSON']);
  return [...used].filter((n) => !defined.has(n) && !builtins.has(n)).sort();
}

describe('docs/CONTRACTS.md against the code', () => {
  it('every type its TypeScript blocks annotate with is exported from src/', () => {
    const names = exportedNames();
    const types = annotatedTypes();
    expect(types).toContain('Trace'); // the check covers the Results block
    expect(types.filter((t) => !names.has(t))).toEqual([]);
  });

  it("lists exactly the simulator's SimulationError kinds", () => {
    const errors = readFileSync(join(ROOT, 'src/sim/errors.ts'), 'utf8');
    const union = errors.match(/export type SimulationErrorKind = ([^;]+);/)![1];
    const kinds = [...union.matchAll(/'([\w-]+)'/g)].map((m) => m[1]).sort();
    const paragraph = DOC.slice(DOC.indexOf('`run` rejects with `SimulationError`'), DOC.indexOf('State and time persist across runs'));
    const documented = [...paragraph.matchAll(/`'([\w-]+)'`/g)].map((m) => m[1]).sort();
    expect(kinds.length).toBeGreaterThanOrEqual(5);
    expect(documented).toEqual(kinds);
  });

  it('links nothing outside the repository', () => {
    expect(DOC).not.toMatch(/\]\(\.\.\/|`\.\.\/shared|\/work\//);
  });
});
