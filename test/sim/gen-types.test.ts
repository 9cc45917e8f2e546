import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { generateDriverTypes } from '../../scripts/gen-types';

function check(decls: Record<string, string>, learner: string): string[] {
  const files: Record<string, string> = { '/decl/drivers.d.ts': Object.values(decls).join('\n'), '/learner.ts': learner };
  const options: ts.CompilerOptions = { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], types: [], esModuleInterop: true };
  const host = ts.createCompilerHost(options);
  const orig = { getSourceFile: host.getSourceFile, fileExists: host.fileExists, readFile: host.readFile };
  host.getSourceFile = (name, lang, ...rest) => (files[name] !== undefined ? ts.createSourceFile(name, files[name], lang) : orig.getSourceFile(name, lang, ...rest));
  host.fileExists = (name) => files[name] !== undefined || orig.fileExists(name);
  host.readFile = (name) => files[name] ?? orig.readFile(name);
  const program = ts.createProgram(Object.keys(files), options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('generated driver declarations (virtual:driver-types, npm run gen:types)', () => {
  const decls = generateDriverTypes();

  it('has one ambient module per driver', () => {
    expect(Object.keys(decls).sort()).toEqual(['cassandra-driver', 'kafkajs', 'pg']);
    for (const [name, text] of Object.entries(decls)) {
      expect(text.startsWith(`declare module '${name}' {`)).toBe(true);
      expect(text).not.toMatch(/\bimport\b/);
    }
  });

  it('type-checks learner code that uses the drivers like the real libraries', () => {
    const learner = `
      import { Client, types, errors } from 'cassandra-driver';
      import { Pool } from 'pg';
      import { Kafka } from 'kafkajs';
      export interface Deps { cassandra: Client; pg: Pool; kafka: Kafka }
      export async function getOrder(deps: Deps, orderId: string): Promise<Record<string, unknown> | null> {
        try {
          const rs = await deps.cassandra.execute('SELECT * FROM orders WHERE id = ?', [orderId], { prepare: true, consistency: types.consistencies.localQuorum, readTimeout: 100 });
          const row = rs.first();
          if (row) return { id: row.get('id'), status: row['status'] };
        } catch (e) {
          if (e instanceof errors.OperationTimedOutError || e instanceof errors.NoHostAvailableError) console.warn(e.message);
          else if (e instanceof errors.ResponseError && e.code === types.responseErrorCodes.unavailableException) console.warn('unavailable');
          else throw e;
        }
        const r = await deps.pg.query<{ id: string; status: string }>('SELECT id, status FROM orders WHERE id = $1', [orderId]);
        if (r.rowCount === 0) return null;
        await deps.kafka.producer().send({ topic: 'orders-dlq', messages: [{ key: orderId, value: JSON.stringify(r.rows[0]) }] });
        return r.rows[0];
      }
      export const timeout = AbortSignal.timeout(100);
    `;
    expect(check(decls, learner)).toEqual([]);
  }, 120_000);

  it('type-checks the other forms the real libraries accept: named parameters, callbacks, eachRow, stream, profiles, types.Row, pg rowMode', () => {
    const learner = `
      import { Client, ExecutionProfile, types } from 'cassandra-driver';
      import { Pool } from 'pg';
      const toStatus = (row: types.Row): string => String(row.get('status'));
      export async function forms(c: Client, p: Pool): Promise<string[]> {
        const out: string[] = [];
        const rs: types.ResultSet = await c.execute('SELECT status FROM orders WHERE id = :id', { id: 'o1' }, { prepare: true, executionProfile: 'default' });
        for (const row of rs) out.push(toStatus(row));
        c.execute('SELECT status FROM orders WHERE id = ?', ['o1'], { prepare: true }, (err, r) => { if (!err) out.push(String(r.rowLength)); });
        c.eachRow('SELECT status FROM orders WHERE id = ?', ['o1'], { prepare: true }, (n, row) => out.push(n + toStatus(row)), (err) => { if (err) throw err; });
        for await (const row of c.stream('SELECT status FROM orders WHERE id = ?', ['o1'], { prepare: true }) as unknown as AsyncIterable<types.Row>) out.push(toStatus(row));
        c.stream('SELECT status FROM orders WHERE id = ?', ['o1']).on('data', (row: types.Row) => out.push(toStatus(row)));
        const profile = new ExecutionProfile('fast', { consistency: types.consistencies.quorum, readTimeout: 100 });
        out.push(profile.name);
        const v: types.Long = types.Long.fromNumber(3);
        out.push(v.toString());
        const arr = await p.query({ text: 'SELECT id FROM orders WHERE id = $1', values: ['o1'], rowMode: 'array', query_timeout: 100 });
        out.push(String(arr.rowCount));
        p.query('SELECT 1', [], (err, r) => { if (!err) out.push(String(r.rowCount)); });
        return out;
      }
    `;
    expect(check(decls, learner)).toEqual([]);
  }, 120_000);

  it('reports misuse, so the types are real', () => {
    const diags = check(decls, `
      import { Client } from 'cassandra-driver';
      import { Pool } from 'pg';
      export async function f(c: Client, p: Pool) {
        await c.execute(42);
        await c.nope();
        const r = await p.query('SELECT 1');
        r.rowz;
      }
    `);
    expect(diags.length).toBe(3);
    expect(diags.join('\n')).toMatch(/nope/);
    expect(diags.join('\n')).toMatch(/rowz/);
  }, 120_000);
});
