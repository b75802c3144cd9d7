import path from 'node:path'
import { privatePath } from '../discover/assets.js'
import { encodePath } from '../discover/slug.js'

/**
 * Stands for "the site's root" in rendered HTML and CSS. The write stage replaces it with the right
 * relative prefix for each file, so one render serves pages at any depth.
 */
export const SITE_ROOT = '/__marp-site-root__/'

/** A CSS `url()`, quoted or not: the quote, then the URL. */
export const CSS_URL = /url\(\s*(['"]?)([^'")]*?)\1\s*\)/g

/** Where the site keeps KaTeX's fonts and the Twemoji images decks use. */
export const KATEX_FONT_DIR = '_assets/katex/'
export const TWEMOJI_DIR = '_assets/twemoji/'
/** Where the site keeps the web fonts of marp-core's themes (gaia's Lato and Roboto Mono), with their stylesheet. */
export const WEB_FONT_DIR = '_assets/fonts/'

/** Assets from outside a deck's own folder land here, under the deck's output folder. */
export const OUTSIDE_DIR = '_files'

export type { RefKind } from '../discover/assets.js'

export type RefResolution =
  | { readonly kind: 'remote' }
  | { readonly kind: 'local'; readonly source: string; readonly target: string; readonly url: string }
  | { readonly kind: 'unsafe'; readonly reason: string }

/**
 * Decides what a URL written in a deck points at. Pure: no filesystem access.
 * @param deckDir  folder of the deck, relative to the project root (`slides/talks`)
 * @param slug     the deck's folder in the site (`talks/intro`)
 * @returns `local` with the file's path relative to the root (`source`), its path in the site
 *          (`target`) and the URL to write in its place.
 */
export function resolveRef(raw: string, deckDir: string, slug: string): RefResolution {
  const url = raw.trim()
  if (url === '' || url.startsWith('#')) return { kind: 'remote' }
  // A file: URL names a file on the author's machine, which the site cannot have (and must not leak).
  if (/^file:/i.test(url)) return { kind: 'unsafe', reason: 'is a file: URL (file: URLs are not published; put the file in the project)' }
  // A scheme (http:, data:, mailto:) or protocol-relative URL is not ours; a drive letter is a local path.
  if (/^[a-z][a-z0-9+.-]+:/i.test(url) || url.startsWith('//')) return { kind: 'remote' }
  if (/^[a-z]:/i.test(url) || url.startsWith('/') || url.startsWith('\\')) {
    return { kind: 'unsafe', reason: 'is an absolute path; use a path relative to the deck' }
  }

  const cut = url.search(/[?#]/)
  const pathPart = cut === -1 ? url : url.slice(0, cut)
  const suffix = cut === -1 ? '' : url.slice(cut)
  let decoded: string
  try {
    decoded = decodeURIComponent(pathPart)
  } catch {
    // Not valid percent-encoding: the path is taken as written (and reported missing if it is).
    decoded = pathPart
  }
  if (decoded.includes('\0')) return { kind: 'unsafe', reason: 'contains a null byte' }
  decoded = decoded.replaceAll('\\', '/')

  const source = path.posix.normalize(path.posix.join(deckDir, decoded))
  if (source === '..' || source.startsWith('../') || path.posix.isAbsolute(source)) {
    return { kind: 'unsafe', reason: 'points outside the project' }
  }
  if (source === '.' || source.endsWith('/')) return { kind: 'unsafe', reason: 'is a folder, not a file' }
  // Secrets live there (`.env`, `.git/config`, `.npmrc`), and node_modules is not the author's to publish.
  const privacy = privatePath(source)
  if (privacy !== undefined) return { kind: 'unsafe', reason: `${privacy}, which is never published` }
  const fromDeck = path.posix.relative(deckDir === '' ? '.' : deckDir, source)
  const inDeckTree = fromDeck !== '' && !fromDeck.startsWith('../')
  const target = `${slug}/${inDeckTree ? fromDeck : `${OUTSIDE_DIR}/${source}`}`
  return { kind: 'local', source, target, url: `${SITE_ROOT}${encodePath(target)}${suffix}` }
}
