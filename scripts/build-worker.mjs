// Bundles the render worker (lib/render/worker.js and marp-core with its dependencies) into one
// script, lib/render/worker.bundle.cjs, then makes the V8 code cache beside it from a warm-up render
// in a fresh Node.js process (see src/render/bundle.ts). MathJax stays outside the bundle: it loads
// only when a deck uses it (src/render/lazy-mathjax.ts). The Mermaid renderer (beautiful-mermaid and
// elkjs) is a bundle of its own, lib/render/mermaid.bundle.cjs, required by the worker bundle only for
// a deck with a diagram (src/render/mermaid.ts): inside the worker bundle it added ~120 ms of CPU and
// 15 MB to every worker's start. Run after tsc.
import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const dir = `${root}lib/render`
const { loadBundle, BUNDLE_NAME, CACHE_NAME } = await import(pathToFileURL(`${dir}/bundle.js`).href)
const MERMAID_BUNDLE = 'mermaid.bundle.cjs'

if (process.argv[2] === '--cache') {
  const loaded = loadBundle(dir, false)
  const css = readFileSync(`${root}themes/marp-site.css`, 'utf8')
  loaded.exports.warmUp({
    key: 'compile',
    setup: { themes: [{ file: `${root}themes/marp-site.css`, display: 'themes/marp-site.css', css }], defaultTheme: 'marp-site', marp: {} },
  })
  writeFileSync(`${dir}/${CACHE_NAME}`, loaded.script.createCachedData())
} else {
  rmSync(`${dir}/${CACHE_NAME}`, { force: true })
  await build({
    stdin: { contents: "export { renderMermaidSVG } from 'beautiful-mermaid'", resolveDir: root },
    outfile: `${dir}/${MERMAID_BUNDLE}`,
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'cjs',
    target: ['node20'],
    logLevel: 'warning',
  })
  await build({
    entryPoints: [`${dir}/worker.js`],
    outfile: `${dir}/${BUNDLE_NAME}`,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: ['node20'],
    external: ['mathjax-full/*'],
    // `import('beautiful-mermaid')` becomes a require of the Mermaid bundle beside this one (a dynamic
    // import() would not run in the vm.Script the bundle is loaded with).
    supported: { 'dynamic-import': false },
    plugins: [
      { name: 'mermaid-bundle', setup: (b) => b.onResolve({ filter: /^beautiful-mermaid$/ }, () => ({ path: `./${MERMAID_BUNDLE}`, external: true })) },
    ],
    logLevel: 'warning',
  })
  execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--cache'], { stdio: 'inherit' })
}
