// A floor for the cold HTML build: one Node.js process that starts, loads marp-site's render worker
// (the bundle with its code cache, as a build's render thread does), warms it up and renders every deck
// of the corpus on this one thread. Nothing is listed, cached, templated or written; the whole
// process is timed by the caller. Usage: node bench/floor-render.mjs CORPUS_DIR
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const lib = fileURLToPath(new URL('../lib/', import.meta.url))
const { loadBundle } = await import(path.join(lib, 'render', 'bundle.js'))
const { resolveConfig } = await import(path.join(lib, 'config', 'resolve.js'))
const { discoverThemes } = await import(path.join(lib, 'discover', 'themes.js'))

const root = path.resolve(process.argv[2])
const config = await resolveConfig({ root })
const themes = await discoverThemes(config.root, config.themesDir, config.builtin.themesDir)
const keyed = { key: 'floor', setup: { themes: themes.themes, defaultTheme: config.theme, marp: config.marp } }
const run = loadBundle(path.join(lib, 'render')).exports.default
run({ warmUp: keyed })
const dir = path.join(root, 'slides')
let slides = 0
for (const name of readdirSync(dir)
  .filter((f) => f.endsWith('.md'))
  .sort()) {
  const result = run({ render: { markdown: readFileSync(path.join(dir, name), 'utf8'), source: name, slug: name }, with: keyed })
  if (!result.ok) throw new Error(`${name} did not render`)
  slides += result.deck.slides.length
}
if (slides === 0) throw new Error('no slides rendered')
