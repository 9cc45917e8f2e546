/**
 * `npm run new:exercise -- <id> [--lesson <slug>]`: a complete exercise folder, `exercises/<id>/`,
 * that `npm run verify -- <id>` accepts as it is — meta.json, a starter that fails, a reference
 * solution that passes, visible tests, hidden tests with a property over generated scenarios, a
 * harness, and one known-wrong solution. The example task (read an order's status at QUORUM while a
 * replica is stale or down) is there to be replaced; README "Adding an exercise" walks through it.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { lessonSlugs } from '../src/browser/build/course-check';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const PROPERTY = 'A read sees the status acknowledged at QUORUM while one replica is stale and another is down';

/** The files of a new exercise, relative path → text. */
export function exerciseFiles(id: string, lesson: string): Record<string, string> {
  return {
    'meta.json': JSON.stringify(
      {
        title: `Read what was acknowledged (${id})`,
        lesson,
        difficulty: 'intro',
        tasks: [
          {
            id: 'read-status',
            text: "readStatus(deps, orderId): read the order's status from Cassandra (`deps.cassandra`) so that the read sees every write acknowledged at QUORUM, even while one replica missed the last update and another is down. Return null when there is no such order.",
          },
        ],
        hints: [
          'A write acknowledged at QUORUM is on 2 of the 3 replicas. Which reads are sure to ask at least one of them?',
          'R + W > N: a read at QUORUM (2 of 3) overlaps every QUORUM write. ONE may ask only the stale replica.',
          'ALL overlaps too, but needs every replica: with one node down it fails with Unavailable.',
          'Pass `{ prepare: true, consistency: types.consistencies.quorum }` to `execute`.',
        ],
        exports: ['readStatus'],
      },
      null,
      2,
    ) + '\n',
    'starter.ts': learner('one', '  // TODO: which consistency level makes this read see every write acknowledged at QUORUM?\n'),
    'solution.ts': learner('quorum', ''),
    [`wrong/cl-all.ts`]: `// rejects: ${PROPERTY}\n` + learner('all', '  // ALL overlaps every write, but fails as soon as one replica is down.\n'),
    'harness.ts': HARNESS,
    'visible.test.ts': VISIBLE,
    'hidden.test.ts': HIDDEN,
  };
}

function learner(level: 'one' | 'quorum' | 'all', comment: string): string {
  return `import { types, type Client } from 'cassandra-driver';

export interface Deps {
  cassandra: Client;
}

/** The order's status as the read model has it, or null when there is no such order. */
export async function readStatus(deps: Deps, orderId: string): Promise<string | null> {
${comment}  const rs = await deps.cassandra.execute('SELECT status FROM orders WHERE id = ?', [orderId], {
    prepare: true,
    consistency: types.consistencies.${level},
  });
  const row = rs.first();
  return row ? String(row.status) : null;
}
`;
}

const HARNESS = `import {
  describeError, measure, prng, putOrder, randomOrder, showOrder,
  type Measured, type Order, type TestContext, type World,
} from '../../src/grading/api';

// Shared by visible.test.ts and hidden.test.ts: one order in PostgreSQL and the read model, the
// learner's readStatus, and a client in zone A (contact point A, failing over to B and C).

export const STATUSES = ['placed', 'paid', 'packed', 'shipped', 'delivered'];

export type ReadStatus = (deps: { cassandra: unknown }, orderId: string) => Promise<string | null>;

export interface Setup {
  world: World;
  /** What PostgreSQL has (the last write, acknowledged at QUORUM). */
  order: Order;
  deps: { cassandra: unknown };
  readStatus: ReadStatus;
}

/** \`staleOn\`: the node that missed the order's last update (it has the version before). */
export function setup(ctx: TestContext, staleOn?: string): Setup {
  const world = ctx.world();
  const rand = prng(ctx.seed);
  const version = 2 + rand(3);
  const order = randomOrder(rand, { id: \`o-\${100 + rand(900)}\`, version, statuses: STATUSES, customers: 50, total: () => 5 + rand(300) });
  const previous = { ...order, status: STATUSES[version - 1], version: version - 1 };
  putOrder(world, order, staleOn ? { staleOn: [staleOn], previous } : 'current');
  const deps = { cassandra: world.cassandraClient({ zone: 'A', contactPoints: ['A'], id: 'api-a' }) };
  return { world, order, deps, readStatus: ctx.load<{ readStatus: ReadStatus }>().readStatus };
}

/** One readStatus call in a run of its own: its value or error, virtual ms and queries. */
export function read(s: Setup, id = s.order.id): Promise<Measured<string | null>> {
  return measure(s.world, () => s.readStatus(s.deps, id));
}

/** Fails unless the read returned the status PostgreSQL has. */
export function expectCurrent(ctx: TestContext, s: Setup, r: Measured<string | null>, situation: string): void {
  if (!r.ok) ctx.fail(\`readStatus("\${s.order.id}") threw \${describeError(r.error)}; \${situation} (seed \${ctx.seed}).\`);
  if (r.value !== s.order.status) {
    ctx.fail(\`readStatus("\${s.order.id}") returned \${JSON.stringify(r.value)}, but the order is \${showOrder(s.order)}; \${situation} (seed \${ctx.seed}).\`);
  }
}
`;

