/**
 * The dark theme, one test per page of dist-root/: every page, its exercises mounted (Monaco's dark
 * theme included), has no serious/critical axe-core violation and no console error. The light theme
 * gets the same pass in site-root.test.ts, which also follows the links (not again here).
 */
import path from 'node:path';
import { siteUrls } from './helpers';
import { DIST_BASE } from '../../support/server';
import { crawlTests } from './crawl-tests';

crawlTests('/ (dark theme)', { base: () => siteUrls().root, dist: path.join(DIST_BASE, 'dist-root'), colorScheme: 'dark', followLinks: false });
