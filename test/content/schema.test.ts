/**
 * Lesson frontmatter and quiz data follow docs/CONTRACTS.md (that a malformed lesson fails the
 * build naming the file is checked by build-errors.slow.test.ts).
 */
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { lessonSchema, quizSchema, lessonSlugFromFile, SEED_SECTIONS } from '../../src/lib/schemas';

const ROOT = path.resolve(import.meta.dirname, '../..');
const LESSONS = path.join(ROOT, 'content/lessons');

function frontmatter(file: string): unknown {
  const m = /^---\n([\s\S]*?)\n---/.exec(readFileSync(file, 'utf8'));
  if (!m) throw new Error(`${file}: no frontmatter`);
  return yaml.load(m[1]!);
}

const good = { title: 'The incident', summary: 'What happened.', order: 1, seedSections: ['incident'], minutes: 8 };

describe('lesson frontmatter schema', () => {
  it('accepts the contract example and rejects each kind of mistake with a message naming the field', () => {
    expect(lessonSchema.safeParse({ ...good, exercises: ['read-fallback'] }).success).toBe(true);
    const bad = (data: unknown) => {
      const r = lessonSchema.safeParse(data);
      return r.success ? 'accepted' : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    };
    expect(bad({ ...good, order: 'one' })).toMatch(/^order: Expected number, received string/);
    expect(bad({ ...good, order: 1.5 })).toMatch(/order: order must be an integer/);
    expect(bad({ ...good, seedSections: ['q6'] })).toMatch(/^seedSections\.0: Invalid enum value/);
    expect(bad({ ...good, seedSections: [] })).toMatch(/seedSections must name at least one/);
    expect(bad({ ...good, title: '' })).toMatch(/^title: title must not be empty/);
    expect(bad({ ...good, minute: 5 })).toMatch(/Unrecognized key\(s\) in object: 'minute'/);
    const { summary: _s, ...noSummary } = good;
    expect(bad(noSummary)).toMatch(/^summary: Required/);
  });

  it('every lesson in content/lessons is valid, orders are unique and every seed section is covered', () => {
    const files = readdirSync(LESSONS).filter((f) => f.endsWith('.mdx')).sort();
    expect(files.length).toBeGreaterThan(0);
    const orders = new Map<number, string>();
    const covered = new Set<string>();
    for (const f of files) {
      const r = lessonSchema.safeParse(frontmatter(path.join(LESSONS, f)));
      expect(r.success, `${f}: ${r.success ? '' : r.error.message}`).toBe(true);
      if (!r.success) continue;
      expect(orders.get(r.data.order), `${f} reuses order ${r.data.order}`).toBeUndefined();
      orders.set(r.data.order, f);
      r.data.seedSections.forEach((s) => covered.add(s));
      expect(f, 'file names are NN-slug.mdx').toMatch(/^\d{2}-[a-z0-9-]+\.mdx$/);
    }
    expect([...SEED_SECTIONS].filter((s) => !covered.has(s))).toEqual([]);
  });

  it('slug is the file name without the NN- prefix', () => {
    expect(lessonSlugFromFile('03-failure-mode.mdx')).toBe('failure-mode');
    expect(lessonSlugFromFile('content/lessons/10-errata.mdx')).toBe('errata');
  });
});

describe('quiz schema', () => {
  const q = (over: object = {}) => ({
    id: 'q1', source: 'seed', prompt: 'P?', kind: 'single', explanation: 'E', lesson: 'misconception',
    choices: [{ id: 'a', text: 'A', correct: true, explanation: 'x' }, { id: 'b', text: 'B', correct: false, explanation: 'y' }],
    ...over,
  });
  it('rejects a question whose prompt is only white space', () => {
    const r = quizSchema.safeParse({ id: 'qc', title: 'T', questions: [q({ prompt: '   ' })] });
    expect(r.success ? '' : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual(['questions.0.prompt: prompt must not be empty']);
  });

  it('rejects a single-choice question with two right answers, no right answer, or a choice without explanation', () => {
    const parse = (question: object) => quizSchema.safeParse({ id: 'qc', title: 'T', questions: [question] });
    expect(parse(q()).success).toBe(true);
    const two = parse(q({ choices: [{ id: 'a', text: 'A', correct: true, explanation: 'x' }, { id: 'b', text: 'B', correct: true, explanation: 'y' }] }));
    expect(two.success ? '' : two.error.issues[0]!.message).toMatch(/needs exactly one correct choice, has 2/);
    const none = parse(q({ kind: 'multiple', choices: [{ id: 'a', text: 'A', correct: false, explanation: 'x' }, { id: 'b', text: 'B', correct: false, explanation: 'y' }] }));
    expect(none.success ? '' : none.error.issues[0]!.message).toMatch(/no correct choice/);
    const noExpl = parse(q({ choices: [{ id: 'a', text: 'A', correct: true, explanation: '' }, { id: 'b', text: 'B', correct: false, explanation: 'y' }] }));
    expect(noExpl.success ? '' : noExpl.error.issues[0]!.message).toMatch(/every choice needs an explanation/);
  });

  it('content/quiz/quick-check.json is valid: the seed\'s 5 questions plus at least 5 more', () => {
    const data = JSON.parse(readFileSync(path.join(ROOT, 'content/quiz/quick-check.json'), 'utf8'));
    const r = quizSchema.safeParse(data);
    expect(r.success, r.success ? '' : r.error.message).toBe(true);
    if (!r.success) return;
    expect(r.data.questions.filter((x) => x.source === 'seed')).toHaveLength(5);
    expect(r.data.questions.filter((x) => x.source === 'facts').length).toBeGreaterThanOrEqual(5);
  });
});
