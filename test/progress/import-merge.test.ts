/**
 * Importing progress loses nothing (src/browser/progress-import.ts): the file is merged into what is
 * stored, the newer of two entries wins, and what could not be saved is said, not claimed. And the code
 * of the last passing Submit (`passedCode`) is kept through later edits, exports and imports.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  parseProgress, STORAGE_KEY,
  type ExerciseProgress, type LessonProgress, type Progress, type QuizProgress,
} from '../../src/browser/progress';
import { importProgress, importedMessage, mergeProgress } from '../../src/browser/progress-import';
import { createProgressStore } from '../../src/browser/progress-records';
import { FakeStorage } from './fake-storage';

let clock = 1000;
const now = () => ++clock;

const key = fc.constantFrom('incident', 'misconception', 'read-fallback', 'demo', 'dlq', '__proto__', 'constructor');
const at = fc.integer({ min: 1, max: 50 });
const lessonArb: fc.Arbitrary<LessonProgress> = fc.record({ state: fc.constantFrom('in-progress' as const, 'done' as const), at });
const exerciseArb: fc.Arbitrary<ExerciseProgress> = fc.record(
  {
    code: fc.string({ maxLength: 6 }),
    status: fc.constantFrom('pass' as const, 'fail' as const, 'error' as const, 'started' as const),
    submitted: fc.boolean(),
    at,
    solutionViewedBeforePass: fc.boolean(),
    passedCode: fc.string({ maxLength: 6 }),
  },
  { requiredKeys: ['code', 'status', 'submitted', 'at', 'solutionViewedBeforePass'] },
);
const quizArb: fc.Arbitrary<QuizProgress> = fc.record({ answers: fc.dictionary(fc.constantFrom('q1', 'q2'), fc.array(fc.constantFrom('a', 'b'))), score: fc.integer({ min: 0, max: 5 }) });
const table = <T>(arb: fc.Arbitrary<T>) => fc.dictionary(key, arb, { maxKeys: 5 });
/** Documents as parseProgress returns them (so "__proto__" is an own key, as JSON.parse makes it). */
const progressArb: fc.Arbitrary<Progress> = fc
  .record({ lessons: table(lessonArb), exercises: table(exerciseArb), quiz: table(quizArb) })
  .map((p) => {
    const parsed = parseProgress(JSON.parse(JSON.stringify({ version: 2, ...p })));
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.value;
  });

