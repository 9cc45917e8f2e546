/**
 * What the course's files must agree on across files, which no per-file schema can check: every
 * problem with the file and line an author fixes. The build runs it once the content collections
 * have been checked file by file and before the pages are built (`courseCheck()`, an integration in
 * astro.config.mjs), and stops on any problem; `astro dev` prints them and goes on.
 *
 * - two lesson files with the same slug (`03-x.mdx` and `11-x.mdx` are both /lessons/x/: one page
 *   would silently replace the other);
 * - a lesson's `exercises:` naming an exercise with no folder, or an `<Exercise id>` the lesson embeds
 *   but does not list there (a lesson is done when its listed exercises pass);
 * - a link in a lesson to a page of the site that does not exist (another lesson, an exercise's
 *   playground, a file in public/);
 * - a quiz question's `lesson` that names no lesson (neither a slug nor a seed section a lesson covers);
 * - an exercise's `meta.json` `lesson` that names no lesson;
 * - a key written twice in one object of a course JSON file (meta.json, a quiz): JSON keeps the last
 *   one and drops the other without a word.
 * Node only (reads the files); no Astro modules, so unit tests call it on fixture folders.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import yaml from 'js-yaml';
import { visit } from 'jsonc-parser';
import { lessonSlugFromFile } from '../../lib/schemas';

export interface CourseProblem {
  /** the file to fix, relative to the project root */
  file: string;
  /** 1-based; 0 when the problem is the file as a whole */
  line: number;
  message: string;
}

export interface CourseDirs {
  root: string;
  lessons?: string;
  quiz?: string;
  exercises?: string;
  public?: string;
}

interface LessonFile {
  file: string;
  slug: string;
  lines: string[];
  /** the frontmatter's lines are 1..frontmatterEnd (the closing `---`) */
  frontmatterEnd: number;
  data: Record<string, unknown>;
}

/** "file:line: message" lines, one per problem (what the build prints). */
export function formatProblems(problems: CourseProblem[]): string {
  return problems.map((p) => `${p.file}${p.line > 0 ? `:${p.line}` : ''}: ${p.message}`).join('\n');
}

export function checkCourse(dirs: CourseDirs): CourseProblem[] {
  const at = (d: string | undefined, fallback: string) => path.resolve(dirs.root, d ?? fallback);
  const lessonsDir = at(dirs.lessons, 'content/lessons');
  const quizDir = at(dirs.quiz, 'content/quiz');
  const exercisesDir = at(dirs.exercises, 'exercises');
  const publicDir = at(dirs.public, 'public');
  const rel = (f: string) => {
    const r = path.relative(dirs.root, f);
    return r.startsWith('..') ? f : r.split(path.sep).join('/'); // a fixture outside the project: its full path
  };

  const exerciseIds = new Set(listDir(exercisesDir).filter((id) => existsSync(path.join(exercisesDir, id, 'meta.json'))));
  const lessons = listDir(lessonsDir)
    .filter((f) => f.endsWith('.mdx'))
    .sort()
    .map((f) => readLesson(path.join(lessonsDir, f), rel));
  const slugs = new Set(lessons.map((l) => l.slug));
  const seedSections = new Set(lessons.flatMap((l) => (Array.isArray(l.data.seedSections) ? l.data.seedSections.map(String) : [])));
  const pathExists = (p: string) => sitePathExists(p, slugs, exerciseIds, publicDir);

  const problems: CourseProblem[] = [
    ...duplicateSlugs(lessons),
    ...lessons.flatMap((l) => lessonExercises(l, exerciseIds)),
    ...lessons.flatMap((l) => lessonLinks(l, pathExists)),
    ...listDir(quizDir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .flatMap((f) => quizLessons(path.join(quizDir, f), rel, (ref) => slugs.has(ref) || seedSections.has(ref))),
    ...[...exerciseIds].sort().flatMap((id) => exerciseLesson(path.join(exercisesDir, id, 'meta.json'), rel, slugs)),
    ...[...[...exerciseIds].sort().map((id) => path.join(exercisesDir, id, 'meta.json')), ...listDir(quizDir).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(quizDir, f))].flatMap(
      (f) => repeatedKeys(f, rel),
    ),
  ];
  return problems;
}

