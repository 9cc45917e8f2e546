/**
 * Every built page of dist-root/ served at /, one test per page: no console error, failed or
 * off-origin request, exercise that does not load, or serious/critical axe-core violation; then
 * every internal link, #fragment and asset resolves. Prints the report.
 */
import path from 'node:path';
import { siteUrls } from './helpers';
import { DIST_BASE } from '../../support/server';
import { crawlTests } from './crawl-tests';

crawlTests('/', { base: () => siteUrls().root, dist: path.join(DIST_BASE, 'dist-root') });
