/**
 * The exercises' and quizzes' records in the learner's progress (docs/CONTRACTS.md, "Browser
 * storage"): what a Submit, an opened solution or a quiz answer leaves. Methods of progress.ts's store
 * (its `read` and `change`), in a module of their own so that only pages with an exercise or a quiz
 * load them: progress.ts is in every page's up-front script.
 */
import { createCoreStore, defaultStore, type ProgressStore } from './progress';
import type { ExerciseProgress, QuizProgress } from './progress-document';

export interface RecordMethods {
  getExercise(id: string): ExerciseProgress | undefined;
  /** `solutionViewedBeforePass` once true stays true; `passedCode` omitted: kept as stored. */
  setExercise(id: string, value: Omit<ExerciseProgress, 'at' | 'solutionViewedBeforePass'> & { at?: number; solutionViewedBeforePass?: boolean }): void;
  /** Records that the reference solution was opened now (`code`: the editor's code, kept if nothing is stored yet): before a pass, the exercise is marked so. */
  markSolutionViewed(id: string, code: string): void;
  getQuiz(quizId: string): QuizProgress | undefined;
  setQuiz(quizId: string, value: QuizProgress): void;
}

/** The whole store: the progress (progress.ts) and these records. */
export type FullProgressStore = ProgressStore & RecordMethods;

export function recordMethods(store: Pick<ProgressStore, 'read' | 'change'>): RecordMethods {
  return {
    getExercise: (id) =>
      store.read((d) => {
        const e = d.exercises[id];
        return e ? { ...e } : undefined;
      }),
    setExercise(id, value) {
      store.change((d, now) => {
        const before = d.exercises[id];
        const viewed = before?.solutionViewedBeforePass === true || value.solutionViewedBeforePass === true;
        const e: ExerciseProgress = { code: value.code, status: value.status, submitted: value.submitted, at: value.at ?? now(), solutionViewedBeforePass: viewed };
        const passedCode = value.passedCode ?? before?.passedCode;
        if (passedCode !== undefined) e.passedCode = passedCode;
        d.exercises[id] = e;
      });
    },
    markSolutionViewed(id, code) {
      store.change((d, now) => {
        const e = d.exercises[id];
        if (e && e.status === 'pass' && e.submitted) return false; // viewed after passing: nothing to record
        if (e?.solutionViewedBeforePass) return false;
        d.exercises[id] = e ? { ...e, solutionViewedBeforePass: true } : { code, status: 'started', submitted: false, at: now(), solutionViewedBeforePass: true };
      });
    },
    getQuiz: (quizId) =>
      store.read((d) => {
        const q = d.quiz[quizId];
        return q ? (JSON.parse(JSON.stringify(q)) as QuizProgress) : undefined;
      }),
    setQuiz(quizId, value) {
      const answers: Record<string, string[]> = {};
      for (const [k, v] of Object.entries(value.answers)) answers[k] = [...v];
      store.change((d) => {
        d.quiz[quizId] = { answers, score: value.score };
      });
    },
  };
}

/** An independent store of the progress in `storage` (tests pass a fake Storage), with the records. */
export function createProgressStore(...args: Parameters<typeof createCoreStore>): FullProgressStore {
  const core = createCoreStore(...args);
  return { ...core, ...recordMethods(core) };
}

const records = recordMethods(defaultStore);
export const getExercise = records.getExercise;
export const setExercise = records.setExercise;
export const markSolutionViewed = records.markSolutionViewed;
export const getQuiz = records.getQuiz;
export const setQuiz = records.setQuiz;
