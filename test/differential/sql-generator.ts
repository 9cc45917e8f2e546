/**
 * Generated SQL programs for the differential test: statements inside the course's subset and
 * around its edges (bound values of every JS type, quotes and injection attempts, NULLs, type
 * errors, unknown tables and columns, duplicate keys, transactions, syntax errors), plus statements
 * outside the subset, flagged `outside`, which the simulator must refuse as "not supported".
 */
import fc from 'fast-check';

export interface Stmt {
  text: string;
  values: unknown[];
  /** outside the course's subset: the simulator must answer 0A000 "not supported" */
  outside: boolean;
  /** rows come back in a defined order (ORDER BY the key, or at most one row) */
  ordered: boolean;
  /** the column a non-key ORDER BY sorts on: its values must come in the same sequence */
  orderCol?: string;
}

type ColType = 'text' | 'int' | 'double' | 'bigint' | 'json';

const ORDERS: Record<string, ColType> = { id: 'text', customer_id: 'text', status: 'text', total: 'double', version: 'int', created_at: 'bigint' };
const OUTBOX: Record<string, ColType> = { id: 'bigint', topic: 'text', key: 'text', payload: 'json', created_at: 'bigint', published_at: 'bigint' };
const TABLES = { orders: ORDERS, outbox: OUTBOX } as const;
type Table = keyof typeof TABLES;

const TEXTS = ['o1', 'o2', 'o3', "o'4", 'ord-1', 'ord-2', '', "x'); DROP TABLE orders; --", 'Ünïcødé ✓', 'paid', 'created', 'shipped', 'c1', 'c2', ' o1 ', 'a"b', 'back\\slash', '$1'];
const JS_VALUES: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...TEXTS) },
  { weight: 4, arbitrary: fc.constantFrom(0, 1, 2, 3, -1, 7, 20, 1.5, 12.25, -3.75, 2147483647, 2147483648, 1e15, 0.1) },
  { weight: 2, arbitrary: fc.constantFrom('3', ' 4 ', '1.5', 'abc', '1e3', 'NaN', '-0', '+5', '9223372036854775808', '12abc') },
  { weight: 2, arbitrary: fc.constantFrom(null, undefined) },
  { weight: 1, arbitrary: fc.constantFrom(true, false) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>({ a: 1 }, [1, 2], ['x', null], { nested: { b: [true] } }, '{"a":1}', '"str"', 'not json', '[]') },
  { weight: 1, arbitrary: fc.constant(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6))) },
);

/** Mostly values a column of this type takes (so rows get written, keys collide, NOT NULL trips), now and then anything. */
const TYPED: Record<ColType, readonly unknown[]> = {
  text: TEXTS,
  int: [0, 1, 2, 3, -1, 7, 2147483647, '3', null],
  double: [0, 1.5, 12.25, -3.75, 20, 100, 1e15, 1e-5, '7.5', null],
  bigint: [0, 1000, 1700000000000, '42', null],
  json: [{ a: 1 }, { nested: { b: [true] } }, '{"a":1}', '"str"', '[]', 1, null],
};
const IDS = ['o1', 'o2', 'o3', 'ord-1', 'ord-2', "o'4", null];

const typedValue = (type: ColType, col?: string): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...(col === 'id' && type === 'text' ? IDS : TYPED[type])) }, { weight: 1, arbitrary: JS_VALUES });

/** A value term for a column: a `$n` placeholder (value appended) or a literal. */
interface TermOut {
  sql: string;
  value?: unknown;
  /** a literal PostgreSQL takes where the subset does not (the statement is then outside) */
  outside?: boolean;
}

