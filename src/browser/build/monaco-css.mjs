// @ts-check
/**
 * Vite plugin: Monaco's CSS as JavaScript that injects a <style> when Monaco's module runs.
 *
 * Astro hoists the CSS of dynamically imported client modules onto the page as render-blocking
 * <link>s (withastro/astro#9495): ~175 KB of Monaco CSS on every page that has an exercise, before
 * the learner scrolls anywhere near it. Turning each `import './x.css'` inside monaco-editor into a
 * JS module keeps that CSS inside the lazily loaded editor chunk. Fonts referenced with url(…)
 * (codicon.ttf) become `?url` imports, so they are emitted as assets and respect the base path.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const PREFIX = '\0qc-monaco-css:';

/** @returns {import('vite').Plugin} */
export function monacoCssAsJs() {
  return {
    name: 'qc-monaco-css-as-js',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!importer || !/\.css$/.test(source) || !/[\\/]node_modules[\\/]monaco-editor[\\/]/.test(importer)) return null;
      const r = await this.resolve(source, importer, { ...options, skipSelf: true });
      if (!r || r.external) return null;
      // The id must not end in .css, or Vite's own CSS plugin would still pick it up.
      return PREFIX + r.id + '.js';
    },
    async load(id) {
      if (!id.startsWith(PREFIX)) return null;
      const file = id.slice(PREFIX.length, -'.js'.length);
      // Escaped for a JS template literal first; url(…) references then become ${__uN} placeholders.
      let css = (await readFile(file, 'utf8')).replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
      /** @type {string[]} */
      const imports = [];
      css = css.replace(/url\((['"]?)([^'")]+)\1\)/g, (whole, _q, ref) => {
        if (/^(data:|https?:|#|\/)/.test(ref)) return whole;
        const abs = path.resolve(path.dirname(file), ref.split(/[?#]/)[0]).split(path.sep).join('/');
        const name = `__u${imports.length}`;
        imports.push(`import ${name} from ${JSON.stringify(abs + '?url')};`);
        return `url("\${${name}}")`;
      });
      const key = path.relative(process.cwd(), file).split(path.sep).join('/');
      return `${imports.join('\n')}
const css = \`${css}\`;
if (typeof document !== 'undefined' && !document.querySelector('style[data-monaco-css=${JSON.stringify(key)}]')) {
  const s = document.createElement('style');
  s.dataset.monacoCss = ${JSON.stringify(key)};
  s.textContent = css;
  document.head.append(s);
}
export default css;
`;
    },
  };
}
