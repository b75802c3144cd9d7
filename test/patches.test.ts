/**
 * One test per internal patch of marp-core, Marpit, markdown-it, Node or Chromium that no other test
 * guards (see the table in docs/architecture.md): each fails when an upgrade makes its patch stop
 * taking effect, which would otherwise go unnoticed (a slower build, a different PDF, a bigger page).
 */
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import sirv from 'sirv'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { discoverThemes } from '../src/discover/themes.js'
import { launchForDecks } from '../src/browser/launch.js'
import { visitDecks } from '../src/browser/visit.js'
import { pdfOutput } from '../src/pdf/print.js'
import { renderDeck, type RenderedDeck } from '../src/render/deck.js'
import { createEngine, type Engine } from '../src/render/engine.js'
import { chromiumPath, launchBrowser } from './helpers/browser.js'
import { buildProject, project, readOut, REPO } from './helpers/project.js'

let themes: Awaited<ReturnType<typeof discoverThemes>>['themes']
beforeAll(async () => {
  themes = (await discoverThemes(REPO, path.join(REPO, 'themes'), path.join(REPO, 'themes'))).themes
})

function engine(): Engine {
  return createEngine({ themes, defaultTheme: 'marp-site', marp: {} })
}

function render(markdown: string, e: Engine = engine()): RenderedDeck {
  const result = renderDeck(e, { markdown, source: 'slides/deck.md', slug: 'deck' })
  if (!result.ok) throw new Error(`render failed: ${JSON.stringify(result.problems)}`)
  return result.deck
}

