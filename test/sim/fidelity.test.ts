// The simulator against the real systems, item by item (the simulator fidelity review, S1–S19):
// each describe names the item and states what Apache Cassandra 4.1 / cassandra-driver 4.10 /
// kafkajs 2.2 / Lambda really do.
import { describe, expect, it } from 'vitest';
import { transformSync } from 'esbuild';
import ts from 'typescript';
import { join, resolve } from 'node:path';
import { createWorld, drivers } from '../../src/sim/index';

const ROOT = resolve(__dirname, '../..');
const cd = drivers['cassandra-driver'];
const { types } = cd;
const CL = types.consistencies;
const SEL = 'SELECT * FROM orders WHERE id = ?';

/** QUORUM reads of orders/o-1 every second through a client of zone B (coordinator B), zone A cut off at 1 s. */
async function readsThroughB(seed: number, o: { speculativeRetry?: string; dynamicSnitch?: boolean; warmup?: number } = {}) {
  const w = createWorld({ seed, speculativeRetry: o.speculativeRetry, dynamicSnitch: o.dynamicSnitch });
  w.cassandraPut('orders', { id: 'o-1', status: 'paid' }, { timestampUs: 1 });
  const c = w.cassandraClient({ zone: 'B', contactPoints: ['B'], failover: false, id: 'api-b' });
  const results: Array<{ at: number; ok: boolean; ms: number; error?: string; convicted: boolean }> = [];
  await w.run(async () => {
    for (let i = 0; i < (o.warmup ?? 0); i++) {
      await c.execute(SEL, ['o-1'], { consistency: CL.quorum });
      await w.sleep(50);
    }
  });
  const t0 = w.now;
  const specBefore = w.metrics('B')['Table.SpeculativeRetries'] ?? 0;
  w.schedule([{ at: t0 + 1000, kind: 'isolate', zone: 'A' }]);
  await w.run(async () => {
    await w.sleep(1000);
    for (let i = 0; i < 40; i++) {
      const start = w.now;
      const convicted = w.isDown('B', 'A');
      const r = await c.execute(SEL, ['o-1'], { consistency: CL.quorum }).then(
        (rs) => ({ ok: rs.first()?.status === 'paid', error: undefined }),
        (e: Error) => ({ ok: false, error: `${e.name} ${e.message}` }),
      );
      results.push({ at: start - t0, ms: w.now - start, convicted, ...r });
      await w.sleep(1000);
    }
  });
  return { w, results, speculated: (w.metrics('B')['Table.SpeculativeRetries'] ?? 0) - specBefore };
}

