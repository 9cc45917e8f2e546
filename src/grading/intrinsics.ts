/**
 * Guarding the grader against learner code that tampers with built-ins.
 *
 * Learner code runs in the same realm as the grader (one Worker, or the Node CLI's worker thread),
 * so it can write `Object.prototype.then = …`, `Math.max = () => 0`, `JSON.stringify = …`, or replace
 * methods of the driver modules it gets from `require`. The grader:
 *   1. keeps its own references to the few functions it calls (`Reflect.*`, `Promise.prototype.then`);
 *   2. snapshots the own properties of the built-in objects (and of extra roots such as the driver
 *      modules) before any learner code runs;
 *   3. restores that snapshot: the core built-ins before every assertion (`expect(...)`) and before
 *      a failed attempt is described; everything once a test's seeds are done (or one fails) and at
 *      the end of the run. Between two passing seeds nothing is checked: a suite runs hundreds of
 *      seeds, and a learner's code can only hurt its own scenario. Properties the simulator's
 *      learner realm swaps during a scenario (timers, `Date`, `Math.random`, `performance`) are
 *      restored only between tests.
 *
 * Pure TypeScript: no DOM, no Node built-ins.
 */

const R = Reflect;
const ownKeys = R.ownKeys;
const getDesc = R.getOwnPropertyDescriptor;
const defineProp = R.defineProperty;
const deleteProp = R.deleteProperty;
const getProto = R.getPrototypeOf;
const setProto = R.setPrototypeOf;
const apply = R.apply;
const get = R.get;
const CHANGED = Symbol('changed');

/** Call `fn` with `thisArg` via the original `Reflect.apply` (immune to `Function.prototype.call` tampering). */
export const safeApply = apply;
/** The original `Promise.prototype.then`. */
export const promiseThen: typeof Promise.prototype.then = Promise.prototype.then;
export const OriginalPromise = Promise;

/**
 * `await` on a native promise reads `Promise.prototype.constructor` and, if that was changed,
 * calls `then` through a property lookup: learner code could then make an `await` in a test (or
 * in the grader) resume with a value of its choosing. These two properties are therefore made
 * read-only for good (learner code, being strict, gets a TypeError if it tries to change them).
 */
export function lockPromiseBasics(): void {
  for (const key of ['constructor', 'then'] as const) {
    const d = getDesc(Promise.prototype, key);
    if (d && (d.writable || d.configurable)) defineProp(Promise.prototype, key, { value: d.value, writable: false, configurable: false, enumerable: d.enumerable });
  }
}

type Entry = { key: PropertyKey; desc: PropertyDescriptor; data: boolean; value: unknown };
type ObjSnap = {
  obj: object;
  proto: object | null;
  entries: Entry[];
  keys: Set<PropertyKey>;
  realmOwned: Set<PropertyKey>;
  /** part of the cheap mid-test restore (what assertions and the grader's own code touch) */
  core: boolean;
  /** look for properties added since the snapshot */
  scanAdded: boolean;
};

/**
 * Objects restored before every assertion: the built-ins chai and the grader use. Everything else
 * (driver modules, other built-ins, all of globalThis) is restored between tests.
 */
const CORE_CTORS = new Set(['Object', 'Function', 'Array', 'String', 'Number', 'Boolean', 'Symbol', 'Error', 'Promise', 'Map', 'Set', 'RegExp']);
/** Global bindings checked before every assertion (chai looks these up at call time). */
const CORE_GLOBALS = [
  'Object', 'Function', 'Array', 'String', 'Number', 'Boolean', 'Symbol', 'BigInt', 'Error', 'TypeError', 'RangeError',
  'Promise', 'Map', 'Set', 'WeakMap', 'WeakSet', 'RegExp', 'JSON', 'Math', 'Reflect', 'Proxy', 'globalThis',
  'isNaN', 'isFinite', 'parseInt', 'parseFloat',
];

/** Names on `globalThis` and elsewhere that the simulator's learner realm may swap mid-scenario. */
const REALM_GLOBALS = new Set<PropertyKey>([
  'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate',
  'queueMicrotask', 'Date', 'performance', 'AbortSignal', 'console',
]);

type Root = { obj: object; realm?: Set<PropertyKey>; core?: boolean };

