/** Small pure helpers shared by the renderer and the widgets (no DOM). */

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Short, stable rendering of a value for labels: strings as-is, objects as compact JSON, capped. */
export function fmtValue(v: unknown, max = 24): string {
  let s: string;
  if (v === undefined) s = '—';
  else if (v === null) s = 'null';
  else if (typeof v === 'string') s = v;
  else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') s = String(v);
  else {
    try {
      s = JSON.stringify(v) ?? String(v);
    } catch {
      s = String(v);
    }
  }
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

export function fmtTime(t: number, unit: 'ms' | 'us' = 'ms'): string {
  const ms = unit === 'us' ? t / 1000 : t;
  if (ms >= 1000) return `${trim(ms / 1000, 3)} s`;
  if (Number.isInteger(ms)) return `${ms} ms`;
  return `${trim(ms, 2)} ms`;
}

function trim(n: number, digits: number): string {
  return n.toFixed(digits).replace(/\.?0+$/, '');
}

/** FNV-1a 32-bit, hex: a deterministic id/hash for strings (snapshots, element ids). */
export function hash32(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
