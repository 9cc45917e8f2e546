// The grading worker thread of scripts/grade.ts (plain JavaScript: it starts without a TypeScript
// loader). Each job names an exercise and the esbuild bundle (grader + simulator + that exercise's
// tests) the main thread built for it; bundles are imported once and reused for later jobs.
// CommonJS: a worker thread starts a few ms sooner without the ES module loader's set-up.
const { parentPort } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const { pathToFileURL } = require('node:url');

const port = parentPort;
const post = (m) => port.postMessage(m);
// Learner code may leave rejected promises or throwing timers behind: never crash the grader on them.
process.on('unhandledRejection', () => {});
process.on('uncaughtException', () => {});

/** bundle file → Promise<{ runExercise, exercise }> */
const loaded = new Map();

async function load(job) {
  const mod = await import(pathToFileURL(job.bundle).href);
  // The sandbox (src/grading/sandbox.ts): freeze this thread's built-ins before any learner code runs.
  const problem = mod.hardenRealm();
  if (problem) throw new Error(problem);
  const meta = job.meta; // validated by the main thread
  let visibleSource;
  try {
    visibleSource = readFileSync(job.visibleSourcePath, 'utf8');
  } catch {
    visibleSource = undefined;
  }
  return { runExercise: mod.runExercise, exercise: { id: job.exerciseId, meta, visible: mod.visible, hidden: mod.hidden, visibleSource } };
}

port.on('message', async (m) => {
  if (m.type !== 'job') return;
  try {
    let p = loaded.get(m.bundle);
    if (!p) loaded.set(m.bundle, (p = load(m)));
    const { runExercise, exercise } = await p;
    post({ type: 'loaded', id: m.id });
    const results = await runExercise({
      exercise,
      learnerJs: m.learnerJs,
      mode: m.mode,
      limits: m.limits,
      shard: m.shard,
      seed: m.seed,
      onPlan: (tests) => post({ type: 'plan', id: m.id, tests }),
      onTestStart: (name, index) => post({ type: 'start', id: m.id, name, index }),
      onTestResult: (result, index) => post({ type: 'result', id: m.id, result, index }),
    });
    post({ type: 'done', id: m.id, results });
  } catch (e) {
    post({ type: 'crash', id: m.id, message: `The grader failed: ${e instanceof Error ? e.message : String(e)}` });
  }
});
post({ type: 'ready' });
