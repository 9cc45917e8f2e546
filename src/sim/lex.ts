/** A small tokenizer shared by the CQL and SQL subsets. */

export type Tok =
  | { k: 'id'; v: string; up: string; pos: number; quoted: boolean }
  | { k: 'str'; v: string; pos: number }
  | { k: 'num'; v: number; raw: string; pos: number }
  | { k: 'bind'; v: number; pos: number } // '?' (v = -1) or '$n' (v = n)
  | { k: 'named'; v: string; pos: number } // ':name'
  | { k: 'p'; v: string; pos: number } // punctuation / operator
  | { k: 'eof'; pos: number };

export class SyntaxErr extends Error {}

export function lex(text: string, dialect: 'cql' | 'sql'): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\n' || c === '\t' || c === '\r') { i++; continue; }
    if (c === '-' && text[i + 1] === '-') { while (i < n && text[i] !== '\n') i++; continue; }
    if (c === '/' && text[i + 1] === '*') {
      const e = text.indexOf('*/', i + 2);
      if (e < 0) throw new SyntaxErr(`unterminated comment at character ${i + 1}`);
      i = e + 2;
      continue;
    }
    const pos = i;
    if (c === "'") {
      let v = '';
      i++;
      for (;;) {
        if (i >= n) throw new SyntaxErr(`unterminated string literal starting at character ${pos + 1}`);
        if (text[i] === "'") {
          if (text[i + 1] === "'") { v += "'"; i += 2; continue; }
          i++;
          break;
        }
        v += text[i++];
      }
      out.push({ k: 'str', v, pos });
      continue;
    }
    if (c === '"') {
      const e = text.indexOf('"', i + 1);
      if (e < 0) throw new SyntaxErr(`unterminated quoted identifier at character ${pos + 1}`);
      const v = text.slice(i + 1, e);
      out.push({ k: 'id', v, up: v.toUpperCase(), pos, quoted: true });
      i = e + 1;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let e = i + 1;
      while (e < n && /[A-Za-z0-9_]/.test(text[e])) e++;
      const v = text.slice(i, e);
      out.push({ k: 'id', v: v.toLowerCase(), up: v.toUpperCase(), pos, quoted: false });
      i = e;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(text[i + 1] ?? '') && !prevIsValue(out))) {
      let e = i + 1;
      while (e < n && /[0-9.eE]/.test(text[e])) {
        if ((text[e] === 'e' || text[e] === 'E') && (text[e + 1] === '-' || text[e + 1] === '+')) e++;
        e++;
      }
      const raw = text.slice(i, e);
      const v = Number(raw);
      if (!Number.isFinite(v)) throw new SyntaxErr(`bad number '${raw}' at character ${pos + 1}`);
      out.push({ k: 'num', v, raw, pos });
      i = e;
      continue;
    }
    if (c === '?' && dialect === 'cql') { out.push({ k: 'bind', v: -1, pos }); i++; continue; }
    if (c === '$' && dialect === 'sql' && /[0-9]/.test(text[i + 1] ?? '')) {
      let e = i + 1;
      while (e < n && /[0-9]/.test(text[e])) e++;
      out.push({ k: 'bind', v: Number(text.slice(i + 1, e)), pos });
      i = e;
      continue;
    }
    if (c === ':' && dialect === 'cql' && /[A-Za-z_]/.test(text[i + 1] ?? '')) {
      let e = i + 1;
      while (e < n && /[A-Za-z0-9_]/.test(text[e])) e++;
      out.push({ k: 'named', v: text.slice(i + 1, e), pos });
      i = e;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '<=' || two === '>=' || two === '!=' || two === '<>' || two === '::' || two === '||') {
      out.push({ k: 'p', v: two, pos });
      i += 2;
      continue;
    }
    if ('(),=*;.<>+-[]{}:'.includes(c)) { out.push({ k: 'p', v: c, pos }); i++; continue; }
    throw new SyntaxErr(`unexpected character '${c}' at character ${pos + 1}`);
  }
  out.push({ k: 'eof', pos: n });
  return out;
}

function prevIsValue(out: Tok[]): boolean {
  const t = out[out.length - 1];
  if (!t) return false;
  return t.k === 'num' || t.k === 'str' || t.k === 'bind' || (t.k === 'id' && !KEYWORDS.has(t.up)) || (t.k === 'p' && t.v === ')');
}

const KEYWORDS = new Set(['SELECT', 'FROM', 'WHERE', 'AND', 'SET', 'VALUES', 'LIMIT', 'TIMESTAMP', 'USING', 'IN', 'RETURNING', 'BY', 'OFFSET']);

/** Cursor over tokens with helpers that produce Cassandra/PostgreSQL-like messages. */
export class Cursor {
  i = 0;
  constructor(readonly toks: Tok[], readonly text: string) {}
  peek(o = 0): Tok {
    return this.toks[Math.min(this.i + o, this.toks.length - 1)];
  }
  next(): Tok {
    const t = this.peek();
    if (t.k !== 'eof') this.i++;
    return t;
  }
  isKw(up: string, o = 0): boolean {
    const t = this.peek(o);
    return t.k === 'id' && !t.quoted && t.up === up;
  }
  acceptKw(up: string): boolean {
    if (this.isKw(up)) { this.i++; return true; }
    return false;
  }
  isP(v: string, o = 0): boolean {
    const t = this.peek(o);
    return t.k === 'p' && t.v === v;
  }
  acceptP(v: string): boolean {
    if (this.isP(v)) { this.i++; return true; }
    return false;
  }
  show(t: Tok): string {
    if (t.k === 'eof') return '<EOF>';
    return this.text.slice(t.pos, this.toks[this.toks.indexOf(t) + 1]?.pos ?? t.pos + 1).trim() || String((t as { v: unknown }).v);
  }
  fail(expected: string): never {
    const t = this.peek();
    throw new SyntaxErr(`line 1:${t.pos} mismatched input '${this.show(t)}' expecting ${expected}`);
  }
  expectKw(up: string): void {
    if (!this.acceptKw(up)) this.fail(up);
  }
  expectP(v: string): void {
    if (!this.acceptP(v)) this.fail(`'${v}'`);
  }
  ident(what = 'an identifier'): string {
    const t = this.peek();
    if (t.k !== 'id') this.fail(what);
    this.i++;
    return (t as { v: string }).v;
  }
}