const VISIBLE = `import { defineTests, expect } from '../../src/grading/api';
import { expectCurrent, read, setup } from './harness';

export default defineTests((t) => {
  t.test('reads the status of an order every replica has', async (ctx) => {
    const s = setup(ctx);
    expectCurrent(ctx, s, await read(s), 'every replica has the order');
  });

  t.test('returns null for an order that does not exist', async (ctx) => {
    const s = setup(ctx);
    const r = await read(s, 'o-missing');
    expect(r.ok && r.value, 'readStatus("o-missing")').to.equal(null);
  });

  t.test('reads the newest status when node A missed the last update', async (ctx) => {
    const s = setup(ctx, 'A');
    expectCurrent(ctx, s, await read(s), 'node A, the coordinator, has the version before');
  });
});
`;

const HIDDEN = `// Hidden tests: a property over generated scenarios (which replica is stale, which is down, when).
import { defineTests, fc, seeds, type Fault } from '../../src/grading/api';
import { expectCurrent, read, setup } from './harness';

export default defineTests((t) => {
  t.test(
    'node A missed the last update: the read is still current',
    {
      scenario: 'The order was updated at QUORUM; node A, which the API asks first, missed the update.',
      hint: 'At ONE the coordinator may answer from its own stale copy. Which level is sure to include a replica that has the update?',
      seeds: seeds(1, 12),
    },
    async (ctx) => {
      const s = setup(ctx, 'A');
      expectCurrent(ctx, s, await read(s), 'node A has the version before');
    },
  );

  t.property(
    '${PROPERTY}',
    {
      cases: fc.record({
        stale: fc.constantFrom('A', 'B', 'C'),
        down: fc.constantFrom('B', 'C'),
        downAtMs: fc.integer({ min: 0, max: 2000 }),
      }),
      scenario: (c) => \`node \${c.stale} missed the last update, and node \${c.down} crashes \${c.downAtMs} ms before the read\`,
      hint: 'QUORUM needs 2 of the 3 replicas, so it survives one node down; ALL needs all three.',
      runs: 30,
    },
    async (ctx, c) => {
      const s = setup(ctx, c.stale);
      const crash: Fault = { at: s.world.now, kind: 'crash', node: c.down };
      s.world.schedule([crash]);
      await s.world.run(() => s.world.sleep(c.downAtMs));
      expectCurrent(ctx, s, await read(s), \`node \${c.stale} is stale and node \${c.down} is down\`);
    },
  );
});
`;

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { lesson: { type: 'string', default: 'why-quorum-failed' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help || positionals.length !== 1) {
    console.error('usage: npm run new:exercise -- <id> [--lesson <lesson slug>]   (id: lower-case words joined by "-")');
    process.exit(values.help ? 0 : 2);
  }
  const id = positionals[0];
  if (!ID.test(id)) {
    console.error(`"${id}" is not an exercise id: use lower-case letters and digits, words joined by "-" (e.g. quorum-read).`);
    process.exit(2);
  }
  const lesson = values.lesson ?? 'why-quorum-failed';
  const slugs = lessonSlugs(join(ROOT, 'content/lessons'));
  if (!slugs.includes(lesson)) {
    console.error(`--lesson ${lesson}: there is no such lesson (content/lessons/NN-${lesson}.mdx); the lessons are: ${slugs.join(', ')}. Nothing was written.`);
    process.exit(2);
  }
  const dir = join(ROOT, 'exercises', id);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    console.error(`exercises/${id}/ already exists; nothing was written.`);
    process.exit(2);
  }
  for (const [file, text] of Object.entries(exerciseFiles(id, lesson))) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  console.log(`Created exercises/${id}/. Next: npm run verify -- ${id}; then replace the example task (README, "Adding an exercise").`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
