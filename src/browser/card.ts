import type { DeckJob, OutputMaker } from './visit.js'

/** The social card's size (Open Graph's usual 1.91:1). */
export const CARD_SIZE = { width: 1200, height: 630 } as const

/**
 * A deck's social card: its first slide as a 1200×630 PNG, scaled to cover the card and cropped at
 * the middle (a 16:9 slide loses 3% above and below; a 4:3 one, a strip of 15% above and below).
 * Taken from the page as laid out for printing, before the PDF's flattening changes it. Undefined when
 * the deck has no slide.
 */
export const cardOutput: OutputMaker<DeckJob, Uint8Array | undefined> = {
  name: 'card',
  async make({ page }) {
    // At the top of the page, laid out at the slide's size, slide 1 fills the viewport. (Chromium
    // scales a clip only when capturing beyond the viewport, so that flag stays on.)
    const box = await page.evaluate(() => {
      window.scrollTo(0, 0)
      const svg = document.querySelector('div.marpit > svg[data-marpit-svg]')
      if (!svg) return undefined
      const r = svg.getBoundingClientRect()
      return { x: r.left, y: r.top, width: r.width, height: r.height }
    })
    if (!box || box.width <= 0 || box.height <= 0) return { value: undefined, problems: [] }
    const ratio = CARD_SIZE.width / CARD_SIZE.height
    // Cover: the slide's full width when it is narrower than the card, else its full height.
    const width = box.width / box.height < ratio ? box.width : box.height * ratio
    const height = width / ratio
    const clip = { x: box.x + (box.width - width) / 2, y: box.y + (box.height - height) / 2, width, height, scale: CARD_SIZE.width / width }
    const value = await page.screenshot({ type: 'png', clip, captureBeyondViewport: true })
    return { value, problems: [] }
  },
}
