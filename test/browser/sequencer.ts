/**
 * The browser tier's file order (vitest.browser.config.ts): the files known to take longest start
 * first, so that the last minutes are not one long file running alone while the other worker idles.
 * Vitest's own order starts files with the longest recorded duration first, but a clean clone (CI)
 * has no record, and then it starts the largest files first: the crawl of every page at "/" (the
 * longest file, ≈ 150 CPU s, bench/results/test-times.md) is a 1 KB file and ran last.
 */
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Longest first, by CPU seconds measured with BROWSER_CPU_LOG; the rest keep Vitest's order after these. */
export const LONGEST_FIRST = ['site-root', 'exercise-loop', 'exercises-core', 'site', 'exercises-later', 'widgets', 'site-sub'];

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = LONGEST_FIRST.indexOf(path.basename(f.moduleId, '.test.ts'));
      return i === -1 ? LONGEST_FIRST.length : i;
    };
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}
