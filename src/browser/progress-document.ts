/**
 * The progress document's shape (docs/CONTRACTS.md, "Browser storage") and its validation: what
 * progress.ts stores and an import reads. Version 1 documents are migrated here.
 */
export const PROGRESS_VERSION = 2;

export type LessonState = 'in-progress' | 'done';
export interface LessonProgress { state: LessonState; at: number }
export type ExerciseStatus = 'pass' | 'fail' | 'error' | 'started';
export interface ExerciseProgress {
  code: string;
  status: ExerciseStatus;
  submitted: boolean;
  at: number;
  /** The reference solution was opened before a Submit of this exercise passed (stays true). */
  solutionViewedBeforePass: boolean;
  /** The code of the last Submit that passed (absent until one did; kept through later edits and failing Submits). */
  passedCode?: string;
}
export interface QuizProgress { answers: Record<string, string[]>; score: number }
export interface Progress {
  version: 2;
  lessons: Record<string, LessonProgress>;
  exercises: Record<string, ExerciseProgress>;
  quiz: Record<string, QuizProgress>;
}

export const empty = (): Progress => ({ version: PROGRESS_VERSION, lessons: {}, exercises: {}, quiz: {} });
export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** `table[key] = value` as an own entry, whatever the key (a file's "__proto__" is an entry like any other). */
const put = <T>(table: Record<string, T>, key: string, value: T) =>
  Object.defineProperty(table, key, { value, enumerable: true, writable: true, configurable: true });

/** Validates a parsed document. Returns the progress or an error message naming what is wrong. */
export function parseProgress(raw: unknown): { ok: true; value: Progress } | { ok: false; error: string } {
  if (!isObj(raw)) return { ok: false, error: 'not a JSON object' };
  if (raw.version !== 1 && raw.version !== PROGRESS_VERSION)
    return { ok: false, error: `unsupported version ${JSON.stringify(raw.version)} (this site reads versions 1 to ${PROGRESS_VERSION})` };
  const v1 = raw.version === 1;
  const out = empty();
  const lessons = raw.lessons ?? {};
  const exercises = raw.exercises ?? {};
  const quiz = raw.quiz ?? {};
  if (!isObj(lessons) || !isObj(exercises) || !isObj(quiz)) return { ok: false, error: 'lessons, exercises and quiz must be objects' };
  for (const [slug, l] of Object.entries(lessons)) {
    if (!isObj(l) || (l.state !== 'in-progress' && l.state !== 'done') || !isNum(l.at))
      return { ok: false, error: `lessons.${slug} is malformed` };
    put(out.lessons, slug, { state: l.state, at: l.at });
  }
  for (const [id, e] of Object.entries(exercises)) {
    if (
      !isObj(e) || typeof e.code !== 'string' || typeof e.submitted !== 'boolean' || !isNum(e.at) ||
      !['pass', 'fail', 'error', 'started'].includes(e.status as string) ||
      (!v1 && typeof e.solutionViewedBeforePass !== 'boolean')
    )
      return { ok: false, error: `exercises.${id} is malformed` };
    if (e.passedCode !== undefined && typeof e.passedCode !== 'string') return { ok: false, error: `exercises.${id}.passedCode is malformed` };
    // Version 1 did not record the solution being viewed: migrated as "not viewed".
    const viewed = v1 ? false : (e.solutionViewedBeforePass as boolean);
    const ex: ExerciseProgress = { code: e.code, status: e.status as ExerciseStatus, submitted: e.submitted, at: e.at, solutionViewedBeforePass: viewed };
    if (typeof e.passedCode === 'string') ex.passedCode = e.passedCode;
    put(out.exercises, id, ex);
  }
  for (const [id, q] of Object.entries(quiz)) {
    if (!isObj(q) || !isNum(q.score) || !isObj(q.answers)) return { ok: false, error: `quiz.${id} is malformed` };
    const answers: Record<string, string[]> = {};
    for (const [qid, a] of Object.entries(q.answers)) {
      if (!Array.isArray(a) || !a.every((x) => typeof x === 'string')) return { ok: false, error: `quiz.${id}.answers.${qid} is malformed` };
      put(answers, qid, [...a]);
    }
    put(out.quiz, id, { answers, score: q.score });
  }
  return { ok: true, value: out };
}

