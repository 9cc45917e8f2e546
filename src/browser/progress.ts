/**
 * The learner's progress in browser storage (docs/CONTRACTS.md, "Browser storage").
 *
 * One versioned JSON document under localStorage key `qc:progress`:
 *   { version: 2, lessons: {slug: {state, at}},
 *     exercises: {id: {code, status, submitted, at, solutionViewedBeforePass}},
 *     quiz: {quizId: {answers: {questionId: string[]}, score}} }
 * `solutionViewedBeforePass`: the learner opened the reference solution before their Submit passed;
 * the exercise then counts as "completed with the solution viewed", as course platforms record it.
 * Older documents (version 1, from before that was recorded) are migrated when read or imported:
 * their exercises get `solutionViewedBeforePass: false` (nothing was known then).
 *
 * Failure never throws: corrupt JSON, an unknown version, a full quota or missing/blocked
 * localStorage switch the store to an in-memory session (`storageStatus() === 'memory'`, with a
 * human-readable `storageReason()`); the layout shows that reason as a visible warning.
 * The stored value is never overwritten while in memory mode, so a corrupt or newer-version
 * document is not destroyed; `resetProgress()` is the learner's explicit way out.
 *
 * The module-level functions use a default store bound to `globalThis.localStorage`;
 * `createProgressStore(storage)` builds an independent one (tests pass a fake Storage).
 */

export const STORAGE_KEY = 'qc:progress';
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
}
export interface QuizProgress { answers: Record<string, string[]>; score: number }
export interface Progress {
  version: 2;
  lessons: Record<string, LessonProgress>;
  exercises: Record<string, ExerciseProgress>;
  quiz: Record<string, QuizProgress>;
}
export type StorageStatus = 'ok' | 'memory';
export type ImportResult = { ok: true } | { ok: false; error: string };
export type Listener = (progress: Progress) => void;

export interface ProgressStore {
  loadProgress(): Progress;
  getLesson(slug: string): LessonProgress | undefined;
  /** `null` forgets the lesson (back to "not started"). A lesson already "done" stays done when set to "in-progress" unless `force`. */
  setLesson(slug: string, state: LessonState | null, opts?: { force?: boolean }): void;
  getExercise(id: string): ExerciseProgress | undefined;
  /** `solutionViewedBeforePass` once true stays true (omitted: kept as stored). */
  setExercise(id: string, value: Omit<ExerciseProgress, 'at' | 'solutionViewedBeforePass'> & { at?: number; solutionViewedBeforePass?: boolean }): void;
  /** Records that the reference solution was opened now (`code`: the editor's code, kept if nothing is stored yet): before a pass, the exercise is marked so. */
  markSolutionViewed(id: string, code: string): void;
  getQuiz(quizId: string): QuizProgress | undefined;
  setQuiz(quizId: string, value: QuizProgress): void;
  exportProgress(): string;
  importProgress(json: string): ImportResult;
  /** Clears the stored document (also a corrupt one) and retries persistent storage. */
  resetProgress(): void;
  /** Called after every change (this page or, via the `storage` event, another tab). Returns an unsubscribe function. */
  subscribe(cb: Listener): () => void;
  storageStatus(): StorageStatus;
  /** Why the store fell back to memory (for the visible warning); `null` when status is 'ok'. */
  storageReason(): string | null;
}

const empty = (): Progress => ({ version: PROGRESS_VERSION, lessons: {}, exercises: {}, quiz: {} });
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

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
    out.lessons[slug] = { state: l.state, at: l.at };
  }
  for (const [id, e] of Object.entries(exercises)) {
    if (
      !isObj(e) || typeof e.code !== 'string' || typeof e.submitted !== 'boolean' || !isNum(e.at) ||
      !['pass', 'fail', 'error', 'started'].includes(e.status as string) ||
      (!v1 && typeof e.solutionViewedBeforePass !== 'boolean')
    )
      return { ok: false, error: `exercises.${id} is malformed` };
    // Version 1 did not record the solution being viewed: migrated as "not viewed".
    const viewed = v1 ? false : (e.solutionViewedBeforePass as boolean);
    out.exercises[id] = { code: e.code, status: e.status as ExerciseStatus, submitted: e.submitted, at: e.at, solutionViewedBeforePass: viewed };
  }
  for (const [id, q] of Object.entries(quiz)) {
    if (!isObj(q) || !isNum(q.score) || !isObj(q.answers)) return { ok: false, error: `quiz.${id} is malformed` };
    const answers: Record<string, string[]> = {};
    for (const [qid, a] of Object.entries(q.answers)) {
      if (!Array.isArray(a) || !a.every((x) => typeof x === 'string')) return { ok: false, error: `quiz.${id}.answers.${qid} is malformed` };
      answers[qid] = [...a];
    }
    out.quiz[id] = { answers, score: q.score };
  }
  return { ok: true, value: out };
}

