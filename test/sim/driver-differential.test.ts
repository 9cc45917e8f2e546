/**
 * Differential test of the simulated cassandra-driver against the real one (issue 15, item 3).
 *
 * The real side runs the real driver's request pipeline — `lib/request-handler.js` (query plan,
 * executions), `lib/request-execution.js` (`_getDecision`, retries on the same or the next host) and
 * the real retry policies — over fake hosts whose connections answer from a script; server errors are
 * encoded as protocol ERROR frames and decoded by the real `FrameReader.readError`, so their
 * classes, codes, fields and messages are the real driver's. The simulated side runs the simulated
 * driver against a world whose coordinators answer from the same script. For generated scripts
 * (every error path: Unavailable, ReadTimeout, WriteTimeout, overloaded/bootstrapping/truncate,
 * invalid query, server error, a closed connection, a client-side timeout, hosts already down →
 * NoHostAvailableError), idempotent or not, at several consistency levels and with the default,
 * idempotence-aware, fallthrough and a custom retry policy, both must make the same attempts (host
 * and consistency, in order) and end the same way, with errors of the same shape.
 */
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drivers } from '../../src/sim/index';
import { createEngineWorld } from '../../src/sim/internal';

const require = createRequire(import.meta.url);
const real = require('cassandra-driver');
const RequestHandler = require('cassandra-driver/lib/request-handler');
const { FrameReader } = require('cassandra-driver/lib/readers');
const sim = drivers['cassandra-driver'];

const HOSTS = ['A', 'B', 'C'];
const CLS = [sim.types.consistencies.one, sim.types.consistencies.quorum, sim.types.consistencies.all, sim.types.consistencies.localQuorum, sim.types.consistencies.localOne];
const READ_TIMEOUT_MS = 1000;

type Outcome =
  | { kind: 'ok' }
  | { kind: 'unavailable'; required: number; alive: number }
  | { kind: 'readTimeout'; received: number; blockFor: number; isDataPresent: boolean }
  | { kind: 'writeTimeout'; received: number; blockFor: number; writeType: string }
  | { kind: 'server'; code: number; message: string }
  | { kind: 'clientTimeout' }
  | { kind: 'socket' };

type PolicyName = 'default' | 'idempotenceAware' | 'fallthrough' | 'downgrading';

interface Case {
  down: string[];
  idempotent: boolean;
  cl: number;
  policy: PolicyName;
  script: Outcome[];
}

const outcome: fc.Arbitrary<Outcome> = fc.oneof(
  fc.constant<Outcome>({ kind: 'ok' }),
  fc.integer({ min: 1, max: 3 }).chain((required) => fc.integer({ min: 0, max: required - 1 }).map((alive): Outcome => ({ kind: 'unavailable', required, alive }))),
  fc.integer({ min: 1, max: 3 }).chain((blockFor) =>
    fc.record({ received: fc.integer({ min: 0, max: blockFor }), isDataPresent: fc.boolean() }).map((r): Outcome => ({ kind: 'readTimeout', blockFor, ...r }))),
  fc.integer({ min: 1, max: 3 }).chain((blockFor) =>
    fc.record({ received: fc.integer({ min: 0, max: blockFor - 1 }), writeType: fc.constantFrom('SIMPLE', 'BATCH', 'UNLOGGED_BATCH', 'COUNTER', 'BATCH_LOG', 'CAS') }).map((r): Outcome => ({ kind: 'writeTimeout', blockFor, ...r }))),
  fc.constantFrom<Outcome>(
    { kind: 'server', code: 0x1001, message: 'Overloaded: too many in flight hints' },
    { kind: 'server', code: 0x1002, message: 'Cannot read from a bootstrapping node' },
    { kind: 'server', code: 0x1003, message: 'Error during truncate' },
    { kind: 'server', code: 0x2200, message: 'unconfigured table orderz' },
    { kind: 'server', code: 0x2000, message: "line 1:0 no viable alternative at input 'SELEC'" },
    { kind: 'server', code: 0x0000, message: 'java.lang.RuntimeException' },
  ),
  fc.constant<Outcome>({ kind: 'clientTimeout' }),
  fc.constant<Outcome>({ kind: 'socket' }),
);

