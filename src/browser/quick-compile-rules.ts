/**
 * When the quick compiler declines (quick-compile.ts): the constructs that sucrase's `typescript` +
 * `imports` transforms (with `disableESTransforms`) compile differently from esbuild, the compiler of
 * record (es2022, CommonJS: src/grading/compile-options.ts), or that esbuild refuses where the
 * grader's strict function body would run sucrase's output. Each rule says what differs; the first
 * that applies is the reason. test/differential/quick-compile-generated.test.ts holds one example of
 * each and generates programs that combine them.
 */
import {
  CONTINUES, IdentifierRole, closing, innermostFunction, insideFunction, isAsyncScope, isBindingWord, isPropertyName, isToken, isWord, lineBreakBetween, text, topLevelDeclarations, tt,
  type Scanned,
} from './quick-compile-scan';
import { exportStatements, importDeclarations, type ImportDeclaration } from './quick-compile-modules';
import { parameterPropertyClasses } from './quick-compile-classes';

interface Rule {
  why: string;
  applies(s: Scanned): boolean;
}

const indexes = (s: Scanned) => s.tokens.map((_, i) => i);

// ---- TypeScript constructs that have a value ----------------------------------------------------

/** `namespace N {…}`, `module M {…}`, `module 'x' {…}`: sucrase drops their bodies; esbuild runs them. */
function namespaceDeclaration(s: Scanned): boolean {
  return indexes(s).some(
    (i) => (isBindingWord(s, i, 'namespace') || isBindingWord(s, i, 'module')) && (isToken(s, i + 1, tt.name) || isToken(s, i + 1, tt.string)),
  );
}

/** `enum`, `const enum`: esbuild inlines their members (even before the declaration runs); sucrase does not. */
const enumDeclaration = (s: Scanned) => s.tokens.some((t) => t.type === tt._enum);

/** `@decorator`: esbuild compiles decorators to es2022; sucrase leaves them to the browser (which may not know them). */
const decorator = (s: Scanned) => s.tokens.some((t) => t.type === tt.at);

/** `using x = …`, `await using x = …`: esbuild compiles them to es2022; sucrase leaves them to the browser. */
const usingDeclaration = (s: Scanned) => indexes(s).some((i) => isBindingWord(s, i, 'using') && isToken(s, i + 1, tt.name));

/** `accessor x = …` in a class: esbuild compiles auto-accessors to es2022; sucrase leaves them to the browser. */
function accessorField(s: Scanned): boolean {
  const follows = [tt.name, tt.bracketL, tt.hash, tt.string, tt.num];
  return indexes(s).some(
    (i) => isWord(s, i, 'accessor') && s.tokens[i].identifierRole === IdentifierRole.ObjectKey && follows.some((t) => isToken(s, i + 1, t)) && !lineBreakBetween(s, i, i + 1),
  );
}

/** An identifier spelled with a `\u` escape: the rules below read names by their spelling. */
const escapedName = (s: Scanned) => indexes(s).some((i) => isToken(s, i, tt.name) && text(s, i).includes('\\'));

// ---- modules ------------------------------------------------------------------------------------

/** An `import` after other code: esbuild runs every import first (ES modules are hoisted); sucrase where it stands. */
function importAfterCode(s: Scanned): boolean {
  const imports = importDeclarations(s);
  let next = 0;
  for (let i = 0; i < s.tokens.length - 1 && next < imports.length; i++) {
    if (i === imports[next].start) i = imports[next++].end;
    else if (!s.tokens[i].isType && !isToken(s, i, tt.semi)) return true;
  }
  return false;
}

/** `import * as ns` and `import()`: esbuild's namespace object (getters, read-only, `default` first) is not sucrase's copy. */
function namespaceObjectImport(s: Scanned): boolean {
  const dynamic = indexes(s).some((i) => isToken(s, i, tt._import) && !s.tokens[i].isType && isToken(s, i + 1, tt.parenL));
  const star = (d: ImportDeclaration) => s.tokens.slice(d.start, d.specifier).some((t) => t.type === tt.star);
  return dynamic || importDeclarations(s).some(star);
}

/** `import x = require(…)`, `import x = N.y`, `export =`, `export import`, `export as namespace`: TypeScript's own module forms. */
function typeScriptModuleForm(s: Scanned): boolean {
  return indexes(s).some((i) => {
    if (isToken(s, i, tt._import)) {
      const name = isWord(s, i + 1, 'type') && isToken(s, i + 2, tt.name) ? i + 2 : i + 1;
      return isToken(s, name, tt.name) && isToken(s, name + 1, tt.eq);
    }
    return isToken(s, i, tt._export) && !s.tokens[i].isType && (isToken(s, i + 1, tt.eq) || isToken(s, i + 1, tt._import) || isWord(s, i + 1, 'as'));
  });
}

/**
 * Any export but `export const x`, `export function f`, `export class C`, `export default function f`,
 * `export default class C` and type-only exports: esbuild's exports are getters over the module's
 * bindings, sucrase copies values at assignments and reads `let`/`var` exports through `exports`;
 * `export default` of an expression or anonymous function names it differently; `export * from` and
 * `export {…} from` meet local exports differently.
 */
