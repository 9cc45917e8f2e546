/**
 * Every fenced ```ts block in content/lessons/*.mdx type-checks (TypeScript compiler API, strict).
 * Each block is an isolated module; `cassandra-driver`, `pg` and `kafkajs` resolve to the real
 * libraries' types in node_modules. Failures name the lesson file and line of the block.
 */
import { describe, it, expect } from 'vitest';
import ts from 'typescript';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const LESSONS = path.join(ROOT, 'content/lessons');

export interface Block { file: string; line: number; code: string }

/** Fenced blocks whose info string starts with ts / typescript (```ts, ```ts title="x"). */
export function extractTsBlocks(file: string, text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(ts|typescript)\b/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[2]!;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !lines[j]!.trim().startsWith(fence)) body.push(lines[j++]!);
    if (j >= lines.length) throw new Error(`${file}:${i + 1}: unclosed code fence`);
    blocks.push({ file, line: i + 1, code: body.join('\n') });
    i = j;
  }
  return blocks;
}

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts'], // + @types/node (console, timers, AbortSignal); no DOM in lesson code
  types: ['node'],
  esModuleInterop: true,
  skipLibCheck: true,
  noUnusedLocals: false,
  moduleDetection: ts.ModuleDetectionKind.Force, // every block is its own module, even without import/export
};

/** Type-checks blocks; returns one readable line per diagnostic ("file:line: message"). */
export function checkBlocks(blocks: Block[]): string[] {
  const virtual = new Map<string, Block>();
  blocks.forEach((b, i) => virtual.set(path.join(ROOT, `.tmp/code-samples/block-${i}.ts`), b));
  const host = ts.createCompilerHost(OPTIONS);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (f) => virtual.get(f)?.code ?? readFile(f);
  host.fileExists = (f) => virtual.has(f) || fileExists(f);
  host.getSourceFile = (f, lang, ...rest) =>
    virtual.has(f) ? ts.createSourceFile(f, virtual.get(f)!.code, lang, true) : getSourceFile(f, lang, ...rest);
  host.getCurrentDirectory = () => ROOT;
  const program = ts.createProgram([...virtual.keys()], OPTIONS, host);
  const out: string[] = [];
  for (const [f, b] of virtual) {
    const sf = program.getSourceFile(f)!;
    for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
      const { line } = d.start !== undefined ? sf.getLineAndCharacterOfPosition(d.start) : { line: 0 };
      // +1 for the fence line, +1 for 1-based lines.
      out.push(`${path.relative(ROOT, b.file)}:${b.line + line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    }
  }
  return out;
}

const lessonFiles = readdirSync(LESSONS).filter((f) => f.endsWith('.mdx')).sort().map((f) => path.join(LESSONS, f));
const allBlocks = lessonFiles.flatMap((f) => extractTsBlocks(f, readFileSync(f, 'utf8')));

describe('TypeScript code samples in lessons', () => {
  it('every ```ts block type-checks as an isolated strict module', () => {
    console.log(`[code samples] ${allBlocks.length} ts blocks in ${lessonFiles.length} lessons`);
    expect(checkBlocks(allBlocks)).toEqual([]);
  });

  it('the checker rejects a wrong sample, resolves the real driver types and keeps blocks isolated', () => {
    const f = path.join(LESSONS, 'fixture.mdx');
    const errors = checkBlocks([
      { file: f, line: 10, code: "import { types } from 'cassandra-driver';\nconst c: number = types.consistencies.quorum;\nconst s: string = c;" },
      { file: f, line: 20, code: "import { Pool } from 'pg';\nconst pool = new Pool();\npool.query('SELECT 1', 42);" },
      { file: f, line: 30, code: "import { Kafka } from 'kafkajs';\nconst p = new Kafka({ brokers: ['x'] }).producer();\nexport const sent = p.send({ topic: 't', messages: [{ key: 'k', value: 'v' }] });" },
      { file: f, line: 40, code: 'const c = 1;' }, // same name as in block 1: fine, blocks are separate modules
    ]);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^content\/lessons\/fixture\.mdx:13: Type 'number' is not assignable to type 'string'/);
    expect(errors[1]).toMatch(/^content\/lessons\/fixture\.mdx:23: /);
  });

  it('finds fences with attributes and reports unclosed ones', () => {
    const text = 'x\n```ts title="a"\nconst a = 1;\n```\n```text\nnot ts\n```\n~~~typescript\nlet b = 2;\n~~~\n';
    expect(extractTsBlocks('l.mdx', text)).toEqual([
      { file: 'l.mdx', line: 2, code: 'const a = 1;' },
      { file: 'l.mdx', line: 8, code: 'let b = 2;' },
    ]);
    expect(() => extractTsBlocks('l.mdx', '```ts\nconst a = 1;\n')).toThrow('l.mdx:1: unclosed code fence');
  });
});
