/**
 * Crawl checks of how wide content fits a page. Inline code that wraps breaks only between the parts
 * of a name (src/lib/code-breaks.mjs), never inside one — `max_hints_file_siz|e_in_mb` or `Unavailabl|e`
 * reads as another name (site-root.test.ts at 1280 px, site-sub.test.ts at 360 px); and what scrolls
 * sideways instead can be scrolled by keyboard (site-sub.test.ts, at a phone's width).
 */
import type { Page } from 'playwright-core';
import { breakOffsets } from '../../src/lib/code-breaks.mjs';

/** Where each wrapped inline code element's lines break: its text and the offsets of its line starts. */
async function lineStarts(page: Page): Promise<{ text: string; starts: number[] }[]> {
  return page.evaluate(() => {
    const out: { text: string; starts: number[] }[] = [];
    for (const el of document.querySelectorAll(':not(pre) > code')) {
      if (el.getClientRects().length < 2) continue; // on one line
      const chars: [Text, number][] = [];
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode() as Text | null; n; n = walker.nextNode() as Text | null) for (let k = 0; k < n.data.length; k++) chars.push([n, k]);
      const range = document.createRange();
      const starts: number[] = [];
      let lastTop: number | null = null;
      chars.forEach(([node, k], i) => {
        range.setStart(node, k);
        range.setEnd(node, k + 1);
        const rect = range.getClientRects()[0];
        if (!rect || rect.width === 0) return; // a space the line ends with
        if (lastTop !== null && rect.top > lastTop + 2) starts.push(i);
        lastTop = rect.top;
      });
      out.push({ text: chars.map(([node, k]) => node.data[k]).join(''), starts });
    }
    return out;
  });
}

const WORD = /[A-Za-z0-9_]/;

/** Inline code on the page broken between two characters of one name part, as `page: name|rest`. */
export async function codeBrokenMidWord(page: Page, pageUrl: string): Promise<string[]> {
  const problems: string[] = [];
  for (const { text, starts } of await lineStarts(page)) {
    const allowed = new Set(breakOffsets(text));
    for (const i of starts) {
      if (WORD.test(text[i - 1]) && WORD.test(text[i]) && !allowed.has(i)) problems.push(`${pageUrl}: inline code broken inside a word: ${text.slice(0, i)}|${text.slice(i)}`);
    }
  }
  return problems;
}

/**
 * What scrolls sideways on the page (a wide table on a phone, a code block) and cannot be reached by
 * keyboard: neither focusable itself nor holding something focusable (axe's scrollable-region-focusable).
 */
export async function scrollersOutOfKeyboardReach(page: Page, pageUrl: string): Promise<string[]> {
  const found = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('main *')]
      .filter((el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1)
      .filter((el) => el.tabIndex < 0 && !el.querySelector('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])'))
      .map((el) => `<${el.tagName.toLowerCase()}> ${(el.textContent ?? '').trim().slice(0, 50)}`),
  );
  return found.map((f) => `${pageUrl}: scrolls sideways but a keyboard cannot reach it: ${f}`);
}