function quote(s: string): string {
  return "'" + s.replace(/'/g, "''") + "'";
}

const literal = (type: ColType, assign: boolean): fc.Arbitrary<TermOut> =>
  fc.oneof(
    fc.constantFrom(...TEXTS, '7', '2.5', 'abc', '{"k":[1,2]}', '12abc', '2147483648').map((s) => ({ sql: quote(s) })),
    fc.constantFrom('0', '1', '2', '-1', '42', '2147483647', '2147483648', '1.5', '0.25', '-2.5').map((n) => {
      const integer = /^-?\d+$/.test(n);
      const numeric = type === 'int' || type === 'bigint' || type === 'double';
      // PostgreSQL stores a number literal in a text column (assignment cast); the subset asks for a string or $n.
      const outside = assign && ((type === 'text') || (numeric && !integer && type !== 'double'));
      return { sql: n, outside };
    }),
    fc.constant({ sql: 'NULL' }),
    fc.constantFrom('TRUE', 'FALSE').map((b) => ({ sql: b, outside: assign && type === 'text' })),
  );

const term = (type: ColType, assign: boolean, col?: string): fc.Arbitrary<TermOut> =>
  fc
    .oneof({ weight: 4, arbitrary: typedValue(type, col).map((value): TermOut => ({ sql: '$', value })) }, { weight: 1, arbitrary: literal(type, assign) })
    // json has no comparison operators: the subset allows only IS [NOT] NULL on it
    .map((t) => (!assign && type === 'json' ? { ...t, outside: true } : t));

/** Renumber `$` placeholders left to right and collect their values. */
function bind(parts: Array<string | TermOut>): { text: string; values: unknown[]; outside: boolean } {
  const values: unknown[] = [];
  let outside = false;
  const text = parts
    .map((p) => {
      if (typeof p === 'string') return p;
      if (p.outside) outside = true;
      if (p.sql !== '$') return p.sql;
      values.push(p.value);
      return '$' + values.length;
    })
    .join('');
  return { text, values, outside };
}

const tableName = fc.constantFrom<Table>('orders', 'orders', 'orders', 'outbox');
const OPS = ['=', '=', '!=', '<>', '<', '>', '<=', '>='];

const condition = (table: Table): fc.Arbitrary<Array<string | TermOut>> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.tuple(fc.constantFrom(...Object.keys(TABLES[table])), fc.constantFrom(...OPS)).chain(([col, op]) =>
      term(TABLES[table][col], false, col).map((t): Array<string | TermOut> => [`${col} ${op} `, t])) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...Object.keys(TABLES[table])), fc.boolean()).map(([col, not]): Array<string | TermOut> => [`${col} IS ${not ? 'NOT ' : ''}NULL`]) },
    { weight: 1, arbitrary: fc.constantFrom('nope', '"ID"', 'ID').chain((col) => term('text', false).map((t): Array<string | TermOut> => [`${col} = `, t])) },
  );

const where = (table: Table, min: number): fc.Arbitrary<Array<string | TermOut>> =>
  fc.array(condition(table), { minLength: min, maxLength: 2 }).map((cs) => (cs.length === 0 ? [] : [' WHERE ', ...cs.flatMap((c, i) => (i ? [' AND ', ...c] : c))]));

const returning = (table: Table): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant('') },
    { weight: 2, arbitrary: fc.constant(' RETURNING *') },
    { weight: 2, arbitrary: fc.subarray(Object.keys(TABLES[table]).filter((c) => c !== 'created_at'), { minLength: 1 }).map((cs) => ' RETURNING ' + cs.join(', ')) },
    { weight: 1, arbitrary: fc.constant(' RETURNING nope') },
  );

function stmt(parts: Array<string | TermOut>, o: { outside?: boolean; ordered?: boolean; orderCol?: string } = {}): Stmt {
  const b = bind(parts);
  return { text: b.text, values: b.values, outside: b.outside || !!o.outside, ordered: !!o.ordered, orderCol: o.orderCol };
}

const insertable = (table: Table) => Object.keys(TABLES[table]).filter((c) => c !== 'created_at' && !(table === 'outbox' && c === 'id'));

const insert: fc.Arbitrary<Stmt> = tableName.chain((table) =>
  fc
    .record({
      cols: fc.subarray(insertable(table), { minLength: 1 }),
      rows: fc.integer({ min: 1, max: 3 }),
      conflict: fc.constantFrom('', '', ' ON CONFLICT DO NOTHING', ' ON CONFLICT (id) DO NOTHING', ' ON CONFLICT (status) DO NOTHING', ' ON CONFLICT (nope) DO NOTHING'),
      ret: returning(table),
      // now and then a column that does not exist, or one named twice
      extra: fc.constantFrom<string[]>([], [], [], [], ['nope'], ['dup']),
    })
    .chain(({ cols, rows, conflict, ret, extra }) => {
      const names = extra[0] === 'nope' ? [...cols, 'nope'] : extra[0] === 'dup' ? [...cols, cols[0]] : cols;
      const rowArb = fc.tuple(...names.map((c) => term(TABLES[table][c] ?? 'text', true, c)));
      return fc.array(rowArb, { minLength: rows, maxLength: rows }).map((rs) => {
        const parts: Array<string | TermOut> = [`INSERT INTO ${table} (${names.join(', ')}) VALUES `];
        rs.forEach((r, i) => {
          if (i) parts.push(', ');
          parts.push('(');
          r.forEach((t, j) => parts.push(...(j ? [', ', t] : [t])));
          parts.push(')');
        });
        parts.push(conflict, ret);
        return stmt(parts, { ordered: true });
      });
    }),
);

