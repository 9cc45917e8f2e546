/**
 * A malformed lesson stops the build with a message that names the file (and the field, or the other
 * file). The frontmatter is checked with `astro sync` on a temporary lessons folder: the content-layer
 * sync is the step of `astro build` that validates frontmatter (the build runs it first), so a full
 * build of the site is not needed; what lessons must agree on across files
 * (src/browser/build/course-check.ts) stops `astro build` at its start, before any page is made.
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

/** A copy of the project whose lessons are `lessons` (file → text), in a temporary folder. */
function fixtureProject(lessonFiles: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'lessons-fixture-'));
  const project = path.join(dir, 'project');
  for (const part of ['package.json', 'tsconfig.json', 'astro.config.mjs', 'src', 'scripts', 'content', 'exercises', 'public']) cpSync(path.join(ROOT, part), path.join(project, part), { recursive: true });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(project, 'node_modules'), 'dir');
  const lessons = path.join(dir, 'lessons');
  mkdirSync(lessons);
  for (const [file, text] of Object.entries(lessonFiles)) writeFileSync(path.join(lessons, file), text);
  const astro = (...args: string[]) => {
    const r = spawnSync(path.join(ROOT, 'node_modules/.bin/astro'), args, {
      cwd: project,
      encoding: 'utf8',
      timeout: 230_000,
      env: buildEnv({ COURSE_LESSONS_DIR: lessons, ASTRO_CACHE_DIR: path.join(dir, 'cache'), NO_COLOR: '1' }),
    });
    return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
  };
  return { astro, dist: path.join(dir, 'dist'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const lesson = (title: string, order: number | string) => `---\ntitle: "${title}"\nsummary: "ok"\norder: ${order}\nseedSections: [incident]\nminutes: 3\n---\n\nHello.\n`;

describe('astro build with a malformed lesson', () => {
  it('fails and names the file and the field', () => {
    const f = fixtureProject({ '01-fine.mdx': lesson('Fine', 1), '07-broken-lesson.mdx': lesson('Broken', 'seven') });
    try {
      const { status, out } = f.astro('sync');
      expect(status, out).not.toBe(0);
      expect(out).toContain('07-broken-lesson.mdx');
      expect(out).toMatch(/order/);
      expect(out).not.toContain('01-fine.mdx');
    } finally {
      f.remove();
    }
  });

  it('two lesson files with the same slug stop the build before any page is made, naming both files', () => {
    const f = fixtureProject({ '01-fine.mdx': lesson('Fine', 1), '02-fine.mdx': lesson('Fine again', 2) });
    try {
      const { status, out } = f.astro('build', '--outDir', f.dist);
      expect(status, out).not.toBe(0);
      expect(out).toMatch(/02-fine\.mdx: has the same slug "fine" as \S*01-fine\.mdx/);
      expect(out).not.toMatch(/\/lessons\/fine\/index\.html/); // stopped before the pages were built
    } finally {
      f.remove();
    }
  });
});
