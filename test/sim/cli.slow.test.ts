/** `npm run sim` as a user runs it: a spawned process (the in-process commands are in cli.test.ts). */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('npm run sim', () => {
  it('runs as a command (npm run sim -- quorum … --json)', () => {
    const out = execFileSync('npx', ['tsx', resolve(__dirname, '../../scripts/sim.ts'), 'quorum', '--n', '3', '--r', '2', '--w', '2', '--trials', '1000', '--json'], { encoding: 'utf8' });
    expect(JSON.parse(out)).toMatchObject({ command: 'quorum', missRate: 0, exact: 0 });
  }, 120_000);
});