function intrinsicRoots(): Root[] {
  const g = globalThis as Record<string, any>;
  const ctors = [
    'Object', 'Function', 'Array', 'String', 'Number', 'Boolean', 'Symbol', 'BigInt', 'Date', 'RegExp',
    'Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError', 'AggregateError',
    'Promise', 'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'ArrayBuffer', 'DataView', 'Uint8Array',
    'TextEncoder', 'TextDecoder', 'AbortController', 'AbortSignal',
  ];
  const roots: Root[] = [];
  for (const c of ctors) {
    const f = g[c];
    if (typeof f !== 'function') continue;
    const core = CORE_CTORS.has(c);
    roots.push({ obj: f, realm: c === 'Date' ? new Set(['now']) : c === 'AbortSignal' ? new Set(['timeout']) : undefined, core });
    if (f.prototype && (typeof f.prototype === 'object' || typeof f.prototype === 'function')) roots.push({ obj: f.prototype, core });
  }
  // typed arrays share a prototype
  roots.push({ obj: getProto(Uint8Array) as object }, { obj: getProto(Uint8Array.prototype) as object });
  roots.push({ obj: Math, realm: new Set(['random']), core: true }, { obj: JSON, core: true }, { obj: Reflect, core: true });
  if (typeof g.performance === 'object' && g.performance) roots.push({ obj: g.performance, realm: new Set(['now']) });
  // iterator and generator prototypes (for…of, spread and async functions use them)
  const arrayIterProto = getProto([][Symbol.iterator]()) as object;
  roots.push({ obj: arrayIterProto, core: true }, { obj: getProto(arrayIterProto) as object, core: true });
  roots.push({ obj: getProto(new Map()[Symbol.iterator]()) as object });
  roots.push({ obj: getProto(new Set()[Symbol.iterator]()) as object });
  roots.push({ obj: getProto(''[Symbol.iterator]()) as object });
  const gen = function* () {};
  roots.push({ obj: getProto(gen) as object }, { obj: getProto(gen.prototype) as object });
  const agen = async function* () {};
  roots.push({ obj: getProto(agen) as object }, { obj: getProto(agen.prototype) as object });
  roots.push({ obj: getProto(async function () {}) as object });
  roots.push({ obj: globalThis, realm: REALM_GLOBALS });
  if (typeof g.console === 'object' && g.console) roots.push({ obj: g.console });
  return roots;
}

function snapObject(obj: object, realm: Set<PropertyKey> | undefined, core: boolean, only?: PropertyKey[]): ObjSnap {
  const keys = only ? only.filter((k) => getDesc(obj, k) !== undefined) : ownKeys(obj);
  const entries: Entry[] = [];
  for (let i = 0; i < keys.length; i++) {
    const desc = getDesc(obj, keys[i]);
    if (desc) entries[entries.length] = { key: keys[i], desc, data: 'value' in desc, value: desc.value };
  }
  return { obj, proto: getProto(obj), entries, keys: new Set(keys), realmOwned: realm ?? new Set(), core, scanAdded: !only };
}

function sameDesc(a: PropertyDescriptor, b: PropertyDescriptor): boolean {
  return (
    (a.value === b.value || (a.value !== a.value && b.value !== b.value)) && a.get === b.get && a.set === b.set &&
    a.enumerable === b.enumerable
  ); // writable/configurable changes alone (Object.freeze) do not change behaviour we rely on
}

export class IntrinsicsGuard {
  private snaps: ObjSnap[] = [];
  private seen = new Set<object>();

  constructor() {
    for (const r of intrinsicRoots()) this.add(r.obj, r.realm, r.core ?? false);
    // the global bindings assertions look up, checked cheaply mid-test (all of globalThis between tests)
    this.snaps[this.snaps.length] = snapObject(globalThis, REALM_GLOBALS, true, CORE_GLOBALS);
  }

