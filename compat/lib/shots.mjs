// Loading a deck page offline in the compat run's Chromium and screenshotting every slide at its own size.
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { PNG } from 'pngjs'

const ROOT = path.resolve(import.meta.dirname, '..', '..')

/**
 * What marp-cli's pages load from a CDN when online: KaTeX's fonts and Twemoji's images. Served from the same
 * packages in node_modules (the versions marp-site serves from the site), so that this offline run compares
 * the decks and not the network.
 */
const CDN = [
  [/^https:\/\/cdn\.jsdelivr\.net\/npm\/katex@[^/]+\/dist\/([\w./-]+)$/, 'node_modules/katex/dist'],
  [/^https:\/\/cdn\.jsdelivr\.net\/gh\/jdecked\/twemoji@[^/]+\/assets\/svg\/([\w-]+\.svg)$/, 'node_modules/twemoji-svg/dist'],
]
const TYPES = { woff2: 'font/woff2', woff: 'font/woff', ttf: 'font/ttf', svg: 'image/svg+xml', css: 'text/css' }

/**
 * gaia's font CDN (fonts.bunny.net), which marp-cli's pages ask: answered with the same fonts marp-site
 * serves from the site (the @fontsource packages, see src/write/web-fonts.ts), so both sides show Lato and
 * Roboto Mono as they would online.
 */
const BUNNY = 'https://fonts.bunny.net/'
let gaiaFonts
async function bunny(url) {
  gaiaFonts ??= (await import(pathToFileURL(path.join(ROOT, 'lib/write/web-fonts.js')).href)).webFontSheet('_assets/fonts/gaia.css')
  const sheet = await gaiaFonts
  if (url.startsWith(`${BUNNY}css`)) return { type: 'text/css', body: sheet.css }
  const file = sheet.files.find((f) => url === `${BUNNY}${path.posix.basename(f.target)}`)
  return file && { type: 'font/woff2', body: await readFile(file.from) }
}

async function answer(req) {
  const url = req.url()
  if (/^(file|data|blob):/.test(url)) return req.continue()
  if (url.startsWith(BUNNY)) {
    const found = await bunny(url)
    if (found) return req.respond({ status: 200, contentType: found.type, headers: { 'Access-Control-Allow-Origin': '*' }, body: found.body })
  }
  for (const [pattern, dir] of CDN) {
    const m = pattern.exec(url)
    const file = m && path.join(ROOT, dir, m[1])
    if (file && !m[1].includes('..') && existsSync(file)) {
      const type = TYPES[path.extname(file).slice(1)] ?? 'application/octet-stream'
      return req.respond({ status: 200, contentType: type, headers: { 'Access-Control-Allow-Origin': '*' }, body: await readFile(file) })
    }
  }
  // Nothing else leaves the machine: remote images, fonts and CSS fail the same way on both sides.
  return req.abort()
}

/**
 * Every slide of a page as a PNG at the slide's own size (its SVG's viewBox), in page order. `requests`, when
 * given, collects every URL the page asks for that is not a file, data or blob URL (none is let through);
 * `probe`, a self-contained function run in the page with `probeArg` once the slides are laid out at their
 * own size, and its result returned as `probed`.
 */
export async function screenshots(browser, file, { requests, probe, probeArg } = {}) {
  const page = await browser.newPage()
  try {
    await page.setRequestInterception(true)
    // A request left unanswered would hold the page's load: a failed answer aborts it.
    page.on('request', (req) => {
      if (requests && !/^(file|data|blob):/.test(req.url())) requests.push(req.url())
      void answer(req).catch(() => req.abort().catch(() => undefined))
    })
    await page.setViewport({ width: 1280, height: 720, deviceScaleFactor: 1 })
    const url = pathToFileURL(file).href + (file.endsWith('__marp-cli.html') ? '' : '?view=measure')
    await page.goto(url, { waitUntil: 'load', timeout: 180_000 })
    const sizes = await page.evaluate(async () => {
      await document.fonts.ready
      const svgs = Array.from(document.querySelectorAll('svg[data-marpit-svg]'))
      // marp-site's page bar is chrome, not slide: it is sticky, so it would cover the top of each slide.
      for (const bar of document.querySelectorAll('.ms-bar')) bar.style.setProperty('display', 'none', 'important')
      for (const el of [document.documentElement, document.body]) {
        el.style.setProperty('margin', '0', 'important')
        el.style.setProperty('scroll-snap-type', 'none', 'important')
      }
      for (const svg of svgs) {
        const { width, height } = svg.viewBox.baseVal
        for (const [k, v] of [
          ['display', 'block'],
          ['width', `${width}px`],
          ['height', `${height}px`],
          ['margin', '0'],
          ['box-shadow', 'none'],
          ['outline', 'none'],
        ])
          svg.style.setProperty(k, v, 'important')
      }
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))
      // Theme sizes need not be whole pixels (`210mm`): screenshots are of whole pixels.
      return svgs.map((svg) => ({ width: Math.max(1, Math.round(svg.viewBox.baseVal.width)), height: Math.max(1, Math.round(svg.viewBox.baseVal.height)) }))
    })
    // marp-core's auto-scaling (fit headings, wide code and math) settles after a frame or two more.
    await new Promise((r) => setTimeout(r, 300))
    const probed = probe ? await page.evaluate(probe, probeArg) : undefined
    const shots = []
    const handles = await page.$$('svg[data-marpit-svg]')
    let viewport = { width: 1280, height: 720 }
    for (const [i, handle] of handles.entries()) {
      const { width, height } = sizes[i]
      if (width !== viewport.width || height !== viewport.height) {
        viewport = { width, height }
        await page.setViewport({ ...viewport, deviceScaleFactor: 1 })
      }
      // Scrolled to the top of the window: the page's own scroll container (marp-cli's body) scrolls too.
      const { x, y } = await handle.evaluate((el) => {
        el.scrollIntoView({ block: 'start', inline: 'start' })
        const r = el.getBoundingClientRect()
        // A clip is in document coordinates.
        return { x: r.left + window.scrollX, y: r.top + window.scrollY }
      })
      const buffer = await page.screenshot({ clip: { x, y, width, height }, type: 'png', optimizeForSpeed: true })
      shots.push(PNG.sync.read(Buffer.from(buffer)))
    }
    return { shots, probed }
  } finally {
    await page.close()
  }
}
