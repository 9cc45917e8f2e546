/**
 * The partition lab's engine (no DOM): one simulated cluster (RF=3, nodes A, B, C in zones A, B, C)
 * and one API client per zone bound to the coordinator in its own zone, like the incident's API.
 * The learner isolates a zone, lets time pass, and issues reads/writes at ONE, QUORUM or ALL; each
 * operation returns its outcome and the trace of just that operation, ready to draw.
 */
import { createWorld, drivers } from '../sim/index';
import type { DiagramTrace } from './model';
import { defaultOpValue, fromSimTrace, type SimOpLike, type SimTraceLike } from './adapt';

export type Zone = 'A' | 'B' | 'C';
export type OpKind = 'read' | 'write';
export type Level = 'ONE' | 'QUORUM' | 'ALL';
export const ZONES: Zone[] = ['A', 'B', 'C'];
export const LEVELS: Level[] = ['ONE', 'QUORUM', 'ALL'];

export interface LabResult {
  n: number;
  zone: Zone;
  op: OpKind;
  level: Level;
  /** ok | Unavailable | ReadTimeout | WriteTimeout (outcome unknown) | client timeout | no host */
  outcome: 'ok' | 'unavailable' | 'read-timeout' | 'write-timeout' | 'client-timeout' | 'no-host' | 'error';
  /** Short words for the table: "ok", "Unavailable", "ReadTimeout after 5 s", … */
  outcomeText: string;
  /** For reads that answered: the value read ("v2"); for writes: the value written. */
  value?: string;
  /** A read that returned an older value than the latest acknowledged write. */
  stale: boolean;
  /** The latest acknowledged value when this operation finished. */
  latestAcked: string;
  startMs: number;
  endMs: number;
  trace: DiagramTrace;
  /** Each replica's value right after the operation. */
  replicas: Record<Zone, string>;
}

const KEY = 'order-1';
const vname = (v: unknown) => (typeof v === 'number' ? `v${v}` : v === undefined || v === null ? 'missing' : String(v));

type World = ReturnType<typeof createWorld>;
type CClient = ReturnType<World['cassandraClient']>;

export class PartitionLab {
  readonly world: World;
  private clients: Record<Zone, CClient>;
  isolated: Zone | null = null;
  private nextVersion = 2;
  private acked = 1;
  private count = 0;
  /** Virtual time when the current partition started (for the "failure detector" hint). */
  isolatedSince: number | null = null;
  readonly results: LabResult[] = [];

  constructor(seed = 7) {
    this.world = createWorld({ seed, nodes: 3, rf: 3, readRepair: 'blocking' });
    this.clients = {
      A: this.world.cassandraClient({ zone: 'A', contactPoints: ['A'], failover: false, id: 'api-a' }),
      B: this.world.cassandraClient({ zone: 'B', contactPoints: ['B'], failover: false, id: 'api-b' }),
      C: this.world.cassandraClient({ zone: 'C', contactPoints: ['C'], failover: false, id: 'api-c' }),
    };
    this.world.cassandraPut('kv', { key: KEY, value: 1 }, { nodes: ['A', 'B', 'C'] });
  }

  get now(): number {
    return this.world.now;
  }

  replicaValues(): Record<Zone, string> {
    const out = {} as Record<Zone, string>;
    for (const z of ZONES) out[z] = vname((this.world.replicaRow(z, 'kv', KEY) as { value?: unknown } | undefined)?.value);
    return out;
  }

  get latestAcked(): string {
    return vname(this.acked);
  }

  /** Isolate one zone (nodes and clients in it), or heal everything with null. */
  setIsolation(zone: Zone | null): void {
    if (zone === this.isolated) return;
    if (this.isolated) this.world.fault({ kind: 'heal' });
    if (zone) this.world.fault({ kind: 'isolate', zone });
    this.isolated = zone;
    this.isolatedSince = zone ? this.world.now : null;
  }

  /** Let virtual time pass (failure detector convicts silent peers after ~18 s; hints replay after heal). */
  async wait(ms: number): Promise<void> {
    await this.world.run(() => this.world.sleep(ms));
  }