describe('S1 speculative retry and dynamic snitch: with zone A cut off, every QUORUM read through B answers', () => {
  it('on a fresh table (no latency samples yet) each read answers within read_request_timeout / 2 (2.5 s) plus a round trip, before and after A is convicted', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { results } = await readsThroughB(seed);
      expect(results.filter((r) => !r.ok), `seed ${seed}`).toEqual([]);
      expect(results.some((r) => !r.convicted) && results.some((r) => r.convicted)).toBe(true);
      for (const r of results) expect(r.ms, `seed ${seed} read at ${r.at} ms`).toBeLessThan(2500 + 50);
    }
  });

  it('once p99 latency is known, the speculative read goes out after a few ms, and the dynamic snitch stops asking A after its first read callback expires', async () => {
    for (const seed of [6, 7, 8]) {
      const { results, speculated } = await readsThroughB(seed, { warmup: 300 });
      expect(results.filter((r) => !r.ok), `seed ${seed}`).toEqual([]);
      for (const r of results) expect(r.ms, `seed ${seed} read at ${r.at} ms`).toBeLessThan(50);
      // at most the reads within one read_request_timeout of the first speculation ask A at all
      expect(speculated).toBeGreaterThan(0);
      expect(speculated).toBeLessThanOrEqual(6);
    }
  });

  it("on a healthy cluster, '99p' speculates only on reads slower than the table's p99 (at most 3 in 100), at ONE (the coordinator's own replica answers in 0 µs) and at QUORUM", async () => {
    for (const seed of [1, 2, 3]) {
      for (const cl of [CL.one, CL.quorum]) {
        const w = createWorld({ seed });
        w.cassandraPut('orders', { id: 'o-1', status: 'paid' }, { timestampUs: 1 });
        const c = w.cassandraClient({ zone: 'A', contactPoints: ['A'], failover: false });
        const reads = 600;
        await w.run(async () => {
          // about 7 s of reads: from 5 s on (one read_request_timeout) the threshold is the p99 of the reads before
          for (let i = 0; i < reads; i++) {
            await c.execute(SEL, ['o-1'], { consistency: cl });
            await w.sleep(10);
          }
        });
        const speculated = w.metrics('A')['Table.SpeculativeRetries'] ?? 0;
        expect(speculated, `seed ${seed}, CL ${cl}: ${speculated} of ${reads} reads speculated`).toBeLessThanOrEqual(reads * 0.03);
      }
    }
  });

  it("with speculative_retry = 'NONE' and no dynamic snitch, reads that pick A time out after 5 s until A is convicted (what the table option switches off)", async () => {
    let timeouts = 0;
    for (const seed of [1, 2, 3]) {
      const { results } = await readsThroughB(seed, { speculativeRetry: 'NONE', dynamicSnitch: false });
      for (const r of results.filter((x) => !x.ok)) {
        expect(r.error).toBe('ResponseError Server timeout during read query at consistency QUORUM (1 replica(s) responded over 2 required)');
        expect(r.convicted).toBe(false);
        timeouts++;
      }
    }
    expect(timeouts).toBeGreaterThan(0);
  });

  it('an isolated coordinator still times out first, then answers Unavailable: the speculative replica is unreachable too', async () => {
    const w = createWorld({ seed: 9 });
    w.cassandraPut('orders', { id: 'o-1', status: 'paid' }, { timestampUs: 1 });
    const c = w.cassandraClient({ zone: 'A', contactPoints: ['A'], failover: false, id: 'api-a' });
    w.fault({ kind: 'isolate', zone: 'A' });
    const errs = await w.run(async () => {
      const out: Array<{ ok?: boolean; code?: number; received?: number }> = [];
      for (let i = 0; i < 25; i++) {
        // Unavailable is retried on the next host, and with no other host: NoHostAvailableError
        const cause = (e: { code?: number; received?: number; innerErrors?: Record<string, { code?: number }> }) => e.innerErrors?.['A:9042'] ?? e;
        out.push(await c.execute(SEL, ['o-1'], { consistency: CL.quorum }).then(() => ({ ok: true }), (e) => ({ code: cause(e).code, received: e.received })));
        await w.sleep(1000);
      }
      return out;
    });
    expect(errs[0]).toEqual({ code: types.responseErrorCodes.readTimeout, received: 1 });
    expect(errs[errs.length - 1].code).toBe(types.responseErrorCodes.unavailableException);
  });
});

/**
 * Code written for the real driver, compiled as the course compiles learner code (esbuild, CJS) and run
 * with `require('cassandra-driver')` resolving to the simulated driver; it must also type-check
 * against the real package's declarations.
 */
const REAL_DRIVER_SNIPPET = `
import { Client, policies, types } from 'cassandra-driver';

const client = new Client({
  contactPoints: ['A', 'B', 'C'],
  localDataCenter: 'dc1',
  keyspace: 'shop',
  policies: {
    // If the first coordinator has not answered after 200 ms, ask one more coordinator.
    speculativeExecution: new policies.speculativeExecution.ConstantSpeculativeExecutionPolicy(200, 1),
  },
});

export async function readStatus(orderId: string, isIdempotent: boolean) {
  const result = await client.execute('SELECT status FROM orders WHERE id = ?', [orderId], {
    prepare: true,
    consistency: types.consistencies.quorum,
    isIdempotent,
  });
  const row = result.first();
  return { status: row ? String(row.get('status')) : undefined, host: result.info.queriedHost, speculative: result.info.speculativeExecutions };
}
`;

function loadSnippet(src: string): Record<string, (...a: unknown[]) => Promise<unknown>> {
  const js = transformSync(src, { loader: 'ts', format: 'cjs', target: 'es2022' }).code;
  const mod = { exports: {} as Record<string, (...a: unknown[]) => Promise<unknown>> };
  const req = (name: string) => {
    if (name in drivers) return drivers[name as keyof typeof drivers];
    throw new Error(`Module '${name}' is not available`);
  };
  new Function('require', 'module', 'exports', js)(req, mod, mod.exports);
  return mod.exports;
}

