// Bundles the deck page runtime (src/client) into one classic script, lib/client/runtime.js, with
// its stylesheet beside it, and the dev server's live-reload client into lib/client/live.js. A classic script, not a module: modules do not load from file://.
import { copyFile, mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
await mkdir(`${root}lib/client`, { recursive: true })
await build({
  entryPoints: [`${root}src/client/runtime.ts`],
  outfile: `${root}lib/client/runtime.js`,
  bundle: true,
  format: 'iife',
  target: ['es2020'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
})
await build({
  entryPoints: [`${root}src/client/live.ts`],
  outfile: `${root}lib/client/live.js`,
  bundle: true,
  format: 'iife',
  target: ['es2020'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
})
await copyFile(`${root}src/client/runtime.css`, `${root}lib/client/runtime.css`)