  async run(zone: Zone, op: OpKind, level: Level): Promise<LabResult> {
    const client = this.clients[zone];
    const consistency = drivers['cassandra-driver'].types.consistencies[level === 'ONE' ? 'one' : level === 'QUORUM' ? 'quorum' : 'all'];
    const start = this.world.now;
    const hStart = this.world.history.length;
    const jStart = this.world.journal.length;
    const version = op === 'write' ? this.nextVersion++ : undefined;
    let outcome: LabResult['outcome'] = 'ok';
    let outcomeText = 'ok';
    let value: string | undefined;
    try {
      if (op === 'write') {
        await this.world.run(() =>
          client.execute('INSERT INTO kv (key, value) VALUES (?, ?)', [KEY, version], { prepare: true, consistency }),
        );
        this.acked = Math.max(this.acked, version!);
        value = vname(version);
      } else {
        const rs = await this.world.run(() => client.execute('SELECT value FROM kv WHERE key = ?', [KEY], { prepare: true, consistency }));
        value = vname(rs.first()?.value);
      }
    } catch (err) {
      ({ outcome, outcomeText } = classify(err));
      if (op === 'write') value = vname(version);
    }
    const end = this.world.now;
    const readVersion = value && op === 'read' && outcome === 'ok' ? Number(value.slice(1)) : NaN;
    const stale = op === 'read' && outcome === 'ok' && readVersion < this.acked;
    const replicas = this.replicaValues();
    const full = this.world.trace() as unknown as SimTraceLike;
    const history = (this.world.history as unknown as SimTraceLike['history'])!.slice(hStart);
    const journal = (this.world.journal as unknown as SimTraceLike['journal'])!.slice(jStart);
    const n = ++this.count;
    // Mark the completion of a stale read (checker-style), so the diagram highlights it.
    const staleOps = stale ? history.map((h, i) => (h.type === 'ok' ? i : -1)).filter((i) => i >= 0) : [];
    const trace = fromSimTrace(
      { ...full, history: history.map((h) => ({ ...h, consistency: level })), journal },
      {
        title: `Run ${n}: ${op} at ${level} from the client in zone ${zone}${this.isolated ? ` (zone ${this.isolated} isolated)` : ''}`,
        final: { A: replicas.A, B: replicas.B, C: replicas.C },
        expected: vname(this.acked),
        staleOps,
        labels: { 'api-a': 'client A', 'api-b': 'client B', 'api-c': 'client C' },
        opValue: labValue,
      },
    );
    trace.origin = start;
    // Only this run's window: spans clipped to it.
    trace.spans = (trace.spans ?? [])
      .filter((s) => (s.end ?? Infinity) >= start)
      .map((s) => ({ ...s, start: Math.max(s.start, start) }));
    const res: LabResult = { n, zone, op, level, outcome, outcomeText, value, stale, latestAcked: vname(this.acked), startMs: start, endMs: end, trace, replicas };
    this.results.push(res);
    return res;
  }
}

/** The lab's values are versions: show 2 as "v2". */
function labValue(op: SimOpLike): unknown {
  const v = defaultOpValue(op);
  return typeof v === 'number' ? `v${v}` : v;
}

// Class checks, not `err.name`: minified builds rename classes, so the simulator's `name` (taken from
// the class) is not reliable in the browser.
const E = drivers['cassandra-driver'].errors;

export function classify(err: unknown): { outcome: LabResult['outcome']; outcomeText: string } {
  if (err instanceof E.ResponseError || (err && typeof (err as { code?: unknown }).code === 'number')) {
    const code = (err as { code: number }).code;
    if (code === 0x1000) return { outcome: 'unavailable', outcomeText: 'Unavailable' };
    if (code === 0x1200) return { outcome: 'read-timeout', outcomeText: 'ReadTimeout' };
    if (code === 0x1100) return { outcome: 'write-timeout', outcomeText: 'WriteTimeout (outcome unknown)' };
  }
  if (err instanceof E.OperationTimedOutError) return { outcome: 'client-timeout', outcomeText: 'client timeout' };
  if (err instanceof E.NoHostAvailableError) {
    for (const inner of Object.values(err.innerErrors ?? {})) {
      const c = classify(inner);
      if (c.outcome !== 'error') return c;
    }
    return { outcome: 'no-host', outcomeText: 'no host available' };
  }
  const e = err as { message?: string } | undefined;
  return { outcome: 'error', outcomeText: e?.message ? `error: ${e.message}` : 'error' };
}
