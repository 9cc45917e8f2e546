/**
 * What the course's files must agree on across files (src/browser/build/course-check.ts, run by the build): each
 * defect an author can make is named with its file and line; the real course has none.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkCourse, formatProblems } from '../../src/browser/build/course-check';

const ROOT = path.resolve(import.meta.dirname, '../..');
let root = '';

const lesson = (order: number, extra = '', body = 'Text.') =>
  `---\ntitle: "L${order}"\nsummary: "s"\norder: ${order}\nseedSections: [incident]\nminutes: 3\n${extra}---\n\n${body}\n`;

/** A small course: lessons a (with exercise ex) and b, a quiz, exercise ex, public/favicon.svg. */
function course(files: Record<string, string>): string {
  root = mkdtempSync(path.join(tmpdir(), 'course-check-'));
  const all: Record<string, string> = {
    'content/lessons/01-a.mdx': lesson(1, 'exercises: [ex]\n', '<Exercise id="ex" />'),
    'content/lessons/02-b.mdx': lesson(2),
    'content/quiz/q.json': JSON.stringify({ id: 'q', title: 'Q', questions: [{ id: 'q1', lesson: 'a' }, { id: 'q2', lesson: 'incident' }] }, null, 2),
    'exercises/ex/meta.json': JSON.stringify({ title: 'Ex', lesson: 'a' }, null, 2),
    'public/favicon.svg': '<svg/>',
    ...files,
  };
  for (const [f, text] of Object.entries(all)) {
    mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    writeFileSync(path.join(root, f), text);
  }
  return root;
}

afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = '';
});

describe('checkCourse', () => {
  it('finds nothing wrong with the course as it is', () => {
    expect(formatProblems(checkCourse({ root: ROOT }))).toBe('');
  });

  it('finds nothing wrong with a consistent course (links to lessons, playgrounds, public files, anchors, other sites)', () => {
    const body = [
      '[next](../b/) [abs](/lessons/b/#top) [play](/playground/ex/) [icon](/favicon.svg) [here](#x) [web](https://example.com/lessons/nope/)',
      '<a href="../b/">b</a> `[not a link](../nope/)`',
      '```md',
      '[in a code block](../nope/)',
      '```',
    ].join('\n');
    expect(checkCourse({ root: course({ 'content/lessons/02-b.mdx': lesson(2, '', body) }) })).toEqual([]);
  });

  it('two lesson files with the same slug: the second is named, with the first', () => {
    const problems = checkCourse({ root: course({ 'content/lessons/11-b.mdx': lesson(11) }) });
    expect(formatProblems(problems)).toBe(
      'content/lessons/11-b.mdx: has the same slug "b" as content/lessons/02-b.mdx (both would be /lessons/b/, and one page would replace the other): rename one file',
    );
  });

  it("a lesson's exercises: naming no exercise, and an <Exercise> it embeds but does not list or that does not exist, each at its line", () => {
    const problems = checkCourse({
      root: course({
        'content/lessons/01-a.mdx': lesson(1, 'exercises:\n  - ex\n  - nope\n', 'Intro.\n\n<Exercise id="ex" />\n<Exercise id="other" />'),
        'content/lessons/02-b.mdx': lesson(2, '', 'Text.\n\n<Exercise id="ex">\n</Exercise>'),
      }),
    });
    expect(formatProblems(problems).split('\n')).toEqual([
      'content/lessons/01-a.mdx:9: exercises: lists "nope", but there is no exercises/nope/meta.json',
      'content/lessons/01-a.mdx:15: <Exercise id="other">: there is no exercises/other/meta.json',
      'content/lessons/02-b.mdx:11: <Exercise id="ex"> is embedded here but not listed in the frontmatter\'s exercises: (the lesson counts as done when its listed exercises pass)',
    ]);
  });

  it('a link to no page of the site: another lesson, a playground, a public file, relative or absolute, at its line', () => {
    const body = ['[x](../nope/)', '', 'See [y](/lessons/also-missing/) and <a href="/playground/gone/">z</a>.', '![img](/missing.svg)'].join('\n');
    const problems = checkCourse({ root: course({ 'content/lessons/02-b.mdx': lesson(2, '', body) }) });
    expect(formatProblems(problems).split('\n')).toEqual([
      'content/lessons/02-b.mdx:9: links to ../nope/, which is no page of the site (/lessons/nope/)',
      'content/lessons/02-b.mdx:11: links to /lessons/also-missing/, which is no page of the site (/lessons/also-missing/)',
      'content/lessons/02-b.mdx:11: links to /playground/gone/, which is no page of the site (/playground/gone/)',
      'content/lessons/02-b.mdx:12: links to /missing.svg, which is no page of the site (/missing.svg)',
    ]);
  });

  it('a key written twice in one object of meta.json or a quiz, at its line', () => {
    const meta = '{\n  "title": "Ex",\n  "lesson": "a",\n  "hints": ["one"],\n  "hints": ["two"]\n}\n';
    const quiz = '{ "id": "q", "title": "Q", "questions": [\n  { "id": "q1", "lesson": "a" },\n  { "id": "q2", "lesson": "b", "id": "q3" }\n] }\n';
    const problems = checkCourse({ root: course({ 'exercises/ex/meta.json': meta, 'content/quiz/q.json': quiz }) });
    expect(formatProblems(problems).split('\n')).toEqual([
      'exercises/ex/meta.json:5: "hints" is written twice in the same object: JSON keeps the last one and drops the other',
      'content/quiz/q.json:3: "id" is written twice in the same object: JSON keeps the last one and drops the other',
    ]);
  });

  it("a quiz question's lesson and an exercise's lesson that name no lesson, each at its line", () => {
    const quiz = JSON.stringify({ id: 'q', title: 'Q', questions: [{ id: 'q1', lesson: 'a' }, { id: 'q2', lesson: 'no-such' }] }, null, 2);
    const problems = checkCourse({ root: course({ 'content/quiz/q.json': quiz, 'exercises/ex/meta.json': JSON.stringify({ title: 'Ex', lesson: 'why-quorum-fails' }, null, 2) }) });
    expect(formatProblems(problems).split('\n')).toEqual([
      'content/quiz/q.json:11: question q2: "lesson": "no-such" names no lesson (a lesson\'s slug, or a seed section a lesson lists)',
      'exercises/ex/meta.json:3: "lesson": "why-quorum-fails" names no lesson (the slugs: a, b)',
    ]);
  });
});
