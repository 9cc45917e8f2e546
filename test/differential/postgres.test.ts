/**
 * The simulated PostgreSQL against the real one: generated SQL programs run through the real `pg`
 * driver on a real PostgreSQL server and through the simulated `pg` driver on the simulator; rows,
 * rowCount, command, field names and, for errors, SQLSTATE code and message must agree. Statements
 * outside the course's subset must be refused by the simulator as "not supported" (or answered
 * exactly like PostgreSQL). On a mismatch fast-check shrinks the program to a minimal one and prints
 * it with its seed.
 *
 * Needs Debian's `postgresql` package (`.ci/run` installs it); the server is started and removed by
 * this file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import pg from 'pg';
import { createWorld } from '../../src/sim/index';
import { defaultSchema } from '../../src/sim/schema';
import { type RealPostgres, findPostgresBin, startPostgres } from '../support/postgres';
import { type Stmt, ddl, program } from './sql-generator';

type Outcome =
  | { ok: true; command: string; rowCount: number | null; fields: string[]; rows: Record<string, unknown>[] }
  | { ok: false; code: string; message: string; severity?: string; fields: Record<string, unknown> };

const SEED = Number(process.env.SQL_DIFF_SEED ?? 20261205);
const RUNS = Number(process.env.SQL_DIFF_RUNS ?? 500);
const MIN_STATEMENTS = 2000;

// Dates go over the wire in UTC on both sides (the simulator always does).
pg.defaults.parseInputDatesAsUTC = true;

/** Time-dependent columns (DEFAULT now()) are compared by presence, not value. */
function mask(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = k === 'created_at' && v !== null ? '<time>' : v;
  return out;
}

function outcome(r: { command: string; rowCount: number | null; fields: Array<{ name: string }>; rows: Record<string, unknown>[] }): Outcome {
  return { ok: true, command: r.command, rowCount: r.rowCount, fields: r.fields.map((f) => f.name), rows: r.rows.map(mask) };
}

/** The fields of pg's DatabaseError a learner reads (json syntax errors' `detail` is not modelled). */
const ERROR_FIELDS = ['detail', 'schema', 'table', 'column', 'constraint'] as const;

function failure(e: unknown): Outcome {
  const x = e as { code?: string; message?: string; severity?: string } & Record<string, unknown>;
  if (typeof x?.code !== 'string') throw e;
  const jsonSyntax = x.code === '22P02' && /type json$/.test(String(x.message));
  const fields = Object.fromEntries(ERROR_FIELDS.map((f) => [f, jsonSyntax && f === 'detail' ? '<json detail>' : maskTime(x[f])]));
  return { ok: false, code: x.code, message: String(x.message), severity: x.severity, fields };
}

/** Epoch-ms values (DEFAULT now()) inside a detail line are compared by presence. */
function maskTime(v: unknown): unknown {
  return typeof v === 'string' ? v.replace(/\b1\d{12}\b/g, '<time>') : v;
}

const key = (r: unknown) => JSON.stringify(r, (_k, v) => (v instanceof Date ? `Date(${v.toISOString()})` : v));

/** Rows in a comparable form: as returned when ordered, otherwise as a sorted multiset. */
function comparable(o: Outcome, s: Stmt): unknown {
  if (!o.ok) return { code: o.code, message: o.message, severity: o.severity, fields: o.fields };
  const rows = s.ordered ? o.rows.map(key) : o.rows.map(key).sort();
  const sequence = s.orderCol ? o.rows.map((r) => key(r[s.orderCol!])) : undefined;
  return { command: o.command, rowCount: o.rowCount, fields: o.fields, rows, sequence };
}

const isUnsupported = (o: Outcome) => !o.ok && o.code === '0A000' && /not supported by the course's database/.test(o.message);

let server: RealPostgres;
let real: pg.Client;
const counts = { compared: 0, outside: 0, programs: 0 };
/** SQLSTATE codes PostgreSQL answered to compared statements: the edges the generator must reach. */
const codes = new Map<string, number>();

async function resetReal(): Promise<void> {
  await real.query('ROLLBACK');
  await real.query(`TRUNCATE ${Object.keys(defaultSchema().pg).join(', ')} RESTART IDENTITY`);
}

async function runReal(s: Stmt): Promise<Outcome> {
  try {
    return outcome(await real.query(s.text, s.values));
  } catch (e) {
    return failure(e);
  }
}

/** Check one program; returns a description of the first disagreement, or null. */
async function check(prog: Stmt[]): Promise<string | null> {
  await resetReal();
  const w = createWorld({ seed: 1 });
  const pool = w.pgPool();
  const conn = await w.run(() => pool.connect());
  counts.programs++;
  for (let i = 0; i < prog.length; i++) {
    const s = prog[i];
    const r = await runReal(s);
    const m = await w.run(() => conn.query(s.text, s.values)).then(outcome, failure);
    const same = JSON.stringify(comparable(r, s)) === JSON.stringify(comparable(m, s));
    if (s.outside) {
      counts.outside++;
      if (same) continue;
      if (isUnsupported(m)) return null; // refused as it must be; the two databases may differ from here on
    } else {
      counts.compared++;
      if (!r.ok) codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
    }
    if (!same) {
      return [
        `statement ${i + 1} of ${prog.length} differs${s.outside ? ' (outside the subset: the simulator must refuse it as not supported)' : ''}:`,
        ...prog.slice(0, i + 1).map((p, j) => `  ${j + 1}. ${p.text}${p.values.length ? '   -- values ' + key(p.values) : ''}`),
        `  PostgreSQL: ${key(comparable(r, s))}`,
        `  simulator:  ${key(comparable(m, s))}`,
      ].join('\n');
    }
  }
  return null;
}

const installed = findPostgresBin() !== null;
if (!installed) {
  console.warn('\n*** SKIPPED: the PostgreSQL differential test needs Debian\'s postgresql package (apt-get install -y postgresql). ***\n');
}

describe.skipIf(!installed)('the simulated PostgreSQL answers like PostgreSQL 15', () => {
  beforeAll(async () => {
    server = await startPostgres();
    real = new pg.Client({ connectionString: server.connectionString });
    await real.connect();
    for (const q of ddl(defaultSchema().pg)) await real.query(q);
  }, 180_000);

  afterAll(async () => {
    await real?.end().catch(() => {});
    server?.stop();
  });

  it(`generated programs (${MIN_STATEMENTS}+ statements, seed ${SEED}) give the same rows, counts, commands, fields and errors`, async () => {
    await fc.assert(
      fc.asyncProperty(program, async (prog) => {
        const diff = await check(prog);
        if (diff) throw new Error(diff);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: false },
    );
    console.log(`compared ${counts.compared} statements inside the subset and ${counts.outside} outside it, in ${counts.programs} programs`);
    // The comparison is not vacuous: most statements are inside the subset and were compared.
    expect(counts.compared).toBeGreaterThanOrEqual(MIN_STATEMENTS);
    expect(counts.outside).toBeGreaterThan(0);
    // … and they reach the edges: type errors, unknown columns, duplicate keys, NULL keys, aborted transactions, bad binds.
    for (const code of ['22P02', '42703', '42P01', '23505', '23502', '25P02', '08P01', '42601', '42883']) expect(codes.get(code) ?? 0, code).toBeGreaterThan(0);
  }, 600_000);
});