function otherExport(s: Scanned): boolean {
  const statements = exportStatements(s);
  return statements.some((e) => e.kind === 'other') || statements.filter((e) => e.kind === 'default').length > 1;
}

/**
 * An imported or exported binding assigned to (`=`, `+=`, `++`, a destructuring or `for…of`
 * target): esbuild's export getters see the new value where sucrase's copies do not, and esbuild's
 * `default` import is read-only where sucrase's is not.
 */
function assignedModuleBinding(s: Scanned): boolean {
  const names = new Set([
    ...exportStatements(s).flatMap((e) => e.names.map((n) => n.name)),
    ...topLevelDeclarations(s).filter((d) => s.tokens[d.at].identifierRole === IdentifierRole.ImportDeclaration).map((d) => d.name),
  ]);
  const patterns = destructuringTargets(s);
  return indexes(s).some((i) => {
    const t = s.tokens[i];
    if (t.isType || t.type !== tt.name || isDeclarationRole(t.identifierRole) || !names.has(text(s, i)) || isPropertyName(s, i)) return false;
    return isAssignedDirectly(s, i) || (patterns.some(([a, b]) => a < i && i < b) && isPatternElement(s, i));
  });
}

/** `x = …`, `x += …`, `x++`, `++x`, `(x as T) = …`, `x of …` / `x in …` (a for head). */
function isAssignedDirectly(s: Scanned, i: number): boolean {
  let after = i + 1;
  while (s.tokens[after].isType || isToken(s, after, tt.parenR)) after++;
  let before = i - 1;
  while (before >= 0 && isToken(s, before, tt.parenL)) before--;
  const next = s.tokens[after].type;
  return next === tt.eq || next === tt.assign || next === tt.postIncDec || isToken(s, before, tt.preIncDec) || isWord(s, after, 'of') || next === tt._in;
}

/** `[…]` and `{…}` followed by `=`, `of` or `in`: patterns whose names may be assigned. */
function destructuringTargets(s: Scanned): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  indexes(s).forEach((i) => {
    if (s.tokens[i].isType || !(isToken(s, i, tt.bracketL) || isToken(s, i, tt.braceL))) return;
    const end = closing(s, i);
    if (end > 0 && (isToken(s, end + 1, tt.eq) || isWord(s, end + 1, 'of') || isToken(s, end + 1, tt._in))) out.push([i, end]);
  });
  return out;
}

function isPatternElement(s: Scanned, i: number): boolean {
  const next = s.tokens[i + 1]?.type;
  return next === tt.comma || next === tt.bracketR || next === tt.braceR || next === tt.eq;
}

/**
 * `require`, `module`, `exports`, `eval` used by learner code: esbuild replaces `module.exports`
 * when the module has exports, and the names direct `eval` sees are each compiler's own.
 */
function commonJsName(s: Scanned): boolean {
  return indexes(s).some(
    (i) => !s.tokens[i].isType && ['require', 'module', 'exports', 'eval'].some((w) => isBindingWord(s, i, w)),
  );
}

// ---- a module's top level is not a function body ----------------------------------------------

/** `return` or `new.target` outside any function: an error in a module (esbuild), allowed in the grader's function body. */
function functionBodyOnlySyntax(s: Scanned): boolean {
  return indexes(s).some((i) => {
    const topLevel = isToken(s, i, tt._return) || (isToken(s, i, tt._new) && isToken(s, i + 1, tt.dot) && isWord(s, i + 2, 'target'));
    return topLevel && !insideFunction(s, i);
  });
}

/**
 * `await` outside an async function: `await` is reserved in a module (esbuild refuses
 * `await(x)` or `const await` there) but a name in the grader's function body.
 */
function awaitOutsideAsync(s: Scanned): boolean {
  return indexes(s).some((i) => {
    if (!isBindingWord(s, i, 'await')) return false;
    const scope = innermostFunction(s, i);
    return scope === null || !isAsyncScope(s, scope);
  });
}

/** A top-level name declared twice where one is a function or an import: esbuild refuses it, or reads the import. */
function redeclaredTopLevelName(s: Scanned): boolean {
  const seen = new Map<string, number>();
  for (const d of topLevelDeclarations(s)) {
    const fn = isToken(s, d.at - 1, tt._function) || isToken(s, d.at - 1, tt.star);
    const strong = fn || s.tokens[d.at].identifierRole === IdentifierRole.ImportDeclaration;
    const before = seen.get(d.name);
    if (before !== undefined && (strong || before > 0)) return true;
    seen.set(d.name, Math.max(before ?? 0, strong ? 1 : 0));
  }
  return false;
}

/**
 * A function or class declared inside another scope under a name declared elsewhere in the file:
 * esbuild renames it (`helper2`), which its `name` shows.
 */
