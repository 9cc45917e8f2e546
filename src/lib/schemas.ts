/**
 * Schemas for the course content (docs/CONTRACTS.md: "Lessons" and "Quiz data").
 * Plain zod (no Astro virtual modules) so unit tests can import them directly; src/content.config.ts
 * wires them into the content collections, which makes a malformed file fail the build.
 */
import { z } from 'zod';

export const SEED_SECTIONS = [
  'incident', 'misconception', 'failure-mode', 'q1', 'q2', 'q3', 'q4', 'q5',
  'summary', 'quick-check', 'errata',
] as const;
export type SeedSection = (typeof SEED_SECTIONS)[number];

export const lessonSchema = z
  .object({
    title: z.string().trim().min(1, 'title must not be empty'),
    summary: z.string().trim().min(1, 'summary must not be empty'),
    order: z.number().int('order must be an integer').positive('order must be ≥ 1'),
    seedSections: z.array(z.enum(SEED_SECTIONS)).min(1, 'seedSections must name at least one seed section'),
    minutes: z.number().positive('minutes must be > 0').max(240, 'minutes must be ≤ 240'),
    exercises: z.array(z.string().regex(/^[a-z0-9-]+$/, 'exercise ids are kebab-case')).optional(),
  })
  .strict();
export type LessonFrontmatter = z.infer<typeof lessonSchema>;

const choiceSchema = z
  .object({
    id: z.string().min(1),
    text: z.string().min(1),
    correct: z.boolean(),
    explanation: z.string().min(1, 'every choice needs an explanation'),
  })
  .strict();

const questionSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    source: z.enum(['seed', 'facts']),
    prompt: z.string().trim().min(1, 'prompt must not be empty'),
    kind: z.enum(['single', 'multiple']),
    choices: z.array(choiceSchema).min(2, 'a question needs at least two choices'),
    explanation: z.string().min(1),
    lesson: z.string().min(1),
  })
  .strict()
  .superRefine((q, ctx) => {
    const correct = q.choices.filter((c) => c.correct).length;
    if (correct === 0) ctx.addIssue({ code: 'custom', message: `question ${q.id}: no correct choice` });
    if (q.kind === 'single' && correct !== 1)
      ctx.addIssue({ code: 'custom', message: `question ${q.id}: kind "single" needs exactly one correct choice, has ${correct}` });
    const ids = new Set(q.choices.map((c) => c.id));
    if (ids.size !== q.choices.length) ctx.addIssue({ code: 'custom', message: `question ${q.id}: duplicate choice ids` });
  });

export const quizSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    title: z.string().min(1),
    questions: z.array(questionSchema).min(1),
  })
  .strict()
  .superRefine((quiz, ctx) => {
    const ids = new Set(quiz.questions.map((q) => q.id));
    if (ids.size !== quiz.questions.length) ctx.addIssue({ code: 'custom', message: `quiz ${quiz.id}: duplicate question ids` });
  });
export type Quiz = z.infer<typeof quizSchema>;
export type QuizQuestion = Quiz['questions'][number];

/** "03-failure-mode.mdx" (or "content/lessons/03-failure-mode.mdx") → "failure-mode". */
export function lessonSlugFromFile(file: string): string {
  const base = file.split('/').pop() ?? file;
  return base.replace(/\.mdx?$/, '').replace(/^\d+-/, '');
}
