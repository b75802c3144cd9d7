import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Page } from 'puppeteer-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, type TestBrowser } from './helpers/browser.js'
import { buildProject, project, REPO } from './helpers/project.js'

const TICKS = '```'
const fence = (info: string, ...lines: string[]) => [`${TICKS}${info}`, ...lines, TICKS].join('\n')
const FIVE = ['const a = 1', '// two', 'let b = 2', 'let c = 3', 'a + b + c']
const LONG = Array.from({ length: 40 }, (_, i) => `const value${i} = someFunctionWithAVeryLongName(argumentNumberOne, argumentNumberTwo, ${i})`)
const THEMES = ['default', 'gaia', 'uncover', 'marp-site'] as const
// Line 2 is highlighted; lines 2 and 3 are short, so the band of line 2 (as wide as line 1) has no text at its end.
const BAND = fence('js {2}', 'const theLongestLineOfThisBlock = 1', 'a', 'b')

let chromium: TestBrowser
let outDir: string
const errors: string[] = []

beforeAll(async () => {
  chromium = await launchBrowser()
  const files: Record<string, string> = {
    'themes/marp-site.css': await readFile(path.join(REPO, 'themes', 'marp-site.css'), 'utf8'),
    'slides/steps.md': [fence('js {1|3-4|5}', ...FIVE), '---', '* shown first', '', fence('js {1|2}', 'x', 'y'), '---', '# End'].join('\n\n'),
    'slides/fit.md': [
      '---\ntheme: default\n---',
      fence('js', ...LONG),
      '---',
      fence('js {2}', ...LONG),
      '---',
      fence('js {1|2}', ...LONG),
      '---',
      fence('js', 'x'),
    ].join('\n\n'),
  }
  for (const theme of THEMES) files[`slides/${theme}.md`] = `---\ntheme: ${theme}\n---\n\n${BAND}\n\n---\n\n<!-- _class: invert -->\n\n${BAND}`
  const root = await project(files)
  await buildProject(root)
  outDir = path.join(root, 'dist')
})

afterAll(async () => {
  await chromium?.close()
})

const url = (sitePath: string) => pathToFileURL(path.join(outDir, ...sitePath.split('/'))).href

async function open(address: string): Promise<Page> {
  const page = await chromium.browser.newPage()
  await page.setViewport({ width: 1280, height: 720 })
  page.on('console', (m) => m.type() === 'error' && errors.push(`${address}: ${m.text()}`))
  page.on('pageerror', (e) => errors.push(`${address}: ${String(e)}`))
  await page.goto(address, { waitUntil: 'load' })
  return page
}

const active = (page: Page) => page.$eval('svg.ms-active', (svg) => Number(svg.getAttribute('data-ms-slide')))

/** The step of each code block of the shown slide (or of `root`), and the lines (1-based) highlighted in it. */
function steps(page: Page, root = 'svg.ms-active'): Promise<{ step: string | null; lines: number[] }[]> {
  return page.$$eval(`${root} code`, (codes) =>
    codes.map((code) => ({
      step: code.getAttribute('data-ms-step'),
      lines: [...code.querySelectorAll('.line')].map((line, i) => (line.classList.contains('highlighted') ? i + 1 : 0)).filter((n) => n > 0),
    })),
  )
}

async function press(page: Page, key: Parameters<Page['keyboard']['press']>[0]): Promise<void> {
  await page.keyboard.press(key)
}

