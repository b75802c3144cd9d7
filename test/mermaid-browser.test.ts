import { rm } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Page } from 'puppeteer-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveDir } from '../src/browser/server.js'
import type { BuildResult } from '../src/build/options.js'
import { blockOutside, launchBrowser, privateTmpdir, type TestBrowser } from './helpers/browser.js'
import { readPdf } from './helpers/pdf.js'
import { buildProject, exists, project, readManifest } from './helpers/project.js'

const TMP = privateTmpdir()

const fence = (body: string) => `\`\`\`mermaid\n${body}\n\`\`\``
// Wide (about 950 px drawn) and tall (about 420 px drawn) diagrams: each must be scaled to fit a slide.
const ER = 'erDiagram\n  CUSTOMER ||--o{ ORDER : places\n  ORDER ||--|{ LINE_ITEM : contains\n  PRODUCT ||--o{ LINE_ITEM : listed'
const STATE =
  'stateDiagram-v2\n  [*] --> Draft\n  Draft --> Review: submit\n  Review --> Draft: changes\n  Review --> Published: approve\n  Published --> Archived\n  Archived --> [*]'
const TALL = `flowchart TD\n${Array.from({ length: 9 }, (_, i) => `  S${i}[Step ${i}] --> S${i + 1}[Step ${i + 1}]`).join('\n')}`

const deck = (size: string) => `---\nsize: ${size}\n---\n\n# Orders\n\n${fence(ER)}\n\n---\n\n# Lifecycle\n\n${fence(STATE)}\n\n---\n\n${fence(TALL)}\n`

let root: string
let result: BuildResult
let single: string
let browser: TestBrowser
beforeAll(async () => {
  root = await project({
    'slides/wide.md': deck('16:9'),
    'slides/square.md': deck('4:3'),
    'slides/broken.md': `# Fine\n\n---\n\n# Broken\n\n${fence('gantt\n  title Plan')}\n`,
    // Too much beside a tall diagram: it cannot fit, and the build says so.
    'slides/crowded.md': `# Crowded\n\n${Array.from({ length: 8 }, (_, i) => `Line ${i} of text.`).join('\n\n')}\n\n${fence(TALL)}\n`,
  })
  const [built, launched] = await Promise.all([buildProject(root, { pdf: true }), launchBrowser()])
  result = built
  browser = launched
  // The same deck as a self-contained page.
  await buildProject(root, { outDir: 'single', singleFile: true })
  single = path.join(root, 'single')
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await rm(TMP, { recursive: true, force: true })
})

/** Opens a page from the built site on 127.0.0.1, recording any request to anywhere else (and blocking it). */
async function open(sitePath: string, viewport = { width: 1280, height: 720 }): Promise<{ page: Page; outside: string[]; close(): Promise<void> }> {
  const server = await serveDir(path.join(root, 'dist'))
  const page = await browser.browser.newPage()
  await page.setViewport(viewport)
  const outside = await blockOutside(page, server.base)
  await page.goto(`${server.base}/${sitePath}`, { waitUntil: 'networkidle0' })
  return { page, outside, close: async () => Promise.all([page.close(), server.close()]).then(() => undefined) }
}

interface Placed {
  readonly slide: number
  readonly diagram: { x: number; y: number; width: number; height: number }
  readonly section: { x: number; y: number; width: number; height: number }
  readonly textFill: string
  readonly sectionColor: string
  readonly font: string
  readonly sectionFont: string
}

/** Where each diagram is drawn, against the slide that holds it, and what colour and font its text takes. */
function placed(page: Page): Promise<Placed[]> {
  return page.evaluate(() => {
    const rect = (e: Element) => {
      const r = e.getBoundingClientRect()
      return { x: r.x, y: r.y, width: r.width, height: r.height }
    }
    const sections = [...document.querySelectorAll('svg[data-marpit-svg] > foreignObject > section')]
    return [...document.querySelectorAll('svg[data-marp-mermaid]')].map((svg) => {
      const section = svg.closest('section') as Element
      // A label in the diagram's main text colour (others are muted mixes of it).
      const text = svg.querySelector('text[fill="var(--_text)"]') as Element
      return {
        slide: sections.indexOf(section) + 1,
        diagram: rect(svg),
        section: rect(section),
        textFill: getComputedStyle(text).fill,
        sectionColor: getComputedStyle(section).color,
        font: getComputedStyle(text).fontFamily,
        sectionFont: getComputedStyle(section).fontFamily,
      }
    })
  })
}

function expectInside({ diagram: d, section: s }: Placed): void {
  // Drawn at a readable size: a good part of the slide's width or height.
  expect(Math.max(d.width / s.width, d.height / s.height)).toBeGreaterThan(0.25)
  expect(d.x).toBeGreaterThanOrEqual(s.x - 0.5)
  expect(d.y).toBeGreaterThanOrEqual(s.y - 0.5)
  expect(d.x + d.width).toBeLessThanOrEqual(s.x + s.width + 0.5)
  expect(d.y + d.height).toBeLessThanOrEqual(s.y + s.height + 0.5)
}