/** The slugs of the lessons in `dir` (content/lessons), sorted. */
export function lessonSlugs(dir: string): string[] {
  return listDir(dir).filter((f) => f.endsWith('.mdx')).map(lessonSlugFromFile).sort();
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function readLesson(file: string, rel: (f: string) => string): LessonFile {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  let frontmatterEnd = 0;
  let data: Record<string, unknown> = {};
  if (lines[0]?.trim() === '---') {
    const end = lines.findIndex((l, i) => i > 0 && l.trim() === '---');
    if (end > 0) {
      frontmatterEnd = end + 1;
      try {
        const parsed = yaml.load(lines.slice(1, end).join('\n'));
        if (parsed && typeof parsed === 'object') data = parsed as Record<string, unknown>;
      } catch {
        /* malformed YAML: the content collection's schema reports it, with its line */
      }
    }
  }
  return { file: rel(file), slug: lessonSlugFromFile(file), lines, frontmatterEnd, data };
}

/** The first line (1-based) at or after `from` whose text matches, or `fallback`. */
function lineOf(lines: string[], test: (l: string) => boolean, from = 1, to = lines.length, fallback = 0): number {
  for (let i = from - 1; i < to; i++) if (test(lines[i])) return i + 1;
  return fallback;
}

function duplicateSlugs(lessons: LessonFile[]): CourseProblem[] {
  const bySlug = new Map<string, LessonFile>();
  const out: CourseProblem[] = [];
  for (const l of lessons) {
    const first = bySlug.get(l.slug);
    if (first) {
      out.push({
        file: l.file,
        line: 0,
        message: `has the same slug "${l.slug}" as ${first.file} (both would be /lessons/${l.slug}/, and one page would replace the other): rename one file`,
      });
    } else bySlug.set(l.slug, l);
  }
  return out;
}

const EXERCISE_TAG = /<Exercise\b[^>]*?\bid\s*=\s*(?:"([^"]*)"|'([^']*)'|\{\s*["']([^"']*)["']\s*\})/g;

function lessonExercises(l: LessonFile, exerciseIds: Set<string>): CourseProblem[] {
  const out: CourseProblem[] = [];
  const listed = Array.isArray(l.data.exercises) ? l.data.exercises.map(String) : [];
  const fmLine = (id: string) => lineOf(l.lines, (s) => s.includes(id), 2, l.frontmatterEnd, lineOf(l.lines, (s) => /^exercises\s*:/.test(s), 2, l.frontmatterEnd));
  for (const id of listed) {
    if (!exerciseIds.has(id)) out.push({ file: l.file, line: fmLine(id), message: `exercises: lists "${id}", but there is no exercises/${id}/meta.json` });
  }
  l.lines.forEach((text, i) => {
    if (i < l.frontmatterEnd) return;
    for (const m of text.matchAll(EXERCISE_TAG)) {
      const id = m[1] ?? m[2] ?? m[3] ?? '';
      if (!exerciseIds.has(id)) out.push({ file: l.file, line: i + 1, message: `<Exercise id="${id}">: there is no exercises/${id}/meta.json` });
      else if (!listed.includes(id))
        out.push({ file: l.file, line: i + 1, message: `<Exercise id="${id}"> is embedded here but not listed in the frontmatter's exercises: (the lesson counts as done when its listed exercises pass)` });
    }
  });
  return out;
}

/** Markdown link targets `](x)` and `href="x"` attributes. */
const LINK = /\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)|\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|\{\s*["']([^"']*)["']\s*\})/g;

