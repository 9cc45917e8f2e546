/**
 * Static checks over the test sources (run by test/lint/hygiene.test.ts), on the TypeScript syntax
 * tree, so code inside strings (learner code, fixtures) is never mistaken for test code:
 *
 *   - `fixed sleep`: any `waitForTimeout(…)`; and an awaited sleep — `new Promise(r => setTimeout(r, n))`,
 *     `sleep(n)`, `delay(n)`, `setTimeout(n)` from node:timers/promises — followed in the same block by
 *     an assertion. Wait on the event or state that proves the thing instead.
 *   - `elapsed time`: an assertion over a difference of real clock readings (`Date.now()`,
 *     `performance.now()`, `x.now()`, `process.hrtime`), directly or through a variable. Speed is
 *     measured in bench/, not asserted in a test. Clock reads inside a simulator run
 *     (`world.run(() => …)`, virtual time) are not real.
 *   - `tier`: a fast-tier file (test/tiers.ts), or a test/ module it imports, that starts processes,
 *     opens sockets or drives a browser: it belongs in *.slow.test.ts.
 */
import ts from 'typescript';

export interface Finding {
  rule: 'fixed sleep' | 'elapsed time' | 'tier';
  line: number;
  text: string;
}

const ASSERT_CALLEE = /^(expect|vexpect|assert)$/;
const SLEEP_NAMES = new Set(['sleep', 'delay']);
/**
 * Imports that make a file more than a pure unit test: processes, sockets, a browser. (A driver
 * library alone is fine — e.g. the real cassandra-driver over fake in-process hosts.)
 */
export const NOT_UNIT_MODULES = [
  'child_process', 'node:child_process', 'http', 'node:http', 'https', 'node:https', 'net', 'node:net',
  'playwright-core', 'playwright', '@axe-core/playwright',
];

function rootName(e: ts.Expression): string | null {
  while (ts.isPropertyAccessExpression(e) || ts.isCallExpression(e)) e = e.expression;
  return ts.isIdentifier(e) ? e.text : null;
}

function isAssertion(node: ts.Node): boolean {
  if (!ts.isCallExpression(node)) return false;
  const name = rootName(node.expression);
  return !!name && ASSERT_CALLEE.test(name);
}