describe('Mermaid diagrams in the browser', { timeout: 120_000 }, () => {
  it('builds every deck; a diagram that cannot be drawn is a `diagram` error at its line, and its slide shows the source', async () => {
    const manifest = await readManifest(root)
    expect(manifest.decks.map((d) => d.slug).sort()).toEqual(['broken', 'crowded', 'square', 'wide'])
    const diagramProblems = result.problems.filter((p) => p.rule === 'diagram')
    expect(diagramProblems).toEqual([
      expect.objectContaining({ file: 'slides/broken.md', line: 7, severity: 'error', message: expect.stringContaining('Invalid mermaid header: "gantt"') }),
    ])
    // Scaled to fit: no slide of a diagram deck overflows, but for the one that cannot fit, which is reported.
    expect(result.problems.filter((p) => p.rule === 'overflow').map((p) => [p.file, p.slide])).toEqual([['slides/crowded.md', 1]])
    for (const slug of ['broken', 'crowded', 'square', 'wide']) expect(await exists(path.join(root, 'dist', slug, 'index.html'))).toBe(true)
    const opened = await open('broken/index.html?view=measure')
    try {
      expect(await opened.page.$$eval('svg[data-marpit-svg]', (slides) => slides[1]?.querySelector('pre, marp-pre')?.textContent ?? '')).toContain('gantt')
    } finally {
      await opened.close()
    }
  })

  for (const slug of ['wide', 'square']) {
    it(`draws each diagram visibly inside its slide (${slug === 'wide' ? '16:9' : '4:3'}), in the theme's text colour and font, fetching nothing from outside`, async () => {
      const opened = await open(`${slug}/index.html?view=measure`)
      try {
        const diagrams = await placed(opened.page)
        expect(diagrams.map((d) => d.slide)).toEqual([1, 2, 3])
        for (const d of diagrams) {
          expectInside(d)
          expect(d.textFill).toBe(d.sectionColor)
          expect(d.font).toBe(d.sectionFont)
        }
        expect(opened.outside).toEqual([])
      } finally {
        await opened.close()
      }
    })
  }

  it('shows the diagram in the presenting view and in the index thumbnail', async () => {
    const deckPage = await open('wide/index.html#2')
    const thumb = await open('wide/thumb.html', { width: 320, height: 180 })
    try {
      const shown = (await placed(deckPage.page)).find((d) => d.slide === 2)
      expect(shown).toBeDefined()
      if (shown) expectInside(shown)
      const inThumb = (await placed(thumb.page))[0]
      expect(inThumb).toBeDefined()
      if (inThumb) expectInside(inThumb)
      expect([...deckPage.outside, ...thumb.outside]).toEqual([])
    } finally {
      await Promise.all([deckPage.close(), thumb.close()])
    }
  })

  it("draws the next slide's diagram whole in the presenter view: its arrow markers are its own copy's", async () => {
    const opened = await open('wide/index.html?view=presenter#1')
    try {
      const refs = await opened.page.$$eval(
        '.ms-p-next-slide svg[data-marp-mermaid] [marker-end], .ms-p-next-slide svg[data-marp-mermaid] [marker-start]',
        (els) =>
          els.map((el) => {
            const id = /url\(#([^)]+)\)/.exec(el.getAttribute('marker-end') ?? el.getAttribute('marker-start') ?? '')?.[1] ?? ''
            const target = document.getElementById(id)
            return { id, inCopy: target !== null && target.closest('.ms-p-next-slide') !== null }
          }),
      )
      expect(refs.length).toBeGreaterThan(3)
      for (const ref of refs) expect(ref).toEqual({ id: ref.id, inCopy: true })
    } finally {
      await opened.close()
    }
  })

  it('puts the diagram text into the PDF text layer', async () => {
    const pdf = await readPdf(path.join(root, 'dist', 'wide', 'wide.pdf'))
    expect(pdf.pages).toHaveLength(3)
    // The drawn labels, not the diagram's source shown as code.
    expect(pdf.pages[0]?.text).toMatch(/CUSTOMER[\s\S]*places|places[\s\S]*CUSTOMER/)
    expect(pdf.pages[0]?.text).not.toMatch(/erDiagram|\|\|--/)
    expect(pdf.pages[1]?.text).toContain('Published')
    expect(pdf.pages[2]?.text).toContain('Step 9')
  })

  it('draws the diagram in a self-contained page opened from disk', async () => {
    const page = await browser.browser.newPage()
    try {
      await page.setViewport({ width: 1280, height: 720 })
      await page.goto(`${pathToFileURL(path.join(single, 'square', 'index.html')).href}?view=measure`, { waitUntil: 'load' })
      const diagrams = await placed(page)
      expect(diagrams).toHaveLength(3)
      for (const d of diagrams) expectInside(d)
    } finally {
      await page.close()
    }
  })
})