describe('S7 the driver takes the real option shapes: policies.retry, loadBalancing, speculativeExecution, timestampGeneration, localDataCenter', () => {
  it("the lesson's speculative-execution snippet type-checks against the real cassandra-driver and runs unchanged: with coordinator A slow, an idempotent read is answered by B after 200 ms", async () => {
    const file = join(ROOT, 'test/sim/__virtual__/snippet.ts');
    const host = ts.createCompilerHost({}, true);
    const read = host.readFile.bind(host);
    host.readFile = (f) => (f === file ? REAL_DRIVER_SNIPPET : read(f));
    host.fileExists = ((orig) => (f: string) => f === file || orig(f))(host.fileExists.bind(host));
    const program = ts.createProgram([file], { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, lib: ['lib.es2022.d.ts'], types: [], skipLibCheck: true }, host);
    const diags = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diags).toEqual([]);

    const w = createWorld({ seed: 11 });
    w.cassandraPut('orders', { id: 'o-1', status: 'paid' }, { timestampUs: 1 });
    w.fault({ kind: 'slow', node: 'A', extraMs: 1000 });
    const out = await w.run(async () => {
      const m = loadSnippet(REAL_DRIVER_SNIPPET);
      const t0 = w.now;
      const fast = (await m.readStatus('o-1', true)) as { status: string; host: string; speculative: number };
      const t1 = w.now;
      const slow = (await m.readStatus('o-1', false)) as { status: string; host: string; speculative: number };
      return { fast, fastMs: t1 - t0, slow, slowMs: w.now - t1 };
    });
    expect(out.fast).toEqual({ status: 'paid', host: 'B:9042', speculative: 1 });
    expect(out.fastMs).toBeGreaterThanOrEqual(200);
    expect(out.fastMs).toBeLessThan(1000);
    // not idempotent: never sent twice, so it waits for the slow coordinator
    expect(out.slow).toEqual({ status: 'paid', host: 'A:9042', speculative: 0 });
    expect(out.slowMs).toBeGreaterThanOrEqual(1000);
  });

  it('policies.timestampGeneration: null gives server-side timestamps (whole ms of the coordinator clock); the top-level option does not exist', async () => {
    const w = createWorld({ seed: 12 });
    w.fault({ kind: 'clock-skew', target: 'B', offsetMs: 5000 });
    await w.run(async () => {
      const c = new cd.Client({ contactPoints: ['B'], localDataCenter: 'dc1', policies: { timestampGeneration: null } });
      await c.execute('INSERT INTO orders (id, status) VALUES (?, ?)', ['o-2', 'new'], { consistency: CL.all });
    });
    const ts0 = w.replicaCellTimestamp('A', 'orders', 'o-2', 'status')!;
    expect(ts0 % 1000).toBe(0);
    expect(ts0).toBeGreaterThanOrEqual((w.epochMs + 5000) * 1000);
    expect(() => new cd.Client({ contactPoints: ['A'], localDataCenter: 'dc1', sim: { world: w }, timestampGeneration: null } as never)).toThrow(/policies\.timestampGeneration/);
  });

  it('a custom RetryPolicy subclass runs: Unavailable at QUORUM retried at ONE on the next host', async () => {
    class DowngradingRetry extends cd.policies.retry.RetryPolicy {
      override onUnavailable(info: { nbRetry: number }) {
        return info.nbRetry > 0 ? this.rethrowResult() : this.retryResult(CL.one, false);
      }
    }
    const w = createWorld({ seed: 13 });
    w.cassandraPut('orders', { id: 'o-3', status: 'paid' }, { timestampUs: 1 });
    w.fault({ kind: 'crash', node: 'B' });
    w.fault({ kind: 'crash', node: 'C' });
    w.advance(20_000);
    w.fault({ kind: 'restart', node: 'B' });
    const rs = await w.run(async () => {
      const c = new cd.Client({ contactPoints: ['A', 'B'], localDataCenter: 'dc1', policies: { retry: new DowngradingRetry() } });
      return c.execute(SEL, ['o-3'], { consistency: CL.quorum });
    });
    expect(rs.first()?.status).toBe('paid');
    expect(rs.info.achievedConsistency).toBe(CL.one);
    expect(rs.info.queriedHost).toBe('B:9042');
    expect(rs.info.triedHosts['A:9042']).toMatchObject({ name: 'ResponseError', code: types.responseErrorCodes.unavailableException });
  });

  it('execute(…, { retry }) overrides the client policy: FallthroughRetryPolicy rethrows the Unavailable itself', async () => {
    const w = createWorld({ seed: 14 });
    w.fault({ kind: 'crash', node: 'B' });
    w.fault({ kind: 'crash', node: 'C' });
    w.advance(20_000);
    const c = w.cassandraClient({ zone: 'A', contactPoints: ['A'] });
    const e = await w.run(() => c.execute(SEL, ['o-4'], { consistency: CL.quorum, retry: new cd.policies.retry.FallthroughRetryPolicy() }).catch((x: Error) => x));
    expect(e).toBeInstanceOf(cd.errors.ResponseError);
    expect((e as { code?: number }).code).toBe(types.responseErrorCodes.unavailableException);
  });

  it('AllowListPolicy keeps every request on the listed hosts', async () => {
    const w = createWorld({ seed: 15 });
    w.fault({ kind: 'crash', node: 'A' });
    const e = await w.run(async () => {
      const { AllowListPolicy, DefaultLoadBalancingPolicy } = cd.policies.loadBalancing;
      const c = new cd.Client({ contactPoints: ['A'], localDataCenter: 'dc1', policies: { loadBalancing: new AllowListPolicy(new DefaultLoadBalancingPolicy(), ['A:9042']) } });
      return c.execute(SEL, ['o-5'], { consistency: CL.one }).catch((x: Error) => x);
    });
    expect(e).toBeInstanceOf(cd.errors.NoHostAvailableError);
    expect(Object.keys((e as unknown as { innerErrors: object }).innerErrors)).toEqual(['A:9042']);
  });

  it("without localDataCenter the default load-balancing policy refuses to start, with the real driver's message; a wrong policy type is a TypeError; an unknown policies key names itself", async () => {
    const w = createWorld({ seed: 16 });
    const e = await w.run(async () => {
      const c = new cd.Client({ contactPoints: ['A'] });
      return c.connect().then(() => null, (x: Error) => x);
    });
    expect(e).toBeInstanceOf(cd.errors.ArgumentError);
    expect(e?.message).toBe("'localDataCenter' is not defined in Client options and also was not specified in constructor. At least one is required. Available DCs are: [dc1]");
    expect(() => new cd.Client({ contactPoints: ['A'], localDataCenter: 'dc1', sim: { world: w }, policies: { retry: {} as never } })).toThrow(new TypeError('Retry policy must be an instance of RetryPolicy'));
    expect(() => new cd.Client({ contactPoints: ['A'], localDataCenter: 'dc1', sim: { world: w }, policies: { speculativeExecutions: 1 } as never })).toThrow(/Unknown policy 'policies.speculativeExecutions'/);
  });

  it('the module exports policies like the real package', async () => {
    const real = await import('cassandra-driver');
    for (const group of ['addressResolution', 'loadBalancing', 'reconnection', 'retry', 'speculativeExecution', 'timestampGeneration'] as const) {
      const names = Object.keys((real.policies as unknown as Record<string, object>)[group]);
      expect(Object.keys(cd.policies[group]).sort(), group).toEqual(expect.arrayContaining(names.sort()));
    }
    expect(cd.policies.retry.RetryPolicy.retryDecision).toEqual((real.policies.retry.RetryPolicy as unknown as { retryDecision: object }).retryDecision);
    expect(types.distance).toEqual(real.types.distance);
  });
});

