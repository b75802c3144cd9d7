import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Page } from 'puppeteer-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build } from '../src/build/index.js'
import { resolveConfig } from '../src/config/resolve.js'
import { launchBrowser, type TestBrowser } from './helpers/browser.js'
import { buildProject, project, tempDir } from './helpers/project.js'

let chromium: TestBrowser
beforeAll(async () => {
  chromium = await launchBrowser()
})
afterAll(async () => {
  await chromium?.close()
})

interface Visit {
  page: Page
  outside: string[]
  errors: string[]
}

/** Opens a built file over file://, failing and recording every request that leaves the site folder. */
async function visit(outDir: string, sitePath: string, options: { javascript?: boolean } = {}): Promise<Visit> {
  const page = await chromium.browser.newPage()
  if (options.javascript === false) await page.setJavaScriptEnabled(false)
  await page.setViewport({ width: 1280, height: 800 })
  const outside: string[] = []
  const errors: string[] = []
  const siteUrl = pathToFileURL(outDir).href
  await page.setRequestInterception(true)
  page.on('request', (request) => {
    const url = request.url()
    if (url.startsWith(`${siteUrl}/`) || url.startsWith('data:')) void request.continue()
    else {
      outside.push(url)
      void request.abort()
    }
  })
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  page.on('pageerror', (error) => errors.push(String(error)))
  await page.goto(pathToFileURL(path.join(outDir, ...sitePath.split('/'))).href, { waitUntil: 'load' })
  await page.evaluate(() => document.fonts.ready.then(() => undefined))
  return { page, outside, errors }
}

describe('our own decks in a real browser', () => {
  let outDir: string
  beforeAll(async () => {
    outDir = path.join(await tempDir(), 'site')
    // A copy of the decks marp-site ships in slides/ (test/fixtures/samples): the user replaces slides/.
    const result = await build(await resolveConfig({ root: await project({}, 'samples'), outDir, pdf: false }))
    expect(result.problems).toEqual([])
  })

  it.each(['index.html', 'post-mortem/index.html', 'theme-guide/index.html'])(
    '%s loads offline: nothing requested outside the site, no console errors',
    async (sitePath) => {
      const { page, outside, errors } = await visit(outDir, sitePath)
      try {
        expect(outside).toEqual([])
        expect(errors).toEqual([])
        // Every image (emoji, pictures) actually loaded from the site.
        const broken = await page.$$eval('img', (imgs) => imgs.filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.src))
        expect(broken).toEqual([])
      } finally {
        await page.close()
      }
    },
  )

  it('typesets math with MathJax (the default, as marp-core) as inline SVG that needs no font', async () => {
    // Without JavaScript every slide shows, one under the other, the math slide too.
    const { page, outside } = await visit(outDir, 'theme-guide/index.html', { javascript: false })
    try {
      const formulas = await page.$$eval('mjx-container > svg', (svgs) => svgs.map((svg) => Math.round(svg.getBoundingClientRect().width)))
      expect(formulas.length).toBeGreaterThanOrEqual(2)
      for (const width of formulas) expect(width).toBeGreaterThan(0)
      expect(await page.evaluate(() => [...document.fonts].some((f) => f.family.includes('KaTeX')))).toBe(false)
      expect(outside).toEqual([])
    } finally {
      await page.close()
    }
  })

  it('shows the post-mortem as 7 slides of 1280×720, one under the other without JavaScript', async () => {
    const { page } = await visit(outDir, 'post-mortem/index.html', { javascript: false })
    try {
      const sizes = await page.$$eval('div.marpit > svg > foreignObject > section:not([data-marpit-advanced-background])', (sections) =>
        sections.map((s) => `${(s as HTMLElement).offsetWidth}x${(s as HTMLElement).offsetHeight}`),
      )
      expect(sizes).toEqual(Array(7).fill('1280x720'))
    } finally {
      await page.close()
    }
  })

  it("shows each deck's first slide as its thumbnail on the index", async () => {
    const { page } = await visit(outDir, 'index.html')
    try {
      await page.evaluate(() =>
        Promise.all(
          [...document.querySelectorAll('iframe')].map((f) =>
            f.contentDocument?.readyState === 'complete' ? undefined : new Promise((r) => f.addEventListener('load', r)),
          ),
        ),
      )
      const thumbs = await page.$$eval('iframe.ms-thumb', (frames) =>
        frames.map((f) => {
          const doc = (f as HTMLIFrameElement).contentDocument
          const heading = doc?.querySelector('section h1')?.textContent ?? null
          const svg = doc?.querySelector('svg[data-marpit-svg]')?.getBoundingClientRect()
          return { heading, width: Math.round(svg?.width ?? 0), frame: Math.round(f.getBoundingClientRect().width) }
        }),
      )
      expect(thumbs.map((t) => t.heading)).toEqual(['The marp-site theme', 'What is a Software Post-Mortem and How Do You Write One?'])
      // The slide is scaled to the card, not cropped.
      for (const t of thumbs) expect(t.width).toBe(t.frame)
    } finally {
      await page.close()
    }
  })
})

