import { copyFile } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Frame, Page } from 'puppeteer-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, privateTmpdir, type TestBrowser } from './helpers/browser.js'
import { buildProject, project, tempDir } from './helpers/project.js'

// A slide must look the same wherever it is shown, as in a blank page of its own (marp-cli's pages):
// nothing the page around it sets on html or body (colour, font, line height, root font size) reaches it.

privateTmpdir()

const THEMES = {
  // A theme written from scratch: only the slide size.
  'themes/bare.css': '/* @theme bare */\nsection { width: 1280px; height: 720px; }\n',
  // A page number in rem: Marpit does not rewrite rem in pseudo-elements, so it follows the page's root.
  'themes/paged.css': '/* @theme paged */\nsection { width: 1280px; height: 720px; }\nsection::after { font-size: 1rem; }\n',
}

const DECKS = {
  'slides/plain.md': '---\ntheme: bare\n---\n\nPlain text\n\n<div style="font-size:2rem">Two rem</div>\n\n<!-- a note -->\n\n---\n\nPlain text again\n',
  'slides/paged.md': '---\ntheme: paged\npaginate: true\n---\n\nPage one\n\n---\n\nPage two\n',
  'marp-site.config.json': JSON.stringify({ marp: { html: true } }),
}

interface SlideStyle {
  color: string
  fontFamily: string
  lineHeight: string
  text: string
  twoRem: string | null
  pageNumber: string
}

/** Runs in the page: the computed style of the first slide under `selector`, its first paragraph, its rem-sized div and its ::after. */
function slideStyle(selector: string): SlideStyle {
  const section = document.querySelector(`${selector} section`) as HTMLElement
  const p = section.querySelector('p') as HTMLElement
  const style = getComputedStyle(p)
  return {
    color: style.color,
    fontFamily: style.fontFamily,
    lineHeight: style.lineHeight,
    text: style.fontSize,
    twoRem: section.querySelector('div') ? getComputedStyle(section.querySelector('div') as HTMLElement).fontSize : null,
    pageNumber: getComputedStyle(section, '::after').fontSize,
  }
}

let chromium: TestBrowser
let outDir: string
/** What a paragraph gets in a blank page of this browser. */
let defaults: { color: string; fontFamily: string; lineHeight: string; text: string }

beforeAll(async () => {
  chromium = await launchBrowser()
  const root = await project({ ...THEMES, ...DECKS })
  const result = await buildProject(root)
  expect(result.problems).toEqual([])
  outDir = path.join(root, 'dist')
  const blank = await chromium.browser.newPage()
  await blank.setContent('<!DOCTYPE html><p>x</p>')
  defaults = await blank.$eval('p', (p) => {
    const s = getComputedStyle(p)
    return { color: s.color, fontFamily: s.fontFamily, lineHeight: s.lineHeight, text: s.fontSize }
  })
  await blank.close()
})

afterAll(async () => {
  await chromium?.close()
})

function url(dir: string, sitePath: string, query = ''): string {
  return pathToFileURL(path.join(dir, ...sitePath.split('/'))).href + query
}

async function open(
  target: string,
  options: { javascript?: boolean; print?: boolean; dark?: boolean; viewport?: { width: number; height: number } } = {},
): Promise<Page> {
  const page = await chromium.browser.newPage()
  await page.setViewport(options.viewport ?? { width: 1280, height: 800 })
  if (options.javascript === false) await page.setJavaScriptEnabled(false)
  if (options.print) await page.emulateMediaType('print')
  if (options.dark) await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }])
  await page.goto(target, { waitUntil: 'load' })
  return page
}

async function styleIn(page: Page | Frame, selector = 'div.marpit'): Promise<SlideStyle> {
  return page.evaluate(slideStyle, selector)
}

