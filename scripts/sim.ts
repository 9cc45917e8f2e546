/**
 * npm run sim -- <command> [options]
 *   quorum   --n N --r R --w W --trials T --seed S [--json]
 *   pbs      --n N --r R --w W --t MS --write-latency DIST --ack-latency DIST --read-latency DIST
 *            --response-latency DIST --trials T --seed S [--json]      (DIST: const:MS | exp:MEAN_MS | uniform:LO:HI)
 *   scenario NAME --seed S [--json] [--trace]     (NAME: see `scenario --list`)
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { pbsWars, quorumMonteCarlo, scenarios } from '#sim';

const USAGE = `usage: npm run sim -- <command> [options]
  quorum   --n N --r R --w W [--trials 20000] [--seed 1] [--json]
  pbs      --n N --r R --w W --t MS [--write-latency exp:10] [--ack-latency exp:10] [--read-latency exp:10]
           [--response-latency exp:10] [--trials 20000] [--seed 1] [--json]
  scenario NAME [--seed 1] [--json] [--trace]      names: ${scenarios.scenarioNames.join(', ')}`;

function int(v: string | undefined, name: string, dflt?: number): number {
  if (v === undefined) {
    if (dflt !== undefined) return dflt;
    throw new Error(`missing --${name}`);
  }
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`--${name} must be an integer, got '${v}'`);
  return n;
}

function num(v: string | undefined, name: string): number {
  if (v === undefined) throw new Error(`missing --${name}`);
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got '${v}'`);
  return n;
}

export async function main(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [cmd, ...rest] = argv;
  let json = false;
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        n: { type: 'string' }, r: { type: 'string' }, w: { type: 'string' }, t: { type: 'string' },
        trials: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' }, trace: { type: 'boolean' }, list: { type: 'boolean' },
        'write-latency': { type: 'string' }, 'ack-latency': { type: 'string' }, 'read-latency': { type: 'string' }, 'response-latency': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    json = !!values.json;
    if (!cmd || cmd === '--help' || cmd === '-h' || values.help) return { code: cmd ? 0 : 2, stdout: USAGE + '\n', stderr: '' };
    const seed = int(values.seed, 'seed', 1);
    if (cmd === 'quorum') {
      const q = quorumMonteCarlo({ n: int(values.n, 'n'), r: int(values.r, 'r'), w: int(values.w, 'w'), trials: int(values.trials, 'trials', 20_000), seed });
      const text = `N=${q.n} R=${q.r} W=${q.w}: read right after a write misses it in ${q.misses} of ${q.trials} trials — missRate ${q.missRate.toFixed(4)}, exact C(N−W,R)/C(N,R) = ${q.exact.toFixed(4)}`;
      return { code: 0, stdout: (json ? JSON.stringify({ command: 'quorum', ...q }) : text) + '\n', stderr: '' };
    }
    if (cmd === 'pbs') {
      const p = pbsWars({
        n: int(values.n, 'n'), r: int(values.r, 'r'), w: int(values.w, 'w'), t: num(values.t, 't'),
        writeLatency: values['write-latency'] ?? 'exp:10', ackLatency: values['ack-latency'] ?? 'exp:10',
        readLatency: values['read-latency'] ?? 'exp:10', responseLatency: values['response-latency'] ?? 'exp:10',
        trials: int(values.trials, 'trials', 20_000), seed,
      });
      const text = `WARS N=${p.n} R=${p.r} W=${p.w}, read ${p.t} ms after commit: consistent in ${p.consistent} of ${p.trials} trials — pConsistent ${p.pConsistent.toFixed(4)}`;
      return { code: 0, stdout: (json ? JSON.stringify({ command: 'pbs', ...p }) : text) + '\n', stderr: '' };
    }
    if (cmd === 'scenario') {
      if (values.list) return { code: 0, stdout: (json ? JSON.stringify({ scenarios: scenarios.scenarioNames }) : scenarios.scenarioNames.join('\n')) + '\n', stderr: '' };
      const name = positionals[0];
      if (!name) throw new Error(`scenario needs a NAME (one of ${scenarios.scenarioNames.join(', ')})`);
      const r = await scenarios.run(name, { seed });
      const out = { command: 'scenario', name, seed, description: r.description, verdicts: r.verdicts, outcomes: r.outcomes, stats: r.stats, traceHash: r.traceHash, ...(values.trace ? { trace: r.trace } : {}) };
      if (json) return { code: 0, stdout: JSON.stringify(out) + '\n', stderr: '' };
      const lines = [`scenario ${name} (seed ${seed})`, r.description, ''];
      for (const [k, v] of Object.entries(r.verdicts)) lines.push(`  ${v.valid === true ? 'valid  ' : v.valid === false ? 'INVALID' : 'unknown'}  ${k}: ${v.reason}`);
      lines.push('', `  outcomes: ${JSON.stringify(r.outcomes)}`, `  ops: ${JSON.stringify(r.stats.ops)}`, `  messages: ${JSON.stringify(r.stats.messages)}`, `  faults: ${JSON.stringify(r.stats.faults)}`, `  trace hash: ${r.traceHash}`);
      return { code: 0, stdout: lines.join('\n') + '\n', stderr: '' };
    }
    throw new Error(`unknown command '${cmd}'`);
  } catch (e) {
    const msg = (e as Error).message;
    return { code: 2, stdout: json ? JSON.stringify({ error: msg }) + '\n' : '', stderr: `sim: ${msg}\n${USAGE}\n` };
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await main(process.argv.slice(2));
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  process.exitCode = r.code;
}
