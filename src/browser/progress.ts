/**
 * The learner's progress in browser storage (docs/CONTRACTS.md, "Browser storage").
 *
 * One versioned JSON document under localStorage key `qc:progress`:
 *   { version: 2, lessons: {slug: {state, at}},
 *     exercises: {id: {code, status, submitted, at, solutionViewedBeforePass, passedCode?}},
 *     quiz: {quizId: {answers: {questionId: string[]}, score}} }
 * `solutionViewedBeforePass`: the learner opened the reference solution before their Submit passed;
 * the exercise then counts as "completed with the solution viewed", as course platforms record it.
 * `passedCode`: the code of the last Submit that passed, kept when the learner edits afterwards (also
 * when they typed while that Submit ran), so "Completed" always names code that passed and they can go
 * back to it. An import merges the file into what is stored (progress-import.ts) and loses nothing.
 * The document's shape and validation: progress-document.ts.
 * Older documents (version 1, from before that was recorded) are migrated when read or imported:
 * their exercises get `solutionViewedBeforePass: false` (nothing was known then).
 *
 * Failure never throws: corrupt JSON, an unknown version, a full quota or missing/blocked
 * localStorage switch the store to an in-memory session (`storageStatus() === 'memory'`, with a
 * human-readable `storageReason()`); the layout shows that reason as a visible warning.
 * The stored value is never overwritten while in memory mode, so a corrupt or newer-version
 * document is not destroyed; `resetProgress()` is the learner's explicit way out. (After a failed
 * save — a full quota — an import tries storage again: that document was read, so nothing is lost.)
 *
 * The module-level functions use a default store bound to `globalThis.localStorage`;
 * `createProgressStore(storage)` (progress-records.ts) builds an independent one (tests pass a fake
 * Storage). This module is in every page's up-front script; the exercises' and quizzes' records
 * (progress-records.ts) and the import (progress-import.ts) load only where they are used.
 */

import { empty, isObj, parseProgress, type ExerciseProgress, type LessonProgress, type LessonState, type Progress } from './progress-document';
import type { ImportResult, Merged } from './progress-import';

export * from './progress-document';
export type { ImportResult } from './progress-import';

export const STORAGE_KEY = 'qc:progress';
export type StorageStatus = 'ok' | 'memory';
export type Listener = (progress: Progress) => void;

export interface ProgressStore {
  loadProgress(): Progress;
  getLesson(slug: string): LessonProgress | undefined;
  /** `null` forgets the lesson (back to "not started"). A lesson already "done" stays done when set to "in-progress" unless `force`. */
  setLesson(slug: string, state: LessonState | null, opts?: { force?: boolean }): void;
  exportProgress(): string;
  /**
   * Merges a validated progress document (an exported file) into the progress with `merge` and saves
   * it; also retries storage that failed before. The import itself (JSON text, validation, the merge
   * rules) is progress-import.ts `importProgress`: a page loads that code only where it imports.
   */
  mergeFile(file: Progress, merge: (stored: Progress, file: Progress) => Merged): ImportResult;
  /** Clears the stored document (also a corrupt one) and retries persistent storage. */
  resetProgress(): void;
  /** Called after every change (this page or, via the `storage` event, another tab). Returns an unsubscribe function. */
  subscribe(cb: Listener): () => void;
  storageStatus(): StorageStatus;
  /** Why the store fell back to memory (for the visible warning); `null` when status is 'ok'. */
  storageReason(): string | null;
  /** Calls `read` with the live document and returns what it returns (progress-records.ts; `read` must not keep or change it). */
  read<T>(read: (p: Progress) => T): T;
  /** Changes the live document (`now`: the store's clock) and saves it, unless `change` returns false (progress-records.ts). */
  change(change: (p: Progress, now: () => number) => boolean | void): void;
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
  /** `writeFailed`: memory mode because a save failed (the stored copy was read; a later save may be tried). */
  const cell = { data: empty(), status: 'ok' as StorageStatus, reason: null as string | null, writeFailed: false };
  let store: StorageLike | null = null;
  let loaded = false;
  const listeners = new Set<Listener>();

  const toMemory = (why: string, writeFailed = false) => {
    cell.status = 'memory';
    cell.reason = why;
    cell.writeFailed = writeFailed;
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
            true,
          );
        }
      }
      notify();
    },
    /**
     * After a save failed (full, refused), lets the next persist() try storage again. A stored copy that
     * could not be read, or storage missing or blocked when loading, stays as it is: writing then would
     * overwrite a document this page never read.
     */
    retryWrites(): void {
      if (cell.status !== 'memory' || !cell.writeFailed) return;
      cell.status = 'ok';
      cell.reason = null;
      cell.writeFailed = false;
    },
    /** Forgets everything, in storage too, and tries storage again. */
    reset(): void {
      cell.data = empty();
      cell.status = 'ok';
      cell.reason = null;
      cell.writeFailed = false;
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

/**
 * A store of the progress in `storage` (tests pass a fake one). The exercises' and quizzes' records are
 * added by progress-records.ts (`createProgressStore` there makes a store with both): the pages load
 * that code only where an exercise or a quiz is.
 */
export function createCoreStore(
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
    exportProgress: () => JSON.stringify(data(), null, 2),
    mergeFile(file, merge) {
      data();
      const { merged, fromFile, keptHere } = merge(cell.data, file);
      cell.data = merged;
      saved.retryWrites();
      persist();
      return cell.status === 'ok'
        ? { ok: true, fromFile, keptHere, saved: true }
        : { ok: true, fromFile, keptHere, saved: false, reason: cell.reason ?? '' };
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
    read: (read) => read(data()),
    change(change) {
      if (change(data(), now) !== false) persist();
    },
  };
}

/** The page's own store (the functions below, and progress-records.ts's, are its methods). */
export const defaultStore = createCoreStore(() => globalThis.localStorage, {
  eventTarget: typeof window === 'undefined' ? null : window,
});

export const loadProgress = defaultStore.loadProgress;
export const getLesson = defaultStore.getLesson;
export const setLesson = defaultStore.setLesson;
export const exportProgress = defaultStore.exportProgress;
export const mergeFile = defaultStore.mergeFile;
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
