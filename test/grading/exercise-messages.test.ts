/**
 * Failure messages name the learner's own mistake, not only its effect: a known-wrong solution of an
 * exercise, graded on the one test it fails, and the clause of the message that says why.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { runExercise } from '../../src/grading/index';
import { loadExercise } from '../support/exercise';

const ROOT = resolve(__dirname, '../..');

async function gradeOne(id: string, wrongFile: string, test: string) {
  const dir = join(ROOT, 'exercises', id);
  const exercise = await loadExercise(id);
  const ts = readFileSync(join(dir, 'wrong', wrongFile), 'utf8');
  const learnerJs = transformSync(ts, { loader: 'ts', format: 'cjs', target: 'es2022', sourcemap: 'inline', sourcefile: wrongFile }).code;
  const r = await runExercise({ exercise, learnerJs, mode: 'submit', only: test });
  expect(r.tests.map((t) => t.name)).toEqual([test]);
  return r.tests[0];
}

describe('break-quorum', () => {
  it('a clock change that starts after the write it had to stamp: the message says so, with both times', async () => {
    const t = await gradeOne('break-quorum', 'skew-after-write-started.ts', 'client-side timestamps, writes 50 ms apart: the read returns the older status');
    expect(t.status).toBe('fail');
    expect(t.message).toContain('your clock change of support-b starts at 1051 ms, after the second write it had to stamp started at 1050 ms: a clock change moves only the timestamps taken after it.');
  });
});

describe('health-check', () => {
  it('a probe the driver refuses: the message names the refused statement, not a wrong verdict', async () => {
    const t = await gradeOne('health-check', 'probe-refused-by-driver.ts', "a healthy cluster is 'healthy'");
    expect(t.status).toBe('fail');
    expect(t.message).toContain("checkHealth()'s probe never reached Cassandra: the driver refused `SELECT id FROM orders LIMIT 1` (NotSupportedError: ");
  });
});

describe('dlq-processor', () => {
  it('a redrive that puts failed replays back into the DLQ: stopped, and the message says it never runs out', async () => {
    const t = await gradeOne('dlq-processor', 'redrive-through-process.ts', 'a redrive while Cassandra is still down leaves the DLQ intact');
    expect(t.status).toBe('fail');
    expect(t.message).toMatch(/^redriveDlq\(\) did not run out of messages: the DLQ held \d+ messages? when it started, and it fetched \d+, committed \d+ and published \d+ new ones to the DLQ/);
  });

  it('a retry policy that answers `ignore`: the write is not counted as written, and the message names the policy', async () => {
    const t = await gradeOne('dlq-processor', 'ignoring-retry-policy.ts', 'Cassandra partitioned for a while: every event ends in the read model or the DLQ');
    expect(t.status).toBe('fail');
    expect(t.message).toMatch(/^The write of order o-\d+ v\d+ failed \(ResponseError: .*\), but a retry policy answered `ignore`: the driver then reports success with an empty result/);
  });
});

describe('health-check', () => {
  it('a healthy read marked idempotent, retried on each host: the message says where the attempts went, not "no budget"', async () => {
    const t = await gradeOne('health-check', 'healthy-idempotent-retries.ts', 'healthy: a Cassandra read that gets no answer gives up within 2 s, then PostgreSQL');
    expect(t.status).toBe('fail');
    expect(t.message).toMatch(/The driver sent the read of o-\d+ 3 times: to node A at 0 ms, node B at 1000 ms \(retry\), node C at 2000 ms \(retry\)\. Its retry policy sent the request again after an attempt failed or timed out .* `readTimeout` bounds each attempt, not the whole call\./);
    expect(t.message).not.toContain('Every read needs a budget');
  });
});
