import { describe, it, expect, vi } from 'vitest';
import {
  lessonMark, STORAGE_KEY, type Progress,
} from '../../src/browser/progress';
import { importProgress } from '../../src/browser/progress-import';
import { createProgressStore } from '../../src/browser/progress-records';
import { FakeStorage } from './fake-storage';

let clock = 1000;
const now = () => ++clock;
const stored = (s: FakeStorage) => JSON.parse(s.map.get(STORAGE_KEY)!) as Progress;

describe('progress store', () => {
  it('starts empty, persists a versioned document and reads it back in a new session', () => {
    const s = new FakeStorage();
    const a = createProgressStore(s, { now });
    expect(a.loadProgress()).toEqual({ version: 2, lessons: {}, exercises: {}, quiz: {} });
    a.setLesson('incident', 'in-progress');
    a.setExercise('read-fallback', { code: 'x', status: 'fail', submitted: false });
    a.setQuiz('quick-check', { answers: { q1: ['b'] }, score: 1 });
    expect(stored(s).version).toBe(2);
    const b = createProgressStore(s, { now });
    expect(b.getLesson('incident')?.state).toBe('in-progress');
    expect(b.getExercise('read-fallback')).toMatchObject({ code: 'x', status: 'fail', submitted: false });
    expect(b.getQuiz('quick-check')).toEqual({ answers: { q1: ['b'] }, score: 1 });
    expect(b.storageStatus()).toBe('ok');
    expect(b.storageReason()).toBeNull();
  });

  it('does not downgrade a done lesson to in-progress on a revisit, unless forced; null forgets it', () => {
    const st = createProgressStore(new FakeStorage(), { now });
    st.setLesson('incident', 'done');
    st.setLesson('incident', 'in-progress');
    expect(st.getLesson('incident')?.state).toBe('done');
    st.setLesson('incident', 'in-progress', { force: true });
    expect(st.getLesson('incident')?.state).toBe('in-progress');
    st.setLesson('incident', null);
    expect(st.getLesson('incident')).toBeUndefined();
  });

  it('returns copies: mutating a result does not change the store', () => {
    const st = createProgressStore(new FakeStorage(), { now });
    st.setQuiz('qc', { answers: { q1: ['a'] }, score: 0 });
    st.getQuiz('qc')!.answers.q1!.push('z');
    st.loadProgress().lessons.x = { state: 'done', at: 1 };
    expect(st.getQuiz('qc')!.answers.q1).toEqual(['a']);
    expect(st.getLesson('x')).toBeUndefined();
  });

  it('corrupt JSON → memory session with a reason, never a throw, and the stored text is kept', () => {
    const s = new FakeStorage();
    s.map.set(STORAGE_KEY, '{"version":1, "lessons": {');
    const st = createProgressStore(s, { now });
    expect(() => st.setLesson('incident', 'done')).not.toThrow();
    expect(st.storageStatus()).toBe('memory');
    expect(st.storageReason()).toMatch(/corrupted/);
    expect(st.getLesson('incident')?.state).toBe('done'); // works for this session
    expect(s.map.get(STORAGE_KEY)).toBe('{"version":1, "lessons": {'); // not overwritten
  });

  it('a document with an unknown version or wrong shape → memory session naming the problem', () => {
    const s = new FakeStorage();
    s.map.set(STORAGE_KEY, JSON.stringify({ version: 3, lessons: {} }));
    const st = createProgressStore(s, { now });
    expect(st.storageStatus()).toBe('memory');
    expect(st.storageReason()).toMatch(/unsupported version 3/);

    const s2 = new FakeStorage();
    s2.map.set(STORAGE_KEY, JSON.stringify({ version: 1, lessons: { incident: { state: 'finished', at: 1 } } }));
    const st2 = createProgressStore(s2, { now });
    expect(st2.storageStatus()).toBe('memory');
    expect(st2.storageReason()).toMatch(/lessons\.incident is malformed/);
  });

  it('resetProgress clears a corrupt document and returns to persistent storage', () => {
    const s = new FakeStorage();
    s.map.set(STORAGE_KEY, 'garbage');
    const st = createProgressStore(s, { now });
    expect(st.storageStatus()).toBe('memory');
    st.resetProgress();
    expect(st.storageStatus()).toBe('ok');
    st.setLesson('incident', 'done');
    expect(stored(s).lessons.incident.state).toBe('done');
  });

  it('quota exceeded → memory session with a "full" warning; data of this session survives', () => {
    const s = new FakeStorage();
    const st = createProgressStore(s, { now });
    st.setLesson('incident', 'done');
    s.quotaBytes = 50;
    expect(() => st.setExercise('read-fallback', { code: 'x'.repeat(500), status: 'started', submitted: false })).not.toThrow();
    expect(st.storageStatus()).toBe('memory');
    expect(st.storageReason()).toMatch(/full/);
    expect(st.getExercise('read-fallback')?.code).toHaveLength(500);
    expect(stored(s).lessons.incident.state).toBe('done'); // the last good save is intact
    expect(stored(s).exercises['read-fallback']).toBeUndefined();
  });

  it('no localStorage, or a getter that throws (blocked cookies) → memory session', () => {
    const none = createProgressStore(undefined, { now });
    none.setLesson('a', 'done');
    expect(none.storageStatus()).toBe('memory');
    expect(none.storageReason()).toMatch(/not available/);
    expect(none.getLesson('a')?.state).toBe('done');

    const throwing = createProgressStore(() => { throw new Error('SecurityError'); }, { now });
    expect(throwing.storageStatus()).toBe('memory');

    const blocked = new FakeStorage();
    blocked.blocked = true;
    const b = createProgressStore(blocked, { now });
    expect(() => b.setLesson('a', 'done')).not.toThrow();
    expect(b.storageStatus()).toBe('memory');
    expect(b.storageReason()).toMatch(/blocked/);
  });

  it('export → import round-trips into another store', () => {
    const a = createProgressStore(new FakeStorage(), { now });
    a.setLesson('incident', 'done');
    a.setQuiz('quick-check', { answers: { q1: ['a', 'c'] }, score: 3 });
    const json = a.exportProgress();
    const s = new FakeStorage();
    const b = createProgressStore(s, { now });
    expect(importProgress(json, b)).toEqual({ ok: true, fromFile: 2, keptHere: 0, saved: true });
    expect(b.loadProgress()).toEqual(a.loadProgress());
    expect(stored(s)).toEqual(a.loadProgress());
  });

  it('import rejects bad input with a clear message and keeps the current progress', () => {
    const st = createProgressStore(new FakeStorage(), { now });
    st.setLesson('incident', 'done');
    expect(importProgress('not json', st)).toMatchObject({ ok: false, error: expect.stringMatching(/^Not valid JSON/) });
    expect(importProgress('{"version":7}', st)).toEqual({ ok: false, error: expect.stringMatching(/unsupported version 7/) });
    expect(importProgress('[1,2]', st)).toEqual({ ok: false, error: 'Not a progress file: not a JSON object' });
    expect(st.getLesson('incident')?.state).toBe('done');
  });

  it('subscribe: listeners get every change until unsubscribed; a throwing listener does not break others', () => {
    const st = createProgressStore(new FakeStorage(), { now });
    const seen: string[] = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    st.subscribe(() => { throw new Error('boom'); });
    const off = st.subscribe((p) => seen.push(Object.keys(p.lessons).join(',')));
    st.setLesson('a', 'in-progress');
    st.setLesson('b', 'done');
    off();
    st.setLesson('c', 'done');
    expect(seen).toEqual(['a', 'a,b']);
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });

  it('picks up changes made in another tab (storage event)', () => {
    const s = new FakeStorage();
    const target = new EventTarget();
    const tab1 = createProgressStore(s, { now, eventTarget: target });
    const tab2 = createProgressStore(s, { now });
    const seen: Progress[] = [];
    tab1.subscribe((p) => seen.push(p));
    tab2.setLesson('incident', 'done');
    const ev = Object.assign(new Event('storage'), { key: STORAGE_KEY });
    target.dispatchEvent(ev);
    expect(tab1.getLesson('incident')?.state).toBe('done');
    expect(seen).toHaveLength(1);
  });
});

