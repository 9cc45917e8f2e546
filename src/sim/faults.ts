/** Faults as data: validation and seed-sampled schedules. */
import { Rng } from './rng';

export type Fault =
  | { at?: number; kind: 'isolate'; zone: string }
  | { at?: number; kind: 'partition'; groups: string[][] }
  | { at?: number; kind: 'one-way'; from: string[]; to: string[] }
  | { at?: number; kind: 'heal' }
  | { at?: number; kind: 'crash'; node: string }
  | { at?: number; kind: 'restart'; node: string }
  | { at?: number; kind: 'pause'; node: string; forMs?: number }
  | { at?: number; kind: 'resume'; node: string }
  | { at?: number; kind: 'slow'; node: string; extraMs: number }
  | { at?: number; kind: 'loss'; probability: number }
  | { at?: number; kind: 'duplicate'; probability: number }
  | { at?: number; kind: 'latency'; link: [string, string]; dist: string }
  | { at?: number; kind: 'clock-skew'; target: string; offsetMs: number; driftPpm?: number }
  | { at?: number; kind: 'pg'; state: 'down' | 'up' | 'slow'; extraMs?: number }
  | { at?: number; kind: 'kafka'; state: 'down' | 'up' }
  | { at?: number; kind: 'stream-stall'; shard: number; forMs: number };

export const FAULT_KINDS = ['isolate', 'partition', 'one-way', 'heal', 'crash', 'restart', 'pause', 'resume', 'slow', 'loss', 'duplicate', 'latency', 'clock-skew', 'pg', 'kafka', 'stream-stall'] as const;

function fail(f: unknown, msg: string): never {
  throw new Error(`Bad fault ${JSON.stringify(f)}: ${msg}`);
}

const isStrArr = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');
const num = (x: unknown) => typeof x === 'number' && Number.isFinite(x);

/** Checks shape and names; `known` are node/client/zone/service names that may be referenced. */
export function validateFault(f: Fault, known: { nodes: Set<string>; names: Set<string> }): void {
  if (!f || typeof f !== 'object') fail(f, 'a fault must be an object with a kind');
  if (!(FAULT_KINDS as readonly string[]).includes(f.kind)) fail(f, `unknown kind; expected one of ${FAULT_KINDS.join(', ')}`);
  if (f.at !== undefined && (!num(f.at) || f.at < 0)) fail(f, "'at' must be a non-negative number of virtual ms");
  const node = (n: unknown) => {
    if (typeof n !== 'string' || !known.nodes.has(n)) fail(f, `'node' must be one of ${[...known.nodes].join(', ')}`);
  };
  const names = (xs: unknown, what: string) => {
    if (!isStrArr(xs) || xs.length === 0) fail(f, `'${what}' must be a non-empty array of names`);
    for (const x of xs) if (!known.names.has(x)) fail(f, `unknown name '${x}' in '${what}' (known: ${[...known.names].join(', ')})`);
  };
  const p = (x: unknown) => {
    if (!num(x) || (x as number) < 0 || (x as number) > 1) fail(f, "'probability' must be between 0 and 1");
  };
  switch (f.kind) {
    case 'isolate': if (typeof f.zone !== 'string' || !known.names.has(f.zone)) fail(f, `'zone' must be a zone or name (known: ${[...known.names].join(', ')})`); break;
    case 'partition':
      if (!Array.isArray(f.groups) || f.groups.length < 2) fail(f, "'groups' must list at least two groups, e.g. [['A'], ['B', 'C']]");
      f.groups.forEach((g) => names(g, 'groups'));
      break;
    case 'one-way': names(f.from, 'from'); names(f.to, 'to'); break;
    case 'crash': case 'restart': case 'resume': node(f.node); break;
    case 'pause': node(f.node); if (f.forMs !== undefined && (!num(f.forMs) || f.forMs < 0)) fail(f, "'forMs' must be ≥ 0"); break;
    case 'slow': node(f.node); if (!num(f.extraMs) || f.extraMs < 0) fail(f, "'extraMs' must be ≥ 0"); break;
    case 'loss': case 'duplicate': p(f.probability); break;
    case 'latency': names(f.link, 'link'); if (f.link.length !== 2) fail(f, "'link' must be two names"); if (typeof f.dist !== 'string') fail(f, "'dist' must be like 'exp:5'"); break;
    case 'clock-skew':
      if (typeof f.target !== 'string' || !known.names.has(f.target)) fail(f, `'target' must be a node or client id`);
      if (!num(f.offsetMs)) fail(f, "'offsetMs' must be a number");
      if (f.driftPpm !== undefined && !num(f.driftPpm)) fail(f, "'driftPpm' must be a number");
      break;
    case 'pg': if (!['down', 'up', 'slow'].includes(f.state)) fail(f, "'state' must be down, up or slow"); break;
    case 'kafka': if (!['down', 'up'].includes(f.state)) fail(f, "'state' must be down or up"); break;
    case 'stream-stall': if (!num(f.shard) || !num(f.forMs)) fail(f, "'shard' and 'forMs' must be numbers"); break;
  }
}

