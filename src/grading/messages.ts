/**
 * The grader's wording: what a learner reads when a test fails for a reason the test itself did not
 * write (an assertion's own message is shown as it is). Pure TypeScript.
 */
import { describeThrown } from './format';
import { dataString, stackOf } from './thrown';
import { LEARNER_LINE_OFFSET, LEARNER_SOURCE_URL } from './sandbox';

const StringCtor = String;

// (a test's assertion errors and the simulator's verdicts can be subclassed by learner code that
// caught one: their properties are read as data, never through a getter — thrown.ts)
export function assertionMessage(e: object): string {
  return dataString(e, 'message') || 'Assertion failed';
}

/** The kind of a simulator verdict (`SimulationError.kind`), read as data. */
export function simulationKind(e: object): string | undefined {
  return dataString(e, 'kind');
}

export function simulationMessage(e: object): string {
  const kind = simulationKind(e);
  const what =
    kind === 'deadlock'
      ? 'Your code is waiting for something that can never happen (the simulation deadlocked)'
      : kind === 'busy-wait'
        ? 'Your code spins on the clock (busy-wait) instead of awaiting a timer'
        : kind === 'budget'
          ? 'The scenario ran out of its time/event budget: your code keeps going without finishing'
          : kind === 'uncaught'
            ? 'An error escaped from a timer callback in your code'
            : 'The simulation stopped';
  return `${what}. ${dataString(e, 'message') ?? ''}`.trim();
}

export function missingExportsMessage(missing: string[]): string {
  const many = missing.length > 1;
  return `Your module does not export ${missing.map((m) => `\`${m}\``).join(', ')}: the tests call ${many ? 'them' : 'it'}. Add \`export\` in front of ${
    many ? 'each' : 'its'
  } declaration, e.g. \`export function ${missing[0]}(…)\`.`;
}

export function settleTimeoutMessage(settleMs: number): string {
  return `The test did not finish within ${settleMs} ms: your code is waiting for something that never happens (a promise that never resolves?).`;
}

export function withOutput(message: string, output: string): string {
  return output ? `${message}\n\nOutput:\n${output}` : message;
}

/** Node's globals (and the network's) that exercise code cannot use: it runs as in the browser's sandbox. */
const NODE_ONLY = /^(process|require|Buffer|global|__dirname|__filename|setImmediate|clearImmediate|module|fetch|WebSocket|EventSource|parentPort)$/;

const sandboxWords = (name: string) =>
  `Exercise code runs in a sandbox with the browser's JavaScript and nothing of Node's: no \`${name}\`, no filesystem, no child processes, no network — only the modules 'cassandra-driver', 'pg' and 'kafkajs' can be imported.`;

/**
 * What learner code threw, said plainly; a use of one of Node's globals (or of `import()`) says why
 * it is missing. `learnerJs` (the compiled module) lets a "Cannot read properties of undefined"
 * name the global that was undefined.
 */
export function thrownMessage(e: unknown, learnerJs?: string): string {
  const text = describeThrown(e);
  if (/^TypeError: __import__ is not a function/.test(text)) {
    return "import() is not available in exercises: only the modules 'cassandra-driver', 'pg' and 'kafkajs' can be used, with `import … from` or require().";
  }
  const m = /ReferenceError: ([\w$]+) is not defined|TypeError: (?:globalThis|self|global)\.([\w$]+) is not a (?:function|constructor)/.exec(text);
  const name = m ? (m[1] ?? m[2]) : learnerJs !== undefined ? undefinedGlobal(text, e, learnerJs) : '';
  if (name && NODE_ONLY.test(name)) return `${text}. ${sandboxWords(name)}`;
  return text;
}

/** How far either side of an error's column the name before `.p` is looked for. */
const NEAR_CHARS = 2000;

const LEARNER_FRAME = new RegExp(`${LEARNER_SOURCE_URL.replace(/[.]/g, '\\.')}:(\\d+):(\\d+)`);

/**
 * For "Cannot read properties of undefined (reading 'p')" thrown by learner code: the name before
 * `.p` nearest the place the error points at in the compiled module (`process` in `process.env`),
 * or ''. In the sandbox a global that does not exist reads as undefined.
 */
function undefinedGlobal(text: string, e: unknown, learnerJs: string): string {
  const m = /^TypeError: Cannot read properties of undefined \(reading '([\w$]+)'\)/.exec(text);
  if (!m) return '';
  const stack = stackOf(e);
  const at = stack !== undefined ? LEARNER_FRAME.exec(stack) : null;
  if (!at) return '';
  const line = learnerJs.split('\n')[Number(at[1]) - LEARNER_LINE_OFFSET - 1] ?? '';
  // Only the text around the column: a line of learner code can be megabytes long (minified code, a
  // long string literal), and the scan must stay linear in what it reads.
  const from = Math.max(0, Number(at[2]) - 1 - NEAR_CHARS);
  const near = line.slice(from, Number(at[2]) - 1 + NEAR_CHARS);
  const column = Number(at[2]) - 1 - from;
  let best = '';
  let bestDistance = Infinity;
  // a name starts only where no name character precedes it: otherwise every position inside a long
  // run of name characters is a start, and the backtracking is quadratic in the run
  for (const use of near.matchAll(new RegExp(`(?<![\\w$])([A-Za-z_$][\\w$]*)\\s*\\??\\.\\s*${m[1].replace(/\$/g, '\\$')}\\b`, 'g'))) {
    const distance = Math.abs((use.index ?? 0) + use[0].length - column);
    if (distance < bestDistance) [best, bestDistance] = [use[1], distance];
  }
  return best;
}

/** A promise learner code rejected with no handler, or an error thrown from one of its real timers. */
export function uncaughtMessage(reasons: { reason: unknown; kind: 'rejection' | 'exception' }[], describe: (e: unknown) => string): string {
  const first = reasons[0];
  const what =
    first.kind === 'rejection'
      ? 'Your code left a promise rejected with nothing handling it (an `await` or `.catch()` is missing)'
      : 'An error was thrown from a callback your code scheduled, where nothing could catch it';
  const more = reasons.length > 1 ? ` (and ${reasons.length - 1} more)` : '';
  return `${what}: ${describe(first.reason)}${more}.`;
}

/**
 * Times in a message rounded for reading: `302.64599999999996 ms` → `302.646 ms` (at most three
 * decimals, trailing zeros dropped), wherever the number came from (simulator, harness, learner).
 */
export function roundTimes(message: string): string {
  // a number starts only where no digit precedes it: without `(?<!\d)` every position of a long run
  // of digits is a start, and the backtracking is quadratic in the run (a learner's error message)
  return message.replace(/(?<!\d)(\d+\.\d{4,})(?=\s?(?:ms|s|µs|us|seconds?|milliseconds?)\b)/g, (n) => StringCtor(Math.round(Number(n) * 1000) / 1000));
}
