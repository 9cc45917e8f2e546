import { describe, expect, it } from 'vitest';
import { main } from '../../scripts/sim';

const json = async (argv: string[]) => {
  const r = await main([...argv, '--json']);
  expect(r.code, r.stderr).toBe(0);
  const lines = r.stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]);
};

describe('npm run sim', () => {
  it('quorum: missRate within 0.01 of exact for every R, W at N=3 and N=5 (20,000 trials, default seed)', async () => {
    for (const n of [3, 5]) {
      for (let r = 1; r <= n; r++) {
        for (let w = 1; w <= n; w++) {
          const o = await json(['quorum', '--n', String(n), '--r', String(r), '--w', String(w), '--trials', '20000']);
          expect(Math.abs(o.missRate - o.exact), `N=${n} R=${r} W=${w}`).toBeLessThanOrEqual(0.01);
        }
      }
    }
  }, 60_000);

  it('pbs prints pConsistent', async () => {
    const o = await json(['pbs', '--n', '3', '--r', '1', '--w', '1', '--t', '10', '--write-latency', 'exp:5', '--ack-latency', 'exp:5', '--read-latency', 'exp:5', '--response-latency', 'exp:5', '--trials', '5000', '--seed', '3']);
    expect(o.pConsistent).toBeGreaterThan(0.5);
    expect(o.pConsistent).toBeLessThan(1);
    const o2 = await json(['pbs', '--n', '3', '--r', '2', '--w', '2', '--t', '0', '--trials', '2000']);
    expect(o2.pConsistent).toBe(1);
  });

  it('scenario prints verdicts, stats and a trace hash', async () => {
    const o = await json(['scenario', 'zone-a-isolated-one', '--seed', '5']);
    expect(o.verdicts.staleReads.valid).toBe(false);
    expect(o.traceHash).toMatch(/^[0-9a-f]{16}$/);
    expect(o.stats.ops.total).toBeGreaterThan(0);
    const again = await json(['scenario', 'zone-a-isolated-one', '--seed', '5']);
    expect(again.traceHash).toBe(o.traceHash);
  });

  it('bad input: exit code 2 and a message', async () => {
    const r = await main(['quorum', '--n', '3', '--r', 'x', '--w', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--r must be an integer/);
    const j = await main(['scenario', 'nope', '--json']);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stdout).error).toMatch(/Unknown scenario 'nope'/);
    expect((await main(['frobnicate'])).stderr).toMatch(/unknown command 'frobnicate'/);
  });

});