describe('the reference solution viewed before passing', () => {
  it('is recorded when opened before a passing Submit, and stays recorded after the pass', () => {
    const s = new FakeStorage();
    const st = createProgressStore(s, { now });
    st.setExercise('read-fallback', { code: 'mine', status: 'fail', submitted: true });
    st.markSolutionViewed('read-fallback', 'mine');
    expect(st.getExercise('read-fallback')).toMatchObject({ code: 'mine', status: 'fail', solutionViewedBeforePass: true });
    st.setExercise('read-fallback', { code: 'fixed', status: 'pass', submitted: true });
    expect(st.getExercise('read-fallback')?.solutionViewedBeforePass).toBe(true);
    expect(stored(s).exercises['read-fallback'].solutionViewedBeforePass).toBe(true);
    expect(lessonMark(st.loadProgress(), 'q5', ['read-fallback'])).toBe('done-with-solution');
  });

  it('is not recorded when opened after the exercise was passed', () => {
    const st = createProgressStore(new FakeStorage(), { now });
    st.setExercise('read-fallback', { code: 'mine', status: 'pass', submitted: true });
    st.markSolutionViewed('read-fallback', 'mine');
    expect(st.getExercise('read-fallback')?.solutionViewedBeforePass).toBe(false);
    expect(lessonMark(st.loadProgress(), 'q5', ['read-fallback'])).toBe('done');
  });

  it('a version 1 document is migrated (nothing known about the solution: not viewed) and saved as version 2', () => {
    const s = new FakeStorage();
    s.map.set(STORAGE_KEY, JSON.stringify({
      version: 1,
      lessons: { incident: { state: 'done', at: 5 } },
      exercises: { 'read-fallback': { code: 'x', status: 'pass', submitted: true, at: 7 } },
      quiz: {},
    }));
    const st = createProgressStore(s, { now });
    expect(st.storageStatus()).toBe('ok');
    expect(st.getExercise('read-fallback')).toEqual({ code: 'x', status: 'pass', submitted: true, at: 7, solutionViewedBeforePass: false });
    st.setLesson('misconception', 'in-progress');
    expect(stored(s).version).toBe(2);
    expect(stored(s).lessons.incident.state).toBe('done');
    // An exported version 1 file imports too.
    const b = createProgressStore(new FakeStorage(), { now });
    expect(importProgress(JSON.stringify({ version: 1, lessons: {}, exercises: { a: { code: '', status: 'fail', submitted: true, at: 1 } }, quiz: {} }), b)).toMatchObject({ ok: true, saved: true });
    expect(b.getExercise('a')?.solutionViewedBeforePass).toBe(false);
  });

  it('a version 2 exercise without the field is malformed', () => {
    const st = createProgressStore(new FakeStorage(), { now });
    expect(importProgress(JSON.stringify({ version: 2, lessons: {}, exercises: { a: { code: '', status: 'fail', submitted: true, at: 1 } }, quiz: {} }), st))
      .toEqual({ ok: false, error: expect.stringMatching(/exercises\.a is malformed/) });
  });
});

