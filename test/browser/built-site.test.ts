/**
 * The built site (dist-root/, built with base "/" by the browser suite's global setup) contains every seed section and the errata page, and the
 * seed's known-wrong claims appear only inside `.myth` elements (docs/CONTRACTS.md, <Myth>).
 */
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'parse5';
import yaml from 'js-yaml';
import { SEED_SECTIONS, lessonSlugFromFile } from '../../src/lib/schemas';

import { DIST_BASE, ROOT } from '../../support/server';
const OUT = path.join(DIST_BASE, 'dist-root');

/** Phrases from the seed incident write-up that are wrong: allowed only inside .myth. */
export const MYTH_PHRASES = [/nodetool\s+statshints/i, /500\s?MB\s+default/i, /driver\s+picks\s+(the\s+)?first\s+response/i];

type Node = { nodeName: string; value?: string; attrs?: { name: string; value: string }[]; childNodes?: Node[]; content?: Node };

/** Text of the document, split into text outside any `.myth` element and text inside one. */
export function splitMythText(html: string): { outside: string; inside: string } {
  const doc = parse(html) as unknown as Node;
  let outside = '';
  let inside = '';
  const walk = (n: Node, inMyth: boolean) => {
    const cls = n.attrs?.find((a) => a.name === 'class')?.value.split(/\s+/) ?? [];
    const mythHere = inMyth || cls.includes('myth');
    if (n.nodeName === '#text') {
      if (mythHere) inside += n.value; else outside += n.value;
    }
    // Attribute text a user can see or hear (alt, title, aria-label) counts as outside text too.
    for (const a of n.attrs ?? []) if (['alt', 'title', 'aria-label', 'content'].includes(a.name)) {
      if (mythHere) inside += ` ${a.value} `; else outside += ` ${a.value} `;
    }
    for (const c of n.childNodes ?? []) walk(c, mythHere);
    if (n.content) walk(n.content, mythHere);
  };
  walk(doc, false);
  // Shiki splits code into spans: joining text nodes keeps phrases intact; normalise whitespace.
  return { outside: outside.replace(/\s+/g, ' '), inside: inside.replace(/\s+/g, ' ') };
}

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: false })
    .map(String)
    .filter((f) => f.endsWith('.html'))
    .map((f) => path.join(dir, f));
}

const lessonsDir = path.join(ROOT, 'content/lessons');
const lessons = readdirSync(lessonsDir).filter((f) => f.endsWith('.mdx')).sort().map((f) => {
  const fm = yaml.load(/^---\n([\s\S]*?)\n---/.exec(readFileSync(path.join(lessonsDir, f), 'utf8'))![1]!) as { seedSections: string[]; title: string };
  return { file: f, slug: lessonSlugFromFile(f), ...fm };
});
const page = (slug: string) => readFileSync(path.join(OUT, 'lessons', slug, 'index.html'), 'utf8');
/** Words of the lesson body only (between the prose wrapper and the lesson footer), not the frame. */
const words = (html: string) => {
  const start = html.indexOf('<div class="prose">');
  const end = html.indexOf('<footer class="lesson-footer">');
  expect(start, 'lesson page has a .prose body').toBeGreaterThan(0);
  return splitMythText(html.slice(start, end)).outside.trim().split(' ').length;
};

describe('built site', () => {
  it('has a page for every lesson, and every seed section is covered by a lesson page with real text', () => {
    for (const section of SEED_SECTIONS) {
      const ls = lessons.filter((l) => l.seedSections.includes(section));
      expect(ls.length, `no lesson covers seed section "${section}"`).toBeGreaterThan(0);
      for (const l of ls) {
        expect(existsSync(path.join(OUT, 'lessons', l.slug, 'index.html')), `${l.file} was not built`).toBe(true);
        expect(words(page(l.slug)), `${l.file} (${section}) is nearly empty`).toBeGreaterThan(400);
      }
    }
  });

  it('the summary section has a table, the quick check has the quiz with ≥ 10 questions', () => {
    const summary = lessons.filter((l) => l.seedSections.includes('summary')).map((l) => page(l.slug)).join('\n');
    expect(summary).toMatch(/<table[\s>]/);
    const qc = lessons.filter((l) => l.seedSections.includes('quick-check')).map((l) => page(l.slug)).join('\n');
    expect(qc).toContain('data-quiz-id="quick-check"');
    expect((qc.match(/class="quiz-q"/g) ?? []).length).toBeGreaterThanOrEqual(10);
  });

  it('the errata page quotes the wrong claims inside .myth and links to the lessons that show them', () => {
    const errata = lessons.find((l) => l.seedSections.includes('errata'));
    expect(errata, 'no lesson covers "errata"').toBeDefined();
    const html = page(errata!.slug);
    expect((html.match(/class="myth"/g) ?? []).length).toBeGreaterThanOrEqual(5);
    const body = html.slice(html.indexOf('<div class="prose">'));
    const linked = new Set(Array.from(body.matchAll(/href="(?:\.\.\/|\/lessons\/)([a-z0-9-]+)\/(?:#[^"]*)?"/g), (m) => m[1]));
    expect(linked.size).toBeGreaterThanOrEqual(5);
  });

  it('the seed\'s wrong claims appear only inside .myth elements', () => {
    const leaks: string[] = [];
    let insideHits = 0;
    for (const f of htmlFiles(OUT)) {
      const { outside, inside } = splitMythText(readFileSync(f, 'utf8'));
      for (const re of MYTH_PHRASES) {
        const m = outside.match(re);
        if (m) leaks.push(`${path.relative(OUT, f)}: "${m[0]}" outside .myth (…${outside.slice(Math.max(0, m.index! - 60), m.index! + 60)}…)`);
        if (re.test(inside)) insideHits++;
      }
    }
    expect(leaks).toEqual([]);
    // The course does quote them (in the errata at least), so the check above is not vacuous.
    expect(insideHits).toBeGreaterThanOrEqual(3);
  });

  it('the .myth check itself finds a leak and ignores quoted myths', () => {
    const html = '<p>The driver picks first response.</p><div class="myth"><blockquote><p>use <code>nodetool statshints</code></p></blockquote></div>';
    const { outside, inside } = splitMythText(html);
    expect(MYTH_PHRASES.some((re) => re.test(outside))).toBe(true);
    expect(/nodetool\s+statshints/i.test(outside)).toBe(false);
    expect(/nodetool\s+statshints/i.test(inside)).toBe(true);
  });
});
