/**
 * Learner-code fragments for the quick compiler's generated differential
 * (quick-compile-generated.test.ts): each one a TypeScript or ES construct that sucrase's
 * `typescript` + `imports` transforms might compile differently from esbuild (the compiler of
 * record), written to show the difference in what the grader observes (exports, values, console
 * output, thrown errors) if there is one. Programs are made of a few fragments in any order, so
 * imports land after code, type-only statements between statements, names meet other fragments'.
 * Each fragment also runs alone as a named example; RED_TEAM are the constructs of the red team's
 * probe (/work/redteam2/parity/diff.ts), kept as named examples.
 */

export const FRAGMENTS: Record<string, string> = {
  // ---- imports, placed anywhere by the shuffle ----
  'import named': `import { types } from 'cassandra-driver';`,
  'import named, no semicolon': `import { Pool } from 'pg'`,
  'import default': `import kafka from 'kafkajs';`,
  'import namespace': `import * as pgAll from 'pg';\nexport function pgKeys() { return Object.keys(pgAll).join(); }`,
  'import type-only': `import type { Client } from 'cassandra-driver';\nexport const typed: Client | null = null;`,
  'import from an unavailable module, unused': `import { readFileSync } from 'fs';`,
  'import from an unavailable module, used': `import { writeFileSync } from 'fs';\nexport const usesFs = typeof writeFileSync;`,
  'import for side effects': `import 'kafkajs';`,
  'import equals require': `import cd = require('cassandra-driver');\nexport const cdKeys = Object.keys(cd).join();`,
  'uses an import at the top level': `export const quorum = types.consistencies.quorum;`,
  'uses an import in a function': `export function poolName() { return Pool.name; }`,
  'prints a default import': `console.log('kafka', kafka);`,
  'dynamic import': `export async function loadPg() { const m = await import('pg'); return Object.keys(m).join(); }`,
  'assigns to a default import': `import pgDefault from 'pg';\nexport function replacePg() { try { (pgDefault as any) = 1; return 'assigned'; } catch (e) { return String(e); } }`,

  // ---- namespaces and enums ----
  'namespace with values': `namespace Quorum { export const rf = 3; export function of(n: number) { return Math.floor(n / 2) + 1; } }\nexport const quorumOf = Quorum.of(Quorum.rf);`,
  'module with values': `module Legacy { export let v = 2; }\nexport function legacy() { return Legacy.v; }`,
  'type-only namespace': `namespace Shapes { export type Id = string; }\nexport const shapeId: Shapes.Id = 'id';`,
  'declare module': `declare module 'virtual' { export const z: number; }\nexport const declared = 'ok';`,
  'enum': `enum Level { One = 1, Two = One * 2, Three = 'abc'.length }\nexport const levels = JSON.stringify(Level);`,
  'enum used before its declaration': `class UsesEarly { static d = Early.X; }\nenum Early { X = 7 }\nexport const early = UsesEarly.d;`,
  'const enum': `const enum Flag { On = 3 }\nexport const flag = Flag.On;`,
  'enum changed at run time': `enum Mutable { A = 1 }\n(Mutable as any).A = 5;\nexport const mutated = Mutable.A;`,

  // ---- classes ----
  'parameter properties and fields': [
    'class Breaker {',
    "  state = 'closed';",
    '  failures = 0;',
    '  note: string;',
    "  constructor(private readonly limit: number = 3, public label = 'b') {}",
    '}',
    "export function breaker() { const b = new Breaker(); return JSON.stringify(b) + ' ' + Object.keys(b).join(); }",
  ].join('\n'),
  'parameter properties on one line': `class Tiny { seen = 1; constructor(public size = 2) {} }\nexport const tiny = Object.keys(new Tiny()).join();`,
  'parameter property over a base accessor': [
    'class Base {',
    '  log: number[] = [];',
    '  set v(x: number) { this.log.push(x); }',
    '  get v() { return -1; }',
    '}',
    'class Derived extends Base {',
    '  constructor(public v = 5) {',
    '    super();',
    '  }',
    '}',
    "export function derived() { const d = new Derived(); return [d.v, d.log.join(), Object.keys(d).join()].join('|'); }",
  ].join('\n'),
  'parameter property and super() in an arrow': [
    'class ViaArrow extends Object {',
    '  constructor(public q = 1) {',
    '    const s = () => super();',
    '    s();',
    '  }',
    '}',
    'export function viaArrow() { return new ViaArrow().q; }',
  ].join('\n'),
  'parameter property and code before super()': [
    'class Late extends Object {',
    '  first = 1;',
    '  constructor(public second = 2) {',
    "    console.log('before super');",
    '    super();',
    '  }',
    '}',
    'export function late() { return JSON.stringify(new Late()); }',
  ].join('\n'),
  'class fields': `class Fields { a = this.b; b = 2; c?: number; d!: number; static s = this.name; }\nexport const fields = JSON.stringify(new Fields()) + Fields.s + Object.keys(new Fields()).join();`,
  'exported class with a parameter property': ['export class Exported {', "  constructor(readonly k = 'k') {}", '}'].join('\n'),
  'nested class named like a top-level one': `class Node {}\nexport function nestedClass() { class Node { v = 1; } return new Node(); }`,
  'nested function named like a top-level one': `function helper() { return 1; }\nexport function outer() { function helper() { return 2; } return helper.name + helper(); }`,
  'abstract class and overrides': `abstract class Shape { abstract area(): number; describe() { return 'area ' + this.area(); } }\nclass Square extends Shape { override area() { return 4; } }\nexport const square = new Square().describe();`,

  // ---- exported bindings that change ----
  'exported let incremented': `export let count = 0;\nexport function bump() { count++; return count; }`,
  'exported let changed at the top level': `export let total = 1;\ntotal += 4;\nexport const totalSeen = total;`,
  'exported let of a string incremented': `export let text: any = '5';\nexport function textBump() { text++; return text; }`,
  'exported let destructured into': `export let pair = 0;\n[pair] = [5];`,
  'exported let as a for-of target': `export let last = 0;\nfor (last of [7, 8]) {}`,
  'exported function replaced': `export function swap() { return 1; }\nexport function doSwap() { [swap] = [() => 2]; return swap(); }`,
  'exported const read before its declaration': `function readLate() { try { return String(late); } catch (e) { return String(e); } }\nexport const lateSeen = readLate();\nexport const late = 1;`,
  'exported destructuring read before its declaration': `function readPart() { try { return String(partA); } catch (e) { return String(e); } }\nexport const partSeen = readPart();\nexport const { partA, partB = 2 } = { partA: 1 };`,
  'exported const assigned': `export const fixed = 1;\nexport function setFixed() { try { (fixed as any) = 2; } catch (e) { return String(e); } }`,

  // ---- other export forms ----
  'export list with a rename': `const local = 1;\nexport { local as renamed };`,
  'export list of a let': `let live = 1;\nexport { live };\nexport function setLive() { live = 2; return live; }`,
  'default export of an arrow': `export default (x: number) => x;`,
  'default export of an anonymous function': `export default function () { return 'anon'; }`,
  'default export of a named function': `export default function named() { return 'named'; }`,
  'export star': `export * from 'pg';\nexport const Pool = 'mine';`,
  're-export': `export { types as reTypes } from 'cassandra-driver';`,
  'export of an undeclared name': `export { nowhere };`,

  // ---- TypeScript syntax removed between statements (automatic semicolons) ----
  'interface between statements': `const asiList = [1]\ninterface AsiShape { a: number }\n[0].forEach((v) => console.log('asi', v))`,
  'type alias takes the next semicolon': `let asiValue = 1\ntype AsiAlias = number\n;[2].forEach((v) => console.log('alias', v, asiValue))`,
  'declare statement before a parenthesis': `const asiFn: any = console.log\ndeclare const asiDeclared: number\n;('called')`,
  'as at the end of a line': `const asCast = [3] as number[]\n[1].forEach((v) => console.log('cast', v, asCast))`,
  'exported overloads': `export function exOver(a: string): string;\nexport function exOver(a: number): number;\nexport function exOver(a: any) { return a; }\nexport const exOverSeen = exOver(1);`,
  'overload signatures': `function over(a: string): string\nfunction over(a: any) { return a }\nexport const overloaded = over('o')`,
  'modifier before a computed member': `class Mods {\n  a = 1\n  private ['b'] = 2\n}\nexport const mods = JSON.stringify(new Mods())`,
  'declare field before a computed member': `class Decl {\n  a = 1\n  declare x\n  ['y'] = 2\n}\nexport const decl = JSON.stringify(new Decl())`,
  'declare field with semicolons': `class DeclSemi {\n  a = 1;\n  declare x: number;\n  ['y'] = 2;\n}\nexport const declSemi = JSON.stringify(new DeclSemi());`,
  'non-null assertion before a parenthesis': `const nn: any = (x: number) => x + 1\nexport const nnv = nn!\n(2)`,

  // ---- generics and their ambiguities ----
  'generic arrow': `const ident = <T,>(x: T) => x;\nexport const identity = ident(4);`,
  'generic call': `function pick<T>(x: T) { return x; }\nexport const picked = pick<number>(5);`,
  'comparisons that look like type arguments': `const lt = 1, gt = 2, pv = 3;\nexport const compared = String([lt < gt, pv > (lt)]);`,
  'instantiation expression': `class Box<T> { v?: T }\nconst NumBox = Box<number>;\nexport const boxed = new NumBox() instanceof Box;`,
  'arrow with a return type in a conditional': `const cond = true;\nconst pickFn = cond ? (v: number): number => v * 2 : null;\nexport const condResult = pickFn!(3);`,
  'satisfies and as const': `const conf = { retries: 3 } as const satisfies Record<string, number>;\nexport const retries = conf.retries;`,

  // ---- a module's top level, not a function body ----
  'top-level return': `if (Math.random() > 2) return;\nexport const afterReturn = 1;`,
  'new.target at the top level': `export const target = typeof new.target;`,
  'await as a name': `function awaitName() { const await = 1; return await; }\nexport const awaited = awaitName();`,
  'await( in a function that is not async': `function notAsync(f: any) { return await(f); }\nexport const notAsyncSeen = typeof notAsync;`,
  'two function declarations with one name': `function twice() { return 1; }\nfunction twice() { return 2; }\nexport const twiceResult = twice();`,
  'an import declared again': `import { errors } from 'cassandra-driver';\nconst errors = 1;\nexport const errorsSeen = errors;`,
  'this and arguments at the top level': `export const topThis = typeof this;\nexport const topArgs = typeof arguments;`,

  // ---- CommonJS names ----
  'the exports object': `exports.viaExports = 1;`,
  'module.exports': `module.exports.viaModule = 2;`,
  'a require call': `export const viaRequire = typeof require('pg');`,
  'eval': `export const evaluated = eval('typeof types');`,

  // ---- syntax newer than es2022 ----
  'decorator': `function tag(c: any, _ctx?: any) { return c; }\n@tag class Tagged {}\nexport const tagged = typeof Tagged;`,
  'using declaration': `export function disposes() { const log: string[] = []; { using r = { [Symbol.dispose]() { log.push('d'); } }; log.push('b'); } return log.join(); }`,
  'accessor field': `class Acc { accessor v = 3; }\nexport const acc = new Acc().v;`,
  'static block and #x in': `class Priv { static #n = 1; static { console.log('static', Priv.#n); } static has(o: object) { return #n in o; } }\nexport const priv = Priv.has(Priv);`,
  'import.meta': `export const meta = typeof import.meta;`,
  'regexp v flag': `export const vflag = /[\\p{L}--[a-z]]/v.test('A');`,

  // ---- async code (await is a name outside async functions) ----
  'await in async functions and methods': [
    'class Waits {',
    '  async call<T>(fn: () => Promise<T>): Promise<T> { return await (fn()); }',
    '  static async *gen() { yield await [1][0]; }',
    '}',
    'const waitArrow = async <T,>(x: T): Promise<T> => { return await (x); };',
    'const waitOne = async (x: number) => { for await (const v of [x]) return v; };',
    "export async function waits() { return [await new Waits().call(async () => 'c'), await waitArrow(2), await waitOne(3)].join(); }",
  ].join('\n'),

  'generic async arrow with an expression body': `const waitConcise = async <T,>(x: T) => await x;\nexport const concise = typeof waitConcise;`,

  // ---- imports used in every kind of place ----
  'an import used in many places': [
    "import { types as t } from 'cassandra-driver';",
    'export class UsesImport {',
    '  level = t.consistencies.one;',
    '  static quorum = t.consistencies.quorum;',
    '  describe(types: { one: number } = t.consistencies) { return `${types.one}/${typeof t}`; }',
    '}',
    'export function shorthand() { return JSON.stringify({ t }) + new UsesImport().describe() + UsesImport.quorum; }',
  ].join('\n'),
  'exported consts used by functions': [
    'export function readConsts() { return [LIMIT, named.name, typeof Klass].join(); }',
    "export const LIMIT: number = 3;",
    'export const named = () => LIMIT;',
    'export const Klass = class {};',
    'export const afterConsts = readConsts();',
  ].join('\n'),
  'parameter properties after a comment on the brace line': [
    'export class Commented { // fields below',
    '  seen: string[] = [];',
    '  constructor(public readonly id: string = "x", protected n = 1) {',
    '    this.seen.push(id);',
    '  }',
    '}',
    'export const commented = JSON.stringify(new Commented());',
  ].join('\n'),

  // ---- glue: statements that start with a bracket, a parenthesis or a template ----
  'statement starting with a bracket': `[1, 2].forEach((v) => console.log('each', v))`,
  'statement starting with a parenthesis': `(function iife() { console.log('iife'); })()`,
  'statement starting with a template': '`tpl`.length',
  'plain functions and a class': `export function plain(a = 2) { return a * 21; }\nexport class Plain { v = plain(); }\nexport const plainValue = new Plain().v;`,
};

