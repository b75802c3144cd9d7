// Search figures (issue 21) on a built corpus: the search data's bytes per slide, the cost of the
// search index after one deck's edit (against making every record again), and the time per keystroke
// in Chromium, from the input event to the results laid out. Usage from bench/run.mjs:
//   const figures = await searchFigures(dir, { chrome })   // dir: a corpus built with --no-pdf
// or on its own: node bench/lib/search.mjs DIR (builds DIR's corpus of 500 decks first when it has no dist/).
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, existsSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL, fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const LIB = path.join(ROOT, 'lib')
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]

/**
 * CPU time of `fn` (user and system, ms): the work is synchronous and single-threaded, so this is its
 * time on an idle core, and a shared machine's load does not inflate it as it does wall time.
 */
function time(fn) {
  const started = process.cpuUsage()
  fn()
  const used = process.cpuUsage(started)
  return (used.user + used.system) / 1000
}

const QUERIES = ['point', 'second point bold', 'latency', 'step13', 'deck 417 topic', 'quote on slide', 'zebra']

/**
 * The search engine's own CPU time per keystroke, in Node: the index page's engine script
 * (lib/client/search-engine.js) over the site's data file, each query typed key by key.
 */
function engineCpu(dist) {
  const js = (name) =>
    readFileSync(
      path.join(
        dist,
        '_assets',
        'js',
        readdirSync(path.join(dist, '_assets', 'js')).find((f) => f.startsWith(name)),
      ),
      'utf8',
    )
  const scope = {}
  new Function('self', `${js('search.')}\n${js('search-data.')}`)(scope)
  let engine
  const buildMs = time(() => {
    engine = scope.__marpSiteSearchEngine(scope.__marpSiteSearchData)
  })
  const times = []
  for (const q of QUERIES) for (let i = 1; i <= q.length; i += 1) times.push(time(() => engine.search(q.slice(0, i))))
  return { engineBuildCpuMs: buildMs, engineMedianCpuMs: median(times), engineP95CpuMs: quantile(times, 0.95), engineMaxCpuMs: Math.max(...times) }
}

/** The search data file of a built site, its size (plain and gzipped) and the slides it holds. */
function dataFile(dist) {
  const dir = path.join(dist, '_assets', 'js')
  const name = readdirSync(dir).find((f) => f.startsWith('search-data.'))
  if (!name) throw new Error(`no search data in ${dir}`)
  const bytes = readFileSync(path.join(dir, name))
  const manifest = JSON.parse(readFileSync(path.join(dist, 'manifest.json'), 'utf8'))
  const slides = manifest.decks.reduce((n, d) => n + d.slides, 0)
  return { bytes: bytes.length, gzip: gzipSync(bytes).length, slides, decks: manifest.decks.length }
}

/**
 * The index's build-time cost at `decks` decks: every record made (a cold build), and one deck's record
 * made again and joined with the others', kept from the previous build (a build after one deck's edit). The corpus's first 50 decks are rendered in this process (as
 * bench/floor-render.mjs does) and repeated under other slugs up to `decks`.
 */