describe('centred images', () => {
  let outDir: string
  beforeAll(async () => {
    const root = await project({}, 'centred')
    await buildProject(root)
    outDir = path.join(root, 'dist')
  })

  async function imageOffsets(slug: string): Promise<{ left: number; right: number }> {
    const { page } = await visit(outDir, `${slug}/index.html`)
    try {
      return await page.$eval('section img', (img) => {
        const section = img.closest('section') as HTMLElement
        // Measure in the slide's own coordinates (offsets), whatever the SVG scale, within its content box.
        const style = getComputedStyle(section)
        const left = (img as HTMLElement).offsetLeft - parseFloat(style.paddingLeft)
        const right = section.clientWidth - parseFloat(style.paddingRight) - (img as HTMLElement).offsetLeft - (img as HTMLElement).offsetWidth
        return { left, right }
      })
    } finally {
      await page.close()
    }
  }

  it.each(['with-style', 'with-style-gaia', 'theme-only'])('centres ![center](…) in %s', async (slug) => {
    const { left, right } = await imageOffsets(slug)
    expect(left).toBeGreaterThan(200)
    expect(Math.abs(left - right)).toBeLessThanOrEqual(1)
  })

  it('leaves an image without the center keyword where the text starts', async () => {
    const { left, right } = await imageOffsets('plain')
    expect(left).toBeLessThanOrEqual(1)
    expect(right).toBeGreaterThan(200)
  })
})

describe('hostile HTML in a deck stays inert', () => {
  it('runs no script from <script>, onerror= or javascript: links', async () => {
    const root = await project({
      'slides/x.md': [
        '# x',
        '',
        '<script>window.__pwned = "script"</script>',
        '',
        '<img src="nope.png" onerror="window.__pwned = \'onerror\'">',
        '',
        "[click](javascript:window.__pwned='link')",
        '',
        '<a href="data:text/html,<script>alert(1)</script>">data</a>',
        '',
        '<iframe src="https://example.com"></iframe>',
      ].join('\n'),
    })
    await buildProject(root)
    const { page, outside } = await visit(path.join(root, 'dist'), 'x/index.html')
    try {
      const links = await page.$$eval('section a', (as) => as.map((a) => a.getAttribute('href')))
      for (const href of links) expect(href ?? '').not.toMatch(/^(javascript|data):/i)
      expect(await page.$$('section iframe')).toHaveLength(0)
      expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined()
      expect(outside).toEqual([])
    } finally {
      await page.close()
    }
  })
})