describe('steps through code lines', () => {
  it('lands on the first step from a #N link, walks the steps with the keys and comes back through them', async () => {
    const page = await open(`${url('steps/index.html')}#1`)
    try {
      expect(await steps(page)).toEqual([{ step: '1', lines: [1] }])
      await press(page, 'ArrowRight')
      expect(await steps(page)).toEqual([{ step: '2', lines: [3, 4] }])
      await press(page, 'Space')
      expect(await steps(page)).toEqual([{ step: '3', lines: [5] }])
      await press(page, 'ArrowRight')
      expect(await active(page)).toBe(2)
      // Back to the slide as it was left: its last step.
      await press(page, 'ArrowLeft')
      expect(await active(page)).toBe(1)
      expect(await steps(page)).toEqual([{ step: '3', lines: [5] }])
      await press(page, 'ArrowLeft')
      expect(await steps(page)).toEqual([{ step: '2', lines: [3, 4] }])
      // A deep link to the slide lands on its first step again.
      await page.evaluate(() => {
        location.hash = '#2'
      })
      await page.waitForFunction(() => document.querySelector('svg.ms-active')?.getAttribute('data-ms-slide') === '2')
      await page.evaluate(() => {
        location.hash = '#1'
      })
      await page.waitForFunction(() => document.querySelector('svg.ms-active')?.getAttribute('data-ms-slide') === '1')
      expect(await steps(page)).toEqual([{ step: '1', lines: [1] }])
      // The other lines are dimmed while a step is shown.
      const opacity = await page.$$eval('svg.ms-active code .line', (lines) => lines.map((l) => getComputedStyle(l).opacity))
      expect(opacity).toEqual(['1', '0.5', '0.5', '0.5', '0.5'])
    } finally {
      await page.close()
    }
  })

  it('counts steps among the fragmented list items of the slide', async () => {
    const page = await open(`${url('steps/index.html')}#2`)
    try {
      const item = () => page.$eval('svg.ms-active li', (li) => getComputedStyle(li).visibility)
      expect([await item(), await steps(page)]).toEqual(['hidden', [{ step: '0', lines: [] }]])
      expect(await page.$$eval('svg.ms-active code .line', (lines) => lines.map((l) => getComputedStyle(l).opacity))).toEqual(['1', '1'])
      await press(page, 'ArrowRight')
      expect([await item(), await steps(page)]).toEqual(['visible', [{ step: '1', lines: [1] }]])
      await press(page, 'ArrowRight')
      expect(await steps(page)).toEqual([{ step: '2', lines: [2] }])
      await press(page, 'ArrowRight')
      expect(await active(page)).toBe(3)
    } finally {
      await page.close()
    }
  })

  it('shows the step in the presenter view, and the next step in its next pane, following the audience window', async () => {
    const audience = await open(`${url('steps/index.html')}#1`)
    const presenter = await open(`${url('steps/index.html')}?view=presenter#1`)
    try {
      expect(await steps(presenter, '.ms-p-current svg.ms-active')).toEqual([{ step: '1', lines: [1] }])
      expect(await steps(presenter, '.ms-p-next svg')).toEqual([{ step: '2', lines: [3, 4] }])
      await press(audience, 'ArrowRight')
      await presenter.waitForFunction(() => document.querySelector('.ms-p-current code')?.getAttribute('data-ms-step') === '2')
      expect(await steps(presenter, '.ms-p-current svg.ms-active')).toEqual([{ step: '2', lines: [3, 4] }])
      expect(await steps(presenter, '.ms-p-next svg')).toEqual([{ step: '3', lines: [5] }])
      await press(presenter, 'ArrowRight')
      await audience.waitForFunction(() => document.querySelector('svg.ms-active code')?.getAttribute('data-ms-step') === '3')
    } finally {
      await audience.close()
      await presenter.close()
    }
  })

  it('shows no step selected in the thumbnail, the print view PDFs are made from, and a printed deck page', async () => {
    const page = await open(url('steps/thumb.html'))
    try {
      for (const address of [url('steps/thumb.html'), `${url('steps/index.html')}?view=print`]) {
        if (page.url() !== address) await page.goto(address, { waitUntil: 'load' })
        expect((await steps(page, 'svg')).at(0), address).toEqual({ step: null, lines: [] })
        expect(await page.$$eval('svg code .line', (lines) => lines.map((l) => getComputedStyle(l).opacity))).not.toContain('0.5')
      }
      await page.goto(`${url('steps/index.html')}#1`, { waitUntil: 'load' })
      await press(page, 'ArrowRight')
      expect(await steps(page)).toEqual([{ step: '2', lines: [3, 4] }])
      await page.emulateMediaType('print')
      const looks = await page.$$eval('svg.ms-active code .line', (lines) =>
        lines.map((l) => `${getComputedStyle(l).opacity} ${getComputedStyle(l).backgroundColor}`),
      )
      expect(new Set(looks)).toEqual(new Set(['1 rgba(0, 0, 0, 0)']))
    } finally {
      await page.close()
    }
  })
})