describe('lessonMark', () => {
  const p = (x: Partial<Progress>): Progress => ({ version: 2, lessons: {}, exercises: {}, quiz: {}, ...x });
  it('not started / in progress / done by the learner', () => {
    expect(lessonMark(p({}), 'incident')).toBe('not-started');
    expect(lessonMark(p({ lessons: { incident: { state: 'in-progress', at: 1 } } }), 'incident')).toBe('in-progress');
    expect(lessonMark(p({ lessons: { incident: { state: 'done', at: 1 } } }), 'incident')).toBe('done');
  });
  it('a lesson with exercises is done when all of them passed on submit', () => {
    const ex = (status: 'pass' | 'fail', submitted = true, solutionViewedBeforePass = false) => ({ code: '', status, submitted, at: 1, solutionViewedBeforePass });
    expect(lessonMark(p({ exercises: { a: ex('pass'), b: ex('fail') } }), 'q5', ['a', 'b'])).toBe('in-progress');
    expect(lessonMark(p({ exercises: { a: ex('pass'), b: ex('pass', false) } }), 'q5', ['a', 'b'])).toBe('in-progress');
    expect(lessonMark(p({ exercises: { a: ex('pass'), b: ex('pass') } }), 'q5', ['a', 'b'])).toBe('done');
    // one of them passed after its solution was viewed: done, and shown as such
    expect(lessonMark(p({ exercises: { a: ex('pass'), b: ex('pass', true, true) } }), 'q5', ['a', 'b'])).toBe('done-with-solution');
    expect(lessonMark(p({ lessons: { q5: { state: 'done', at: 1 } }, exercises: { a: ex('pass', true, true) } }), 'q5', ['a'])).toBe('done-with-solution');
    // viewed but not yet passed: still in progress
    expect(lessonMark(p({ exercises: { a: ex('fail', true, true) } }), 'q5', ['a'])).toBe('in-progress');
  });
});
