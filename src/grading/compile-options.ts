/**
 * How learner TypeScript is compiled, the same in the browser's compile worker (esbuild-wasm) and in
 * the Node CLI (esbuild): docs/CONTRACTS.md "Learner code ↔ simulator". Plain data, so the grader
 * stays free of esbuild; both hosts spread it into `transform`.
 */
export const LEARNER_COMPILE_OPTIONS = {
  loader: 'ts',
  format: 'cjs',
  target: 'es2022',
  // error locations map back to the learner's TypeScript (src/grading/sourcemap.ts)
  sourcemap: 'inline',
  // `import()` becomes a call to the exercise's `require`, which only knows the simulator's
  // modules: a learner module cannot load code from anywhere.
  supported: { 'dynamic-import': false },
} as const;

/** The options for one learner file (`file` is the name error messages show). */
export function learnerCompileOptions(file: string) {
  return { ...LEARNER_COMPILE_OPTIONS, sourcefile: file };
}

/** The file name the site's editor gives learner code (compile errors and stack traces show it). */
export const SITE_LEARNER_FILE = 'solution.ts';