const caseArb: fc.Arbitrary<Case> = fc.record({
  down: fc.subarray(HOSTS),
  idempotent: fc.boolean(),
  cl: fc.constantFrom(...CLS),
  policy: fc.constantFrom<PolicyName>('default', 'idempotenceAware', 'fallthrough', 'downgrading'),
  script: fc.array(outcome, { maxLength: 6 }),
});

/** A protocol v4 ERROR body, decoded by the real driver's reader. */
function realServerError(o: Outcome, cl: number): Error {
  const parts: Buffer[] = [];
  const int = (n: number) => { const b = Buffer.alloc(4); b.writeInt32BE(n); parts.push(b); };
  const short = (n: number) => { const b = Buffer.alloc(2); b.writeUInt16BE(n); parts.push(b); };
  const str = (s: string) => { const x = Buffer.from(s, 'utf8'); short(x.length); parts.push(x); };
  const sv = serverReply(o, cl);
  int(sv.code);
  str(sv.message);
  if (o.kind === 'unavailable') { short(cl); int(o.required); int(o.alive); }
  if (o.kind === 'readTimeout') { short(cl); int(o.received); int(o.blockFor); parts.push(Buffer.from([o.isDataPresent ? 1 : 0])); }
  if (o.kind === 'writeTimeout') { short(cl); int(o.received); int(o.blockFor); str(o.writeType); }
  return new FrameReader({ opcode: 0, version: 4 }, Buffer.concat(parts)).readError();
}

/** What a simulated coordinator answers (the messages Cassandra sends). */
function serverReply(o: Outcome, cl: number): { code: number; message: string; props: Record<string, unknown> } {
  switch (o.kind) {
    case 'unavailable': return { code: 0x1000, message: `Cannot achieve consistency level ${cl}`, props: { consistencies: cl, required: o.required, alive: o.alive } };
    case 'readTimeout': return { code: 0x1200, message: `Operation timed out - received only ${o.received} responses.`, props: { consistencies: cl, received: o.received, blockFor: o.blockFor, isDataPresent: o.isDataPresent } };
    case 'writeTimeout': return { code: 0x1100, message: `Operation timed out - received only ${o.received} responses.`, props: { consistencies: cl, received: o.received, blockFor: o.blockFor, writeType: o.writeType } };
    case 'server': return { code: o.code, message: o.message, props: {} };
    default: throw new Error(`not a server error: ${o.kind}`);
  }
}

type RetryBase = { new (): { rethrowResult(): unknown; retryResult(cl?: number, useCurrentHost?: boolean): unknown } };

/** The same custom policy on both sides: Unavailable and read timeouts retried once at ONE on the next host. */
function downgrading(Base: RetryBase) {
  return class Downgrading extends Base {
    onUnavailable(info: { nbRetry: number }) {
      return info.nbRetry > 0 ? this.rethrowResult() : this.retryResult(1, false);
    }
    onReadTimeout(info: { nbRetry: number }) {
      return info.nbRetry > 0 ? this.rethrowResult() : this.retryResult(1, false);
    }
  };
}

function policyOf(lib: { policies: { retry: Record<string, unknown> } }, name: PolicyName): unknown {
  const r = lib.policies.retry as unknown as { RetryPolicy: RetryBase; IdempotenceAwareRetryPolicy: new () => unknown; FallthroughRetryPolicy: new () => unknown };
  if (name === 'default') return new r.RetryPolicy();
  if (name === 'idempotenceAware') return new r.IdempotenceAwareRetryPolicy();
  if (name === 'fallthrough') return new r.FallthroughRetryPolicy();
  return new (downgrading(r.RetryPolicy))();
}

interface Run {
  attempts: Array<[string, number]>;
  ok?: { queriedHost: string; achievedConsistency: number; speculativeExecutions: number; triedHosts: unknown };
  err?: unknown;
  errClass?: string;
}