function shadowingFunctionOrClass(s: Scanned): boolean {
  const declared = new Map<string, number>();
  s.tokens.forEach((t, i) => {
    if (!t.isType && t.type === tt.name && isDeclarationRole(t.identifierRole)) declared.set(text(s, i), (declared.get(text(s, i)) ?? 0) + 1);
  });
  return indexes(s).some((i) => {
    const role = s.tokens[i].identifierRole;
    if (s.tokens[i].isType || (role !== IdentifierRole.FunctionScopedDeclaration && role !== IdentifierRole.BlockScopedDeclaration)) return false;
    const named = isToken(s, i - 1, tt._function) || isToken(s, i - 1, tt._class) || (isToken(s, i - 1, tt.star) && isToken(s, i - 2, tt._function));
    return named && (declared.get(text(s, i)) ?? 0) > 1;
  });
}

function isDeclarationRole(role: IdentifierRole | null): boolean {
  return role !== null && role !== IdentifierRole.Access && role !== IdentifierRole.ExportAccess && role !== IdentifierRole.ObjectShorthand
    && role !== IdentifierRole.ObjectKey && role !== IdentifierRole.ImportAccess;
}

// ---- removed TypeScript syntax and automatic semicolons ----------------------------------------

/** Tokens sucrase removes that are not marked as types. */
const REMOVED = new Set([tt._public, tt._private, tt._protected, tt._readonly, tt._override, tt._abstract, tt._declare, tt.nonNullAssertion]);
/** Tokens that can end an expression statement. */
const ENDS_EXPRESSION = new Set([
  tt.name, tt.num, tt.bigint, tt.decimal, tt.string, tt.regexp, tt.backQuote, tt.parenR, tt.bracketR, tt.braceR, tt.postIncDec,
  tt._this, tt._super, tt._null, tt._true, tt._false,
]);

const removed = (s: Scanned, i: number) => s.tokens[i].isType || REMOVED.has(s.tokens[i].type) || isDeclaredFieldName(s, i);

/** The name of a `declare` field (`declare readonly x: T`): sucrase removes it without marking it as a type. */
function isDeclaredFieldName(s: Scanned, i: number): boolean {
  if (!isToken(s, i, tt.name)) return false;
  let k = i - 1;
  while (k >= 0 && REMOVED.has(s.tokens[k].type) && !isToken(s, k, tt._declare)) k--;
  return isToken(s, k, tt._declare);
}

/**
 * Removed TypeScript (an interface, a type alias with the `;` after it, `declare`, a `declare`
 * field, `as T`, a modifier…) between the end of one line's expression and a next line that starts with `(`, `[`, a
 * template, `+`, `-`, `/` or `<`: TypeScript ended the statement there, the browser would read one
 * expression across the gap sucrase leaves.
 */
function removedSyntaxBeforeContinuation(s: Scanned): boolean {
  return indexes(s).some((i) => {
    if (!CONTINUES.has(s.tokens[i].type) || removed(s, i)) return false;
    let p = i - 1;
    while (p >= 0 && removed(s, p)) p--;
    return p >= 0 && p < i - 1 && ENDS_EXPRESSION.has(s.tokens[p].type) && lineBreakBetween(s, p, i);
  });
}


// ---- classes --------------------------------------------------------------------------------------

/**
 * Parameter properties in a derived class whose `super(…)` is not one statement of the
 * constructor's own body: esbuild assigns them when `super` returns, sucrase after the text of the
 * first `super(…)` call; or a class body whose `{` has code after it on its line (where the rewrite
 * of quick-compile-rewrite.ts would move that code's columns).
 */
function parameterPropertiesOutOfReach(s: Scanned): boolean {
  return parameterPropertyClasses(s).some((c) => !c.rewritable);
}

export const RULES: Rule[] = [
  { why: 'an identifier spelled with an escape', applies: escapedName },
  { why: 'a namespace or module declaration', applies: namespaceDeclaration },
  { why: 'an enum', applies: enumDeclaration },
  { why: 'a decorator', applies: decorator },
  { why: 'a using declaration', applies: usingDeclaration },
  { why: 'an accessor field', applies: accessorField },
  { why: 'an import after other code', applies: importAfterCode },
  { why: 'a namespace import or import()', applies: namespaceObjectImport },
  { why: "TypeScript's import = / export = forms", applies: typeScriptModuleForm },
  { why: 'an export other than export const/function/class', applies: otherExport },
  { why: 'an imported or exported binding assigned to', applies: assignedModuleBinding },
  { why: 'require, module, exports or eval', applies: commonJsName },
  { why: 'return or new.target outside a function', applies: functionBodyOnlySyntax },
  { why: 'await outside an async function', applies: awaitOutsideAsync },
  { why: 'a top-level function or import declared twice', applies: redeclaredTopLevelName },
  { why: 'a nested function or class named like another declaration', applies: shadowingFunctionOrClass },
  { why: 'removed TypeScript before a line that continues the previous one', applies: removedSyntaxBeforeContinuation },
  { why: 'parameter properties the rewrite cannot place', applies: parameterPropertiesOutOfReach },
];

/** Why the quick compiler leaves `s` to esbuild, or null when it may compile it. */
export function declineReason(s: Scanned): string | null {
  return RULES.find((r) => r.applies(s))?.why ?? null;
}