function lessonLinks(l: LessonFile, pathExists: (p: string) => boolean): CourseProblem[] {
  const out: CourseProblem[] = [];
  let fence = false;
  l.lines.forEach((text, i) => {
    if (i < l.frontmatterEnd) return;
    if (/^\s*(```|~~~)/.test(text)) fence = !fence;
    if (fence) return;
    const prose = text.replace(/`[^`]*`/g, ''); // code spans are not links
    for (const m of prose.matchAll(LINK)) {
      const target = m[1] ?? m[2] ?? m[3] ?? m[4] ?? '';
      const sitePath = sitePathOf(target, l.slug);
      if (sitePath !== null && !pathExists(sitePath)) {
        out.push({ file: l.file, line: i + 1, message: `links to ${target}, which is no page of the site (${sitePath})` });
      }
    }
  });
  return out;
}

/** The site path a link from /lessons/<slug>/ goes to, or null for a link outside the site or to this page. */
function sitePathOf(target: string, fromSlug: string): string | null {
  if (!target || target.startsWith('#') || /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) return null;
  try {
    const u = new URL(target, `https://site.invalid/lessons/${fromSlug}/`);
    return decodeURIComponent(u.pathname);
  } catch {
    return target;
  }
}

function sitePathExists(p: string, slugs: Set<string>, exerciseIds: Set<string>, publicDir: string): boolean {
  const dir = p.endsWith('/') ? p : `${p}/`;
  if (dir === '/' || dir === '/lab/widgets/') return true;
  const lesson = /^\/lessons\/([^/]+)\/$/.exec(dir);
  if (lesson) return slugs.has(lesson[1]);
  const playground = /^\/playground\/([^/]+)\/$/.exec(dir);
  if (playground) return exerciseIds.has(playground[1]);
  const file = path.join(publicDir, ...p.split('/').filter(Boolean));
  return file.startsWith(publicDir + path.sep) && existsSync(file);
}

function readJson(file: string): { lines: string[]; data: unknown } | null {
  const text = readFileSync(file, 'utf8');
  try {
    return { lines: text.split(/\r?\n/), data: JSON.parse(text) };
  } catch {
    return null; // malformed JSON: its own schema check reports it
  }
}

function quizLessons(file: string, rel: (f: string) => string, lessonExists: (ref: string) => boolean): CourseProblem[] {
  const json = readJson(file);
  const questions = (json?.data as { questions?: unknown } | null)?.questions;
  if (!json || !Array.isArray(questions)) return [];
  const out: CourseProblem[] = [];
  for (const q of questions as Array<{ id?: unknown; lesson?: unknown }>) {
    if (typeof q?.lesson !== 'string' || lessonExists(q.lesson)) continue;
    const ref = q.lesson;
    const line = lineOf(json.lines, (s) => /"lesson"\s*:/.test(s) && s.includes(JSON.stringify(ref)));
    out.push({ file: rel(file), line, message: `question ${String(q.id)}: "lesson": ${JSON.stringify(ref)} names no lesson (a lesson's slug, or a seed section a lesson lists)` });
  }
  return out;
}

/** Keys written twice in one object (a JSON file's syntax errors are its own parser's to report). */
function repeatedKeys(file: string, rel: (f: string) => string): CourseProblem[] {
  const out: CourseProblem[] = [];
  const objects: Array<Set<string>> = [];
  visit(readFileSync(file, 'utf8'), {
    onObjectBegin: () => void objects.push(new Set()),
    onObjectEnd: () => void objects.pop(),
    onObjectProperty: (name, _offset, _length, line) => {
      const keys = objects[objects.length - 1];
      if (keys?.has(name)) out.push({ file: rel(file), line: line + 1, message: `"${name}" is written twice in the same object: JSON keeps the last one and drops the other` });
      keys?.add(name);
    },
  });
  return out;
}

function exerciseLesson(file: string, rel: (f: string) => string, slugs: Set<string>): CourseProblem[] {
  const json = readJson(file);
  const lesson = (json?.data as { lesson?: unknown } | null)?.lesson;
  if (!json || typeof lesson !== 'string' || slugs.has(lesson)) return [];
  const line = lineOf(json.lines, (s) => /"lesson"\s*:/.test(s));
  return [{ file: rel(file), line, message: `"lesson": ${JSON.stringify(lesson)} names no lesson (the slugs: ${[...slugs].sort().join(', ')})` }];
}

/**
 * The build's integration: the check runs at `astro:build:start` (after the content collections'
 * own checks, which name a malformed file's field first) and throws on any problem; `astro dev`
 * logs them. `dirs`: where lessons and quizzes are, when not in content/ (test fixtures).
 */
export function courseCheck(dirs: Omit<CourseDirs, 'root'> = {}): AstroIntegration {
  let root = process.cwd();
  const problemsText = (): string | null => {
    const problems = checkCourse({ root, ...dirs });
    if (problems.length === 0) return null;
    return `The course's files do not agree (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${formatProblems(problems)}`;
  };
  return {
    name: 'qc-course-check',
    hooks: {
      'astro:config:done': ({ config }) => {
        root = fileURLToPath(config.root);
      },
      'astro:build:start': () => {
        const text = problemsText();
        if (text) throw new Error(text);
      },
      'astro:server:setup': ({ logger }) => {
        const text = problemsText();
        if (text) logger.error(text);
      },
    },
  };
}