/** The red team's probe (/work/redteam2/parity/diff.ts): each construct, as it wrote it. */
export const RED_TEAM: Record<string, string> = {
  'uninitialized field after super() init': `
class Base { constructor() { this.init(); } init() {} }
class D extends Base { value: number; init() { this.value = 42; } }
export const out = String(new D().value);`,
  'parameter property vs field initializer': `
class A { y = this.x * 2; constructor(public x: number) {} }
export const out = String(new A(3).y);`,
  'top-level this': `export const out = String(typeof this);`,
  'field shadows accessor of base': `
class Base { _v = 1; get v() { return this._v; } set v(x) { this._v = x; } }
class D extends Base { v: number; }
const d = new D(); export const out = String(Object.getOwnPropertyNames(d).join(',')) + ' ' + String(d.v);`,
  'export let live binding': `
export let n = 1; export function bump() { n++; }
bump(); export const out = 'x';`,
  'declare field': `class A { declare x: number; } export const out = String(Object.getOwnPropertyNames(new A()));`,
  'namespace': `namespace N { export const a = 1; } export const out = String(N.a);`,
  'enum': `enum E { A = 1, B = A * 2, C = 'c'.length } export const out = JSON.stringify(E);`,
  'const enum': `const enum E { A = 3 } export const out = String(E.A);`,
  'definite field': `class Base { constructor() { (this as any).x = 5; } } class D extends Base { x!: number; } export const out = String(new D().x);`,
  'index sig + static': `class A { [k: string]: any; static s = 1; } export const out = String(Object.keys(A));`,
  'accessor kw': `class A { accessor v = 3; } export const out = String(new A().v);`,
  'export star': `export * from 'pg'; export const out = 'ok';`,
  'import default': `import pg from 'pg'; export const out = String(typeof pg);`,
  'import star default': `import * as pg from 'pg'; export const out = String(typeof (pg as any).default) + Object.keys(pg).join(',');`,
  'using': `let log: string[] = []; { using r = { [Symbol.dispose]() { log.push('d'); } }; log.push('b'); } export const out = log.join('');`,
  'this in arrow at top': `const f = () => this; export const out = String(f());`,
  'import after code': `export const out = String(typeof Client); import { Client } from 'cassandra-driver';`,
  'override/abstract': `abstract class A { abstract f(): number; g() { return this.f(); } } class B extends A { override f() { return 2; } } export const out = String(new B().g());`,
  'generic arrow': `const id = <T,>(x: T) => x; export const out = String(id(4));`,
  'satisfies': `const o = { a: 1 } satisfies Record<string, number>; export const out = String(o.a);`,
  'import equals': `import pg = require('pg'); export const out = String(typeof pg);`,
  'export equals-less default class': `export default class { static z = 1 } export const out = 'x';`,
  'optional chain call this': `const o = { v: 1, f() { return this?.v; } }; export const out = String(o.f?.());`,
  'class private in': `class A { #x = 1; static has(o: any) { return #x in o; } } export const out = String(A.has(new A()));`,
  'enum merging': `enum E { A } enum E { B = 2 } export const out = JSON.stringify(E);`,
  'field named constructor-ish': `class A { 'constructor'?: number; x = 1 } export const out = String(new A().x);`,
  'static this': `class A { static a = 1; static b = this.a + 1; } export const out = String(A.b);`,
  'unicode escape id': `const \\u0061bc = 1; export const out = String(abc);`,
  'html comment': `const x = 1; <!-- hi
export const out = String(x);`,
  'export let reassign via destructure': `export let a = 1; [a] = [5]; export const out = 'x';`,
  'export var in for': `export var i = 0; for (i = 0; i < 3; i++) {} export const out = 'x';`,
  'exported function reassign': `export function f() { return 1; } f = (() => 2) as any; export const out = 'x';`,
  'abstract field': `abstract class A { abstract x: number; y = 1 } class B extends A { x = 2 } export const out = String(Object.keys(new B()));`,
  'param prop default': `class A { constructor(private x = 5) {} get() { return this.x; } } export const out = String(new A().get());`,
  'overloads': `function f(a: string): string; function f(a: number): number; function f(a: any) { return a; } export const out = String(f(3));`,
  'variance': `interface I<in T, out U> { f(t: T): U } export const out = 'ok';`,
  'const type param': `function f<const T>(x: T) { return x; } export const out = String(f(['a'])[0]);`,
  'definite let': `let x!: number; x = 4; export const out = String(x);`,
  'non-null assign': `let o: any = {}; o!.a = 1; export const out = String(o.a);`,
  'angle assertion': `const v = <any>5; export const out = String(v);`,
  'type import expr': `let t: typeof import('pg') | undefined; export const out = String(t);`,
  'enum before use in class field': `class A { static d = E.X; } enum E { X = 7 } export const out = String(A.d);`,
  'function used before decl via export': `export const out = String(g()); export function g() { return 9; }`,
  'class used before decl': `export const out = String(typeof C); export class C {}`,
  'export default expr order': `let n = 1; export default n++; export const out = String(n);`,
  'export as': `let a = 1; export { a as b }; a = 2; export const out = 'x';`,
  'generic call ambiguity': `const f = <T,>(x: T) => x; const a = 1, b = 2; export const out = String(f<number>(a < b ? 1 : 0));`,
  'arrow in conditional': `const c = true; const g = c ? (x: number): number => x : null; export const out = String(g!(3));`,
  'async arrow generic': `const h = async <T,>(x: T): Promise<T> => x; export const out = 'x';`,
  'object method named async': `const o = { async: 1, await: 2 }; export const out = String(o.async + o.await);`,
  'label + type': `outer: for (const x of [1]) { break outer; } export const out = 'ok';`,
  'this param': `function f(this: any, a: number) { return a; } export const out = String(f.call(null, 2));`,
  'instantiation expr': `class Box<T> { v?: T } const NB = Box<number>; export const out = String(new NB() instanceof Box);`,
  'declare module': `declare module 'x' { const y: number; } export const out = 'ok';`,
  'enum string reverse': `enum S { A = 'a' } export const out = String((S as any).a);`,
  'class expr field this': `const K = class { static s = this.name; }; export const out = String(K.s);`,
  'private name field order': `class A { #a = 1; b = this.#a + 1; constructor(public c = 0) {} } export const out = String(new A().b);`,
  'export async function star': `export async function* gen() { yield 1; } export const out = 'x';`,
  'import in block comment text': `/* import x from 'fs' */ export const out = 'ok';`,
  'string with import(': `export const out = "import('x')";`,
};
