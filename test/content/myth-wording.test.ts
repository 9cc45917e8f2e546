/**
 * The course may quote a false claim only inside <Myth>, where it is framed as wrong. This reads the
 * sources (lessons, quiz, exercise texts and comments, figure text) without a site build, so it runs in
 * the unit tier. The patterns are the false wordings the accuracy review found (F1: a later QUORUM read
 * may miss what an earlier one saw; F2: every skipped hint is counted and logged) and the seed's own
 * errors that the built-site test also guards.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');

/** False statements, by finding. Matched against text with Markdown emphasis removed and whitespace collapsed. */
export const FALSE_WORDINGS: Record<string, RegExp[]> = {
  'F1 (QUORUM reads are monotonic with blocking read repair)': [
    /\blater (?:QUORUM )?(?:read|one)s? (?:may|might|can|could) not\b/i,
    /\blater (?:QUORUM )?(?:read|one)s? (?:may|might|can|could) (?:miss|return (?:an )?older|go back)/i,
    /\bQUORUM reads? (?:may|might|can|could) go back/i,
  ],
  'F2 (only hints skipped past the window are counted and logged)': [
    /\beach case is counted\b/i,
    /\bunstored hints are counted\b/i,
    /\bhints (?:that are )?not stored are counted\b/i,
    /\bnone of this is silent\b/i,
    /\b(?:per-host (?:limit|cap)|handoff is disabled)[^.;]*\b(?:is|are) counted\b/i,
  ],
  'seed errors': [/nodetool\s+statshints/i, /500\s?MB\s+default/i, /driver\s+picks\s+(the\s+)?first\s+response/i],
};

interface Source {
  file: string;
  outside: string;
  inside: string;
}

function plain(s: string): string {
  return s.replace(/[`*]/g, '').replace(/\s+/g, ' ');
}

/** MDX split into the text inside <Myth>…</Myth> and everything else. */
export function splitMdx(mdx: string): { outside: string; inside: string } {
  let inside = '';
  const outside = mdx.replace(/<Myth\b[^>]*>([\s\S]*?)<\/Myth>/g, (_m, body: string) => {
    inside += ' ' + body;
    return ' ';
  });
  return { outside: plain(outside), inside: plain(inside) };
}

function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === 'object') return Object.values(v).flatMap(strings);
  return [];
}

function files(dir: string, ext: string): string[] {
  return readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith(ext)).map((f) => path.join(dir, f));
}

function sources(): Source[] {
  const out: Source[] = [];
  const read = (f: string) => readFileSync(path.join(ROOT, f), 'utf8');
  for (const f of files('content/lessons', '.mdx')) out.push({ file: f, ...splitMdx(read(f)) });
  for (const f of files('content/quiz', '.json')) out.push({ file: f, outside: plain(strings(JSON.parse(read(f))).join(' ¶ ')), inside: '' });
  for (const id of readdirSync(path.join(ROOT, 'exercises'))) {
    for (const name of ['meta.json', 'starter.ts', 'solution.ts']) {
      const f = path.join('exercises', id, name);
      let text: string;
      try { text = read(f); } catch { continue; }
      out.push({ file: f, outside: plain(name.endsWith('.json') ? strings(JSON.parse(text)).join(' ¶ ') : text), inside: '' });
    }
  }
  // figures: the visible and spoken text (desc, figcaption, SVG labels), tags removed
  for (const f of files('src/components/figures', '.astro')) out.push({ file: f, outside: plain(read(f).replace(/<[^>]+>/g, ' ')), inside: '' });
  return out;
}

function leaks(srcs: Source[]): string[] {
  const found: string[] = [];
  for (const s of srcs) {
    for (const [finding, res] of Object.entries(FALSE_WORDINGS)) {
      for (const re of res) {
        const m = re.exec(s.outside);
        if (m) found.push(`${s.file}: ${finding}: "${m[0]}" outside <Myth> (…${s.outside.slice(Math.max(0, m.index - 60), m.index + m[0].length + 60)}…)`);
      }
    }
  }
  return found;
}

describe('false wordings appear only inside <Myth>', () => {
  it('no lesson, quiz question, exercise text or figure states F1, F2 or a seed error as fact', () => {
    const srcs = sources();
    expect(srcs.filter((s) => s.file.endsWith('.mdx')).length).toBeGreaterThanOrEqual(10);
    expect(srcs.some((s) => s.file.endsWith('quick-check.json'))).toBe(true);
    expect(srcs.some((s) => s.file.endsWith('PartitionFigure.astro'))).toBe(true);
    expect(leaks(srcs)).toEqual([]);
    // the course does quote the seed's errors, inside <Myth>: the split is not vacuous
    const quoted = srcs.filter((s) => FALSE_WORDINGS['seed errors'].some((re) => re.test(s.inside)));
    expect(quoted.length).toBeGreaterThanOrEqual(2);
  });

  it('the patterns catch the wordings the review found, and a <Myth> quote of them passes', () => {
    const old = [
      'While a write is in flight, one QUORUM read may see it and a later one may not\n  (yet).',
      'Hints are not written for a node down longer than the window, when a per-host limit is\nreached, or when handoff is disabled, and each case is counted (`Hints_not_stored-<peer>`) and logged.',
      'there is no small default cap, unstored hints are counted and logged, and a QUORUM-acknowledged write',
      'Hints that are not stored are counted (Hints_not_stored) and logged',
      '**rejects new writes with\n`OverloadedException`**: the client sees an error. None of this is silent, if you watch for it.',
    ];
    for (const text of old) {
      expect(leaks([{ file: 'x.mdx', ...splitMdx(text) }]), text).not.toEqual([]);
      expect(leaks([{ file: 'x.mdx', ...splitMdx(`<Myth>\n${text}\n</Myth>`) }]), text).toEqual([]);
    }
    // the corrected wordings pass
    const corrected = [
      'once a QUORUM read has returned a value, every QUORUM read that starts later returns it or something newer',
      'no later QUORUM read returns an older one; later QUORUM reads never go back',
      'this case alone is counted, in the metric `HintedHandOffManager.Hints_not_stored-<peer>`, and logged',
      'the per-host limit `max_hints_size_per_host` (4.1+) is set and reached: the write still succeeds, and no metric or log line says a hint was skipped',
    ];
    for (const text of corrected) expect(leaks([{ file: 'x.mdx', ...splitMdx(text) }]), text).toEqual([]);
  });
});
