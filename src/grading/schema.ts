/**
 * Exercise folder format and its validation.
 *
 * An exercise lives in `exercises/<id>/`:
 *   meta.json         metadata, validated by `MetaSchema` below
 *   starter.ts        what the learner starts from (must fail at least one hidden test)
 *   solution.ts       the reference solution (must pass every test)
 *   visible.test.ts   tests shown to the learner (Run), `export default defineTests(...)`
 *   hidden.test.ts    tests only run on Submit
 *   wrong/*.ts        known-wrong solutions; first line `// rejects: <exact test name>`
 *
 * `parseMeta(path, text)` and `validateExercise(id, files)` are used by the Node scripts
 * (`npm run verify`, `npm run grade`) and by the Astro build (the <Exercise> component), so a
 * malformed exercise fails both with the same message, e.g.
 * `exercises/demo/meta.json: hints.2: Expected string`.
 *
 * Pure TypeScript: no DOM, no Node built-ins.
 */
import { z } from 'zod';

const nonEmpty = z.string().trim().min(1, 'must not be empty');
const identifier = z
  .string()
  .regex(/^[A-Za-z_$][A-Za-z0-9_$]*$/, 'must be a JavaScript identifier');

/** Upper bounds: a limit an author can set, with what it is for (a typo's 1e15 fails verify and the build). */
export const LIMIT_MAX = {
  /** a week of simulated time (hinted handoff's window is 3 hours) */
  maxVirtualMs: 7 * 24 * 3_600_000,
  maxEvents: 50_000_000,
  /** 10 MB of console output per test (results keep far less: src/grading/caps.ts) */
  outputBytesPerTest: 10 * 1024 * 1024,
  /** two minutes of real time per test */
  wallMsPerTest: 120_000,
} as const;

const limit = (max: number, min = 1) => z.number().int().min(min).max(max).optional();

export const LimitsSchema = z
  .object({
    /** Virtual time budget per scenario (ms of simulated time). */
    maxVirtualMs: limit(LIMIT_MAX.maxVirtualMs),
    /** Simulator event budget per scenario. */
    maxEvents: limit(LIMIT_MAX.maxEvents),
    /** Captured console output kept per test, in bytes (UTF-8). */
    outputBytesPerTest: limit(LIMIT_MAX.outputBytesPerTest),
    /** Wall-clock limit per test in the run worker / CLI (ms): at least a second, at most two minutes. */
    wallMsPerTest: limit(LIMIT_MAX.wallMsPerTest, 1000),
  })
  .strict();

/** A list whose items must differ (task ids, export names): names the first repeated one. */
function unique<T>(key: (x: T) => string, what: string) {
  return (xs: T[], ctx: z.RefinementCtx) => {
    const seen = new Set<string>();
    xs.forEach((x, i) => {
      const k = key(x);
      if (seen.has(k)) ctx.addIssue({ code: 'custom', path: [i], message: `${what} "${k}" appears twice` });
      seen.add(k);
    });
  };
}

export const MetaSchema = z
  .object({
    title: nonEmpty,
    /** Slug of the lesson that embeds the exercise (`content/lessons/NN-<slug>.mdx`). */
    lesson: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a lesson slug like "read-fallback"'),
    difficulty: z.enum(['intro', 'core', 'challenge']),
    /** What the learner has to do, in order. */
    tasks: z
      .array(z.object({ id: identifier.or(z.string().regex(/^[a-z0-9-]+$/)), text: nonEmpty }).strict())
      .min(1, 'needs at least one task')
      .superRefine(unique((t) => t.id, 'the task id')),
    /** Hints, shown one at a time, ordered from gentle to specific. */
    hints: z.array(nonEmpty).min(1, 'needs at least one hint'),
    /** Names the learner module must export; missing ones are reported before any test runs. */
    exports: z.array(identifier).min(1, 'needs at least one export').superRefine(unique((x) => x, 'the export')),
    limits: LimitsSchema.optional(),
  })
  .strict();

export type Meta = z.infer<typeof MetaSchema>;
export type Limits = z.infer<typeof LimitsSchema>;

/** Thrown for any malformed exercise; `message` names the file and (if any) the field. */
export class ExerciseFormatError extends Error {
  constructor(
    readonly file: string,
    readonly field: string | null,
    readonly problem: string,
  ) {
    super(`${file}: ${field ? `${field}: ` : ''}${problem}`);
    this.name = 'ExerciseFormatError';
  }
}

function issuePath(path: (string | number)[]): string {
  return path.length ? path.join('.') : '';
}

/**
 * Parse and validate `meta.json`. `path` is only used in messages
 * (e.g. `exercises/demo/meta.json`). Throws `ExerciseFormatError`.
 */
export function parseMeta(path: string, text: string): Meta {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ExerciseFormatError(path, null, `not valid JSON (${(e as Error).message})`);
  }
  const parsed = MetaSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issuePath(issue.path);
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') message = `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    if (issue.code === 'invalid_type' && issue.received === 'undefined') message = 'Required';
    throw new ExerciseFormatError(path, field || null, message);
  }
  return parsed.data;
}

export const REQUIRED_FILES = ['meta.json', 'starter.ts', 'solution.ts', 'visible.test.ts', 'hidden.test.ts'] as const;

const REJECTS_RE = /^\/\/ rejects: (.+\S)\s*$/;

/** The test name a `wrong/*.ts` file names on its first line, or an error naming the file. */
export function parseRejects(path: string, text: string): string {
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  const m = REJECTS_RE.exec(first);
  if (!m) {
    throw new ExerciseFormatError(
      path,
      'line 1',
      'must be "// rejects: <exact test name>" naming the test that fails this file',
    );
  }
  return m[1];
}

export type ValidatedExercise = {
  id: string;
  meta: Meta;
  /** `wrong/<name>.ts` → the test name it must be rejected by. */
  wrong: Record<string, string>;
};

/**
 * Validate an exercise folder's files. `files` maps paths relative to the exercise folder
 * (`meta.json`, `wrong/ci-one.ts`, …) to their text. Returns every problem found (empty = valid)
 * plus the parsed parts that were valid. `prefix` is prepended to file names in messages.
 */
export function validateExercise(
  id: string,
  files: Record<string, string>,
  prefix = `exercises/${id}/`,
): { errors: string[]; exercise?: ValidatedExercise } {
  const errors: string[] = [];
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(id)) {
    errors.push(`${prefix}: folder name must be a lower-case slug like "read-fallback"`);
  }
  for (const f of REQUIRED_FILES) {
    if (typeof files[f] !== 'string') errors.push(`${prefix}${f}: missing`);
    else if (f !== 'meta.json' && files[f].trim() === '') errors.push(`${prefix}${f}: empty`);
  }
  let meta: Meta | undefined;
  if (typeof files['meta.json'] === 'string') {
    try {
      meta = parseMeta(`${prefix}meta.json`, files['meta.json']);
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  const wrong: Record<string, string> = {};
  const wrongFiles = Object.keys(files).filter((f) => f.startsWith('wrong/')).sort();
  for (const f of wrongFiles) {
    if (!f.endsWith('.ts')) {
      errors.push(`${prefix}${f}: wrong/ may only contain .ts files`);
      continue;
    }
    try {
      wrong[f] = parseRejects(`${prefix}${f}`, files[f]);
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  if (wrongFiles.length === 0) errors.push(`${prefix}wrong/: needs at least one known-wrong solution`);
  return errors.length === 0 && meta ? { errors, exercise: { id, meta, wrong } } : { errors };
}
