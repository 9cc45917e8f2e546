/**
 * PostgreSQL's value conversions for the simulated database, as a learner meets them through `pg`:
 *  - `prepareParam`: what node-postgres sends for a bound value (text, or NULL): numbers and
 *    booleans as text, Dates as timestamps, arrays as PostgreSQL array literals, other objects as
 *    JSON (pg's `prepareValue`);
 *  - `parseInput`: the server's input function for a column type (`int4in`, `int8in`, `float8in`,
 *    `boolin`, `json_in`, …): text → the stored value, or SQLSTATE 22P02 / 22003 with PostgreSQL's
 *    message;
 *  - `toClient`: what `pg` hands the learner for a stored value (int8 and count(*) as strings, as
 *    node-postgres does by default; int4 and float8 as numbers; json parsed).
 */
import type { SqlType } from './schema';

/** The optional fields of a PostgreSQL error that node-postgres copies onto its DatabaseError. */
export interface PgErrorFields {
  detail?: string;
  schema?: string;
  table?: string;
  column?: string;
  constraint?: string;
}

export class PgError extends Error {
  code: string;
  severity = 'ERROR';
  fields: PgErrorFields;
  constructor(code: string, message: string, fields: PgErrorFields = {}) {
    super(message);
    this.name = 'error';
    this.code = code;
    this.fields = fields;
  }
}

/** A value as PostgreSQL writes it inside "Failing row contains (…)": its output text, unquoted. */
function recordItem(type: SqlType, v: unknown): string {
  if (v === null || v === undefined) return 'null';
  return type === 'json' ? JSON.stringify(v) : type === 'double' ? float8Text(v as number) : String(v);
}

/** float8out: the shortest exact digits, in exponent form below 1e-4 and from 1e15 on. */
export function float8Text(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e15)) {
    const [m, e] = v.toExponential().split('e');
    const sign = e[0] === '-' ? '-' : '+';
    return `${m}e${sign}${e.replace(/^[+-]/, '').padStart(2, '0')}`;
  }
  return String(v);
}

/** 23502: a NULL in a NOT NULL column, with PostgreSQL's detail line. */
export function notNullViolation(table: string, column: string, row: Record<string, unknown>, types: Record<string, SqlType>): PgError {
  const items = Object.keys(types).map((c) => recordItem(types[c], row[c]));
  return new PgError('23502', `null value in column "${column}" of relation "${table}" violates not-null constraint`, {
    detail: `Failing row contains (${items.join(', ')}).`,
    schema: 'public',
    table,
    column,
  });
}

/** 23505: a duplicate primary key, with PostgreSQL's detail line. */
export function uniqueViolation(table: string, key: string, type: SqlType, value: unknown): PgError {
  return new PgError('23505', `duplicate key value violates unique constraint "${table}_pkey"`, {
    detail: `Key (${key})=(${type === 'double' ? float8Text(value as number) : String(value)}) already exists.`,
    schema: 'public',
    table,
    constraint: `${table}_pkey`,
  });
}

/** PostgreSQL's name for a course column type, as it appears in messages. */
export const PG_TYPE_NAME: Record<SqlType, string> = {
  text: 'text',
  int: 'integer',
  bigint: 'bigint',
  double: 'double precision',
  boolean: 'boolean',
  timestamp: 'timestamp with time zone',
  json: 'json',
};

const INT4 = { min: -2147483648, max: 2147483647 };

function invalid(type: SqlType, text: string): PgError {
  return new PgError('22P02', `invalid input syntax for type ${PG_TYPE_NAME[type]}: "${text}"`);
}

function parseInteger(type: 'int' | 'bigint', text: string): number {
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) throw invalid(type, text);
  const big = BigInt(t);
  if (type === 'int') {
    if (big < BigInt(INT4.min) || big > BigInt(INT4.max)) throw new PgError('22003', `value "${text}" is out of range for type integer`);
    return Number(big);
  }
  if (big < -(2n ** 63n) || big > 2n ** 63n - 1n) throw new PgError('22003', `value "${text}" is out of range for type bigint`);
  if (big < BigInt(Number.MIN_SAFE_INTEGER) || big > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new PgError('0A000', `bigint values beyond ±2^53 are not supported by the course's database (got ${t})`);
  }
  return Number(big);
}