/** A well-formed order, as application code writes one: rows to read, update and collide with. */
const validOrder: fc.Arbitrary<Stmt> = fc
  .record({
    id: fc.constantFrom('o1', 'o2', 'o3', 'ord-1', 'ord-2', "o'4"),
    customer: fc.constantFrom('c1', 'c2', null),
    status: fc.constantFrom('created', 'paid', 'shipped'),
    total: fc.constantFrom(0, 1.5, 12.25, 20, 100),
    conflict: fc.constantFrom('', '', ' ON CONFLICT (id) DO NOTHING'),
    ret: fc.constantFrom('', ' RETURNING id, version', ' RETURNING *'),
  })
  .map((o) => ({
    text: `INSERT INTO orders (id, customer_id, status, total) VALUES ($1, $2, $3, $4)${o.conflict}${o.ret}`,
    values: [o.id, o.customer, o.status, o.total],
    outside: false,
    ordered: true,
  }));

const select: fc.Arbitrary<Stmt> = tableName.chain((table) =>
  fc
    .record({
      cols: fc.oneof(fc.constant('*'), fc.constant('count(*)'), fc.subarray(Object.keys(TABLES[table]), { minLength: 1 }).map((c) => c.join(', ')), fc.constantFrom('id, nope', 'ID', '"ID"')),
      w: where(table, 0),
      order: fc.constantFrom('', '', ' ORDER BY id', ' ORDER BY id DESC', ` ORDER BY ${table === 'orders' ? 'total' : 'published_at'}`, ` ORDER BY ${table === 'orders' ? 'status DESC' : 'topic'}`, ' ORDER BY nope'),
      limit: fc.option(term('bigint', true), { nil: undefined }),
    })
    .map(({ cols, w, order, limit }) => {
      const count = cols === 'count(*)';
      const byKey = /ORDER BY id/.test(order);
      const ord = count ? '' : order;
      const lim = limit && byKey && !count ? [' LIMIT ', limit] : [];
      const orderCol = !byKey && ord ? /ORDER BY (\w+)/.exec(ord)![1] : undefined;
      return stmt([`SELECT ${cols} FROM ${table}`, ...w, ord, ...lim], { ordered: count || byKey, orderCol });
    }),
);

const SET_ITEMS: Record<Table, string[]> = {
  orders: ['status', 'total', 'version', 'customer_id', 'version = version + 1', 'version = version - 2', 'total = total + 1.5', 'version = version + $', 'nope'],
  outbox: ['published_at', 'topic', 'payload', 'published_at = published_at + 1000'],
};

const setItem = (table: Table): fc.Arbitrary<Array<string | TermOut>> =>
  fc.constantFrom(...SET_ITEMS[table]).chain((item): fc.Arbitrary<Array<string | TermOut>> => {
    if (item === 'version = version + $') return JS_VALUES.map((value) => ['version = version + ', { sql: '$', value }]);
    if (item.includes('=')) return fc.constant([item]);
    const type = TABLES[table][item] ?? 'text';
    return term(type, true).map((t) => [`${item} = `, t]);
  });

const update: fc.Arbitrary<Stmt> = tableName.chain((table) =>
  fc.record({ sets: fc.array(setItem(table), { minLength: 1, maxLength: 2 }), w: where(table, 1), ret: returning(table) }).map(({ sets, w, ret }) =>
    stmt([`UPDATE ${table} SET `, ...sets.flatMap((s, i) => (i ? [', ', ...s] : s)), ...w, ret]),
  ),
);

const remove: fc.Arbitrary<Stmt> = tableName.chain((table) =>
  fc.record({ w: where(table, 1), ret: returning(table) }).map(({ w, ret }) => stmt([`DELETE FROM ${table}`, ...w, ret])),
);

const tx: fc.Arbitrary<Stmt> = fc.constantFrom('BEGIN', 'COMMIT', 'ROLLBACK', 'BEGIN', 'START TRANSACTION', 'END').map((t) => stmt([t]));

const constants: fc.Arbitrary<Stmt> = fc.oneof(
  fc.constantFrom('SELECT 1', 'SELECT 1 AS one', "SELECT 'a'", 'SELECT NULL', 'SELECT TRUE', 'SELECT 1, 2', 'SELECT 3000000000').map((t) => stmt([t], { ordered: true })),
  JS_VALUES.map((value) => stmt(['SELECT ', { sql: '$', value }], { ordered: true })),
);