function containsAssertion(node: ts.Node): boolean {
  let found = false;
  const visit = (n: ts.Node) => {
    if (found) return;
    if (isAssertion(n)) found = true;
    else ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

/** Inside a function passed to `x.run(…)`: a simulator run, where timers and clocks are virtual. */
function inVirtualRun(node: ts.Node): boolean {
  for (let n: ts.Node | undefined = node; n; n = n.parent) {
    if ((ts.isArrowFunction(n) || ts.isFunctionExpression(n)) && n.parent && ts.isCallExpression(n.parent)) {
      const callee = n.parent.expression;
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'run' && n.parent.arguments.includes(n as ts.Expression)) return true;
    }
  }
  return false;
}

function isClockRead(node: ts.Node): boolean {
  if (!ts.isCallExpression(node)) return false;
  const c = node.expression;
  if (ts.isPropertyAccessExpression(c) && c.name.text === 'now' && node.arguments.length === 0) return true;
  if (ts.isPropertyAccessExpression(c) && c.name.text === 'hrtime') return true;
  if (ts.isPropertyAccessExpression(c) && c.name.text === 'bigint' && ts.isPropertyAccessExpression(c.expression) && c.expression.name.text === 'hrtime') return true;
  return false;
}

function containsRealClock(node: ts.Node): boolean {
  let found = false;
  const visit = (n: ts.Node) => {
    if (found) return;
    if (isClockRead(n) && !inVirtualRun(n)) found = true;
    else ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

/** `new Promise(r => setTimeout(r, n))`, `sleep(n)`, `delay(n)`, `x.waitForTimeout(n)`. */
function isSleep(node: ts.Expression, timersPromisesNames: Set<string>): boolean {
  if (ts.isAwaitExpression(node)) node = node.expression;
  if (ts.isCallExpression(node)) {
    const c = node.expression;
    if (ts.isIdentifier(c) && (SLEEP_NAMES.has(c.text) || timersPromisesNames.has(c.text))) return true;
    if (ts.isPropertyAccessExpression(c) && c.name.text === 'waitForTimeout') return true;
  }
  if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Promise') {
    const exec = node.arguments?.[0];
    if (!exec || !(ts.isArrowFunction(exec) || ts.isFunctionExpression(exec))) return false;
    const resolve = exec.parameters[0]?.name;
    if (!resolve || !ts.isIdentifier(resolve)) return false;
    let timer = false;
    const visit = (n: ts.Node) => {
      if (timer) return;
      if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && /^set(Timeout|Interval)$/.test(n.expression.text)) {
        // the resolver itself, or a callback that calls it
        const cb = n.arguments[0];
        if (cb && ((ts.isIdentifier(cb) && cb.text === resolve.text) || ((ts.isArrowFunction(cb) || ts.isFunctionExpression(cb)) && cb.getText().includes(`${resolve.text}(`)))) timer = true;
      }
      ts.forEachChild(n, visit);
    };
    visit(exec.body);
    return timer;
  }
  return false;
}

/** Every finding in one source file. `localImports` receives the relative imports (for the tier rule). */
export function lintSource(fileName: string, text: string, opts: { fastTier: boolean }): Finding[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const out: Finding[] = [];
  const at = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const snippet = (n: ts.Node) => n.getText(sf).replace(/\s+/g, ' ').slice(0, 120);
  const timersPromisesNames = new Set<string>();
  const clockVars = new Set<string>();

  // Pass 1: imports, and variables initialised from a real clock reading.
  const collect = (n: ts.Node) => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier)) {
      const mod = n.moduleSpecifier.text;
      if (/^(node:)?timers\/promises$/.test(mod)) {
        const named = n.importClause?.namedBindings;
        if (named && ts.isNamedImports(named)) for (const el of named.elements) if ((el.propertyName ?? el.name).text === 'setTimeout') timersPromisesNames.add(el.name.text);
      }
      if (opts.fastTier && NOT_UNIT_MODULES.includes(mod)) out.push({ rule: 'tier', line: at(n), text: `imports ${mod}: not a pure unit test — name it *.slow.test.ts` });
    }
    if (opts.fastTier && ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'require' && n.arguments[0] && ts.isStringLiteral(n.arguments[0]) && NOT_UNIT_MODULES.includes(n.arguments[0].text)) {
      out.push({ rule: 'tier', line: at(n), text: `requires ${n.arguments[0].text}: not a pure unit test — name it *.slow.test.ts` });
    }
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && containsRealClock(n.initializer)) clockVars.add(n.name.text);
    ts.forEachChild(n, collect);
  };
  collect(sf);

  const mentions = (names: Set<string>, n: ts.Node): boolean => {
    let found = false;
    const visit = (m: ts.Node) => {
      if (found) return;
      if (ts.isIdentifier(m) && names.has(m.text) && !(m.parent && ts.isPropertyAccessExpression(m.parent) && m.parent.name === m)) found = true;
      else ts.forEachChild(m, visit);
    };
    visit(n);
    return found;
  };
  /** A difference of real clock readings somewhere in `n` (`Date.now() - t0`, `performance.now() - started`). */
  const containsElapsed = (n: ts.Node): boolean => {
    let found = false;
    const visit = (m: ts.Node) => {
      if (found) return;
      if (ts.isBinaryExpression(m) && m.operatorToken.kind === ts.SyntaxKind.MinusToken && [m.left, m.right].some((side) => containsRealClock(side) || mentions(clockVars, side))) found = true;
      else ts.forEachChild(m, visit);
    };
    visit(n);
    return found;
  };
  // Variables holding an elapsed time (`const elapsed = performance.now() - started`).
  const elapsedVars = new Set<string>();
  const collectElapsed = (n: ts.Node) => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && containsElapsed(n.initializer)) elapsedVars.add(n.name.text);
    ts.forEachChild(n, collectElapsed);
  };
  collectElapsed(sf);

  // Pass 2: sleeps and elapsed-time assertions.
  const check = (n: ts.Node) => {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'waitForTimeout') {
      out.push({ rule: 'fixed sleep', line: at(n), text: snippet(n) });
    } else if (ts.isBlock(n) || ts.isSourceFile(n)) {
      const stmts = n.statements;
      stmts.forEach((s, i) => {
        if (!ts.isExpressionStatement(s) || inVirtualRun(s)) return;
        const e = s.expression;
        if (!ts.isAwaitExpression(e) || !isSleep(e, timersPromisesNames)) return;
        if (ts.isCallExpression(e.expression) && ts.isPropertyAccessExpression(e.expression.expression) && e.expression.expression.name.text === 'waitForTimeout') return; // reported above
        if (stmts.slice(i + 1).some(containsAssertion)) out.push({ rule: 'fixed sleep', line: at(s), text: `${snippet(s)} … then an assertion` });
      });
    }
    if (isAssertion(n)) {
      const call = n as ts.CallExpression;
      if (call.arguments.some((a) => containsElapsed(a) || mentions(elapsedVars, a))) out.push({ rule: 'elapsed time', line: at(n), text: snippet(n) });
    }
    ts.forEachChild(n, check);
  };
  check(sf);
  return out.sort((a, b) => a.line - b.line);
}

/** Relative module specifiers a source file imports (`./helpers`, `../browser/server`). */
export function relativeImports(fileName: string, text: string): string[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const out: string[] = [];
  const visit = (n: ts.Node) => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier) && n.moduleSpecifier.text.startsWith('.')) {
      if (!(ts.isImportDeclaration(n) && n.importClause?.isTypeOnly)) out.push(n.moduleSpecifier.text);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}
