import type { RenderEnv } from './plugin.js'
import { blankComments } from './css-imports.js'
import { SITE_ROOT, WEB_FONT_DIR } from './refs.js'

/**
 * Requests that leave the site, found in what a render produces: remote URLs in a deck's packed CSS
 * (its theme, what that imports, the deck's own styles) and in `backgroundImage` directives; and the
 * web fonts of marp-core's themes, pointed at the site's own copy. Pure: strings in, strings out.
 */

/** A URL the browser fetches from another host: `https://…`, `http://…` or protocol-relative `//…`. */
export function isRemote(url: string): boolean {
  return /^(https?:)?\/\//i.test(url.trim())
}

/**
 * The web-font stylesheets marp-core's built-in themes import from a font CDN, and the stylesheet of
 * the site that stands for each (written by write/web-fonts.ts from @fontsource packages).
 */
export const WEB_FONT_IMPORTS: Readonly<Record<string, string>> = {
  // gaia: Lato 400 and 900, Roboto Mono 400 and 700.
  'https://fonts.bunny.net/css?family=Lato:400,900|Roboto+Mono:400,700&display=swap': `${WEB_FONT_DIR}gaia.css`,
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
const FONT_URLS = Object.keys(WEB_FONT_IMPORTS).map(escapeRegExp).join('|')
const WEB_FONT_IMPORT = new RegExp(`@import\\s+(?:url\\(\\s*(['"]?)(${FONT_URLS})\\1\\s*\\)|(['"])(${FONT_URLS})\\3)`, 'g')

/**
 * `css` with each known web-font import of a font CDN pointed at the site's copy (a `SITE_ROOT` URL).
 * Imports come before the first rule (Marpit hoists them there; browsers ignore any later one), so
 * only that head is searched.
 */
export function localWebFonts(css: string): string {
  const end = css.indexOf('{')
  const head = end === -1 ? css : css.slice(0, end)
  if (!head.includes('@import')) return css
  const local = head.replace(WEB_FONT_IMPORT, (whole, _q1: string, url1?: string, _q2?: string, url2?: string) => {
    const site = WEB_FONT_IMPORTS[url1 ?? url2 ?? '']
    return site === undefined ? whole : `@import url("${SITE_ROOT}${site}")`
  })
  return local === head ? css : `${local}${css.slice(head.length)}`
}

const CSS_URL = /url\(\s*(?:(['"])(.*?)\1|([^'")\s]*))\s*\)/g
const CSS_IMPORT_STRING = /@import\s+(['"])(.*?)\1/g

/** The last stylesheets scanned: most decks of a site share a few (one per theme and size). */
const scanned = new Map<string, readonly string[]>()

/** The remote URLs a stylesheet fetches (`@import "…"` first, then `url()`), each once. */
export function remoteUrlsInCss(css: string): readonly string[] {
  if (!css.includes('//')) return []
  let urls = scanned.get(css)
  if (!urls) {
    urls = scanCss(css)
    if (scanned.size >= 8) scanned.delete(scanned.keys().next().value as string)
    scanned.set(css, urls)
  }
  return urls
}

function scanCss(css: string): string[] {
  const urls = new Set<string>()
  const read = blankComments(css)
  for (const pattern of [CSS_IMPORT_STRING, CSS_URL]) {
    for (const m of read.matchAll(pattern)) {
      const url = (m[2] ?? m[3] ?? '').trim()
      if (isRemote(url)) urls.add(url)
    }
  }
  return [...urls]
}

/** The directive names that set a slide's background image: global, and for one slide (`_`). */
const BACKGROUND_DIRECTIVES = ['backgroundImage', '_backgroundImage'] as const

/**
 * The remote URLs in the `backgroundImage` directives of `directives` (front-matter keys, or one
 * comment's parsed directives): `url(https://…)`, also inside gradients and lists.
 */
export function remoteBackgrounds(directives: Readonly<Record<string, unknown>>): { key: string; url: string }[] {
  const found: { key: string; url: string }[] = []
  for (const key of BACKGROUND_DIRECTIVES) {
    const value = directives[key]
    if (typeof value === 'string' && value.includes('//')) for (const url of scanCss(value)) found.push({ key, url })
  }
  return found
}

interface CommentToken {
  type: string
  map: [number, number] | null
  meta: Record<string, unknown> | null
}

/**
 * markdown-it plugin: a remote `backgroundImage` in a comment directive
 * (`<!-- backgroundImage: url(https://…) -->`, or `_backgroundImage`) is recorded as an external
 * request with the comment's line. Front-matter's are found by the deck render (renderDeck).
 */
export function remoteBackgroundPlugin(md: {
  core: { ruler: { push(rule: string, fn: (state: { tokens: CommentToken[]; env: Partial<RenderEnv> }) => void): void } }
}): void {
  md.core.ruler.push('marp_site_remote_backgrounds', (state) => {
    const external = state.env.marpSite?.external
    if (!external) return
    for (const token of state.tokens) {
      const directives = token.type === 'marpit_comment' ? (token.meta?.['marpitParsedDirectives'] as Record<string, unknown> | undefined) : undefined
      if (!directives) continue
      const line = (token.map?.[0] ?? 0) + 1
      for (const { key, url } of remoteBackgrounds(directives)) external.push({ url, line, reason: `is fetched from outside the site by a ${key} directive` })
    }
  })
}
