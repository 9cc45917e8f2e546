/** The little Markdown of exercise texts (tasks, hints, scenarios): `code` and **strong**, nothing else. */
import { describe, expect, it } from 'vitest';
import { inlineParts } from '../../src/components/exercise/inline';

describe('inlineParts', () => {
  it('splits `code` and **strong** out of plain text', () => {
    expect(inlineParts('Give Cassandra about 100 ms (`readTimeout: 100`), then **ask PostgreSQL**.')).toEqual([
      { text: 'Give Cassandra about 100 ms (' },
      { code: 'readTimeout: 100' },
      { text: '), then ' },
      { strong: 'ask PostgreSQL' },
      { text: '.' },
    ]);
  });

  it('keeps HTML and unpaired markers as text', () => {
    expect(inlineParts('<b>x</b> costs 5 * 3 ** 2 or `')).toEqual([{ text: '<b>x</b> costs 5 * 3 ** 2 or `' }]);
    expect(inlineParts('')).toEqual([]);
  });

  it('keeps a quote inside code', () => {
    expect(inlineParts("`execute('… WHERE id = ?', [orderId])`")).toEqual([{ code: "execute('… WHERE id = ?', [orderId])" }]);
  });
});