describe('S6 client-side timestamps: milliseconds × 1000 plus a counter that restarts every millisecond (MonotonicTimestampGenerator)', () => {
  it('writes from two clients in the same millisecond get the same timestamp; one client never goes backwards', async () => {
    const w = createWorld({ seed: 17, latency: { sameZone: 'const:0.1', crossZone: 'const:0.1' } });
    const a = w.cassandraClient({ zone: 'A', contactPoints: ['A'], id: 'a' });
    const b = w.cassandraClient({ zone: 'B', contactPoints: ['B'], id: 'b' });
    await w.run(async () => {
      await Promise.all([
        a.execute('INSERT INTO kv (key, value) VALUES (?, ?)', ['x', 1], { consistency: CL.all }),
        b.execute('INSERT INTO kv (key, value) VALUES (?, ?)', ['y', 2], { consistency: CL.all }),
      ]);
      await a.execute('INSERT INTO kv (key, value) VALUES (?, ?)', ['z', 3], { consistency: CL.all });
    });
    const tx = w.replicaCellTimestamp('A', 'kv', 'x', 'value')!;
    expect(tx % 1000).toBe(0);
    expect(w.replicaCellTimestamp('A', 'kv', 'y', 'value')).toBe(tx);
    expect(w.replicaCellTimestamp('A', 'kv', 'z', 'value')).toBe(tx + 1); // same millisecond: the counter
  });
});