const keys = (o: object) => Object.keys(o).sort();
const union = (a: object, b: object) => [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
const own = <T>(o: Record<string, T>, k: string): T | undefined => (Object.hasOwn(o, k) ? o[k] : undefined);

describe('mergeProgress', () => {
  it('keeps every entry of both sides, the newer exercise, "done" over "in-progress", the better quiz; never changes its inputs', () => {
    fc.assert(
      fc.property(progressArb, progressArb, (here, file) => {
        const [hereBefore, fileBefore] = [JSON.stringify(here), JSON.stringify(file)];
        const { merged, fromFile, keptHere } = mergeProgress(here, file);
        expect(JSON.stringify(here)).toBe(hereBefore);
        expect(JSON.stringify(file)).toBe(fileBefore);
        expect(keys(merged.lessons)).toEqual(union(here.lessons, file.lessons));
        expect(keys(merged.exercises)).toEqual(union(here.exercises, file.exercises));
        expect(keys(merged.quiz)).toEqual(union(here.quiz, file.quiz));
        const both = (a: object, b: object) => Object.keys(b).filter((k) => Object.hasOwn(a, k)).length;
        expect(fromFile + keptHere, 'every entry of the file is counted once').toBe(keys(file.lessons).length + keys(file.exercises).length + keys(file.quiz).length);
        expect(keptHere).toBeLessThanOrEqual(both(here.lessons, file.lessons) + both(here.exercises, file.exercises) + both(here.quiz, file.quiz));
        for (const k of keys(merged.exercises)) {
          const [h, f, m] = [own(here.exercises, k), own(file.exercises, k), merged.exercises[k]];
          const newer = !h ? f! : !f ? h : f.at >= h.at ? f : h;
          expect(m).toMatchObject({ code: newer.code, status: newer.status, submitted: newer.submitted, at: newer.at });
          expect(m.solutionViewedBeforePass, 'a solution viewed before passing stays recorded').toBe(!!h?.solutionViewedBeforePass || !!f?.solutionViewedBeforePass);
          if (h?.passedCode !== undefined || f?.passedCode !== undefined) expect(m.passedCode, 'code that passed is never dropped').toBeDefined();
        }
        for (const k of keys(merged.lessons)) {
          const sides = [own(here.lessons, k), own(file.lessons, k)].filter((l) => l !== undefined);
          if (sides.some((l) => l.state === 'done')) expect(merged.lessons[k].state).toBe('done');
        }
        for (const k of keys(merged.quiz)) {
          const scores = [own(here.quiz, k), own(file.quiz, k)].filter((q) => q !== undefined).map((q) => q.score);
          expect(merged.quiz[k].score).toBe(Math.max(...scores));
        }
      }),
      { seed: 20261207, numRuns: 300 },
    );
  });

  it('a file merged into nothing is the file (an import into a fresh browser restores it exactly)', () => {
    fc.assert(
      fc.property(progressArb, (file) => {
        const empty: Progress = { version: 2, lessons: {}, exercises: {}, quiz: {} };
        expect(JSON.parse(JSON.stringify(mergeProgress(empty, file).merged))).toEqual(JSON.parse(JSON.stringify(file)));
      }),
      { seed: 7, numRuns: 100 },
    );
  });
});

describe('importProgress', () => {
  const exported = (p: Partial<Progress>) => JSON.stringify({ version: 2, lessons: {}, exercises: {}, quiz: {}, ...p });
  const ex = (code: string, at: number, status: ExerciseProgress['status'] = 'started'): ExerciseProgress => ({ code, status, submitted: status !== 'started', at, solutionViewedBeforePass: false });

  it('an older file does not replace newer work stored here, and adds what only it has', () => {
    const s = new FakeStorage();
    const st = createProgressStore(s, { now: () => 500 });
    st.setExercise('read-fallback', { code: 'my newer work', status: 'fail', submitted: true });
    const res = importProgress(exported({ exercises: { 'read-fallback': ex('old', 100), demo: ex('demo work', 90, 'pass') } }), st);
    expect(res).toEqual({ ok: true, fromFile: 1, keptHere: 1, saved: true });
    expect(st.getExercise('read-fallback')?.code).toBe('my newer work');
    expect(st.getExercise('demo')?.code).toBe('demo work');
    expect((JSON.parse(s.map.get(STORAGE_KEY)!) as Progress).exercises['read-fallback'].code).toBe('my newer work');
    if (res.ok) expect(importedMessage(res, 'from old.json')).toBe('Imported from old.json: 1 entry taken from the file. 1 entry stored here was newer and kept.');
  });

  it('after storage was full, an import tries it again and says whether it was saved', () => {
    const s = new FakeStorage();
    const st = createProgressStore(s, { now });
    st.setLesson('incident', 'done');
    s.quotaBytes = 10;
    st.setLesson('misconception', 'in-progress');
    expect(st.storageStatus()).toBe('memory');
    const file = exported({ exercises: { demo: ex('x', 5) } });
    const stillFull = importProgress(file, st);
    expect(stillFull).toMatchObject({ ok: true, saved: false, reason: expect.stringMatching(/full/) });
    if (stillFull.ok) expect(importedMessage(stillFull)).toMatch(/^Imported for this session only: 1 entry taken from the file\. Browser storage is full/);
    s.quotaBytes = Infinity;
    expect(importProgress(file, st)).toMatchObject({ ok: true, saved: true });
    expect(st.storageStatus()).toBe('ok');
    const kept = JSON.parse(s.map.get(STORAGE_KEY)!) as Progress;
    expect(Object.keys(kept.lessons).sort(), 'what the session held while storage was full is saved too').toEqual(['incident', 'misconception']);
    expect(kept.exercises.demo.code).toBe('x');
  });

  it('a stored document this version cannot read is never overwritten by an import, and the page is told', () => {
    const s = new FakeStorage();
    const newer = JSON.stringify({ version: 3, lessons: {}, exercises: {}, quiz: {}, more: 'from a newer site' });
    s.map.set(STORAGE_KEY, newer);
    const st = createProgressStore(s, { now });
    expect(st.storageStatus()).toBe('memory');
    const res = importProgress(exported({ lessons: { incident: { state: 'done', at: 3 } } }), st);
    expect(res).toMatchObject({ ok: true, saved: false, reason: expect.stringMatching(/could not be read .*unsupported version 3/) });
    expect(st.getLesson('incident')?.state, 'the import holds for this session').toBe('done');
    expect(s.map.get(STORAGE_KEY)).toBe(newer);
  });
});

describe('the code of the last passing Submit (passedCode)', () => {
  it('is kept through later saves of other code, and travels in an export', () => {
    const st = createProgressStore(new FakeStorage(), { now });
    st.setExercise('demo', { code: 'passing', status: 'pass', submitted: true, passedCode: 'passing' });
    st.setExercise('demo', { code: 'edited after', status: 'pass', submitted: true });
    st.setExercise('demo', { code: 'broken', status: 'error', submitted: true });
    expect(st.getExercise('demo')).toMatchObject({ code: 'broken', passedCode: 'passing' });
    const b = createProgressStore(new FakeStorage(), { now });
    importProgress(st.exportProgress(), b);
    expect(b.getExercise('demo')?.passedCode).toBe('passing');
  });

  it('an entry named "__proto__" in a file is an entry like any other', () => {
    const st = createProgressStore(new FakeStorage(), { now });
    const file = { version: 2, lessons: JSON.parse('{"__proto__": {"state": "done", "at": 2}}'), exercises: {}, quiz: {} };
    expect(importProgress(JSON.stringify(file), st)).toMatchObject({ ok: true, fromFile: 1 });
    expect(Object.keys(st.loadProgress().lessons)).toEqual(['__proto__']);
  });

  it('a file whose passedCode is not text is not a progress file', () => {
    const st = createProgressStore(new FakeStorage(), { now });
    const bad = { version: 2, lessons: {}, exercises: { demo: { code: '', status: 'pass', submitted: true, at: 1, solutionViewedBeforePass: false, passedCode: 7 } }, quiz: {} };
    expect(importProgress(JSON.stringify(bad), st)).toEqual({ ok: false, error: 'Not a progress file: exercises.demo.passedCode is malformed' });
  });
});