const ERROR_CLASSES = ['NoHostAvailableError', 'OperationTimedOutError', 'ResponseError', 'ArgumentError', 'NotSupportedError', 'DriverInternalError', 'AuthenticationError', 'DriverError'];

function classOf(e: unknown, errors: Record<string, unknown>): string {
  for (const n of ERROR_CLASSES) if (e instanceof (errors[n] as new () => object)) return n;
  return 'other';
}

/** What a learner can read off an error (the real message's embedded stack trace cut off). */
function shape(e: unknown): unknown {
  if (e === null || typeof e === 'string') return e;
  const x = e as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of ['name', 'info', 'code', 'consistencies', 'required', 'alive', 'received', 'blockFor', 'isDataPresent', 'writeType', 'coordinator', 'host', 'isSocketError']) {
    if (x[k] !== undefined) out[k] = x[k];
  }
  out.message = String(x.message).replace(/(First host tried, [^ ]+: )([\s\S]*)\. See innerErrors\.$/, (_m, a: string, b: string) => `${a}${b.split('\n')[0]}. See innerErrors.`);
  if (x.innerErrors) out.innerErrors = Object.fromEntries(Object.entries(x.innerErrors as Record<string, unknown>).map(([k, v]) => [k, shape(v)]));
  return out;
}

async function runReal(c: Case): Promise<Run> {
  const attempts: Array<[string, number]> = [];
  let i = 0;
  type FakeHost = { address: string; isUp(): boolean; removeFromPool(): void; checkHealth(): void; borrowConnection(): unknown };
  const hosts: FakeHost[] = HOSTS.map((id) => {
    const h: FakeHost = {
      address: `${id}:9042`,
      isUp: () => !c.down.includes(id),
      removeFromPool() {},
      checkHealth() {},
      borrowConnection: () => connection(h),
    };
    return h;
  });
  const connection = (h: FakeHost) => ({
    keyspace: null,
    sendStream(req: { consistency: number }, _eo: unknown, cb: (err: Error | null, res?: unknown) => void) {
      attempts.push([h.address, req.consistency]);
      const o = c.script[i++] ?? { kind: 'ok' };
      // as lib/connection.js reports them
      const err = o.kind === 'ok' ? null
        : o.kind === 'clientTimeout' ? new real.errors.OperationTimedOutError(`The host ${h.address} did not reply before timeout ${READ_TIMEOUT_MS} ms`, h.address)
          : o.kind === 'socket' ? Object.assign(new real.errors.DriverError('Socket was closed'), { isSocketError: true })
            : realServerError(o, req.consistency);
      setImmediate(() => (err ? cb(err) : cb(null, { rows: [] })));
      return { cancel() {} };
    },
  });
  const lbp = { newQueryPlan: (_ks: unknown, _eo: unknown, cb: (e: null, it: Iterator<FakeHost>) => void) => cb(null, hosts[Symbol.iterator]()) };
  const policy = policyOf(real, c.policy);
  const execOptions = {
    getCaptureStackTrace: () => false, getLoadBalancingPolicy: () => lbp, getFixedHost: () => undefined,
    isIdempotent: () => c.idempotent, getRetryPolicy: () => policy, getConsistency: () => c.cl,
  };
  const noop = new Proxy({}, { get: () => () => {} });
  const client = {
    options: { policies: { speculativeExecution: new real.policies.speculativeExecution.NoSpeculativeExecutionPolicy() }, logEmitter: () => {}, requestTracker: null },
    profileManager: { getDistance: () => real.types.distance.local }, metrics: noop, keyspace: null, log() {},
  };
  const request = { query: 'SELECT * FROM orders WHERE id = ?', consistency: c.cl, clone() { return { ...this }; } };
  try {
    const rs = await RequestHandler.send(request, execOptions, client);
    const { queriedHost, achievedConsistency, speculativeExecutions, triedHosts } = rs.info;
    return { attempts, ok: { queriedHost, achievedConsistency, speculativeExecutions, triedHosts: shape({ innerErrors: triedHosts, message: '' }) } };
  } catch (e) {
    return { attempts, err: shape(e), errClass: classOf(e, real.errors) };
  }
}

