import { encodePath } from '../discover/slug.js'
import type { Problem } from '../problems.js'
import { isSiteRequest, launchChromium } from '../pdf/chromium.js'
import { serveDir } from '../pdf/server.js'

export interface OverflowTarget {
  readonly slug: string
  readonly source: string
}

/** Pixels a slide may overflow by before it counts (sub-pixel rounding). */
const TOLERANCE_PX = 1

/**
 * The `overflow` rule, measured in a real browser: every slide of every deck is laid out at its own
 * size (print media), and any element outside the slide box, or content taller than the slide, is
 * reported with the slide number and by how much. Backgrounds are not content.
 */
export async function findOverflow(options: { siteDir: string; decks: readonly OverflowTarget[]; browserPath: string; timeoutMs: number }): Promise<Problem[]> {
  if (options.decks.length === 0) return []
  const server = await serveDir(options.siteDir)
  const chromium = await launchChromium({ browserPath: options.browserPath, profilePrefix: 'marp-site-check-browser-' }).catch(async (error: unknown) => {
    await server.close()
    throw error
  })
  const problems: Problem[] = []
  try {
    const page = await chromium.browser.newPage()
    await page.setRequestInterception(true)
    page.on('request', (request) => {
      if (isSiteRequest(request.url(), server.base)) void request.continue().catch(() => undefined)
      else void request.abort('blockedbyclient').catch(() => undefined)
    })
    await page.emulateMediaType('print')
    for (const deck of options.decks) {
      await page.goto(`${server.base}/${encodePath(deck.slug)}/index.html`, { waitUntil: 'load', timeout: options.timeoutMs })
      await page.evaluate(() => document.fonts.ready.then(() => undefined))
      const found = await page.evaluate(measureOverflow, TOLERANCE_PX)
      for (const { slide, px, side } of found) {
        problems.push({
          file: deck.source,
          slide,
          rule: 'overflow',
          severity: 'error',
          message: `slide ${slide}: content runs ${px} px past the ${side} of the slide; split the slide (a \`---\` or \`headingDivider\`), shrink it with a class (\`<!-- _class: small -->\` and a style), or mark a long heading \`# <!-- fit --> …\``,
        })
      }
    }
  } finally {
    await chromium.close()
    await server.close()
  }
  return problems
}

/** Runs in the page. */
function measureOverflow(tolerance: number): { slide: number; px: number; side: string }[] {
  const out: { slide: number; px: number; side: string }[] = []
  const svgs = Array.from(document.querySelectorAll('div.marpit > svg[data-marpit-svg]'))
  svgs.forEach((svg, index) => {
    const sections = Array.from(svg.querySelectorAll(':scope > foreignObject > section')).filter(
      (s) => !['background', 'pseudo'].includes(s.getAttribute('data-marpit-advanced-background') ?? ''),
    ) as HTMLElement[]
    let worst = { px: 0, side: 'bottom' }
    for (const section of sections) {
      const box = section.getBoundingClientRect()
      const taller = section.scrollHeight - section.clientHeight
      if (taller > worst.px) worst = { px: taller, side: 'bottom' }
      for (const el of Array.from(section.querySelectorAll('*'))) {
        if (el.closest('[data-marpit-advanced-background-container]')) continue
        // Inside an inline SVG (KaTeX's \sqrt, icons) the SVG's own box clips; measure the SVG itself.
        const inner = el.parentElement?.closest('svg')
        if (inner && section.contains(inner)) continue
        const r = el.getBoundingClientRect()
        if (r.width === 0 && r.height === 0) continue
        const sides: [number, string][] = [
          [r.bottom - box.bottom, 'bottom'],
          [r.right - box.right, 'right'],
          [box.left - r.left, 'left'],
          [box.top - r.top, 'top'],
        ]
        for (const [px, side] of sides) if (px > worst.px) worst = { px, side }
      }
    }
    if (worst.px > tolerance) out.push({ slide: index + 1, px: Math.round(worst.px), side: worst.side })
  })
  return out
}
