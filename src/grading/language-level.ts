/**
 * The built-ins learner code gets are the grader's, not the host engine's: ES2023, what Node 20 (the
 * host of `npm run grade`) offers. A newer engine — the learner's browser — has more (`Promise.withResolvers`,
 * `Object.groupBy`, the Set methods, iterator helpers, …); code using them passed on the page and failed
 * under `npm run grade`. `removeNewerBuiltIns()` deletes them before `lockdown()`, in every host, so both
 * offer the same language; test/browser/host-parity.test.ts compares what the two hosts' learner code can
 * reach, name by name. (Syntax is the compiler's: esbuild targets es2022.) Pure TypeScript.
 */

type Holder = () => object | undefined;

/** The %IteratorPrototype% every built-in iterator inherits from. */
const iteratorPrototype: Holder = () => Reflect.getPrototypeOf(Reflect.getPrototypeOf([][Symbol.iterator]()) as object) ?? undefined;
const g = globalThis as unknown as Record<string, { prototype?: object } | undefined>;
/** `Symbol.dispose` where the engine has it (read before it is removed from `Symbol`). */
const DISPOSE = (Symbol as unknown as { dispose?: symbol }).dispose;

/** Where each newer built-in lives, and its names (ES2024 onwards, and proposals engines ship early). */
const NEWER_BUILT_INS: ReadonlyArray<readonly [string, Holder, readonly (string | symbol)[]]> = [
  ['globalThis', () => globalThis, ['Iterator', 'AsyncIterator', 'Temporal', 'DisposableStack', 'AsyncDisposableStack', 'SuppressedError', 'Float16Array']],
  ['Object', () => Object, ['groupBy']],
  ['Map', () => Map, ['groupBy']],
  ['Map.prototype', () => Map.prototype, ['getOrInsert', 'getOrInsertComputed']],
  ['WeakMap.prototype', () => WeakMap.prototype, ['getOrInsert', 'getOrInsertComputed']],
  ['Date.prototype', () => Date.prototype, ['toTemporalInstant']],
  ['Promise', () => Promise, ['withResolvers', 'try']],
  ['Array', () => Array, ['fromAsync']],
  ['Set.prototype', () => Set.prototype, ['union', 'intersection', 'difference', 'symmetricDifference', 'isSubsetOf', 'isSupersetOf', 'isDisjointFrom']],
  ['Math', () => Math, ['sumPrecise', 'f16round']],
  ['Symbol', () => Symbol, ['dispose', 'asyncDispose']],
  ['Uint8Array', () => g.Uint8Array as object, ['fromBase64', 'fromHex']],
  ['Uint8Array.prototype', () => g.Uint8Array?.prototype, ['toBase64', 'toHex', 'setFromBase64', 'setFromHex']],
  ['JSON', () => JSON, ['rawJSON', 'isRawJSON']],
  ['Error', () => Error, ['isError']],
  ['RegExp', () => RegExp, ['escape']],
  ['%IteratorPrototype%', iteratorPrototype, ['map', 'filter', 'take', 'drop', 'flatMap', 'reduce', 'toArray', 'forEach', 'some', 'every', 'find', ...(DISPOSE ? [DISPOSE] : [])]],
  ['DataView.prototype', () => DataView.prototype, ['getFloat16', 'setFloat16']],
  ['Atomics', () => g.Atomics as object | undefined, ['pause']],
];

/**
 * With iterator helpers, %IteratorPrototype% gained `constructor` and `Symbol.toStringTag` as accessors
 * (ES2023 has neither): removed with the helpers (SES refuses accessors there without `Iterator`).
 */
function removeIteratorAccessors(): void {
  const proto = iteratorPrototype();
  if (!proto) return;
  for (const key of ['constructor', Symbol.toStringTag] as const) {
    const d = Reflect.getOwnPropertyDescriptor(proto, key);
    if (d && (d.get || d.set)) Reflect.deleteProperty(proto, key);
  }
}

/** Deletes every newer built-in this engine has. */
export function removeNewerBuiltIns(): void {
  removeIteratorAccessors();
  for (const [, holder, names] of NEWER_BUILT_INS) {
    const o = holder();
    if (o) for (const name of names) Reflect.deleteProperty(o, name);
  }
}
