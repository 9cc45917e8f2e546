/**
 * Learner code reads en-US and UTC in every host (src/grading/pinned-locale.ts): here the grading
 * process's own time zone is Kolkata's (UTC+5:30), yet a date's hours, its text and its offset are
 * UTC's, and numbers and dates are written as en-US writes them.
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
        expect(ctx.load().read()).to.deep.equal({
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
        });
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
          afterSet: e.getUTCHours() };
      }`,
    );
    vexpect(r.tests.map((t) => t.message ?? t.status)).toEqual(['pass']);
  });
});
