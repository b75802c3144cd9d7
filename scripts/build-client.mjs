// Bundles the browser code in src/client into classic scripts (modules do not load from file://):
// lib/client/runtime.js, the deck page runtime, with its stylesheets beside it (transitions.css: the
// slide transitions' keyframes), and
// lib/client/live.js, the dev server's live-reload client,
// lib/client/index-page.js, the index page's search and browse script, and
// lib/client/search-engine.js, its search engine (MiniSearch), loaded only when someone searches.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { build, transform } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
await mkdir(`${root}lib/client`, { recursive: true })
for (const name of ['runtime', 'live', 'index-page', 'search-engine']) {
  await build({
    entryPoints: [`${root}src/client/${name}.ts`],
    outfile: `${root}lib/client/${name}.js`,
    bundle: true,
    format: 'iife',
    target: ['es2020'],
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  })
}
await copyFile(`${root}src/client/runtime.css`, `${root}lib/client/runtime.css`)
// The transitions stylesheet is mostly keyframes: minified, it is under two thirds of its size.
const transitions = await readFile(`${root}src/client/transitions.css`, 'utf8')
const minified = await transform(transitions, { loader: 'css', minify: true, legalComments: 'none' })
await writeFile(`${root}lib/client/transitions.css`, minified.code)
