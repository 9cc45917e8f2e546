// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
// Exercise engine (src/browser/build/*): Monaco's CSS stays inside the lazily loaded editor chunk,
// and every built page gets a Content-Security-Policy meta tag.
import { monacoCssAsJs } from './src/browser/build/monaco-css.mjs';
import { cspMeta } from './src/browser/build/csp.mjs';
// Monaco's declarations of the driver modules, generated from src/sim at build time.
import { driverTypes } from './src/browser/build/driver-types.mjs';
// Each exercise's starter compiled at build time, as the page's compiler would (warm-up, first Run).
import { starterJs } from './src/browser/build/starter-js.mjs';
// Workers as one file each: the run worker is started from a blob: copy in an opaque-origin frame.
import { workersAsSingleFiles } from './src/browser/build/worker-bundle.mjs';
// Monaco's TypeScript worker (the TypeScript compiler, 7 MB) bundled by esbuild: a fifth of a build's CPU.
import { monacoTsWorkerByEsbuild } from './src/browser/build/monaco-ts-worker.mjs';
// Monaco's modules skip Rollup's tree-shaking: a third of the build's CPU, for 4 bytes.
import { MONACO_MODULES, MONACO_TYPESCRIPT, unshaken } from './src/browser/build/monaco-unshaken.mjs';
// Hardened JavaScript's own constructors keep their names (Error.name is 'Error') once minified.
import { sesKeepsNames } from './src/browser/build/ses-names.mjs';
// Inline code in lessons wraps only between the parts of a name (`max_hints_|file_size`, not `siz|e`).
import { rehypeCodeBreaks } from './src/lib/code-breaks.mjs';
// The service worker that keeps the built site working offline (writes dist/sw.js; keep it last).
import { offlineWorker } from './src/browser/build/offline.mjs';
// What the course's files must agree on across files (lesson slugs, exercise ids, links, quiz refs).
import { courseCheck } from './src/browser/build/course-check.ts';

// BASE_PATH lets the same source build for the root ("/") or a sub-path ("/course/").
// Normalised to start and end with "/" so `import.meta.env.BASE_URL + 'lessons/x/'` always works.
const rawBase = process.env.BASE_PATH ?? '/';
const base = `/${rawBase.replace(/^\/+|\/+$/g, '')}/`.replace(/^\/\/$/, '/');

/**
 * A rehype step that calls `visit` on every element of a page's tree.
 * @param {(node: { tagName?: string; properties: Record<string, unknown> }) => void} visit
 */
function rehypeEachElement(visit) {
  /** @param {{ type: string; tagName?: string; properties?: Record<string, unknown>; children?: any[] }} node */
  const walk = (node) => {
    if (node.type === 'element' && node.properties) visit(/** @type {any} */ (node));
    for (const c of node.children ?? []) walk(c);
  };
  return () => (/** @type {any} */ tree) => walk(tree);
}

/**
 * Lesson authors may write root-relative links in MDX (`[x](/lessons/incident/)`); this rehype step
 * prefixes them with the base path so they still resolve when the site lives under a sub-path.
 * Relative links (`../incident/`) need nothing.
 */
const rehypeBaseLinks = rehypeEachElement((node) => {
  /** @param {unknown} v */
  const fix = (v) => (typeof v === 'string' && v.startsWith('/') && !v.startsWith('//') && !v.startsWith(base) ? base + v.slice(1) : v);
  if ('href' in node.properties) node.properties.href = fix(node.properties.href);
  if ('src' in node.properties) node.properties.src = fix(node.properties.src);
});

/**
 * A table wider than a phone scrolls sideways inside itself (src/styles/global.css): it takes a Tab stop,
 * so that a keyboard can scroll it too — as Astro does for code blocks (`<pre tabindex="0">`).
 */
const rehypeFocusableTables = rehypeEachElement((node) => {
  if (node.tagName === 'table') node.properties.tabIndex = 0;
});

export default defineConfig({
  base,
  trailingSlash: 'ignore',
  integrations: [courseCheck({ lessons: process.env.COURSE_LESSONS_DIR, quiz: process.env.COURSE_QUIZ_DIR }), mdx(), cspMeta(), offlineWorker()],
  build: { format: 'directory' },
  // Tests build several variants at once (root, sub-path, fixtures): each gets its own cache so the
  // content-layer data store of one build never leaks into another.
  ...(process.env.ASTRO_CACHE_DIR ? { cacheDir: process.env.ASTRO_CACHE_DIR } : {}),
  markdown: {
    rehypePlugins: [rehypeBaseLinks, rehypeCodeBreaks, rehypeFocusableTables],
    // Two themes, switched by CSS (src/styles/global.css) with the site's light/dark theme.
    // The high-contrast variants keep comments and punctuation above WCAG AA contrast.
    shikiConfig: {
      themes: { light: 'github-light-high-contrast', dark: 'github-dark-high-contrast' },
      defaultColor: false,
      wrap: false,
    },
  },
  devToolbar: { enabled: false },
  vite: {
    plugins: [monacoTsWorkerByEsbuild(), monacoCssAsJs(), driverTypes(), starterJs(), workersAsSingleFiles(), unshaken(MONACO_MODULES)],
    worker: { format: 'es', plugins: () => [unshaken(MONACO_TYPESCRIPT), sesKeepsNames()] },
    // Worker-only dependencies: pre-bundled up front so `astro dev` does not reload the page.
    // (keepNames: as sesKeepsNames does for the build, so that `astro dev` shows Error.name 'Error' too)
    optimizeDeps: { include: ['esbuild-wasm/esm/browser.js', 'chai', 'zod', 'ses'], esbuildOptions: { keepNames: true } },
  },
});
