/**
 * Importing an exported progress file (`importProgress`, for the exercise's and the home page's import
 * boxes; only they load this module): the file merged into what is stored, losing nothing (docs/CONTRACTS.md, "Browser
 * storage"): an entry only one side has is kept; where both have one —
 *  - a lesson: "done" over "in-progress" (as a visit never downgrades "done"), else the newer;
 *  - an exercise: the newer (`at`); "solution viewed before passing" stays if either side says so, and
 *    the code that last passed is kept from the other side when the newer one has none;
 *  - a quiz (no time recorded): the higher score, the file's on a tie.
 * Ties of time go to the file: importing is the learner's explicit choice.
 */
import { parseProgress, type ExerciseProgress, type LessonProgress, type Progress, type QuizProgress } from './progress-document';
import { mergeFile, type ProgressStore } from './progress';

export interface Merged {
  merged: Progress;
  /** Entries taken from the file (new here, or replacing an older one). */
  fromFile: number;
  /** Entries both had where the one stored here was kept (newer, or "done", or a higher score). */
  keptHere: number;
}

type Choose<T> = (here: T, file: T) => { value: T; fromFile: boolean };

const lesson: Choose<LessonProgress> = (here, file) => {
  const fileWins = here.state === file.state ? file.at >= here.at : file.state === 'done';
  return { value: fileWins ? file : here, fromFile: fileWins };
};

const exercise: Choose<ExerciseProgress> = (here, file) => {
  const fileWins = file.at >= here.at;
  const [win, lose] = fileWins ? [file, here] : [here, file];
  const value: ExerciseProgress = { ...win, solutionViewedBeforePass: here.solutionViewedBeforePass || file.solutionViewedBeforePass };
  const passedCode = win.passedCode ?? lose.passedCode;
  if (passedCode !== undefined) value.passedCode = passedCode;
  return { value, fromFile: fileWins };
};

const quiz: Choose<QuizProgress> = (here, file) => {
  const fileWins = file.score >= here.score;
  return { value: fileWins ? file : here, fromFile: fileWins };
};

/** Entries by key (a Map: a key such as "__proto__" is an entry like any other). */
function mergeTable<T>(here: Record<string, T>, file: Record<string, T>, pick: Choose<T>, count: { fromFile: number; keptHere: number }): Record<string, T> {
  const out = new Map(Object.entries(here));
  for (const [k, f] of Object.entries(file)) {
    const h = out.get(k);
    const { value, fromFile } = h === undefined ? { value: f, fromFile: true } : pick(h, f);
    out.set(k, value);
    if (fromFile) count.fromFile++;
    else count.keptHere++;
  }
  return Object.fromEntries(out);
}

const copy = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** `file` (a parsed import) merged into `here` (what is stored); neither is changed (the result shares nothing with them). */
export function mergeProgress(here: Progress, file: Progress): Merged {
  const count = { fromFile: 0, keptHere: 0 };
  const [h, f] = [copy(here), copy(file)];
  const merged: Progress = {
    version: here.version,
    lessons: mergeTable(h.lessons, f.lessons, lesson, count),
    exercises: mergeTable(h.exercises, f.exercises, exercise, count),
    quiz: mergeTable(h.quiz, f.quiz, quiz, count),
  };
  return { merged, ...count };
}

/**
 * An import merged (mergeProgress above): `fromFile` entries taken from the file, `keptHere` entries kept
 * because what was stored was newer; `saved` false when browser storage could not keep it (then
 * `reason` says why: the import lasts until the page closes).
 */
export type ImportResult =
  | { ok: true; fromFile: number; keptHere: number; saved: true }
  | { ok: true; fromFile: number; keptHere: number; saved: false; reason: string }
  | { ok: false; error: string };

/** What an import did, in the learner's words (both import boxes show it). */
export function importedMessage(res: Extract<ImportResult, { ok: true }>, from = ''): string {
  const n = (k: number) => `${k} ${k === 1 ? 'entry' : 'entries'}`;
  const kept = res.keptHere ? ` ${n(res.keptHere)} stored here ${res.keptHere === 1 ? 'was' : 'were'} newer and kept.` : '';
  const what = `${from ? ` ${from}` : ''}: ${n(res.fromFile)} taken from the file.${kept}`;
  return res.saved ? `Imported${what}` : `Imported for this session only${what} ${res.reason}`;
}

/**
 * Merges an exported progress file (its JSON text) into the progress of `store` (the page's own by
 * default): nothing stored is lost, and the result is saved; storage that failed before is tried again.
 */
export function importProgress(json: string, store: Pick<ProgressStore, 'mergeFile'> = { mergeFile }): ImportResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    return { ok: false, error: `Not valid JSON: ${(e as Error).message}` };
  }
  const res = parseProgress(parsed);
  if (!res.ok) return { ok: false, error: `Not a progress file: ${res.error}` };
  return store.mergeFile(res.value, mergeProgress);
}
