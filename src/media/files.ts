import { debug } from '../log.js'
import { makePptx } from './pptx.js'
import { mediaPaths, pptxImages, pptxPath, slideImagePath, thumbImagePath, thumbSize, type MediaFiles, type MediaPlan, type MediaRecord } from './plan.js'
import type { Taken } from './shoot.js'

/** The part of the out dir (write/outdir.ts Staging) media are written with. */
export interface MediaTarget {
  write(sitePath: string, data: Uint8Array): Promise<void>
  reuse(sitePath: string, expected: string): Promise<boolean>
  stateOf(sitePath: string): Promise<string | undefined>
}

/** What of a deck its media show: size, notes and metadata. */
export interface MediaDeck {
  readonly slug: string
  readonly width: number
  readonly height: number
  readonly notes: readonly string[]
  readonly title: string
  readonly author: string | undefined
  readonly description: string
}

/** Writes the pictures taken of a deck (slide images, thumbnail) and the PPTX made from them. */
export async function writeMedia(target: MediaTarget, deck: MediaDeck, plan: MediaPlan, taken: Taken): Promise<MediaFiles> {
  const { slug } = deck
  const writes: Promise<void>[] = []
  let thumb: MediaFiles['thumb']
  if (taken.thumb) {
    thumb = { path: thumbImagePath(slug), ...thumbSize(deck.width, deck.height) }
    writes.push(target.write(thumb.path, taken.thumb))
  }
  let images: string[] | null = null
  if (plan.images && taken.slides) {
    const { format } = plan.images
    const slides = taken.slides
    const paths = slides.map((_, i) => slideImagePath(slug, i + 1, slides.length, format))
    for (const [i, bytes] of slides.entries()) writes.push(target.write(paths[i] as string, bytes))
    images = paths
  }
  let pptx: string | null = null
  const source = pptxImages(plan)
  const pictures = source === 'slides' ? taken.slides : taken.pptx
  if (source && pictures) {
    const format = source === 'slides' ? plan.images?.format : source.format
    pptx = pptxPath(slug)
    const bytes = await makePptx({
      slides: pictures,
      format: format === 'jpeg' ? 'jpeg' : 'png',
      width: deck.width,
      height: deck.height,
      notes: deck.notes,
      includeNotes: plan.pptxNotes,
      title: deck.title,
      author: deck.author,
      subject: deck.description,
    })
    writes.push(target.write(pptx, bytes))
  }
  await Promise.all(writes)
  return { thumb, images, pptx }
}

/** The previous build's media of a deck, put into this site when they are all there as that build left them. */
export async function reuseMedia(target: MediaTarget, record: MediaRecord): Promise<MediaFiles | undefined> {
  const files: MediaFiles = { thumb: record.thumb, images: record.images, pptx: record.pptx }
  for (const sitePath of mediaPaths(files)) {
    const state = record.states[sitePath]
    if (state === undefined || !(await target.reuse(sitePath, state))) {
      debug('cache')('the media of %s are made again: %s changed', sitePath.split('/').slice(0, -1).join('/'), sitePath)
      return undefined
    }
  }
  return files
}

/** The record of a deck's media as written (see MediaRecord); undefined when a file is missing. */
export async function recordMedia(
  target: MediaTarget,
  files: MediaFiles,
  made: Pick<MediaRecord, 'content' | 'plan' | 'browser'>,
): Promise<MediaRecord | undefined> {
  const states: Record<string, string> = {}
  for (const sitePath of mediaPaths(files)) {
    const state = await target.stateOf(sitePath)
    if (state === undefined) return undefined
    states[sitePath] = state
  }
  return { ...files, ...made, states }
}
