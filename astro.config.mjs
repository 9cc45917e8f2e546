// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';

// BASE_PATH lets the same source build for the root ("/") or a sub-path ("/course/").
const base = process.env.BASE_PATH ?? '/';

export default defineConfig({
  base,
  trailingSlash: 'ignore',
  integrations: [mdx()],
  build: { format: 'directory' },
  vite: {
    worker: { format: 'es' },
    optimizeDeps: { include: [] },
  },
});
