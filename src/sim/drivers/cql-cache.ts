/**
 * The simulated Cassandra's parsed statements, by text, shared by every client (module state, out of
 * learner code's reach — this module is not one learner code can import).
 *
 * A statement the server refuses is cached as data, never as an error object: the driver throws an
 * error made for each call, so no object learner code is given outlives its call (one error object
 * cached and thrown again would reach every later test: a channel between tests). A parse that failed
 * any other way (the stack ran out, a string grew too long) is not cached.
 */
import { type ParsedCql, Unsupported, parseCql } from '../cql';
import { SyntaxErr } from '../lex';

/** Why the server refuses a statement: outside the simulator's subset, or not CQL. */
export type Refusal = { kind: 'unsupported' | 'syntax'; message: string };

const cache = new Map<string, ParsedCql | Refusal>();
const MAX_ENTRIES = 5000;

export const isRefusal = (p: ParsedCql | Refusal): p is Refusal => !('stmt' in p);

/** `query` parsed (once per text), or the server's refusal of it. `parse`: the parser (tests pass their own). */
export function parseCached(query: string, parse: (q: string) => ParsedCql = parseCql): ParsedCql | Refusal {
  let p = cache.get(query);
  if (p) return p;
  try {
    p = parse(query);
  } catch (e) {
    if (e instanceof Unsupported) p = { kind: 'unsupported', message: e.message };
    else if (e instanceof SyntaxErr) p = { kind: 'syntax', message: e.message };
    else throw e;
  }
  if (cache.size > MAX_ENTRIES) cache.clear();
  cache.set(query, p);
  return p;
}
