/**
 * The quorum explorer's picture: N replicas in a row; which hold the write (worst case: only the W
 * that acknowledged it), which the read asks (the R reachable ones overlapping the write least),
 * and which are cut off. Pure string building, so the page can render it at build time and update
 * it in the browser.
 */
import type { QuorumAnalysis } from './quorum';
import { fractionText } from './quorum';
import { esc } from './text';

export const replicaName = (i: number): string => String.fromCharCode(65 + i);
const zoneOf = (i: number): string => ['A', 'B', 'C'][i % 3];

export function quorumSentence(a: QuorumAnalysis): string {
  if (a.writeUnavailable || a.readUnavailable) {
    const parts = [];
    if (a.writeUnavailable) parts.push(`a write needs W = ${a.w} acknowledgements`);
    if (a.readUnavailable) parts.push(`a read needs R = ${a.r} answers`);
    return `Only ${a.reachable} of ${a.n} replicas are reachable, but ${parts.join(' and ')}, so the coordinator fails the request: a timeout until its failure detector has marked the cut-off replicas down, Unavailable after. Never a stale answer.`;
  }
  const m = a.reachable;
  const miss = a.miss!;
  const cutNote = a.cut.length ? ` (${a.cut.map(replicaName).join(', ')} cut off, so ${m} reachable)` : '';
  if (a.overlapGuaranteed) {
    return `R + W = ${a.r + a.w} > ${m}${cutNote}: every read set shares at least ${a.minOverlap} replica${a.minOverlap === 1 ? '' : 's'} with the write set, so a read cannot miss an acknowledged write. P(miss) = ${a.formula}.`;
  }
  return `R + W = ${a.r + a.w} ≤ ${m}${cutNote}: a read can miss the write entirely. Worst case (the write reached only the ${a.w} replica${a.w === 1 ? '' : 's'} that acknowledged it, the read asks ${a.r} at random): P(miss) = ${a.formula}${miss.num ? ` ≈ ${(100 * miss.num / miss.den).toFixed(1)}%` : ''}.`;
}

export function renderQuorumSets(a: QuorumAnalysis, idPrefix = 'qe'): string {
  const gap = 76;
  const w = Math.max(440, a.n * gap + 40);
  const h = 150;
  const cells: string[] = [];
  for (let i = 0; i < a.n; i++) {
    const cx = 20 + gap / 2 + i * gap;
    const cut = a.cut.includes(i);
    const inW = a.writeSet.includes(i);
    const inR = a.readSet.includes(i);
    const role = cut ? 'cut off' : [inW ? 'holds the write' : 'does not have the write', inR ? 'asked by the read' : ''].filter(Boolean).join(', ');
    cells.push(
      `<g class="qe-rep${cut ? ' qe-cut' : ''}${inW ? ' qe-w' : ''}${inR ? ' qe-r' : ''}"><title>${esc(`Replica ${replicaName(i)} (zone ${zoneOf(i)}): ${role}`)}</title>` +
        (inR ? `<rect class="qe-rbox" x="${cx - 31}" y="26" width="62" height="72" rx="12"/>` : '') +
        `<circle cx="${cx}" cy="62" r="24"/>` +
        `<text class="qe-name" x="${cx}" y="68" text-anchor="middle">${replicaName(i)}</text>` +
        (inW ? `<text class="qe-tag" x="${cx}" y="116" text-anchor="middle">write</text>` : '') +
        (cut ? `<path class="qe-x" d="M${cx - 16} 46 l32 32 M${cx + 16} 46 l-32 32"/>` : '') +
        `</g>`,
    );
  }
  const label = a.writeUnavailable || a.readUnavailable ? 'Unavailable' : `P(miss) = ${fractionText(a.miss!)}`;
  return (
    `<svg class="qe-svg" xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-labelledby="${idPrefix}-t"><title id="${idPrefix}-t">${esc(
      `Replicas: ${a.writeSet.map(replicaName).join(', ') || 'none'} hold the write; the read asks ${a.readSet.map(replicaName).join(', ') || 'none'}${a.cut.length ? `; ${a.cut.map(replicaName).join(', ')} cut off` : ''}. ${label}.`,
    )}</title>` +
    `<text class="qe-legend" x="20" y="16">filled = holds the write · dashed box = asked by the read · × = cut off</text>` +
    cells.join('') +
    `<text class="qe-verdict${a.overlapGuaranteed ? ' qe-good' : a.writeUnavailable || a.readUnavailable ? ' qe-unavail' : ' qe-bad'}" x="20" y="142">${esc(
      a.writeUnavailable || a.readUnavailable ? 'Unavailable: not enough replicas reachable' : a.overlapGuaranteed ? `Overlap guaranteed (≥ ${a.minOverlap})` : 'No guaranteed overlap: ' + label,
    )}</text></svg>`
  );
}