const errors: fc.Arbitrary<Stmt> = fc.oneof(
  fc.constantFrom(
    'SELEC 1', 'SELECT * FROM order_items', 'SELECT * FROM orders WHERE', 'SELECT * FROM orders WHERE id = ', "SELECT * FROM orders WHERE id = 'o1",
    'UPDATE orders SET status = $1 WHERE id = $2', 'INSERT INTO nope (id) VALUES (1)', 'DELETE FROM orders WHERE nope = 1', 'hello',
    "INSERT INTO orders (id, status) VALUES ('a')", "INSERT INTO orders (id) VALUES ('a', 'b')", "INSERT INTO orders (id) VALUES ('a'), ('b', 'c')",
    "UPDATE orders SET status = 'a', status = 'b' WHERE id = 'o1'", 'SELECT $2', "SELECT * FROM orders WHERE id = $1 AND version = $1",
  ).map((t) => stmt([t], { ordered: true })),
  fc.constantFrom('SELECT * FROM orders WHERE id = $1', 'SELECT $1').map((t) => ({ text: t, values: ['a', 'b'], outside: false, ordered: true })),
);

const outside: fc.Arbitrary<Stmt> = fc
  .constantFrom(
    "SELECT * FROM orders WHERE id IN ('o1', 'o2')", "SELECT * FROM orders WHERE status LIKE 'p%'", 'SELECT * FROM orders o JOIN outbox x ON true',
    "SELECT * FROM orders WHERE id = 'o1' FOR UPDATE", "INSERT INTO orders (id) VALUES ('o1') ON CONFLICT (id) DO UPDATE SET status = 'x'",
    "SELECT * FROM orders WHERE id = 'o1' OR id = 'o2'", 'SELECT status, count(*) FROM orders GROUP BY status', "UPDATE orders SET status = 'x'",
    'DELETE FROM orders', 'SELECT DISTINCT status FROM orders', 'SELECT id FROM orders ORDER BY status, id', 'SELECT * FROM orders OFFSET 1',
    'CREATE TABLE t (a int)', 'SELECT now() - 1', "SELECT * FROM orders WHERE id = 'o1'::text", 'SELECT 1.5', "INSERT INTO orders VALUES ('o9')",
    'TRUNCATE orders', "UPDATE orders SET id = 'o9' WHERE id = 'o1'", 'SELECT upper(status) FROM orders',
  )
  .map((t) => ({ text: t, values: [], outside: true, ordered: false }));

/** One statement, weighted toward the subset's everyday use. */
export const statement: fc.Arbitrary<Stmt> = fc.oneof(
  { weight: 4, arbitrary: insert },
  { weight: 3, arbitrary: validOrder },
  { weight: 6, arbitrary: select },
  { weight: 4, arbitrary: update },
  { weight: 2, arbitrary: remove },
  { weight: 1, arbitrary: tx },
  { weight: 1, arbitrary: constants },
  { weight: 1, arbitrary: errors },
  { weight: 1, arbitrary: outside },
);

export const program = fc.array(statement, { minLength: 4, maxLength: 16 });

/** `CREATE` statements for the simulator's tables (course schema → PostgreSQL DDL). */
export function ddl(tables: Record<string, { key: string; columns: Record<string, { type: string; default?: unknown; notNull?: boolean }> }>): string[] {
  const pgType: Record<string, string> = { text: 'text', int: 'integer', bigint: 'bigint', double: 'double precision', boolean: 'boolean', json: 'json', timestamp: 'timestamptz' };
  const out: string[] = [];
  for (const [name, t] of Object.entries(tables)) {
    const cols = Object.entries(t.columns).map(([c, cd]) => {
      let def = '';
      const seq = `${name}_${c}_seq`;
      if (cd.default === 'serial') def = ` DEFAULT nextval('${seq}')`;
      else if (cd.default === 'ord') def = ` DEFAULT ('ord-' || nextval('${seq}'))`;
      else if (cd.default === 'now') def = ' DEFAULT (extract(epoch from now()) * 1000)::bigint';
      else if (typeof cd.default === 'string') def = ` DEFAULT ${quote(cd.default)}`;
      else if (cd.default !== undefined && cd.default !== null) def = ` DEFAULT ${String(cd.default)}`;
      return `${c} ${pgType[cd.type]}${c === t.key ? ' PRIMARY KEY' : ''}${cd.notNull ? ' NOT NULL' : ''}${def}`;
    });
    const seqs = Object.entries(t.columns).filter(([, cd]) => cd.default === 'serial' || cd.default === 'ord').map(([c]) => `${name}_${c}_seq`);
    for (const s of seqs) out.push(`CREATE SEQUENCE ${s}`);
    out.push(`CREATE TABLE ${name} (${cols.join(', ')})`);
    for (const [c, cd] of Object.entries(t.columns)) if (cd.default === 'serial' || cd.default === 'ord') out.push(`ALTER SEQUENCE ${name}_${c}_seq OWNED BY ${name}.${c}`);
  }
  return out;
}