const clone = (p: Progress): Progress => JSON.parse(JSON.stringify(p)) as Progress;

function isQuotaError(e: unknown): boolean {
  return (
    isObj(e) &&
    (e.name === 'QuotaExceededError' || e.name === 'NS_ERROR_DOM_QUOTA_REACHED' || e.code === 22 || e.code === 1014)
  );
}

type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/**
 * The saved copy of the progress: where it lives (browser storage, or memory once storage fails),
 * loading it on first use, saving after each change, and telling subscribers. Storage that is
 * missing, blocked, corrupt or full degrades to memory with a reason the page shows.
 */
function savedProgress(
  storage: StorageLike | null | undefined | (() => StorageLike | null | undefined),
  eventTarget: Pick<EventTarget, 'addEventListener'> | null | undefined,
) {
  const cell = { data: empty(), status: 'ok' as StorageStatus, reason: null as string | null };
  let store: StorageLike | null = null;
  let loaded = false;
  const listeners = new Set<Listener>();

  const toMemory = (why: string) => {
    cell.status = 'memory';
    cell.reason = why;
  };
  // The reasons the page shows, built from shared parts (this module loads on every page: bytes count).
  const keptOnly = (what: string) => `, so ${what} progress is kept only until you close this page.`;
  const unreadable = (why: string) => `Your saved progress could not be read (${why}). This session is not saved; use "Start fresh" to reset it.`;
  const unavailable = `Browser storage is not available here${keptOnly('your')}`;

  function resolveStorage(): StorageLike | null {
    try {
      const s = typeof storage === 'function' ? storage() : storage;
      return s ?? null;
    } catch {
      return null; // e.g. SecurityError when cookies/storage are blocked
    }
  }

  function readStored(): void {
    store = resolveStorage();
    if (!store) return toMemory(unavailable);
    let text: string | null;
    try {
      text = store.getItem(STORAGE_KEY);
    } catch {
      return toMemory(`Browser storage is blocked${keptOnly('your')}`);
    }
    if (text === null) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return toMemory(unreadable('it is corrupted'));
    }
    const res = parseProgress(parsed);
    if (!res.ok) return toMemory(unreadable(res.error));
    cell.data = res.value;
  }

  function notify(): void {
    for (const cb of [...listeners]) {
      try {
        cb(clone(cell.data));
      } catch (e) {
        // A broken subscriber must not break the others or the caller.
        console.warn('progress subscriber failed', e);
      }
    }
  }

  return {
    cell,
    listeners,
    /** Loads the saved copy on first use and follows other tabs' changes. */
    ensure(): void {
      if (loaded) return;
      loaded = true;
      readStored();
      eventTarget?.addEventListener('storage', (ev: Event) => {
        const key = (ev as StorageEvent).key;
        if (cell.status !== 'ok' || (key !== STORAGE_KEY && key !== null)) return;
        cell.data = empty();
        readStored();
        notify();
      });
    },
    /** Saves the current data (or falls back to memory) and tells subscribers. */
    persist(): void {
      if (cell.status === 'ok' && store) {
        try {
          store.setItem(STORAGE_KEY, JSON.stringify(cell.data));
        } catch (e) {
          toMemory(
            isQuotaError(e)
              ? `Browser storage is full${keptOnly('new')}`
              : `Browser storage refused to save${keptOnly('new')}`,
          );
        }
      }
      notify();
    },
    /** Forgets everything, in storage too, and tries storage again. */
    reset(): void {
      cell.data = empty();
      cell.status = 'ok';
      cell.reason = null;
      store = resolveStorage();
      try {
        store?.removeItem(STORAGE_KEY);
      } catch {
        /* handled next: persist() or the missing store moves us to memory */
      }
      if (!store) toMemory(unavailable);
    },
  };
}

