import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { lessonSchema, quizSchema, lessonSlugFromFile } from './lib/schemas';

// COURSE_LESSONS_DIR / COURSE_QUIZ_DIR exist only so tests can build fixtures (e.g. a lesson with
// malformed frontmatter) without touching the real course.
const lessonsDir = process.env.COURSE_LESSONS_DIR ?? './content/lessons';
const quizDir = process.env.COURSE_QUIZ_DIR ?? './content/quiz';

const lessons = defineCollection({
  loader: glob({
    pattern: '*.mdx',
    base: lessonsDir,
    // content/lessons/03-failure-mode.mdx → "failure-mode" (the URL slug, /lessons/failure-mode/).
    generateId: ({ entry }) => lessonSlugFromFile(entry),
  }),
  schema: lessonSchema,
});

const quizzes = defineCollection({
  loader: glob({ pattern: '*.json', base: quizDir, generateId: ({ entry }) => entry.replace(/\.json$/, '') }),
  schema: quizSchema,
});

export const collections = { lessons, quizzes };
