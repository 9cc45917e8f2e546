/** Table definitions for the Cassandra-like and PostgreSQL-like stores. */

export type CqlType = 'text' | 'int' | 'bigint' | 'double' | 'boolean' | 'timestamp' | 'uuid';

export interface CqlTable {
  key: string;
  columns: Record<string, CqlType>;
}

export type SqlType = 'text' | 'int' | 'bigint' | 'double' | 'boolean' | 'timestamp' | 'json';

export interface SqlColumn {
  type: SqlType;
  /** 'serial' (1, 2, …), 'now' (virtual epoch ms), 'ord' ('ord-1', 'ord-2', …) or a constant */
  default?: 'serial' | 'now' | 'ord' | string | number | boolean | null;
  notNull?: boolean;
}

export interface SqlTable {
  key: string;
  columns: Record<string, SqlColumn>;
}

export interface Schema {
  keyspace: string;
  cassandra: Record<string, CqlTable>;
  pg: Record<string, SqlTable>;
}

export function defaultSchema(): Schema {
  return {
    keyspace: 'shop',
    cassandra: {
      orders: {
        key: 'id',
        columns: { id: 'text', customer_id: 'text', status: 'text', total: 'double', version: 'bigint', updated_at: 'bigint' },
      },
      kv: { key: 'key', columns: { key: 'text', value: 'int' } },
    },
    pg: {
      orders: {
        key: 'id',
        columns: {
          id: { type: 'text', default: 'ord' },
          customer_id: { type: 'text' },
          status: { type: 'text', default: 'created' },
          total: { type: 'double' },
          version: { type: 'int', default: 1 },
          created_at: { type: 'bigint', default: 'now' },
        },
      },
      outbox: {
        key: 'id',
        columns: {
          id: { type: 'bigint', default: 'serial' },
          topic: { type: 'text' },
          key: { type: 'text' },
          payload: { type: 'json' },
          created_at: { type: 'bigint', default: 'now' },
          published_at: { type: 'bigint' },
        },
      },
    },
  };
}

/** Checks a value against a column type; returns an error message or null. Converts Dates to ms. */
export function checkValue(type: CqlType | SqlType, v: unknown): { ok: true; v: unknown } | { ok: false; msg: string } {
  if (v === null || v === undefined) return { ok: true, v: null };
  switch (type) {
    case 'text':
    case 'uuid':
      return typeof v === 'string' ? { ok: true, v } : { ok: false, msg: `expected a string, got ${typeof v} ${JSON.stringify(v)}` };
    case 'int':
    case 'bigint':
      if (typeof v === 'bigint') return { ok: true, v: Number(v) };
      if (typeof v === 'string' && /^-?\d+$/.test(v)) return { ok: true, v: Number(v) };
      return typeof v === 'number' && Number.isInteger(v) ? { ok: true, v } : { ok: false, msg: `expected an integer, got ${typeof v} ${JSON.stringify(v)}` };
    case 'double':
      if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return { ok: true, v: Number(v) };
      return typeof v === 'number' ? { ok: true, v } : { ok: false, msg: `expected a number, got ${typeof v} ${JSON.stringify(v)}` };
    case 'boolean':
      return typeof v === 'boolean' ? { ok: true, v } : { ok: false, msg: `expected a boolean, got ${typeof v}` };
    case 'timestamp':
      if (v instanceof Date) return { ok: true, v: v.getTime() };
      return typeof v === 'number' ? { ok: true, v } : { ok: false, msg: `expected epoch milliseconds or a Date, got ${typeof v}` };
    case 'json':
      if (typeof v === 'string') {
        try {
          return { ok: true, v: JSON.parse(v) };
        } catch {
          return { ok: false, msg: 'invalid input syntax for type json' };
        }
      }
      return { ok: true, v: JSON.parse(JSON.stringify(v)) };
  }
}