describe('highlighted lines on the page', () => {
  it("keeps marp-core's auto-scaling: code with lines takes the box the same code takes without, and is scaled down", async () => {
    const page = await open(`${url('fit/index.html')}?view=print`)
    try {
      await page.waitForFunction(() => document.querySelectorAll('marp-pre').length === 4)
      // The size of the code marp-core measured (its SVG's viewBox), and how much it is scaled down to fit.
      const boxes = await page.$$eval('marp-pre', (pres) =>
        pres.map((pre) => {
          const svg = pre.shadowRoot?.querySelector('marp-auto-scaling')?.shadowRoot?.querySelector('svg')
          const view = svg?.viewBox.baseVal
          const shown = svg?.getBoundingClientRect()
          return {
            width: view?.width ?? 0,
            height: view?.height ?? 0,
            scaled: Math.max((view?.width ?? 0) / (shown?.width ?? 1), (view?.height ?? 0) / (shown?.height ?? 1)),
          }
        }),
      )
      // The print view shows slides a little smaller than their size: a short code block's scale is the page's.
      const [plain, highlighted, stepped, short] = boxes
      expect((plain?.scaled ?? 0) / (short?.scaled ?? 1)).toBeGreaterThan(1.5)
      for (const box of [highlighted, stepped]) {
        expect(box?.width).toBeCloseTo(plain?.width ?? 0, 0)
        expect(box?.height).toBeCloseTo(plain?.height ?? 0, 0)
        expect(box?.scaled).toBeCloseTo(plain?.scaled ?? 0, 2)
      }
    } finally {
      await page.close()
    }
  })

  it('shows a highlighted line as a band that stands out from the code, and dims the others, with every bundled theme', async () => {
    const seen: Record<string, number> = {}
    const page = await open('about:blank')
    try {
      for (const theme of THEMES) {
        // The print view shows both slides (plain and invert) at their size, one under the other.
        await page.goto(`${url(`${theme}/index.html`)}?view=print`, { waitUntil: 'load' })
        const slides = await page.$$eval('svg[data-marpit-svg]', (svgs) =>
          svgs.map((svg) =>
            [...svg.querySelectorAll('code .line')].map((l) => {
              const r = l.getBoundingClientRect()
              return { right: r.right + scrollX, middle: r.top + scrollY + r.height / 2, opacity: getComputedStyle(l).opacity }
            }),
          ),
        )
        for (const [i, lines] of slides.entries()) {
          expect(lines.map((r) => r.opacity)).toEqual(['0.5', '1', '0.5'])
          const [, band, next] = lines
          // One column of pixels near the band's end (no text there), from the band's middle to the next line's.
          const x = Math.round((band?.right ?? 0) - 6)
          const top = Math.round(band?.middle ?? 0)
          const height = Math.round(next?.middle ?? 0) - top + 1
          const shot = await page.screenshot({ type: 'png', encoding: 'base64', clip: { x, y: top, width: 1, height } })
          const [inBand, below] = await ends(page, shot)
          seen[`${theme}${i === 1 ? ' invert' : ''}`] = Math.round(distance(inBand ?? [], below ?? []))
        }
      }
    } finally {
      await page.close()
    }
    expect(Object.keys(seen)).toHaveLength(THEMES.length * 2)
    for (const [where, difference] of Object.entries(seen)) expect(difference, `${where}: ${JSON.stringify(seen)}`).toBeGreaterThanOrEqual(20)
  })
})

it('logs no console errors on any page above', () => {
  expect(errors).toEqual([])
})

/** The colours of the first and last pixel of a one-pixel-wide PNG, decoded by the browser. */
function ends(page: Page, png: string): Promise<number[][]> {
  return page.evaluate(async (src) => {
    const image = new Image()
    image.src = src
    await image.decode()
    const canvas = document.createElement('canvas')
    canvas.width = image.width
    canvas.height = image.height
    const context = canvas.getContext('2d')
    context?.drawImage(image, 0, 0)
    const at = (y: number) => [...(context?.getImageData(0, y, 1, 1).data.slice(0, 3) ?? [])]
    return [at(0), at(image.height - 1)]
  }, `data:image/png;base64,${png}`)
}

function distance(a: readonly number[], b: readonly number[]): number {
  return Math.hypot(...a.map((v, i) => v - (b[i] ?? 0)))
}