describe('a slide inherits nothing from the page around it', () => {
  it('has the browser default colour, font and line height, in the deck page, with and without its runtime', async () => {
    // The browser default is black text in its standard font, not the page's light grey system-ui.
    expect(defaults.color).toBe('rgb(0, 0, 0)')
    expect(defaults.fontFamily).not.toMatch(/system-ui/)
    for (const options of [{}, { javascript: false }, { dark: true }]) {
      const page = await open(url(outDir, 'plain/index.html'), options)
      try {
        expect(await styleIn(page), JSON.stringify(options)).toMatchObject(defaults)
      } finally {
        await page.close()
      }
    }
  })

  it('resolves rem in inline styles and in the theme’s ::after against 16px on the deck page', async () => {
    const found: Record<string, string | null> = {}
    for (const slug of ['plain', 'paged']) {
      const page = await open(url(outDir, `${slug}/index.html`))
      try {
        const style = await styleIn(page)
        found[slug] = slug === 'plain' ? style.twoRem : style.pageNumber
      } finally {
        await page.close()
      }
    }
    expect(found).toEqual({ plain: '32px', paged: '16px' })
  })

  it('is the same in the presenter view, for the current slide and the next one', async () => {
    for (const slug of ['plain', 'paged']) {
      const page = await open(url(outDir, `${slug}/index.html`, '?view=presenter'))
      try {
        await page.waitForSelector('.ms-p-next-slide section')
        const current = await styleIn(page, '.ms-p-current div.marpit')
        const next = await styleIn(page, '.ms-p-next-slide div.marpit')
        for (const style of [current, next]) {
          expect(style).toMatchObject(defaults)
          expect(style.pageNumber).toBe('16px')
        }
        if (slug === 'plain') expect(current.twoRem).toBe('32px')
      } finally {
        await page.close()
      }
    }
  })

  it('is the same in the index thumbnail, in a light or a dark colour scheme', async () => {
    for (const dark of [false, true]) {
      const page = await open(url(outDir, 'index.html'), { dark })
      try {
        const frames: Record<string, Frame> = {}
        for (const slug of ['plain', 'paged']) {
          const frame = page.frames().find((f) => f.url().endsWith(`/${slug}/thumb.html`))
          if (!frame) throw new Error(`no thumbnail frame for ${slug}`)
          await frame.waitForSelector('section')
          frames[slug] = frame
        }
        const plain = await styleIn(frames['plain'] as Frame)
        expect(plain, dark ? 'dark' : 'light').toMatchObject({ ...defaults, twoRem: '32px' })
        expect((await styleIn(frames['paged'] as Frame)).pageNumber).toBe('16px')
      } finally {
        await page.close()
      }
    }
  })

  it('is the same on the page the PDF is printed from (print media, runtime in print view)', async () => {
    for (const slug of ['plain', 'paged']) {
      const page = await open(url(outDir, `${slug}/index.html`, '?view=print'), { print: true, viewport: { width: 1280, height: 720 } })
      try {
        const style = await styleIn(page)
        expect(style).toMatchObject({ ...defaults, pageNumber: '16px' })
        if (slug === 'plain') expect(style.twoRem).toBe('32px')
        // Behind a slide with no background of its own: white paper, as Marpit's print CSS has it, not
        // the page's dark canvas.
        const behind = await page.evaluate(() => [document.documentElement, document.body].map((e) => getComputedStyle(e).backgroundColor))
        expect(behind).toEqual(['rgb(255, 255, 255)', 'rgb(255, 255, 255)'])
      } finally {
        await page.close()
      }
    }
  })

  it('is the same in a self-contained page (--single-file)', async () => {
    const root = await project({ ...THEMES, ...DECKS })
    await buildProject(root, { singleFile: true })
    const alone = await tempDir()
    await copyFile(path.join(root, 'dist/plain/index.html'), path.join(alone, 'plain.html'))
    const page = await open(url(alone, 'plain.html'))
    try {
      expect(await styleIn(page)).toMatchObject({ ...defaults, twoRem: '32px' })
    } finally {
      await page.close()
    }
  })
})
