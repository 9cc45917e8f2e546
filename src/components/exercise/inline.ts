/**
 * The little Markdown exercise texts may use (task texts and hints in meta.json, scenarios and hints
 * of hidden tests): `code` and **strong**. Everything else is plain text, never HTML.
 */
import { nameParts } from '../../lib/code-breaks.mjs';

export type InlinePart = { code: string } | { strong: string } | { text: string };

export function inlineParts(text: string): InlinePart[] {
  return text
    .split(/(`[^`]+`|\*\*[^*]+\*\*)/g)
    .filter((p) => p !== '')
    .map((p) =>
      p.length > 1 && p.startsWith('`') && p.endsWith('`')
        ? { code: p.slice(1, -1) }
        : p.length > 4 && p.startsWith('**') && p.endsWith('**')
          ? { strong: p.slice(2, -2) }
          : { text: p },
    );
}

/** `text` without its markers, for plain-text places (a summary line, a caption, the live region). */
export function plainInline(text: string): string {
  return inlineParts(text)
    .map((p) => ('code' in p ? p.code : 'strong' in p ? p.strong : p.text))
    .join('');
}

/**
 * Appends `text` to `el` as text nodes, <code> and <strong> (browser only). A code part wraps only
 * between the parts of a name: a <wbr> between them (src/lib/code-breaks.mjs).
 */
export function appendInline(el: HTMLElement, text: string): HTMLElement {
  for (const p of inlineParts(text)) {
    if ('text' in p) el.append(p.text);
    else if ('strong' in p) el.append(Object.assign(document.createElement('strong'), { textContent: p.strong }));
    else {
      const code = document.createElement('code');
      nameParts(p.code).forEach((part, i) => (i > 0 ? code.append(document.createElement('wbr'), part) : code.append(part)));
      el.append(code);
    }
  }
  return el;
}