describe('printing a deck page', () => {
  it('gives one page per slide at the slide size, for 16:9 and 4:3', async () => {
    const { PDFDocument } = await import('pdf-lib')
    const root = await project({
      'slides/wide.md': '# One\n\n---\n\n# Two\n\n---\n\n<!-- _class: invert -->\n# Three',
      'slides/square.md': '---\nsize: 4:3\n---\n# One\n\n---\n\n# Two',
    })
    await buildProject(root)
    for (const [slug, pages, width, height] of [
      ['wide', 3, 1280, 720],
      ['square', 2, 960, 720],
    ] as const) {
      const { page } = await visit(path.join(root, 'dist'), `${slug}/index.html`)
      try {
        await page.emulateMediaType('print')
        const pdf = await PDFDocument.load(await page.pdf({ preferCSSPageSize: true, printBackground: true }))
        expect(pdf.getPageCount()).toBe(pages)
        for (const p of pdf.getPages()) {
          // CSS px are 0.75 pt.
          expect(Math.round(p.getWidth())).toBe(width * 0.75)
          expect(Math.round(p.getHeight())).toBe(height * 0.75)
        }
      } finally {
        await page.close()
      }
    }
  })
})

describe('--single-file', () => {
  it('makes a deck page that works alone: copied anywhere, it shows its styles, images, math, emoji and runs', async () => {
    const root = await project({
      'slides/mail.md': [
        '---\ntitle: By mail\nmath: katex\n---\n\n<style>\nimg[alt~="center"] { display: block; margin: 0 auto; }\n</style>\n\n# Sent by mail :smile:\n\n![center a red box](pic.svg)',
        '![bg](bg.svg)\n\n## Math $\\sqrt{x^2}$',
      ].join('\n\n---\n\n'),
      'slides/pic.svg': '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="200" height="100" fill="#c33"/></svg>',
      'slides/bg.svg': '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="9"><rect width="16" height="9" fill="#36c"/></svg>',
    })
    const result = await buildProject(root, { singleFile: true })
    expect(result.problems).toEqual([])
    const html = await (await import('node:fs/promises')).readFile(path.join(root, 'dist/mail/index.html'), 'utf8')
    // Nothing linked: no stylesheet, script or image from the site.
    expect(html).not.toMatch(/<link rel="stylesheet"|<script src=|src="(?!data:)[^"]+\.svg"|_assets\//)
    expect(html).toContain('data:image/svg+xml;base64,')
    expect(html).toContain('data:font/woff2;base64,')
    // Alone in another folder, over file://, with every request outside that folder refused.
    const alone = await tempDir()
    await (await import('node:fs/promises')).copyFile(path.join(root, 'dist/mail/index.html'), path.join(alone, 'mail.html'))
    const { page, outside, errors } = await visit(alone, 'mail.html')
    try {
      expect(outside).toEqual([])
      expect(errors).toEqual([])
      await page.waitForSelector('svg.ms-active')
      const first = await page.evaluate(() => {
        const img = document.querySelector<HTMLImageElement>('svg.ms-active img[alt~="center"]')
        const section = document.querySelector('svg.ms-active section')
        const emoji = document.querySelector<HTMLImageElement>('svg.ms-active img.emoji')
        return {
          loaded: img?.naturalWidth,
          // The centred-image idiom from the deck's <style>: equal automatic margins.
          centred:
            img && section ? getComputedStyle(img).marginLeft === getComputedStyle(img).marginRight && getComputedStyle(img).marginLeft !== '0px' : false,
          emoji: emoji?.naturalWidth ?? 0,
        }
      })
      expect(first).toEqual({ loaded: 200, centred: true, emoji: expect.any(Number) })
      expect(first.emoji).toBeGreaterThan(0)
      await page.keyboard.press('ArrowRight')
      await page.waitForFunction(() => document.querySelector('svg.ms-active h2')?.textContent?.includes('Math'))
      expect(await page.evaluate(() => document.fonts.check('20px KaTeX_Main'))).toBe(true)
    } finally {
      await page.close()
    }
  })
})