export function createProgressStore(
  storage: StorageLike | null | undefined | (() => StorageLike | null | undefined),
  opts: { now?: () => number; eventTarget?: Pick<EventTarget, 'addEventListener'> | null } = {},
): ProgressStore {
  const now = opts.now ?? (() => Date.now());
  const saved = savedProgress(storage, opts.eventTarget);
  const { cell, persist } = saved;
  /** The data, loaded on first use. */
  const data = (): Progress => {
    saved.ensure();
    return cell.data;
  };

  return {
    loadProgress: () => clone(data()),
    getLesson(slug) {
      const l = data().lessons[slug];
      return l ? { ...l } : undefined;
    },
    setLesson(slug, state, o = {}) {
      const d = data();
      if (state === null) delete d.lessons[slug];
      else {
        if (state === 'in-progress' && d.lessons[slug]?.state === 'done' && !o.force) return;
        d.lessons[slug] = { state, at: now() };
      }
      persist();
    },
    getExercise(id) {
      const e = data().exercises[id];
      return e ? { ...e } : undefined;
    },
    setExercise(id, value) {
      const d = data();
      const viewed = d.exercises[id]?.solutionViewedBeforePass === true || value.solutionViewedBeforePass === true;
      d.exercises[id] = { code: value.code, status: value.status, submitted: value.submitted, at: value.at ?? now(), solutionViewedBeforePass: viewed };
      persist();
    },
    markSolutionViewed(id, code) {
      const d = data();
      const e = d.exercises[id];
      if (e && e.status === 'pass' && e.submitted) return; // viewed after passing: nothing to record
      if (e?.solutionViewedBeforePass) return;
      d.exercises[id] = e
        ? { ...e, solutionViewedBeforePass: true }
        : { code, status: 'started', submitted: false, at: now(), solutionViewedBeforePass: true };
      persist();
    },
    getQuiz(quizId) {
      const q = data().quiz[quizId];
      return q ? (JSON.parse(JSON.stringify(q)) as QuizProgress) : undefined;
    },
    setQuiz(quizId, value) {
      const answers: Record<string, string[]> = {};
      for (const [k, v] of Object.entries(value.answers)) answers[k] = [...v];
      data().quiz[quizId] = { answers, score: value.score };
      persist();
    },
    exportProgress: () => JSON.stringify(data(), null, 2),
    importProgress(json) {
      data();
      let parsed: unknown;
      try {
        parsed = JSON.parse(json);
      } catch (e) {
        return { ok: false, error: `Not valid JSON: ${(e as Error).message}` };
      }
      const res = parseProgress(parsed);
      if (!res.ok) return { ok: false, error: `Not a progress file: ${res.error}` };
      cell.data = res.value;
      persist();
      return { ok: true };
    },
    resetProgress() {
      saved.ensure();
      saved.reset();
      persist();
    },
    subscribe(cb) {
      saved.ensure();
      saved.listeners.add(cb);
      return () => saved.listeners.delete(cb);
    },
    storageStatus: () => (saved.ensure(), cell.status),
    storageReason: () => (saved.ensure(), cell.reason),
  };
}

const defaultStore = createProgressStore(() => globalThis.localStorage, {
  eventTarget: typeof window === 'undefined' ? null : window,
});

export const loadProgress = defaultStore.loadProgress;
export const getLesson = defaultStore.getLesson;
export const setLesson = defaultStore.setLesson;
export const getExercise = defaultStore.getExercise;
export const setExercise = defaultStore.setExercise;
export const markSolutionViewed = defaultStore.markSolutionViewed;
export const getQuiz = defaultStore.getQuiz;
export const setQuiz = defaultStore.setQuiz;
export const exportProgress = defaultStore.exportProgress;
export const importProgress = defaultStore.importProgress;
export const resetProgress = defaultStore.resetProgress;
export const subscribe = defaultStore.subscribe;
export const storageStatus = defaultStore.storageStatus;
export const storageReason = defaultStore.storageReason;

export type LessonMark = 'not-started' | 'in-progress' | 'done' | 'done-with-solution';

/** Completed: its last Submit passed. */
export const exercisePassed = (e: ExerciseProgress | undefined): boolean => !!e && e.status === 'pass' && e.submitted;

/**
 * The mark shown in the outline: "done" when the learner marked it done or (if the lesson embeds
 * exercises) when every one of them passed on Submit — "done-with-solution" instead when one of
 * those exercises was passed after its reference solution was viewed; "in-progress" once visited;
 * else "not-started".
 */
export function lessonMark(progress: Progress, slug: string, exerciseIds: readonly string[] = []): LessonMark {
  const l = progress.lessons[slug];
  const exercises = exerciseIds.map((id) => progress.exercises[id]);
  const done = l?.state === 'done' || (exerciseIds.length > 0 && exercises.every(exercisePassed));
  if (done) return exercises.some((e) => exercisePassed(e) && e!.solutionViewedBeforePass) ? 'done-with-solution' : 'done';
  if (l || exercises.some((e) => e)) return 'in-progress';
  return 'not-started';
}
