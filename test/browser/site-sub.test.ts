/**
 * Every built page of dist-sub/ served at /course/, one test per page: no console error, failed or
 * off-origin request, exercise that does not load, or serious/critical axe-core violation; then
 * every internal link, #fragment and asset resolves under /course/. Prints the report.
 */
import path from 'node:path';
import { siteUrls } from './helpers';
import { DIST_BASE } from '../../support/server';
import { crawlTests } from './crawl-tests';

crawlTests('/course/', { base: () => siteUrls().sub, dist: path.join(DIST_BASE, 'dist-sub') });