/** The text runs of each page of a PDF with their font size in points. */
async function textSizes(data: Uint8Array): Promise<{ text: string; size: number }[][]> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs')
  const doc = await pdfjs.getDocument({ data: new Uint8Array(data), useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise
  const pages = []
  for (let i = 1; i <= doc.numPages; i += 1) {
    const { items } = await (await doc.getPage(i)).getTextContent()
    pages.push(
      items
        .filter((item) => 'str' in item && item.str.trim() !== '')
        .map((item) => {
          const { str, transform } = item as { str: string; transform: number[] }
          return { text: str, size: Math.round(Math.hypot(transform[2] ?? 0, transform[3] ?? 0)) }
        }),
    )
  }
  await doc.destroy()
  return pages
}

const sizeOf = (pages: { text: string; size: number }[][], text: string) => pages.flat().find((run) => run.text.includes(text))?.size

describe('marp-core and Marpit internals the renderer relies on', () => {
  it('packs a theme once for every deck that shares its theme and size (engine.ts reuseStyles)', () => {
    const e = engine()
    // ThemeSet#pack is the PostCSS work that reuseStyles saves; it runs only through Marpit's renderStyle.
    const pack = vi.spyOn(e.marp.themeSet, 'pack')
    for (const markdown of ['# One', '# Two\n\n- a list', '## Three\n\n---\n\n## Four']) render(markdown, e)
    expect(pack).toHaveBeenCalledTimes(1)
    render('---\nsize: 4:3\n---\n# Four by three', e)
    expect(pack).toHaveBeenCalledTimes(2)
  })

  it('gives a deck with <style scoped> the same bytes on every render (deck.ts stableScopes)', () => {
    const markdown = '# a\n\n---\n\n<style scoped>\nh1 { color: green }\n</style>\n\n# b'
    const [first, second] = [render(markdown, engine()), render(markdown, engine())]
    expect(second.slides).toEqual(first.slides)
    expect(second.css).toBe(first.css)
    expect(first.slides[1]).toContain('data-marpit-scope-s1')
  })

  it('leaves no empty slide where a --- comes right before a heading under headingDivider (plugin.ts noEmptyDividedSlidePlugin)', () => {
    const deck = render('---\nheadingDivider: 2\n---\n\n# Title\n\n---\n\n<!-- _class: lead -->\n\n## Next\n\ntext')
    expect(deck.slides).toHaveLength(2)
    // The directive written between the --- and the heading applies to the heading's slide.
    expect(deck.slides[1]).toMatch(/<section[^>]*class="lead"[^>]*>[\s\S]*Next/)
    expect(deck.problems.filter((p) => p.rule === 'empty-slide')).toEqual([])
  })
})

describe('the render worker', () => {
  it('loads no MathJax module until a deck uses MathJax, not even in the warm-up, and then renders it (lazy-mathjax.ts)', async () => {
    // A fresh process, as a worker thread starts: the bundled worker (lib/render) with MathJax as the default,
    // its warm-up, a deck without math, a KaTeX deck, then a deck with math under the default.
    const probe = `
      import { createRequire } from 'node:module'
      import { readFileSync } from 'node:fs'
      const dir = process.argv[1]
      const { loadBundle } = await import(new URL('bundle.js', 'file://' + dir + '/').href)
      const mathjax = () => Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('mathjax-full')).length
      const run = loadBundle(dir).exports.default
      const css = readFileSync('themes/marp-site.css', 'utf8')
      const setup = { key: 'default', setup: { themes: [{ file: 'themes/marp-site.css', display: 'themes/marp-site.css', css }], defaultTheme: 'marp-site', marp: {} } }
      const deck = (markdown) => ({ markdown, source: 'a.md', slug: 'a' })
      const out = { atStart: mathjax() }
      run({ warmUp: setup })
      run({ render: deck('# no math'), with: setup })
      run({ render: deck('---\\nmath: katex\\n---\\n# a\\n\\n$x^2$'), with: setup })
      out.beforeMath = mathjax()
      out.mathjaxSvg = run({ render: deck('# a\\n\\n$x^2$'), with: setup }).deck.slides[0].includes('<mjx-container')
      out.afterMathjax = mathjax()
      console.log(JSON.stringify(out))
    `
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', probe, path.join(REPO, 'lib', 'render')], { cwd: REPO })
    const seen = JSON.parse(stdout) as { atStart: number; beforeMath: number; mathjaxSvg: boolean; afterMathjax: number }
    expect(seen).toMatchObject({ atStart: 0, beforeMath: 0, mathjaxSvg: true })
    expect(seen.afterMathjax).toBeGreaterThan(0)
  })
})

describe('self-contained pages over marp-core output (inline.ts)', () => {
  it('inlines a background from marp-core’s style attribute, and only the WOFF2 files of KaTeX’s fonts', async () => {
    const root = await project({
      'slides/mail.md': '---\nmath: katex\n---\n\n# Math $x^2$\n\n---\n\n![bg](bg.svg)\n\n## Background',
      'slides/bg.svg': '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="9"><rect width="16" height="9" fill="#36c"/></svg>',
    })
    expect((await buildProject(root, { singleFile: true })).problems).toEqual([])
    const html = await readOut(root, 'mail/index.html')
    // marp-core writes the background as `background-image:url(&quot;…&quot;)` in a style attribute.
    expect(html).toMatch(/background-image:url\(data:image\/svg\+xml;base64,/)
    expect(html).not.toContain('bg.svg')
    // KaTeX's @font-face lists WOFF2, WOFF and TTF: the page carries the WOFF2 only.
    expect(html).toContain('data:font/woff2;base64,')
    expect(html).not.toMatch(/data:font\/(woff|ttf);base64,/)
  })
})

describe('printing around Chromium and marp-core’s browser script', { timeout: 60_000 }, () => {
  const FITTED = '# <!-- fit --> Fitted to the width\n\n---\n\n# Plain heading'

  it('prints a fitted heading at its on-screen size, also in a deck swapped into the printer’s loaded page (print.ts flattenAutoScaling, frame.ts)', async () => {
    // Same page frame: b is printed in the page loaded for a.
    const root = await project({ 'slides/a.md': FITTED, 'slides/b.md': FITTED.replace('Fitted to', 'Also fitted to') })
    expect((await buildProject(root, { pdf: true })).problems).toEqual([])
    for (const [slug, text] of [
      ['a', 'Fitted to the width'],
      ['b', 'Also fitted to the width'],
    ] as const) {
      const pages = await textSizes(await readFile(path.join(root, 'dist', slug, `${slug}.pdf`)))
      const fitted = sizeOf(pages, text)
      const plain = sizeOf(pages, 'Plain heading')
      expect(fitted, `${slug}: the fitted heading is printed`).toBeDefined()
      expect(plain, `${slug}: the plain heading is printed`).toBeDefined()
      // marp-core scales a fitted heading up to the slide's width. A flattening that misses marp-core's
      // shadow DOM prints it at the plain size. (Chromium 150 prints the unflattened SVG correctly.)
      expect(fitted ?? 0, slug).toBeGreaterThan((plain ?? 0) * 1.3)
    }
  })

  it('swaps the next deck of the same frame into the loaded page instead of loading it (frame.ts deckFrame)', async () => {
    const root = await project({ 'slides/a.md': '# Deck A', 'slides/b.md': '# Deck B', 'slides/c.md': '# Deck C' })
    await buildProject(root)
    const dist = path.join(root, 'dist')
    const requests: string[] = []
    const serve = sirv(dist, { dev: true })
    const server = createServer((req, res) => {
      requests.push(req.url ?? '')
      serve(req, res, () => {
        res.statusCode = 404
        res.end()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const jobs = ['a', 'b', 'c'].map((slug) => ({
        slug,
        source: `slides/${slug}.md`,
        page: `${slug}/index.html`,
        viewport: { width: 1280, height: 720 },
        html: () => readFile(path.join(dist, slug, 'index.html'), 'utf8'),
      }))
      const results = await visitDecks(jobs, {
        outputs: [pdfOutput],
        launch: () => launchForDecks(chromiumPath(), 30_000),
        base,
        load: 'print',
        timeoutMs: 30_000,
        concurrency: 1,
      })
      expect(results.map((r) => r.ok)).toEqual([true, true, true])
      for (const [i, result] of results.entries()) {
        const pages = await textSizes(result.ok ? result.output(pdfOutput) : new Uint8Array())
        expect(
          pages
            .flat()
            .map((run) => run.text)
            .join(' '),
        ).toContain(`Deck ${'ABC'[i]}`)
      }
      // Only the first deck's page is loaded as a page; the others are swapped into it.
      expect(requests.filter((url) => url.includes('?view=print'))).toEqual(['/a/index.html?view=print'])
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })

  // Chromium 150 prints marp-core's scaled elements without help: removing the beforeprint handler
  // does not fail this test (it guards the outcome and the handler's afterprint half only).
  it('prints fitted headings when the browser prints the deck page itself, and scales them again after (client/runtime.ts beforeprint/afterprint)', async () => {
    const root = await project({ 'slides/d.md': FITTED })
    await buildProject(root)
    const chromium = await launchBrowser()
    try {
      const page = await chromium.browser.newPage()
      await page.setViewport({ width: 1280, height: 720 })
      await page.goto(pathToFileURL(path.join(root, 'dist', 'd', 'index.html')).href, { waitUntil: 'load' })
      await page.evaluate(() => document.fonts.ready.then(() => undefined))
      const scaled = () => page.evaluate(() => document.querySelectorAll('[data-auto-scaling]').length)
      const before = await scaled()
      expect(before).toBeGreaterThan(0)
      // page.pdf fires beforeprint and afterprint, as the browser's own Print does.
      const pages = await textSizes(await page.pdf({ preferCSSPageSize: true, printBackground: true }))
      expect(pages).toHaveLength(2)
      expect(pages[0]?.map((run) => run.text).join(' ')).toContain('Fitted to the width')
      // Scaled again once printed.
      expect(await scaled()).toBe(before)
    } finally {
      await chromium.close()
    }
  })
})
