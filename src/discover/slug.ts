/** Names the site uses for its own files; no deck may take them. */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set(['_assets', 'manifest.json', 'index.html'])

/**
 * URL-safe slug for a deck path relative to the slides dir: `Talks/My Talk #2.md` → `talks/my-talk-2`.
 * Letters and digits of any script are kept (NFC, lower case); everything else becomes `-`.
 */
export function slugFor(relativePath: string): string {
  const parts = relativePath.split('/')
  const last = parts.pop() ?? ''
  const name = last.replace(/\.(md|markdown)$/i, '')
  return [...parts, name].map(slugifySegment).join('/')
}

export function slugifySegment(segment: string): string {
  const slug = segment
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_.-]+/gu, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
  return slug === '' ? 'untitled' : slug
}

/**
 * Percent-encodes each segment of a slash-separated site path, so that it is safe in an href, in a
 * quoted or unquoted CSS `url()`, and in an HTML attribute.
 */
export function encodePath(sitePath: string): string {
  return sitePath
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/')
}
