/**
 * Learner code reads the same locale and time zone in every host: en-US and UTC, as `npm run grade`'s
 * process has them. The browser's run worker would otherwise use the learner's own settings: the same
 * code and seed passed in an en-US/UTC browser and failed in a de-DE/Berlin one (`toLocaleString`
 * writes "0,333" there; `getHours` reads Berlin's hour). `pinLocaleAndTimeZone()` runs before
 * `lockdown()` in every host: the locale-sensitive methods default to en-US (and dates to UTC), and a
 * Date's local-time methods are its UTC ones. (The learner's `Date`, src/sim/realm.ts, reads a date's
 * fields and an ISO date-time without an offset as UTC; see docs/CONTRACTS.md.) Pure TypeScript.
 */
const LOCALE = 'en-US';
const TIME_ZONE = 'UTC';

type AnyFn = (this: unknown, ...a: unknown[]) => unknown;

/** Replaces `o[name]` with `make(original)`, keeping the original's name and length. */
function replace(o: object, name: string, make: (orig: AnyFn) => AnyFn): void {
  const d = Reflect.getOwnPropertyDescriptor(o, name);
  if (!d || typeof d.value !== 'function') return;
  const orig = d.value as AnyFn;
  const fn = make(orig);
  Object.defineProperty(fn, 'name', { value: orig.name, configurable: true });
  Object.defineProperty(fn, 'length', { value: orig.length, configurable: true });
  Object.defineProperty(o, name, { ...d, value: fn });
}

/** `locales` when given, else the pinned locale. */
const locale = (l: unknown) => (l === undefined ? LOCALE : l);
/** Date formatting options with the pinned time zone unless they name one. */
function inZone(options: unknown): unknown {
  if (options === undefined || options === null) return { timeZone: TIME_ZONE };
  if (typeof options !== 'object') return options;
  const o = options as { timeZone?: unknown };
  return o.timeZone === undefined ? { ...o, timeZone: TIME_ZONE } : options;
}

const LOCAL_TO_UTC = ['FullYear', 'Month', 'Date', 'Day', 'Hours', 'Minutes', 'Seconds', 'Milliseconds'] as const;

export function pinLocaleAndTimeZone(): void {
  const BigIntProto = (globalThis as { BigInt?: { prototype: object } }).BigInt?.prototype;
  for (const proto of [Number.prototype, BigIntProto]) {
    if (proto) replace(proto, 'toLocaleString', (orig) => function (this: unknown, l?: unknown, o?: unknown) { return orig.call(this, locale(l), o); });
  }
  replace(String.prototype, 'localeCompare', (orig) => function (this: unknown, that?: unknown, l?: unknown, o?: unknown) { return orig.call(this, that, locale(l), o); });
  for (const name of ['toLocaleUpperCase', 'toLocaleLowerCase']) {
    replace(String.prototype, name, (orig) => function (this: unknown, l?: unknown) { return orig.call(this, locale(l)); });
  }
  const D = Date.prototype as unknown as Record<string, AnyFn>;
  for (const name of ['toLocaleString', 'toLocaleDateString', 'toLocaleTimeString']) {
    replace(D, name, (orig) => function (this: unknown, l?: unknown, o?: unknown) { return orig.call(this, locale(l), inZone(o)); });
  }
  for (const part of LOCAL_TO_UTC) {
    const utcGet = D[`getUTC${part}`];
    replace(D, `get${part}`, () => function (this: unknown) { return utcGet.call(this); });
    const utcSet = D[`setUTC${part}`];
    if (utcSet) replace(D, `set${part}`, () => function (this: unknown, ...a: unknown[]) { return utcSet.apply(this, a); });
  }
  replace(D, 'getTimezoneOffset', (orig) => function (this: unknown) { orig.call(this); return 0; });
  const utcString = D.toUTCString;
  // "Thu Jan 01 2026 00:00:00 GMT+0000 (Coordinated Universal Time)", as a UTC host writes it
  const parts = (d: unknown) => {
    const s = utcString.call(d) as string; // "Thu, 01 Jan 2026 00:00:00 GMT" (or "Invalid Date")
    const m = /^(\w{3}), (\d{2}) (\w{3}) (-?\d+) (\d{2}:\d{2}:\d{2}) GMT$/.exec(s);
    return m ? { day: m[1], date: `${m[3]} ${m[2]} ${m[4].padStart(4, '0')}`, time: `${m[5]} GMT+0000 (Coordinated Universal Time)` } : null;
  };
  replace(D, 'toString', () => function (this: unknown) { const p = parts(this); return p ? `${p.day} ${p.date} ${p.time}` : 'Invalid Date'; });
  replace(D, 'toDateString', () => function (this: unknown) { const p = parts(this); return p ? `${p.day} ${p.date}` : 'Invalid Date'; });
  replace(D, 'toTimeString', () => function (this: unknown) { const p = parts(this); return p ? p.time : 'Invalid Date'; });
}
