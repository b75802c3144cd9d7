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

/** Each side an overflow or crowded message names, with its pixels, in its order. */
const sides = (message: string) => Array.from(message.matchAll(/(\d+) px (?:past|into) the (\w+)/g), (m) => ({ side: m[2] ?? '', px: Number(m[1]) }))

/** Whether `px` is `expected` give or take 2 px (sub-pixel layout, fonts). */
const near = (px: number | undefined, expected: number) => px !== undefined && Math.abs(px - expected) <= 2

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
    slide(
      'abs',
      'section.abs img { position: absolute; left: 1200px; top: 100px; width: 200px; height: 50px; }',
      '# Placed\n\n![a block past the right](block.svg)',
    ),
  ].join('\n\n---\n\n'),
  // (d) What the slide clips is lost to the viewer, and counts; what an element inside the slide hides does not.
  'slides/clipped.md': [
    slide(
      'clip',
      'section.clip { overflow: hidden !important; } section.clip img { display: block; width: 100px; height: 780px; }',
      '![a block the slide cuts off](block.svg)',
    ),
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
  const of = (deck: string) =>
    found.filter((p) => p.deck === deck).map((p) => ({ slide: p.slide, rule: p.rule, severity: p.severity, sides: sides(p.message) }))
  /** Each problem of a deck as `[slide, rule, the sides it names]`. */
  const named = (deck: string) => of(deck).map((p) => [p.slide, p.rule, p.sides.map((s) => s.side)])
  beforeAll(async () => {
    found = await check(await project(DECKS))
  }, 180_000)

  it('does not call content that only enters the bottom padding an overflow: it is crowded, a warning', () => {
    expect(of('padding')).toEqual([{ slide: 1, rule: 'crowded', severity: 'warning', sides: [{ side: 'bottom', px: 20 }] }])
    expect(found.find((p) => p.deck === 'padding')?.message).toMatch(
      /runs 20 px into the bottom padding of the slide, where the header, footer and page number sit/,
    )
  })

  it('lets a deck switch crowded off', () => {
    expect(of('padding-off')).toEqual([])
  })

  it('gives the pixels content runs past the edge of the slide, on each side it crosses', () => {
    expect(named('edge')).toEqual([
      [1, 'overflow', ['bottom']],
      [2, 'overflow', ['bottom', 'top']],
    ])
    expect(of('edge').flatMap((p) => p.sides.map((s) => near(s.px, 100)))).toEqual([true, true, true])
  })

  it('flags content too wide: a line of text that cannot wrap, and an absolutely positioned part', () => {
    expect(named('wide')).toEqual([
      [1, 'overflow', ['right']],
      [2, 'overflow', ['right']],
    ])
    expect(near(of('wide')[1]?.sides[0]?.px, 120)).toBe(true)
  })

  it('counts content the slide cuts off, and not what a box inside the slide hides', () => {
    expect(named('clipped')).toEqual([[1, 'overflow', ['bottom']]])
    expect(near(of('clipped')[0]?.sides[0]?.px, 100)).toBe(true)
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
      /** Measures the deck page at `view`, after `change` (a zoom, a transform) is made to it. */
      const measure = async (viewport: { width: number; height: number }, view: string, change?: string) => {
        await page.setViewport(viewport)
        await page.goto(`${url}${view}`, { waitUntil: 'load' })
        if (change) await page.evaluate(change)
        await page.evaluate(() => document.fonts.ready.then(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))))
        return (await page.evaluate(measureOverflow, TOLERANCE_PX)).map((o) => [o.slide, o.kind, o.sides.map((s) => [s.side, Math.round(s.px / 4)])])
      }
      // Each side's pixels in steps of 4 px: the same at any scale, give or take sub-pixel rounding.
      const atSize = await measure({ width: 1400, height: 900 }, '?view=measure')
      expect(atSize).toEqual([
        [1, 'overflow', [['bottom', 25]]],
        [
          2,
          'overflow',
          [
            ['bottom', 25],
            ['top', 25],
          ],
        ],
      ])
      // The runtime in a small window: the first slide shown at half its size, the others hidden.
      expect(await measure({ width: 640, height: 360 }, '')).toEqual([atSize[0]])
      expect(await measure({ width: 1400, height: 900 }, '?view=measure', 'document.documentElement.style.zoom = "0.5"')).toEqual(atSize)
      const shrink = 'for (const svg of document.querySelectorAll("div.marpit > svg")) svg.style.transform = "scale(0.75)"'
      expect(await measure({ width: 1400, height: 900 }, '?view=measure', shrink)).toEqual(atSize)
    } finally {
      await chromium.close()
    }
  })
})
