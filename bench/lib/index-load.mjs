// The index page of a 500-deck site, loaded in Chromium: with image thumbnails (slide 1 taken by the
// build) and with the live iframe thumbnails of a build without a browser. Target: under a second.
// Run alone with `node bench/lib/index-load.mjs` (after `npm run compile`), or from bench/run.mjs.
import { execFileSync } from 'node:child_process'
import { createReadStream } from 'node:fs'
import { mkdir, rm, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const TYPES = {
  '.html': 'text/html',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.webp': 'image/webp',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
}

/** Small decks (the index shows a deck's title, description and first slide, whatever its length). */
async function writeDecks(dir, count) {
  await rm(dir, { recursive: true, force: true })
  await mkdir(path.join(dir, 'slides'), { recursive: true })
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      writeFile(
        path.join(dir, 'slides', `deck-${String(i + 1).padStart(3, '0')}.md`),
        `---\ntitle: Deck ${i + 1}, a talk about topic ${i % 17}\ndescription: Deck ${i + 1} of the generated site\ndate: 2024-01-${String((i % 28) + 1).padStart(2, '0')}\n---\n\n<!-- _class: lead -->\n\n# Deck ${i + 1}\n\nA talk about topic ${i % 17}\n\n---\n\n## Points\n\n- one\n- two\n`,
      ),
    ),
  )
}

/** A static server for `dir` on 127.0.0.1 (what a static host does, without compression). */
export async function serve(dir) {
  const server = createServer(async (req, res) => {
    const url = decodeURIComponent(new URL(req.url, 'http://x').pathname)
    let file = path.join(dir, url.endsWith('/') ? `${url}index.html` : url)
    try {
      if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html')
      res.setHeader('content-type', TYPES[path.extname(file)] ?? 'application/octet-stream')
      createReadStream(file).pipe(res)
    } catch {
      res.statusCode = 404
      res.end()
    }
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { base: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((resolve) => server.close(resolve)) }
}

/**
 * Loads the index `runs` times, each in a fresh browser context (nothing cached), at 1366×768: the
 * median time to the load event, and to the moment every thumbnail in view is drawn.
 */
export async function measure(chrome, base, runs) {
  const { default: puppeteer } = await import('puppeteer-core')
  const browser = await puppeteer.launch({ executablePath: chrome, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] })
  try {
    const loads = []
    const shown = []
    for (let r = 0; r < runs; r += 1) {
      const context = await browser.createBrowserContext()
      const page = await context.newPage()
      await page.setViewport({ width: 1366, height: 768 })
      await page.goto(base, { waitUntil: 'load', timeout: 60_000 })
      const figures = await page.evaluate(async () => {
        const inView = [...document.querySelectorAll('.ms-thumb')].filter((el) => el.getBoundingClientRect().top < innerHeight)
        await Promise.all(
          inView.map((el) =>
            el instanceof HTMLImageElement
              ? el.decode().catch(() => undefined)
              : new Promise((resolve) => (el.contentDocument?.readyState === 'complete' ? resolve() : el.addEventListener('load', resolve, { once: true }))),
          ),
        )
        const nav = performance.getEntriesByType('navigation')[0]
        return { load: nav.loadEventEnd, shown: performance.now(), thumbs: inView.length }
      })
      loads.push(figures.load)
      shown.push(figures.shown)
      await context.close()
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
    return { load: median(loads), shown: median(shown) }
  } finally {
    await browser.close()
  }
}

/** Builds the site twice (thumbnails as images, then as iframes) and loads its index. */
export async function indexLoad({ work, chrome, count = 500, runs = 5, cli = path.join(ROOT, 'bin', 'marp-site.js') }) {
  const dir = path.join(work, `index-${count}`)
  await writeDecks(dir, count)
  const results = {}
  for (const variant of ['images', 'iframes']) {
    // Images: the browser pass takes slide 1 of each deck (and, to have a browser pass without PDFs,
    // tiny slide images); iframes: a build without a browser.
    const config = variant === 'images' ? { pdf: false, images: { format: 'webp', scale: 0.05 } } : { pdf: false }
    await writeFile(path.join(dir, 'marp-site.config.json'), JSON.stringify({ title: `Index load, ${count} decks`, ...config }))
    await rm(path.join(dir, 'dist'), { recursive: true, force: true })
    await rm(path.join(dir, '.marp-site-cache'), { recursive: true, force: true })
    const started = performance.now()
    execFileSync(process.execPath, [cli, 'build', dir, '--browser-path', chrome], { stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } })
    const buildMs = performance.now() - started
    const indexBytes = (await stat(path.join(dir, 'dist', 'index.html'))).size
    const server = await serve(path.join(dir, 'dist'))
    try {
      results[variant] = { ...(await measure(chrome, server.base, runs)), buildMs, indexBytes }
    } finally {
      await server.close()
    }
  }
  await rm(dir, { recursive: true, force: true })
  return results
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const count = Number(process.env.BENCH_INDEX_DECKS ?? 500)
  const results = await indexLoad({ work: path.join(ROOT, 'bench', 'corpus'), chrome: process.env.CHROME_PATH ?? '/usr/bin/chromium', count })
  console.log(JSON.stringify(results, null, 2))
}
