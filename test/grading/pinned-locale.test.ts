/**
 * Learner code reads en-US and UTC in every host (src/grading/pinned-locale.ts, and the learner's
 * Date in src/sim/realm.ts): here the grading process's own time zone is Kolkata's (UTC+5:30), yet a
 * date's hours, its text and its offset are UTC's, a date's fields and an ISO date-time without an
 * offset are read as UTC, and numbers and dates are written as en-US writes them.
 */
import { describe, expect as vexpect, it } from 'vitest';
import { expect } from '../../src/grading/api';
import { hardenRealm } from '../../src/grading/sandbox';
import { bundle, grade } from './helpers';

describe('the locale and time zone learner code reads', () => {
  it("are en-US and UTC whatever the machine's time zone", async () => {
    process.env.TZ = 'Asia/Kolkata';
    vexpect(new Date(0).getTimezoneOffset()).toBe(-330); // the process's own zone, before hardening
    vexpect(hardenRealm()).toBeNull();
    const ex = bundle((t) => {
      t.test('reads clocks and formats', (ctx) => {
        const got = ctx.load().read() as Record<string, unknown>;
        const want: Record<string, unknown> = {
          hours: 0,
          day: 4,
          offset: 0,
          text: 'Thu Jan 01 1970 00:00:00 GMT+0000 (Coordinated Universal Time)',
          dateText: 'Thu Jan 01 1970',
          local: '1/1/1970, 12:00:00 AM',
          number: '1,234.5',
          compared: -1,
          upper: 'I',
          afterSet: 23,
          fields: Date.UTC(2026, 0, 1, 10, 30),
          isoLocal: Date.UTC(2026, 0, 1, 10),
          parsed: Date.UTC(2026, 0, 1, 10, 0, 0, 500),
          isoWithOffset: Date.UTC(2026, 0, 1, 4, 30),
          dateOnly: Date.UTC(2026, 0, 1),
          spaced: Date.UTC(2026, 0, 1, 10, 0, 0, 250), // as SQL and logs write a time
          lowercaseT: Date.UTC(2026, 0, 1, 10),
          called: 'Thu Jan 01 2026 00:00:00 GMT+0000 (Coordinated Universal Time)', // Date(): now, the worlds' epoch (DEFAULT_EPOCH_MS)
        };
        for (const k of Object.keys(want)) expect(got[k], k).to.deep.equal(want[k]);
      });
    }, () => {}, { exports: ['read'] });
    const r = await grade(
      ex,
      `export function read() {
        const d = new Date(0);
        const e = new Date(0);
        e.setHours(23);
        return { hours: d.getHours(), day: d.getDay(), offset: d.getTimezoneOffset(), text: String(d), dateText: d.toDateString(),
          local: d.toLocaleString(), number: (1234.5).toLocaleString(), compared: 'a'.localeCompare('b'), upper: 'i'.toLocaleUpperCase(),
          afterSet: e.getUTCHours(), fields: new Date(2026, 0, 1, 10, 30).getTime(), isoLocal: new Date('2026-01-01T10:00').getTime(),
          parsed: Date.parse('2026-01-01T10:00:00.500'), isoWithOffset: new Date('2026-01-01T10:00+05:30').getTime(),
          dateOnly: new Date('2026-01-01').getTime(), called: Date(), spaced: Date.parse('2026-01-01 10:00:00.250'),
          lowercaseT: new Date('2026-01-01t10:00').getTime() };
      }`,
    );
    vexpect(r.tests.map((t) => t.message ?? t.status)).toEqual(['pass']);
  });
});
