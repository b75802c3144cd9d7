import type { ImagesConfig } from '../config/types.js'
import type { DeckJob, OutputMaker } from '../browser/visit.js'
import { THUMB_WIDTH } from './plan.js'

/** What to take of a loaded deck besides its PDF. */
export interface Shots {
  /** An image of every slide, in this format and scale. */
  readonly slides?: ImagesConfig | undefined
  /** An image of every slide for the PPTX, when the slide images cannot serve (see pptxImages). */
  readonly pptx?: ImagesConfig | undefined
  /** The index thumbnail: slide 1, THUMB_WIDTH wide, WebP. */
  readonly thumb: boolean
}

export interface ShotJob extends DeckJob {
  /** What to take; without, the maker takes nothing (the deck is loaded for its PDF only). */
  readonly shots?: Shots | undefined
}

export interface Taken {
  readonly slides: readonly Uint8Array[] | undefined
  readonly pptx: readonly Uint8Array[] | undefined
  readonly thumb: Uint8Array | undefined
}

/** Lossy formats: the quality marp-cli's images have (85), a little less for the small thumbnail. */
const QUALITY = 85
const THUMB_QUALITY = 80

/**
 * Pictures of a loaded deck's slides, taken from the page as laid out for printing (before the PDF's
 * flattening), in the same load as its PDF: each slide's box clipped out of the page at the scale asked.
 */
export const shotsOutput: OutputMaker<ShotJob, Taken | undefined> = {
  name: 'images',
  async make({ page, job }) {
    const shots = job.shots
    if (!shots) return { value: undefined, problems: [] }
    const boxes = await page.evaluate(slideBoxes)
    const take = async (box: Box, format: ImagesConfig['format'], scale: number, quality: number) =>
      page.screenshot({
        clip: { ...box, scale },
        type: format,
        ...(format === 'png' ? {} : { quality }),
        // Clipped in page coordinates: puppeteer drops the clip's scale when it keeps to the viewport.
        captureBeyondViewport: true,
      })
    const all = async (images: ImagesConfig | undefined) => {
      if (!images) return undefined
      const taken: Uint8Array[] = []
      for (const box of boxes) taken.push(await take(box, images.format, images.scale, QUALITY))
      return taken
    }
    const first = boxes[0]
    const thumb = shots.thumb && first ? await take(first, 'webp', THUMB_WIDTH / first.width, THUMB_QUALITY) : undefined
    return { value: { slides: await all(shots.slides), pptx: await all(shots.pptx), thumb }, problems: [] }
  },
}

interface Box {
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

/** In the page: where each slide is, in page coordinates. */
function slideBoxes(): Box[] {
  return Array.from(document.querySelectorAll('div.marpit > svg[data-marpit-svg]'), (svg) => {
    const r = svg.getBoundingClientRect()
    return { x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height }
  })
}
