import type { ImagesConfig } from '../config/types.js'
import { contentHash } from '../hash.js'

/**
 * What a build makes of each deck's pictures, and where they go: pure functions (no browser, no
 * files), so that paths and keys can be tested on their own. shoot.ts takes the pictures, files.ts
 * writes them.
 */

/** What the browser pass takes of each deck besides its PDF. */
export interface MediaPlan {
  /** An image of every slide (config `images`), or none. */
  readonly images: ImagesConfig | undefined
  /** A PPTX of the deck. */
  readonly pptx: boolean
  /** Speaker notes in the PPTX's notes pane (the `notes: private` config of issue 20 turns them off). */
  readonly pptxNotes: boolean
}

/** Width of the index thumbnail (slide 1), in pixels: sharp on a card of 320 CSS px at 2×, small on the wire. */
export const THUMB_WIDTH = 640

/** Site path of a deck's index thumbnail, beside its page. */
export function thumbImagePath(slug: string): string {
  return `${slug}/thumb.webp`
}

/** File extension of an image format. */
export function imageExtension(format: ImagesConfig['format']): string {
  return format === 'jpeg' ? 'jpg' : format
}

/** Site path of slide `n` (from 1) of `count`: `talks/intro/slides/001.png`, more digits past 999 slides. */
export function slideImagePath(slug: string, n: number, count: number, format: ImagesConfig['format']): string {
  const digits = Math.max(3, String(count).length)
  return `${slug}/slides/${String(n).padStart(digits, '0')}.${imageExtension(format)}`
}

/** Site path a deck's PPTX gets: `talks/intro/intro.pptx`, beside its PDF. */
export function pptxPath(slug: string): string {
  return `${slug}/${slug.split('/').pop() ?? 'deck'}.pptx`
}

/** The thumbnail's pixel size for a slide of `width`×`height`. */
export function thumbSize(width: number, height: number): { readonly width: number; readonly height: number } {
  return { width: THUMB_WIDTH, height: Math.max(1, Math.round((THUMB_WIDTH * height) / width)) }
}

/**
 * The pictures the PPTX is made of: the slide images when PowerPoint can show their format (PNG,
 * JPEG), else PNG at scale 1 taken for it alone (PowerPoint does not read WebP everywhere).
 */
export function pptxImages(plan: MediaPlan): ImagesConfig | 'slides' | undefined {
  if (!plan.pptx) return undefined
  if (plan.images && plan.images.format !== 'webp') return 'slides'
  return { format: 'png', scale: 1 }
}

/** Digest of the plan: media made with another plan are made again. */
export function planKey(plan: MediaPlan): string {
  return contentHash(JSON.stringify([plan.images ?? null, plan.pptx, plan.pptx && plan.pptxNotes]))
}

/** Every file the media of a deck are, by kind. */
export interface MediaFiles {
  readonly thumb: { readonly path: string; readonly width: number; readonly height: number } | undefined
  /** Site paths of the slide images, in order, or null when none are made. */
  readonly images: readonly string[] | null
  readonly pptx: string | null
}

/** Every site path of a deck's media. */
export function mediaPaths(files: MediaFiles): string[] {
  return [...(files.thumb ? [files.thumb.path] : []), ...(files.images ?? []), ...(files.pptx === null ? [] : [files.pptx])]
}

/**
 * What a page record keeps of a deck's media (see write/site.ts): what they were made from (the deck's
 * content key, the plan, the browser) and each file's stamp, so that the next build reuses them
 * instead of taking them again.
 */
export interface MediaRecord extends MediaFiles {
  readonly content: string
  readonly plan: string
  readonly browser: string
  readonly states: Readonly<Record<string, string>>
}
