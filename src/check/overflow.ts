import { encodePath } from '../discover/slug.js'
import type { Problem } from '../problems.js'
import { firstPage, isSiteRequest, launchChromium } from '../browser/chromium.js'
import { serveDir } from '../browser/server.js'
import { measureOverflow, overflowProblems, TOLERANCE_PX } from '../browser/measure.js'

export interface OverflowTarget {
  readonly slug: string
  readonly source: string
}

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
    const page = await firstPage(chromium.browser)
    await page.setRequestInterception(true)
    page.on('request', (request) => {
      if (isSiteRequest(request.url(), server.base)) void request.continue().catch(() => undefined)
      else void request.abort('blockedbyclient').catch(() => undefined)
    })
    await page.emulateMediaType('print')
    for (const deck of options.decks) {
      await page.goto(`${server.base}/${encodePath(deck.slug)}/index.html`, { waitUntil: 'load', timeout: options.timeoutMs })
      await page.evaluate(() => document.fonts.ready.then(() => undefined))
      problems.push(...overflowProblems(deck.source, await page.evaluate(measureOverflow, TOLERANCE_PX)))
    }
  } finally {
    await chromium.close()
    await server.close()
  }
  return problems
}
