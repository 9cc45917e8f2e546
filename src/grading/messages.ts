/**
 * The grader's wording: what a learner reads when a test fails for a reason the test itself did not
 * write (an assertion's own message is shown as it is). Pure TypeScript.
 */
import { describeThrown } from './format';

const StringCtor = String;

export function assertionMessage(e: unknown): string {
  try {
    const m = (e as { message?: unknown }).message;
    return typeof m === 'string' && m ? m : 'Assertion failed';
  } catch {
    return 'Assertion failed';
  }
}

export function simulationMessage(e: { kind?: string; message?: string }): string {
  const what =
    e.kind === 'deadlock'
      ? 'Your code is waiting for something that can never happen (the simulation deadlocked)'
      : e.kind === 'busy-wait'
        ? 'Your code spins on the clock (busy-wait) instead of awaiting a timer'
        : e.kind === 'budget'
          ? 'The scenario ran out of its time/event budget: your code keeps going without finishing'
          : e.kind === 'uncaught'
            ? 'An error escaped from a timer callback in your code'
            : 'The simulation stopped';
  return `${what}. ${e.message ?? ''}`.trim();
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

/**
 * What learner code threw, said plainly; a ReferenceError for one of Node's globals says why it is
 * missing.
 */
export function thrownMessage(e: unknown): string {
  const text = describeThrown(e);
  const m = /ReferenceError: ([\w$]+) is not defined|TypeError: (?:globalThis|self|global)\.([\w$]+) is not a (?:function|constructor)/.exec(text);
  const name = m ? (m[1] ?? m[2]) : '';
  if (name && NODE_ONLY.test(name)) {
    return `${text}. Exercise code runs in a sandbox with the browser's JavaScript and nothing of Node's: no \`${name}\`, no filesystem, no child processes, no network — only the modules 'cassandra-driver', 'pg' and 'kafkajs' can be imported.`;
  }
  return text;
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
  return message.replace(/(\d+\.\d{4,})(?=\s?(?:ms|s|µs|us|seconds?|milliseconds?)\b)/g, (n) => StringCtor(Math.round(Number(n) * 1000) / 1000));
}