describe('S2 failure detection by gossip: a node reachable through a third one is not convicted', () => {
  it('A and B cut from each other but both connected to C: after 30 s nobody is convicted (heartbeats travel through C)', async () => {
    const w = createWorld({ seed: 21 });
    w.fault({ kind: 'partition', groups: [['A'], ['B']] });
    w.advance(30_000);
    for (const [o, t] of [['A', 'B'], ['B', 'A'], ['A', 'C'], ['C', 'B']]) expect(w.isDown(o, t), `${o} sees ${t}`).toBe(false);
  });

  it('a one-way cut breaks gossip round trips both ways: A and the nodes it cannot reach convict each other', async () => {
    const w = createWorld({ seed: 22 });
    w.fault({ kind: 'one-way', from: ['A'], to: ['B', 'C'] });
    w.advance(30_000);
    expect([w.isDown('A', 'B'), w.isDown('B', 'A'), w.isDown('C', 'A'), w.isDown('B', 'C')]).toEqual([true, true, true, false]);
  });

  it('an isolated zone is still convicted after failureDetectorMs', async () => {
    const w = createWorld({ seed: 23 });
    w.fault({ kind: 'isolate', zone: 'A' });
    w.advance(17_000);
    expect(w.isDown('B', 'A')).toBe(false);
    w.advance(2_000);
    expect([w.isDown('B', 'A'), w.isDown('A', 'B'), w.isDown('B', 'C')]).toEqual([true, true, false]);
  });
});

describe('S10 TCP protocols neither lose nor duplicate requests: loss delays a message (retransmission), duplicates are internode only', () => {
  it('under duplicate probability 1, a pg UPDATE is applied once; under loss 0.5 every pg query still answers', async () => {
    const w = createWorld({ seed: 24 });
    w.pgInsert('orders', { id: 'o-1', status: 'new', version: 1 });
    const pool = w.pgPool({ id: 'api' });
    w.fault({ kind: 'duplicate', probability: 1 });
    await w.run(() => pool.query('UPDATE orders SET version = version + 1 WHERE id = $1', ['o-1']));
    expect(w.pgRows('orders')[0].version).toBe(2);
    w.fault({ kind: 'duplicate', probability: 0 });
    w.fault({ kind: 'loss', probability: 0.5 });
    const counts = await w.run(async () => {
      const out: number[] = [];
      for (let i = 0; i < 20; i++) out.push((await pool.query('SELECT 1')).rowCount ?? -1);
      return out;
    });
    expect(counts).toEqual(Array(20).fill(1));
  });

  it('under loss, CQL requests arrive late instead of timing out on the client after 12 s', async () => {
    const w = createWorld({ seed: 25 });
    w.cassandraPut('orders', { id: 'o-1', status: 'paid' }, { timestampUs: 1 });
    const c = w.cassandraClient({ zone: 'A', contactPoints: ['A'], failover: false });
    w.fault({ kind: 'loss', probability: 0.3 });
    const res = await w.run(async () => {
      const out: string[] = [];
      for (let i = 0; i < 30; i++) out.push(await c.execute(SEL, ['o-1'], { consistency: CL.quorum }).then((rs) => String(rs.first()?.status), (e: Error) => e.name));
      return out;
    });
    expect(res).toEqual(Array(30).fill('paid'));
    expect(w.journal.filter((j) => j.kind === 'drop')).toEqual([]);
  });
});

