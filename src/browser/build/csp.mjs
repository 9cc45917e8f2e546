// @ts-check
/**
 * Astro integration: a Content-Security-Policy <meta http-equiv> in the <head> of every built page.
 *
 * Static hosting sets no headers, so the policy comes from a meta tag (`frame-ancestors`, `sandbox`
 * and `report-uri` would be ignored there, so they are not used). It is inserted after the build,
 * first thing after <meta charset>, so it governs every script on the page; inline scripts (e.g. the
 * theme script in BaseLayout) are allowed by their SHA-256 hash, computed from the built HTML.
 *
 * What each source is for (verified by test/browser/exercise-security.test.ts):
 *  - connect-src 'self': no fetch/XHR/WebSocket/EventSource to any other origin, from the page or
 *    from the run worker (which inherits this policy because it is started from a blob: URL).
 *  - script-src 'unsafe-eval': the grader evaluates compiled learner code with `new Function` in
 *    the run worker, which inherits this policy; 'wasm-unsafe-eval' for esbuild-wasm.
 *  - worker-src 'self' blob:: Monaco's and the compile worker's own files; the run worker's blob: copy.
 *  - the run worker's opaque-origin frame (src/browser/sandbox-frame.mjs) is a `srcdoc` document: it
 *    inherits this policy, and its one inline script is allowed by its hash (added to every page).
 *  - style-src 'unsafe-inline': Monaco sets styles at runtime; Shiki colours are inline styles.
 * Dev mode (`astro dev`) has no policy: Vite's dev client needs things this policy forbids.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FRAME_SCRIPT } from '../sandbox-frame.mjs';

/** @param {string[]} scriptHashes */
export function contentSecurityPolicy(scriptHashes = []) {
  return [
    "default-src 'self'",
    `script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'${scriptHashes.map((h) => ` '${h}'`).join('')}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "child-src 'self' blob:",
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join('; ');
}

const INLINE_SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script>/gi;

/** @param {string} source */
const sha256 = (source) => `sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}`;

/** @param {string} html */
export function inlineScriptHashes(html) {
  const hashes = new Set();
  for (const m of html.matchAll(INLINE_SCRIPT)) {
    const attrs = m[1];
    if (/\bsrc\s*=/.test(attrs)) continue;
    const type = /\btype\s*=\s*["']?([^"'\s>]+)/i.exec(attrs)?.[1]?.toLowerCase();
    if (type && type !== 'module' && type !== 'text/javascript' && type !== 'application/javascript') continue; // data blocks
    hashes.add(sha256(m[2]));
  }
  return [...hashes].sort();
}

/** @param {string} html */
export function addCspMeta(html) {
  if (/http-equiv=["']?content-security-policy/i.test(html)) return html;
  const hashes = [...new Set([...inlineScriptHashes(html), sha256(FRAME_SCRIPT)])].sort();
  const meta = `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(hashes)}">`;
  const charset = /<meta\s+charset=[^>]*>/i.exec(html);
  if (charset) return html.slice(0, charset.index + charset[0].length) + meta + html.slice(charset.index + charset[0].length);
  const head = /<head[^>]*>/i.exec(html);
  if (!head) return html;
  return html.slice(0, head.index + head[0].length) + meta + html.slice(head.index + head[0].length);
}

/**
 * @param {string} dir
 * @returns {AsyncGenerator<string>}
 */
async function* htmlFiles(dir) {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* htmlFiles(p);
    else if (e.name.endsWith('.html')) yield p;
  }
}

/** @returns {import('astro').AstroIntegration} */
export function cspMeta() {
  return {
    name: 'qc-csp-meta',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        let n = 0;
        for await (const file of htmlFiles(fileURLToPath(dir))) {
          const html = await readFile(file, 'utf8');
          const out = addCspMeta(html);
          if (out !== html) {
            await writeFile(file, out);
            n++;
          }
        }
        logger.info(`Content-Security-Policy meta added to ${n} pages`);
      },
    },
  };
}
