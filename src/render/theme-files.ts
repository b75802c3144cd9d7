import type { AssetRef } from './plugin.js'
import { CSS_URL, resolveRef, SITE_ROOT } from './refs.js'

/**
 * Local files a deck's theme names with `url()` (a logo, a background, a font). marp-cli and Marp for
 * VS Code put the theme's CSS inside the deck's page, so such a URL is resolved against the deck's
 * folder; so is it here: the file is copied into the site like the deck's own pictures, the URL points
 * at the copy, and a file that is not there is a `missing-asset` of the deck. The deck's own styles,
 * already rewritten (to SITE_ROOT), and remote URLs are left alone. Pure.
 */
export function themeFiles(css: string, deckDir: string, slug: string, line: number): { css: string; refs: AssetRef[] } {
  const refs: AssetRef[] = []
  const out = css.replace(CSS_URL, (whole, quote: string, url: string) => {
    if (url.startsWith(SITE_ROOT)) return whole
    const resolved = resolveRef(url, deckDir, slug)
    // Remote URLs are the external-request check's; an absolute path or one out of the project is left as written.
    if (resolved.kind !== 'local') return whole
    if (!refs.some((r) => r.url === url)) refs.push({ url, source: resolved.source, target: resolved.target, line, kind: 'theme' })
    return `url(${quote}${resolved.url}${quote})`
  })
  return { css: out, refs }
}
