import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { measureOverflow } from '../src/browser/measure.js'
import { launchBrowser, type TestBrowser } from './helpers/browser.js'

// Seen on the compatibility corpus (company-sz-zh, slide 12): `header: ' '` under a theme that gives headers
// `width: 100%` made a header of no height as wide as the slide, placed past its right edge; nothing shows
// there, yet it was reported as "70 px past the right of the slide".
let chromium: TestBrowser
beforeAll(async () => {
  chromium = await launchBrowser()
})
afterAll(async () => {
  await chromium?.close()
})

const slide = (body: string) =>
  `<div class="marpit"><svg data-marpit-svg viewBox="0 0 400 300" style="display:block;width:400px;height:300px"><foreignObject width="400" height="300"><section style="position:relative;width:400px;height:300px;box-sizing:border-box;padding:40px;overflow:hidden">${body}</section></foreignObject></svg></div>`

describe('overflow measure and boxes with no area', () => {
  it('ignores an empty header of no height that is wider than the slide, and still finds one with text past the edge', async () => {
    const page = await chromium.browser.newPage()
    try {
      await page.setContent(
        `<!doctype html><body style="margin:0">${slide('<header style="position:absolute;left:70px;top:0;width:100%"> </header><p>fits</p>')}${slide('<header style="position:absolute;left:70px;top:0;width:100%;white-space:nowrap">a header whose words run on and on past the right edge of the slide</header>')}</body>`,
      )
      const found = await page.evaluate(measureOverflow, 1)
      expect(found.map((f) => f.slide)).toEqual([2])
    } finally {
      await page.close()
    }
  })
})
