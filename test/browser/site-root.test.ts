/**
 * Every built page of dist-root/ served at /, one test per page, each page loaded once: no console
 * error, failed or off-origin request, or exercise that does not load (every exercise mounted); no
 * serious/critical axe-core violation in the light theme, then in the dark theme (switched on the same
 * load as the learner's toggle switches it: CSS, diagrams and Monaco's dark theme); no inline code
 * broken inside a word (code-wrap.ts; site-sub.test.ts checks it at a phone's width). Then every
 * internal link, #fragment and asset resolves. Prints the report.
 */
import path from 'node:path';
import { siteUrls } from './helpers';
import { DIST_BASE } from '../../support/server';
import { crawlTests } from './crawl-tests';
import { codeBrokenMidWord } from './code-wrap';

crawlTests('/', {
  base: () => siteUrls().root,
  dist: path.join(DIST_BASE, 'dist-root'),
  themes: ['light', 'dark'],
  check: codeBrokenMidWord,
  pageTest: 'no console error, failed or off-origin request, exercise that does not load, serious axe violation in the light or the dark theme, or inline code broken inside a word',
});
