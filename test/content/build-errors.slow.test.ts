/**
 * A malformed lesson stops the build with a message that names the file and the field. Checked with
 * `astro sync` on a temporary lessons folder: the content-layer sync is the step of `astro build`
 * that validates frontmatter (the build runs it first), so a full build of the site is not needed.
 * It runs in a temporary copy of the project: `astro sync` writes the project's `.astro/` (the list
 * of content modules among it), which a build or `astro dev` running in the checkout at the same
 * time reads: in the checkout itself this test would feed them its fixture lessons.
 * A spawned Astro: the slow tier.
 */
import { describe, it, expect } from 'vitest';
import { cpSync, mkdtempSync, mkdirSync, symlinkSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { buildEnv } from '../../support/server';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('astro build with a malformed lesson', () => {
  it('fails and names the file and the field', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lessons-fixture-'));
    const project = path.join(dir, 'project');
    for (const part of ['package.json', 'tsconfig.json', 'astro.config.mjs', 'src', 'scripts', 'content', 'exercises']) cpSync(path.join(ROOT, part), path.join(project, part), { recursive: true });
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(project, 'node_modules'), 'dir');
    const lessons = path.join(dir, 'lessons');
    mkdirSync(lessons);
    writeFileSync(path.join(lessons, '01-fine.mdx'), '---\ntitle: "Fine"\nsummary: "ok"\norder: 1\nseedSections: [incident]\nminutes: 3\n---\n\nHello.\n');
    writeFileSync(path.join(lessons, '07-broken-lesson.mdx'), '---\ntitle: "Broken"\nsummary: "ok"\norder: seven\nseedSections: [incident]\nminutes: 3\n---\n\nHello.\n');
    try {
      const r = spawnSync(path.join(ROOT, 'node_modules/.bin/astro'), ['sync'], {
        cwd: project,
        encoding: 'utf8',
        timeout: 230_000,
        env: buildEnv({ COURSE_LESSONS_DIR: lessons, ASTRO_CACHE_DIR: path.join(dir, 'cache'), NO_COLOR: '1' }),
      });
      const out = `${r.stdout}\n${r.stderr}`;
      expect(r.status, out).not.toBe(0);
      expect(out).toContain('07-broken-lesson.mdx');
      expect(out).toMatch(/order/);
      expect(out).not.toContain('01-fine.mdx');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