export interface SampleOptions {
  /** number of fault episodes */
  count?: number;
  /** episodes start in [fromMs, untilMs) */
  fromMs?: number;
  untilMs?: number;
  kinds?: Array<'isolate' | 'partition' | 'one-way' | 'crash' | 'pause' | 'slow' | 'clock-skew' | 'loss'>;
  /** episode length range, ms */
  minMs?: number;
  maxMs?: number;
  /** for clock-skew: max |offset| ms */
  maxSkewMs?: number;
  /** client ids that clock-skew may target (default: nodes) */
  skewTargets?: string[];
}

/** A schedule drawn from the seed: each episode is a fault and its end (heal/restart/resume). */
export function sampleSchedule(rng: Rng, nodes: string[], zones: string[], o: SampleOptions = {}): Fault[] {
  const count = o.count ?? 4;
  const from = o.fromMs ?? 0;
  const until = o.untilMs ?? 20_000;
  const kinds = o.kinds ?? ['isolate', 'partition', 'crash'];
  const minMs = o.minMs ?? 200;
  const maxMs = o.maxMs ?? 5000;
  const out: Fault[] = [];
  for (let i = 0; i < count; i++) {
    const at = from + rng.int(Math.max(1, until - from));
    const len = minMs + rng.int(Math.max(1, maxMs - minMs));
    const kind = rng.pick(kinds);
    switch (kind) {
      case 'isolate': out.push({ at, kind, zone: rng.pick(zones) }, { at: at + len, kind: 'heal' }); break;
      case 'partition': {
        const shuffled = rng.shuffle(nodes.slice());
        const cut = 1 + rng.int(shuffled.length - 1);
        out.push({ at, kind, groups: [shuffled.slice(0, cut), shuffled.slice(cut)] }, { at: at + len, kind: 'heal' });
        break;
      }
      case 'one-way': {
        const a = rng.pick(nodes);
        const rest = nodes.filter((n) => n !== a);
        out.push({ at, kind, from: [a], to: rest }, { at: at + len, kind: 'heal' });
        break;
      }
      case 'crash': { const n = rng.pick(nodes); out.push({ at, kind, node: n }, { at: at + len, kind: 'restart', node: n }); break; }
      case 'pause': out.push({ at, kind, node: rng.pick(nodes), forMs: len }); break;
      case 'slow': { const n = rng.pick(nodes); out.push({ at, kind, node: n, extraMs: 1 + rng.int(400) }, { at: at + len, kind: 'slow', node: n, extraMs: 0 }); break; }
      case 'loss': out.push({ at, kind, probability: (1 + rng.int(30)) / 100 }, { at: at + len, kind: 'loss', probability: 0 }); break;
      case 'clock-skew': {
        const targets = o.skewTargets ?? nodes;
        const max = o.maxSkewMs ?? 2000;
        out.push({ at, kind, target: rng.pick(targets), offsetMs: rng.int(2 * max + 1) - max });
        break;
      }
    }
  }
  out.sort((a, b) => (a.at ?? 0) - (b.at ?? 0));
  return out;
}