function parseDouble(text: string): number {
  const t = text.trim();
  const lower = t.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === 'infinity' || lower === '+infinity' || lower === 'inf' || lower === '+inf') return Infinity;
  if (lower === '-infinity' || lower === '-inf') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) throw invalid('double', text);
  const v = Number(t);
  if (!Number.isFinite(v)) throw new PgError('22003', `"${t}" is out of range for type double precision`);
  return v;
}

function parseBoolean(text: string): boolean {
  const t = text.trim().toLowerCase();
  if (t.length > 0) {
    if ('true'.startsWith(t) || 'yes'.startsWith(t) || t === 'on' || t === '1') return true;
    if ('false'.startsWith(t) || 'no'.startsWith(t) || t === 'off' || t === '0') return false;
  }
  throw invalid('boolean', text);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new PgError('22P02', 'invalid input syntax for type json');
  }
}

/** The server's input function: text (a bound value or a quoted literal) → the stored value. */
export function parseInput(type: SqlType, text: string): unknown {
  switch (type) {
    case 'text':
      return text;
    case 'int':
    case 'bigint':
      return parseInteger(type, text);
    case 'double':
      return parseDouble(text);
    case 'boolean':
      return parseBoolean(text);
    case 'json':
      return parseJson(text);
    case 'timestamp':
      throw new PgError('0A000', "timestamp columns are not supported by the course's database; store epoch milliseconds in a bigint");
  }
}

/** An integer literal's value for a numeric column (int4 range checked on assignment). */
export function integerForColumn(type: SqlType, v: number, raw: string): number {
  if (type === 'int' && (v < INT4.min || v > INT4.max)) throw new PgError('22003', 'integer out of range');
  if (!Number.isSafeInteger(v)) throw new PgError('0A000', `integer literals beyond ±2^53 are not supported by the course's database (got ${raw})`);
  return v;
}

/** Arithmetic overflow as PostgreSQL reports it for `col + n`. */
export function checkArithmetic(type: SqlType, v: number): number {
  if (type === 'int' && (v < INT4.min || v > INT4.max)) throw new PgError('22003', 'integer out of range');
  if (type === 'bigint' && !Number.isSafeInteger(v)) throw new PgError('22003', 'bigint out of range');
  if (type === 'double' && !Number.isFinite(v)) throw new PgError('22003', 'value out of range: overflow');
  return v;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** node-postgres's `dateToStringUTC`: the simulator always uses UTC, so Node and browsers agree. */
function dateToString(d: Date): string {
  if (Number.isNaN(d.getTime())) return 'NaN';
  const year = d.getUTCFullYear();
  const y = year < 1 ? pad(1 - year, 4) : pad(year, 4);
  const ms = pad(d.getUTCMilliseconds(), 3);
  return `${y}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${ms}+00:00${year < 1 ? ' BC' : ''}`;
}

function arrayLiteral(values: readonly unknown[]): string {
  const items = values.map((item) => {
    if (item === null || item === undefined) return 'NULL';
    if (Array.isArray(item)) return arrayLiteral(item);
    const s = String(prepareParam(item));
    return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
  });
  return '{' + items.join(',') + '}';
}

/** What node-postgres sends for one bound value: its text form, or null for SQL NULL. */
export function prepareParam(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object') {
    if (v instanceof Date) return dateToString(v);
    if (Array.isArray(v)) return arrayLiteral(v);
    if (ArrayBuffer.isView(v)) throw new PgError('0A000', "binary (Buffer) values are not supported by the course's database");
    const custom = (v as { toPostgres?: unknown }).toPostgres;
    if (typeof custom === 'function') return prepareParam(custom.call(v, prepareParam));
    return JSON.stringify(v);
  }
  return String(v);
}

/** A stored value as `pg` returns it to the learner. */
export function toClient(type: SqlType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'bigint':
      return String(v);
    case 'json':
      return JSON.parse(JSON.stringify(v));
    default:
      return v;
  }
}
