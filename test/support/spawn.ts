/**
 * Spawning the repo's CLIs from slow-tier tests without blocking the test file: a test awaits its
 * processes, so the tests of a `describe.concurrent` run at once (most of such a test's time is a
 * process starting, or a wall-clock limit running out).
 */
import { spawn } from 'node:child_process';
import { ROOT } from '../../support/server';

export { ROOT };

export interface Spawned {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `command` in the repo root to its end (killed after `killAfterMs`): its exit code and everything it printed. */
export function spawnCollect(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, killAfterMs = 120_000): Promise<Spawned> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: killAfterMs, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** `npm run <script> -- …args` as a user runs it (scripts/<script>.ts under tsx), with `env` added. */
export function runScript(script: 'grade' | 'verify', args: string[], env: Record<string, string> = {}, killAfterMs?: number): Promise<Spawned> {
  return spawnCollect(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], { ...process.env, ...env }, killAfterMs);
}