  /** Also guard these objects (and what they reference, `depth` levels down: e.g. driver modules). */
  addGraph(root: unknown, depth = 3): void {
    const visit = (v: unknown, d: number) => {
      if ((typeof v !== 'object' && typeof v !== 'function') || v === null || this.seen.has(v)) return;
      this.add(v);
      if (d <= 0) return;
      const keys = ownKeys(v);
      for (let i = 0; i < keys.length; i++) {
        const desc = getDesc(v, keys[i]);
        if (desc && 'value' in desc) visit(desc.value, d - 1);
        else if (desc && desc.get) {
          // module namespaces from some bundlers expose exports as getters
          try {
            visit(apply(desc.get, v, []), d - 1);
          } catch {
            /* not readable: skip */
          }
        }
      }
      if (typeof v === 'function') {
        const p = (v as { prototype?: unknown }).prototype;
        if (p) visit(p, d - 1);
      }
    };
    visit(root, depth);
  }

  private add(obj: object, realm?: Set<PropertyKey>, core = false): void {
    if (this.seen.has(obj)) return;
    this.seen.add(obj);
    this.snaps[this.snaps.length] = snapObject(obj, realm, core);
  }

  /**
   * Put guarded properties back. `includeRealm: true` (between tests): everything. `false`
   * (mid-test, before assertions): only the core built-ins, leaving the properties the
   * simulator's realm swaps alone. Returns how many properties were repaired and
   * which could not be (e.g. the learner froze a built-in after changing it).
   */
  restore(includeRealm: boolean): { repaired: number; broken: string[] } {
    let repaired = 0;
    const broken: string[] = [];
    const snaps = this.snaps;
    for (let i = 0; i < snaps.length; i++) {
      const s = snaps[i];
      if (!includeRealm && !s.core) continue;
      if (includeRealm && !s.scanAdded) continue; // the partial globalThis snapshot: covered by the full one
      const obj = s.obj;
      const realm = s.realmOwned.size > 0;
      try {
        if (getProto(obj) !== s.proto) {
          if (setProto(obj, s.proto)) repaired++;
          else broken[broken.length] = `the prototype of ${nameOf(obj)}`;
        }
        const entries = s.entries;
        for (let j = 0; j < entries.length; j++) {
          const e = entries[j];
          const key = e.key;
          if (!includeRealm && realm && s.realmOwned.has(key)) continue;
          if (e.data) {
            // fast path: a plain read (no allocation); only repair when the value differs
            let v: unknown;
            try {
              v = get(obj, key);
            } catch {
              v = CHANGED;
            }
            if (v === e.value || (v !== v && e.value !== e.value)) continue;
          }
          const desc = e.desc;
          const cur = getDesc(obj, key);
          if (!cur || !sameDesc(cur, desc)) {
            if (defineProp(obj, key, desc)) repaired++;
            else broken[broken.length] = describeKey(obj, key);
          }
        }
        if (s.scanAdded) {
          const now = ownKeys(obj);
          if (now.length !== s.keys.size) {
            for (let j = 0; j < now.length; j++) {
              const k = now[j];
              if (!s.keys.has(k) && (includeRealm || !s.realmOwned.has(k))) {
                if (deleteProp(obj, k)) repaired++;
                else broken[broken.length] = describeKey(obj, k);
              }
            }
          }
        }
      } catch {
        broken[broken.length] = nameOf(obj);
      }
    }
    return { repaired, broken };
  }
}

const NAMES = new Map<object, string>();
function nameOf(obj: object): string {
  if (NAMES.size === 0) {
    const g = globalThis as Record<string, any>;
    NAMES.set(globalThis, 'globalThis');
    for (const k of ['Object', 'Function', 'Array', 'String', 'Number', 'Boolean', 'Symbol', 'Date', 'RegExp', 'Error', 'Promise', 'Map', 'Set', 'Math', 'JSON', 'Reflect']) {
      const v = g[k];
      if (v) {
        NAMES.set(v, k);
        if (typeof v === 'function' && v.prototype) NAMES.set(v.prototype, `${k}.prototype`);
      }
    }
  }
  return NAMES.get(obj) ?? 'a built-in object';
}
function describeKey(obj: object, key: PropertyKey): string {
  return `${nameOf(obj)}.${typeof key === 'symbol' ? key.toString() : String(key)}`;
}

/** `p.then(onOk, onErr)` with the original `then`, whatever learner code did to `Promise.prototype`. */
export function thenSafe<T>(p: Promise<T>, onOk: (v: T) => void, onErr: (e: unknown) => void): void {
  apply(promiseThen, p, [onOk, onErr]);
}