async function indexCost(dir, decks) {
  const { loadBundle } = await import(pathToFileURL(path.join(LIB, 'render', 'bundle.js')).href)
  const { resolveConfig } = await import(pathToFileURL(path.join(LIB, 'config', 'resolve.js')).href)
  const { discoverThemes } = await import(pathToFileURL(path.join(LIB, 'discover', 'themes.js')).href)
  const { deckSearchRecord, searchDataFile } = await import(pathToFileURL(path.join(LIB, 'write', 'search-index.js')).href)
  const config = await resolveConfig({ root: dir })
  const themes = await discoverThemes(config.root, config.themesDir, config.builtin.themesDir)
  const keyed = { key: 'search-bench', setup: { themes: themes.themes, defaultTheme: config.theme, marp: config.marp } }
  const run = loadBundle(path.join(LIB, 'render')).exports.default
  run({ warmUp: keyed })
  const files = readdirSync(path.join(dir, 'slides'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .slice(0, 50)
  const rendered = files.map((name) => {
    const result = run({ render: { markdown: readFileSync(path.join(dir, 'slides', name), 'utf8'), source: name, slug: name.slice(0, -3) }, with: keyed })
    if (!result.ok) throw new Error(`${name} did not render`)
    return result.deck
  })
  // Fresh objects each time: the records kept per render (a WeakMap) are not found, as in a new process.
  const site = () => Array.from({ length: decks }, (_, i) => ({ ...rendered[i % rendered.length], slug: `deck-${i}` }))
  const options = { includeNotes: true }
  // The content digest of each deck, as write/pages.ts derive() makes it for every deck of every build anyway.
  const content = (i) => `content-of-deck-${i}`
  const full = []
  for (let r = 0; r < 3; r += 1) {
    const all = site()
    full.push(time(() => searchDataFile(all.map((d, i) => deckSearchRecord(d, content(i), options, undefined)))))
  }
  // A build after one deck's edit: the previous build's records (from the page records) for the others.
  const previous = site().map((d, i) => deckSearchRecord(d, content(i), options, undefined))
  const one = []
  for (let r = 0; r < 9; r += 1) {
    const all = site()
    one.push(time(() => searchDataFile(all.map((d, i) => deckSearchRecord(d, i === 7 ? `edited-${r}` : content(i), options, previous[i])))))
  }
  return { fullMs: median(full), oneMs: median(one) }
}

/** Per keystroke in Chromium: the input event to the results laid out, over several queries typed key by key. */
async function keystrokes(dist, chrome) {
  const puppeteer = (await import('puppeteer-core')).default
  const browser = await puppeteer.launch({
    executablePath: chrome,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--allow-file-access-from-files',
    ],
  })
  try {
    const page = await browser.newPage()
    await page.setViewport({ width: 1280, height: 900 })
    // Typing starts once the page has loaded (its first thumbnails too): no time limit on a busy machine.
    await page.goto(pathToFileURL(path.join(dist, 'index.html')).href, { waitUntil: 'load', timeout: 0 })
    const firstSearchMs = await page.evaluate(async () => {
      const input = document.getElementById('ms-q')
      const started = performance.now()
      input.focus()
      input.value = 'a'
      input.dispatchEvent(new Event('input'))
      while (document.getElementById('ms-count').textContent.startsWith('Loading')) await new Promise((r) => setTimeout(r, 5))
      return performance.now() - started
    })
    const queries = QUERIES
    const times = await page.evaluate((qs) => {
      const input = document.getElementById('ms-q')
      const out = []
      for (const q of qs) {
        for (let i = 1; i <= q.length; i += 1) {
          const started = performance.now()
          input.value = q.slice(0, i)
          input.dispatchEvent(new Event('input'))
          // Style and layout of the results, as the next frame would do them.
          void document.body.offsetHeight
          out.push(performance.now() - started)
        }
      }
      return out
    }, queries)
    return { firstSearchMs, medianMs: median(times), p95Ms: quantile(times, 0.95), maxMs: Math.max(...times), keys: times.length }
  } finally {
    await browser.close()
  }
}

export async function searchFigures(dir, { chrome = process.env.CHROME_PATH ?? '/usr/bin/chromium', decks = 500 } = {}) {
  const dist = path.join(dir, 'dist')
  const data = dataFile(dist)
  const cost = await indexCost(dir, decks)
  const cpu = engineCpu(dist)
  console.log('search index:', JSON.stringify({ ...data, ...cost, ...cpu }))
  const keys = await keystrokes(dist, chrome)
  return { ...data, bytesPerSlide: data.bytes / data.slides, gzipPerSlide: data.gzip / data.slides, ...cost, ...cpu, ...keys }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = path.resolve(process.argv[2] ?? path.join(ROOT, 'bench', 'corpus', 'search500'))
  if (!existsSync(path.join(dir, 'dist'))) {
    const { writeCorpus } = await import('../corpus.mjs')
    await writeCorpus(dir, 500)
    execFileSync(process.execPath, [path.join(ROOT, 'bin', 'marp-site.js'), 'build', dir, '--no-pdf'], { stdio: 'inherit' })
  }
  console.log(JSON.stringify(await searchFigures(dir), null, 2))
}
