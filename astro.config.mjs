// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';

// BASE_PATH lets the same source build for the root ("/") or a sub-path ("/course/").
// Normalised to start and end with "/" so `import.meta.env.BASE_URL + 'lessons/x/'` always works.
const rawBase = process.env.BASE_PATH ?? '/';
const base = `/${rawBase.replace(/^\/+|\/+$/g, '')}/`.replace(/^\/\/$/, '/');

export default defineConfig({
  base,
  trailingSlash: 'ignore',
  integrations: [mdx()],
  build: { format: 'directory' },
  // Tests build several variants at once (root, sub-path, fixtures): each gets its own cache so the
  // content-layer data store of one build never leaks into another.
  ...(process.env.ASTRO_CACHE_DIR ? { cacheDir: process.env.ASTRO_CACHE_DIR } : {}),
  markdown: {
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
    worker: { format: 'es' },
    optimizeDeps: { include: [] },
  },
});
