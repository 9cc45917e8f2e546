// @ts-check
/**
 * Where inline code may wrap: only where a reader would break a name. Used by the rehype step below
 * (lessons, astro.config.mjs) and by the exercises' texts (src/components/exercise/inline.ts).
 *
 * A setting or class name wider than its table column or a phone's line used to break wherever the
 * line ended (`max_hints_file_siz|e_in_mb`, `Unavailabl|e`), which reads as another name. This step
 * puts a `<wbr>` (a line-break opportunity that adds no character: copying and searching the text
 * are unchanged) at each boundary inside a name — after `_ . / - : = ,` when a letter or digit
 * follows, between a lower-case letter or digit and a capital (`read|Timeout`), and before the last
 * capital of a run of capitals followed by a lower-case letter (`HTTP|Server`) — and the CSS
 * (src/styles/global.css) no longer lets code in a table break anywhere, so a column is at least as
 * wide as the longest part. Code blocks (`<pre>`) are left alone.
 */

/** Names shorter than this never need to break. */
const MIN_LENGTH = 8;

/**
 * The places (string offsets) where `text` may break, each between two characters of one name.
 * @param {string} text
 * @returns {number[]}
 */
export function breakOffsets(text) {
  /** @type {number[]} */
  const out = [];
  if (text.length < MIN_LENGTH) return out;
  for (let i = 1; i < text.length; i++) {
    const a = text[i - 1];
    const b = text[i];
    const next = text[i + 1] ?? '';
    const afterSeparator = /[_./\-:=,]/.test(a) && /[A-Za-z0-9]/.test(b) && i > 1;
    const camel = /[a-z0-9]/.test(a) && /[A-Z]/.test(b);
    const acronymEnd = /[A-Z]/.test(a) && /[A-Z]/.test(b) && /[a-z]/.test(next);
    if (afterSeparator || camel || acronymEnd) out.push(i);
  }
  return out;
}

/**
 * `text` cut at its break offsets (joined, the parts are `text`).
 * @param {string} text
 * @returns {string[]}
 */
export function nameParts(text) {
  const parts = [];
  let from = 0;
  for (const at of breakOffsets(text)) {
    parts.push(text.slice(from, at));
    from = at;
  }
  parts.push(text.slice(from));
  return parts;
}

/**
 * `text` as hast text nodes with a `<wbr>` element at each break offset.
 * @param {string} text
 * @returns {any[]}
 */
export function withBreaks(text) {
  return nameParts(text).flatMap((part, i) => [
    ...(i > 0 ? [{ type: 'element', tagName: 'wbr', properties: {}, children: [] }] : []),
    { type: 'text', value: part },
  ]);
}

/**
 * Every text node inside `node` (an inline `<code>`), given its break opportunities.
 * @param {any} node
 */
function breakText(node) {
  if (!Array.isArray(node.children)) return;
  node.children = node.children.flatMap((/** @type {any} */ c) => {
    if (c.type === 'text') return withBreaks(c.value);
    breakText(c);
    return [c];
  });
}

/**
 * @param {any} node
 * @param {boolean} inPre
 */
function walk(node, inPre) {
  if (node.type === 'element' && node.tagName === 'code' && !inPre) {
    breakText(node);
    return;
  }
  const pre = inPre || (node.type === 'element' && node.tagName === 'pre');
  for (const c of node.children ?? []) walk(c, pre);
}

/** The rehype plugin. */
export function rehypeCodeBreaks() {
  return (/** @type {any} */ tree) => walk(tree, false);
}