async function runSim(c: Case): Promise<Run> {
  const w = createEngineWorld({ seed: 1, journal: false });
  for (const n of c.down) w.fault({ kind: 'crash', node: n });
  const attempts: Array<[string, number]> = [];
  let i = 0;
  const cluster = w.cluster as unknown as { coordinate: (host: { id: string }, op: { cl: number }, reply: (r: unknown) => void) => void };
  cluster.coordinate = (host, op, reply) => {
    attempts.push([`${host.id}:9042`, op.cl]);
    const o = c.script[i++] ?? { kind: 'ok' };
    if (o.kind === 'ok') return reply({ ok: true, rows: [] });
    if (o.kind === 'clientTimeout') return; // the coordinator never answers
    if (o.kind === 'socket') { for (const l of w.crashListeners) l(host.id); return; } // the connection closes; the node stays up
    reply({ ok: false, error: serverReply(o, op.cl) });
  };
  const client = new sim.Client({
    contactPoints: HOSTS, localDataCenter: 'dc1', sim: { world: w },
    socketOptions: { readTimeout: READ_TIMEOUT_MS }, policies: { retry: policyOf(sim, c.policy) as InstanceType<typeof sim.policies.retry.RetryPolicy> },
  });
  try {
    const rs = await w.run(() => client.execute('SELECT * FROM orders WHERE id = ?', ['o-1'], { consistency: c.cl, isIdempotent: c.idempotent }));
    const { queriedHost, achievedConsistency, speculativeExecutions, triedHosts } = rs.info;
    return { attempts, ok: { queriedHost, achievedConsistency, speculativeExecutions, triedHosts: shape({ innerErrors: triedHosts, message: '' }) } };
  } catch (e) {
    return { attempts, err: shape(e), errClass: classOf(e, sim.errors) };
  }
}

describe('cassandra-driver: the simulated driver decides like the real one (issue 15, item 3)', () => {
  it('same attempts (host, consistency), same result or error for generated failure scripts, idempotent or not, under four retry policies', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const [r, s] = [await runReal(c), await runSim(c)];
        for (const o of c.script) seen.add(o.kind);
        if (r.err) seen.add(`end:${r.errClass}`);
        expect(s.attempts, 'attempts (host, consistency)').toEqual(r.attempts);
        expect(s.errClass, 'error class').toEqual(r.errClass);
        expect(s.err, 'error shape').toEqual(r.err);
        expect(s.ok, 'result info').toEqual(r.ok);
      }),
      { numRuns: 400, seed: 20261205 },
    );
    // every error path was generated and reached
    for (const k of ['unavailable', 'readTimeout', 'writeTimeout', 'server', 'clientTimeout', 'socket', 'end:NoHostAvailableError', 'end:ResponseError', 'end:OperationTimedOutError', 'end:DriverError']) {
      expect(seen, k).toContain(k);
    }
  });

  it('error classes: the same names, inheritance and info texts', () => {
    for (const n of ERROR_CLASSES) {
      const R = real.errors[n];
      const S = (sim.errors as Record<string, new (...a: never[]) => Error>)[n];
      const args = n === 'NoHostAvailableError' ? [{}] : n === 'ResponseError' ? [0x2200, 'x'] : n === 'OperationTimedOutError' ? ['x', 'A:9042'] : ['x'];
      const r = new R(...args);
      const s = new (S as unknown as new (...a: unknown[]) => Error)(...args);
      expect(s.name, n).toBe(r.name);
      expect(s instanceof sim.errors.DriverError, n).toBe(r instanceof real.errors.DriverError);
      expect(s).toBeInstanceOf(Error);
      expect((s as unknown as { info: string }).info, n).toBe(r.info);
    }
    expect(sim.types.responseErrorCodes).toEqual(expect.objectContaining(real.types.responseErrorCodes));
    expect(sim.types.consistencies).toEqual(expect.objectContaining(real.types.consistencies));
  });
});
