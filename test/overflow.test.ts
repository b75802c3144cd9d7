import { rm } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { measureOverflow, TOLERANCE_PX } from '../src/browser/measure.js'
import { main } from '../src/cli/main.js'
import { launchBrowser, ourBrowsers, privateTmpdir } from './helpers/browser.js'
import { buildProject, project, REPO } from './helpers/project.js'

const TMP = privateTmpdir()

afterAll(async () => {
  // No browser the overflow rule started may outlive the check.
  expect(ourBrowsers('marp-site-check-browser-')).toEqual([])
  await rm(TMP, { recursive: true, force: true })
})

interface Found {
  deck: string
  slide: number
  rule: string
  severity: string
  message: string
}

/** `marp-site check --format json` on a project, in-process. */
async function check(root: string): Promise<Found[]> {
  let stdout = ''
  const quiet = { write: () => undefined }
  await main(['check', root, '--format', 'json'], { stdout: { write: (s: string) => (stdout += s) }, stderr: quiet, cwd: REPO, color: false })
  return (JSON.parse(stdout) as { problems: Found[] }).problems
}

const SVG = (w: number, h: number) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="${w}" height="${h}" fill="#1d5fa8"/></svg>`

/** A slide of the class `cls`, laid out from the top (no centring), with the style given, holding `body`. */
const slide = (cls: string, css: string, body: string) =>
  `<style>\nsection.${cls} { display: block; padding: 40px; } section.${cls} p { margin: 0; } ${css}\n</style>\n\n<!-- _class: ${cls} -->\n\n${body}`

/** `[side, px]` of each side an overflow or crowded message names, in its order. */
const sides = (message: string) => Array.from(message.matchAll(/(\d+) px (?:past|into) the (\w+)/g), (m) => [m[2], Number(m[1])] as const)

const DECKS = {
  // (a) The last paragraph ends 20 px into the bottom padding (40 px), 20 px inside the slide's edge:
  // 40 (padding) + 620 (block) + 40 (line) = 700 of 720, with the content box ending at 680.
  'slides/padding.md': slide(
    'tight',
    'section.tight img { display: block; width: 100px; height: 620px; } section.tight p { font-size: 30px; line-height: 40px; }',
    '![a tall block](block.svg)\n\nThe last paragraph, in the bottom padding.',
  ),
  'slides/padding-off.md': `---\nrules:\n  crowded: off\n---\n\n${slide('tight', 'section.tight img { display: block; width: 100px; height: 640px; }', '![a block into the padding](block.svg)')}`,
  // (b) A block 100 px taller than the content box and the bottom padding: 40 + 780 = 820, 100 px past
  // the bottom. Then the same, centred: 100 px past the top and the bottom.
  'slides/edge.md': [
    slide('over', 'section.over img { display: block; width: 100px; height: 780px; }', '![a block past the bottom](block.svg)'),
    slide(
      'centred',
      'section.centred { display: flex; flex-direction: column; justify-content: center; } section.centred img { display: block; width: 100px; height: 920px; }',
      '![a block past the top and bottom](block.svg)',
    ),
  ].join('\n\n---\n\n'),
  // (c) Horizontal: a line of text that cannot wrap, and an absolutely positioned block 120 px past the right.
  'slides/wide.md': [
    slide(
      'nowrap',
      'section.nowrap p { white-space: nowrap; font-size: 40px; }',
      'A single line of text that is not allowed to wrap, far too long for the width of the slide, so it runs off',
    ),
    slide('abs', 'section.abs img { position: absolute; left: 1200px; top: 100px; width: 200px; height: 50px; }', '# Placed\n\n![a block past the right](block.svg)'),
  ].join('\n\n---\n\n'),
  // (d) What the slide clips is lost to the viewer, and counts; what an element inside the slide hides does not.
  'slides/clipped.md': [
    slide('clip', 'section.clip { overflow: hidden !important; } section.clip img { display: block; width: 100px; height: 780px; }', '![a block the slide cuts off](block.svg)'),
    slide(
      'boxed',
      'section.boxed p { height: 200px; overflow: hidden; } section.boxed img { display: block; width: 100px; height: 900px; }',
      '![a block its paragraph cuts off](block.svg)',
    ),
  ].join('\n\n---\n\n'),
  // (e) Backgrounds, the page number, the header and footer, and content marp-core scales down never count.
  'slides/furniture.md': [
    '---\npaginate: true\nheader: A header\nfooter: A footer\nmath: katex\n---\n\n![bg](big.svg)\n\n# A background larger than the slide',
    '![bg right](big.svg)\n\n# A split background\n\n$$\n\\sqrt{x^2+y^2} = \\int_0^1 f(x)\\,dx + \\sum_{i=1}^{100} a_i b_i c_i d_i e_i f_i g_i h_i i_i j_i k_i l_i m_i n_i o_i p_i q_i r_i\n$$',
    '<style>\nsection.low::after { bottom: -40px; }\n</style>\n\n<!-- _class: low -->\n\n# A page number pushed past the edge',
    '<style>\nsection.logo img { position: absolute; top: 8px; right: 8px; width: 40px; height: 40px; }\n</style>\n\n<!-- _class: logo -->\n\n# A logo in the corner\n\n![logo](block.svg)',
    "```js\nconst aVeryLongLineOfCode = ['that', 'would', 'run', 'off', 'the', 'slide', 'if', 'marp-core', 'did', 'not', 'scale', 'code', 'blocks', 'down', 'to', 'fit']\n```",
    '# <!-- fit --> A heading long enough to need fitting to the width of the slide',
  ].join('\n\n---\n\n'),
  'slides/block.svg': SVG(100, 100),
  'slides/big.svg': SVG(4000, 3000),
}

describe('overflow and crowded, measured by check', { timeout: 180_000 }, () => {
  let found: Found[]
  const of = (deck: string) => found.filter((p) => p.deck === deck).map((p) => [p.slide, p.rule, p.severity, sides(p.message)])
  beforeAll(async () => {
    found = await check(await project(DECKS))
  }, 180_000)

  it('does not call content that only enters the bottom padding an overflow: it is crowded, a warning', () => {
    expect(of('padding')).toEqual([[1, 'crowded', 'warning', [['bottom', 20]]]])
    expect(found.find((p) => p.deck === 'padding')?.message).toMatch(/runs 20 px into the bottom padding of the slide, where the header, footer and page number sit/)
  })

  it('lets a deck switch crowded off', () => {
    expect(of('padding-off')).toEqual([])
  })

  it('gives the pixels content runs past the edge of the slide, on each side it crosses', () => {
    const edge = of('edge')
    expect(edge.map(([slide, rule, , s]) => [slide, rule, (s as [string, number][]).map(([side]) => side)])).toEqual([
      [1, 'overflow', ['bottom']],
      [2, 'overflow', ['bottom', 'top']],
    ])
    for (const [, , , s] of edge) for (const [, px] of s as [string, number][]) expect(Math.abs(px - 100)).toBeLessThanOrEqual(2)
  })

  it('flags content too wide: a line of text that cannot wrap, and an absolutely positioned part', () => {
    const wide = of('wide')
    expect(wide.map(([slide, rule, , s]) => [slide, rule, (s as [string, number][]).map(([side]) => side)])).toEqual([
      [1, 'overflow', ['right']],
      [2, 'overflow', ['right']],
    ])
    const placed = wide[1]?.[3] as [string, number][]
    expect(Math.abs((placed[0]?.[1] ?? 0) - 120)).toBeLessThanOrEqual(2)
  })

  it('counts content the slide cuts off, and not what a box inside the slide hides', () => {
    const clipped = of('clipped')
    expect(clipped.map(([slide, rule]) => [slide, rule])).toEqual([[1, 'overflow']])
    const [[side, px]] = clipped[0]?.[3] as [string, number][]
    expect(side).toBe('bottom')
    expect(Math.abs(px - 100)).toBeLessThanOrEqual(2)
  })

  it('never counts backgrounds, the page number, the header and footer, a placed logo, or what marp-core scales down', () => {
    expect(of('furniture')).toEqual([])
  })
})

describe('the measurement at any scale', { timeout: 120_000 }, () => {
  it('finds the same pixels in the measure view, a scaled slide and a zoomed page', async () => {
    const root = await project({ 'slides/edge.md': DECKS['slides/edge.md'], 'slides/block.svg': DECKS['slides/block.svg'] })
    await buildProject(root)
    const chromium = await launchBrowser()
    try {
      const page = await chromium.browser.newPage()
      const url = pathToFileURL(path.join(root, 'dist', 'edge', 'index.html')).href
      const measure = async (viewport: { width: number; height: number }, view: string, zoom?: string) => {
        await page.setViewport(viewport)
        await page.goto(`${url}${view}`, { waitUntil: 'load' })
        if (zoom) await page.evaluate((z) => void (document.documentElement.style.zoom = z), zoom)
        await page.evaluate(() => document.fonts.ready.then(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))))
        return page.evaluate(measureOverflow, TOLERANCE_PX)
      }
      const atSize = await measure({ width: 1400, height: 900 }, '?view=measure')
      expect(atSize.map((o) => [o.slide, o.kind, o.sides.map((s) => s.side)])).toEqual([
        [1, 'overflow', ['bottom']],
        [2, 'overflow', ['bottom', 'top']],
      ])
      const close = (a: typeof atSize, b: typeof atSize) =>
        a.every((o, i) => o.sides.every((s, j) => Math.abs(s.px - (b[i]?.sides[j]?.px ?? Number.NaN)) <= 2)) && a.length === b.length
      // The runtime shows one slide scaled down to a small window; print media shows every slide.
      await page.emulateMediaType('print')
      const small = await measure({ width: 640, height: 360 }, '')
      await page.emulateMediaType(null)
      const zoomed = await measure({ width: 1400, height: 900 }, '?view=measure', '0.5')
      expect(close(atSize, small)).toBe(true)
      expect(close(atSize, zoomed)).toBe(true)
    } finally {
      await chromium.close()
    }
  })
})
