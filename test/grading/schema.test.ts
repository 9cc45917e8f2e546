import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineTests } from '../../src/grading/api';
import { ExerciseFormatError, parseMeta, parseRejects, validateExercise } from '../../src/grading/schema';

const ROOT = resolve(__dirname, '../..');
const demoDir = join(ROOT, 'exercises/demo');
function demoFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const f of readdirSync(demoDir)) if (f.includes('.')) files[f] = readFileSync(join(demoDir, f), 'utf8');
  for (const f of readdirSync(join(demoDir, 'wrong'))) files[`wrong/${f}`] = readFileSync(join(demoDir, 'wrong', f), 'utf8');
  return files;
}
const META = JSON.parse(readFileSync(join(demoDir, 'meta.json'), 'utf8'));
const bad = (patch: (m: any) => void) => {
  const m = structuredClone(META);
  patch(m);
  return () => parseMeta('exercises/demo/meta.json', JSON.stringify(m));
};

describe('exercise format', () => {
  it('accepts the demo exercise', () => {
    const r = validateExercise('demo', demoFiles());
    expect(r.errors).toEqual([]);
    expect(r.exercise?.meta.exports).toEqual(['blockFor', 'missProbability', 'withTimeout']);
    expect(Object.keys(r.exercise!.wrong).length).toBeGreaterThanOrEqual(2);
  });

  it('names the file and the field of a malformed meta.json', () => {
    expect(bad((m) => (m.hints[2] = 42))).toThrow('exercises/demo/meta.json: hints.2: Expected string, received number');
    expect(bad((m) => delete m.title)).toThrow('exercises/demo/meta.json: title: Required');
    expect(bad((m) => (m.difficulty = 'hard'))).toThrow(/^exercises\/demo\/meta.json: difficulty: Invalid enum value/);
    expect(bad((m) => (m.tasks[0].text = ''))).toThrow('exercises/demo/meta.json: tasks.0.text: must not be empty');
    expect(bad((m) => (m.exports = ['not an identifier']))).toThrow('exercises/demo/meta.json: exports.0: must be a JavaScript identifier');
    expect(bad((m) => (m.lesson = 'Not A Slug'))).toThrow(/^exercises\/demo\/meta.json: lesson: must be a lesson slug/);
    expect(bad((m) => (m.extra = 1))).toThrow('exercises/demo/meta.json: unknown field(s) "extra"');
    expect(() => parseMeta('exercises/x/meta.json', '{ nope')).toThrow(/^exercises\/x\/meta.json: not valid JSON/);
    expect(bad((m) => (m.hints = 'x'))).toThrow(ExerciseFormatError);
  });

  it('names a repeated task id or export, and a limit out of its range', () => {
    expect(bad((m) => (m.tasks[1].id = m.tasks[0].id))).toThrow(`exercises/demo/meta.json: tasks.1: the task id "${META.tasks[0].id}" appears twice`);
    expect(bad((m) => m.exports.push(m.exports[0]))).toThrow(`exercises/demo/meta.json: exports.${META.exports.length}: the export "${META.exports[0]}" appears twice`);
    expect(bad((m) => (m.limits = { maxEvents: 1e15 }))).toThrow('exercises/demo/meta.json: limits.maxEvents: Number must be less than or equal to 50000000');
    expect(bad((m) => (m.limits = { wallMsPerTest: 3e9 }))).toThrow('exercises/demo/meta.json: limits.wallMsPerTest: Number must be less than or equal to 120000');
    expect(bad((m) => (m.limits = { wallMsPerTest: 1 }))).toThrow('exercises/demo/meta.json: limits.wallMsPerTest: Number must be greater than or equal to 1000');
    expect(bad((m) => (m.limits = { outputBytesPerTest: 1e12 }))).toThrow(/limits\.outputBytesPerTest: Number must be less than or equal to/);
    expect(bad((m) => (m.limits = { maxVirtualMs: 1e300 }))).toThrow(/limits\.maxVirtualMs: Number must be less than or equal to/);
  });

  it('names missing files and bad wrong/ headers', () => {
    const files = demoFiles();
    delete files['hidden.test.ts'];
    files['wrong/no-header.ts'] = 'export const x = 1;\n';
    files['wrong/notes.md'] = 'hi';
    const r = validateExercise('demo', files);
    expect(r.exercise).toBeUndefined();
    expect(r.errors).toEqual([
      'exercises/demo/hidden.test.ts: missing',
      'exercises/demo/wrong/no-header.ts: line 1: must be "// rejects: <exact test name>" naming the test that fails this file',
      'exercises/demo/wrong/notes.md: wrong/ may only contain .ts files',
    ]);
  });

  it('reads the exact test name from a wrong/ file', () => {
    expect(parseRejects('w.ts', '// rejects: blockFor > QUORUM of RF=4 needs 3 replicas\ncode')).toBe('blockFor > QUORUM of RF=4 needs 3 replicas');
    expect(() => parseRejects('w.ts', '//rejects: x')).toThrow(/w.ts: line 1/);
  });

  it('rejects duplicate test names and bad seeds when tests are collected', () => {
    expect(() => defineTests((t) => { t.test('a', () => {}); t.test('a', () => {}); }).collect()).toThrow('Two tests are named "a": test names must be unique');
    expect(() => defineTests((t) => t.test('a', { seeds: [] }, () => {})).collect()).toThrow('t.test("a"): seeds must be a non-empty array of integers');
    expect(() => defineTests((t) => t.test('a', { seeds: [1.5] }, () => {})).collect()).toThrow(/seeds must be/);
  });
});