describe('S18 kafkajs 2.2 errors: the wrapped error is `cause`; an unanswered request times out after requestTimeout and is retried', () => {
  it('a producer cut off from the broker gets KafkaJSRequestTimeoutError per attempt, then KafkaJSNumberOfRetriesExceeded with it as cause (no deadlock)', async () => {
    const w = createWorld({ seed: 26 });
    const producer = w.kafka({ clientId: 'app' }).producer();
    w.fault({ kind: 'partition', groups: [['app'], ['kafka']] });
    const t0 = w.now;
    const e = (await w.run(() => producer.send({ topic: 't', messages: [{ key: 'k', value: 'v' }] }).catch((x: unknown) => x))) as Error & { cause?: Error; retryCount?: number; originalError?: unknown };
    expect(e).toBeInstanceOf(drivers.kafkajs.KafkaJSNumberOfRetriesExceeded);
    expect(e.cause).toBeInstanceOf(drivers.kafkajs.KafkaJSRequestTimeoutError);
    expect(e.originalError).toBeUndefined();
    expect(e.retryCount).toBe(5);
    // six attempts of 30 s each plus the back-offs 300 + 600 + 1200 + 2400 + 4800 ms
    expect(w.now - t0).toBeGreaterThanOrEqual(6 * 30_000 + 9300);
  });
});

/** Zone A cut off and convicted, `writes` QUORUM writes through B (hinted for A), then the cut heals. */
async function hintsForA(o: { throttleKiB: number }, writes: number) {
  const w = createWorld({ seed: 13, failureDetectorMs: 1500, hints: { throttleKiB: o.throttleKiB } });
  const c = w.cassandraClient({ zone: 'B', contactPoints: ['B'], failover: false, id: 'app-B' });
  w.fault({ kind: 'isolate', zone: 'A' });
  const stored = await w.run(async () => {
    await w.waitFor(() => w.isDown('B', 'A'), { timeoutMs: 120_000, what: 'B convicts A' });
    for (let i = 0; i < writes; i++) await c.execute('INSERT INTO orders (id, status, version) VALUES (?, ?, ?)', ['o' + i, 'new', 1], { consistency: CL.quorum });
    return w.pendingHints('B', 'A');
  });
  w.fault({ kind: 'heal' });
  return { w, stored };
}

describe('S13 hinted_handoff_throttle_in_kb = 0 means unthrottled (not "never replay")', () => {
  it('with throttle 0 every hint for A is replayed once A is back, sooner than with a small throttle', async () => {
    const drained = async (throttleKiB: number) => {
      const { w, stored } = await hintsForA({ throttleKiB }, 40);
      expect(stored).toBe(40);
      const t0 = w.now;
      await w.run(() => w.waitFor(() => w.pendingHints('B', 'A') === 0, { timeoutMs: 600_000, what: 'B replays its hints for A' }));
      return w.now - t0;
    };
    const unthrottled = await drained(0);
    const throttled = await drained(1);
    expect(unthrottled).toBeLessThan(throttled);
  });
});

describe('S14 metrics carry Cassandra meanings: no replay counter under Storage.TotalHintsInProgress, no invented Storage.PendingHints', () => {
  it('while hints for A are stored and replayed, no node reports those two names; Storage.TotalHints counts the hints written', async () => {
    const { w } = await hintsForA({ throttleKiB: 1024 }, 5);
    await w.run(() => w.waitFor(() => w.pendingHints('B', 'A') === 0, { timeoutMs: 600_000, what: 'B replays its hints for A' }));
    const names = ['A', 'B', 'C'].flatMap((n) => Object.keys(w.metrics(n)));
    expect(names).not.toContain('Storage.TotalHintsInProgress');
    expect(names).not.toContain('Storage.PendingHints');
    expect(w.metrics('B')['Storage.TotalHints']).toBe(5);
  });
});
