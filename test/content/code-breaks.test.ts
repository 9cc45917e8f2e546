/**
 * Where inline code may wrap (src/lib/code-breaks.mjs): only between the parts of a name, never
 * inside one; the text itself is unchanged. The rendered pages are checked by the crawls
 * (test/browser/code-wrap.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { breakOffsets, nameParts, rehypeCodeBreaks } from '../../src/lib/code-breaks.mjs';

describe('nameParts', () => {
  it('cuts setting, class and path names where a reader would', () => {
    expect(nameParts('max_hints_file_size_in_mb')).toEqual(['max_', 'hints_', 'file_', 'size_', 'in_', 'mb']);
    expect(nameParts('errors.OperationTimedOutError')).toEqual(['errors.', 'Operation', 'Timed', 'Out', 'Error']);
    expect(nameParts('HTTPServerError')).toEqual(['HTTP', 'Server', 'Error']);
    expect(nameParts('$CASSANDRA_HOME/data/hints')).toEqual(['$CASSANDRA_', 'HOME/', 'data/', 'hints']);
    expect(nameParts('HintedHandOffManager.Hints_not_stored-<peer>')).toEqual(['Hinted', 'Hand', 'Off', 'Manager.', 'Hints_', 'not_', 'stored-<peer>']);
  });

  it('leaves short names, single words and a leading separator whole', () => {
    expect(nameParts('readTimeout')).toEqual(['read', 'Timeout']);
    expect(nameParts('Unavailable')).toEqual(['Unavailable']);
    expect(nameParts('LOCAL_SERIAL')).toEqual(['LOCAL_', 'SERIAL']);
    expect(nameParts('fooBar')).toEqual(['fooBar']); // under 8 characters
    expect(nameParts('_internalName')).toEqual(['_internal', 'Name']);
  });

  it('property: the parts join to the text, none is empty, and no cut falls between two lower-case letters or two digits', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'abcXYZ019_./-:= $<>'.split('')), maxLength: 40 }), (text) => {
        const parts = nameParts(text);
        expect(parts.join('')).toBe(text);
        if (text !== '') expect(parts.every((p) => p.length > 0)).toBe(true);
        for (const i of breakOffsets(text)) {
          expect(/[a-z]/.test(text[i - 1]) && /[a-z]/.test(text[i])).toBe(false);
          expect(/[0-9]/.test(text[i - 1]) && /[0-9]/.test(text[i])).toBe(false);
        }
      }),
      { seed: 7, numRuns: 500 },
    );
  });
});

type Node = { type: string; tagName?: string; value?: string; properties?: object; children?: Node[] };
const el = (tagName: string, children: Node[]): Node => ({ type: 'element', tagName, properties: {}, children });
const text = (value: string): Node => ({ type: 'text', value });
const textOf = (n: Node): string => (n.type === 'text' ? n.value! : (n.children ?? []).map(textOf).join(''));
const wbrs = (n: Node): number => (n.tagName === 'wbr' ? 1 : 0) + (n.children ?? []).reduce((s, c) => s + wbrs(c), 0);

describe('rehypeCodeBreaks', () => {
  it('puts a <wbr> between the parts of inline code (also inside a table cell or a link), and leaves code blocks and prose alone', () => {
    const inline = el('code', [text('hinted_handoff_enabled')]);
    const inCell = el('td', [el('code', [text('max_hint_window_in_ms')])]);
    const inLink = el('a', [el('code', [el('span', [text('DroppedMessage.MUTATION')])])]);
    const block = el('pre', [el('code', [text('hinted_handoff_enabled: true')])]);
    const prose = el('p', [text('readTimeout and hinted_handoff_enabled in prose')]);
    const tree: Node = { type: 'root', children: [el('p', [inline]), el('table', [el('tr', [inCell])]), inLink, block, prose] };
    const before = textOf(tree);
    rehypeCodeBreaks()(tree);
    expect(textOf(tree)).toBe(before);
    expect(wbrs(inline)).toBe(2);
    expect(wbrs(inCell)).toBe(4);
    expect(wbrs(inLink)).toBe(2);
    expect(wbrs(block)).toBe(0);
    expect(wbrs(prose)).toBe(0);
  });
});
