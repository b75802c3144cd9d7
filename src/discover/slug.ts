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

/** The longest file or folder name most filesystems take, in bytes. */
const NAME_MAX = 255

/**
 * The paths in the site the decks take, claimed one deck at a time in path order: each deck's folder
 * (and every folder above it), its page `index.html`, its `thumb.html` and its PDF `<name>.pdf` (see
 * write/pages.ts). A deck that needs, as a folder, a path another deck writes as a file (or the other
 * way round), or takes the same page, or has a name too long for a disk, is refused here, before
 * anything is written. Compared without case: `A.md` and `a.md` would overwrite each other on macOS
 * and Windows.
 */
export class SiteClaims {
  private readonly pages = new Map<string, string>()
  private readonly folders = new Map<string, string>()
  private readonly files = new Map<string, string>()

  /** Claims the deck's paths; or, when it cannot have them, says why (and claims nothing). */
  claim(slug: string, source: string): string | undefined {
    const segments = slug.split('/')
    const last = segments.at(-1) ?? ''
    for (const segment of segments) {
      const bytes = Buffer.byteLength(segment)
      if (bytes > NAME_MAX) {
        return `its URL has a part of ${bytes} bytes ("${segment.slice(0, 20)}…"), over the ${NAME_MAX} bytes a file name may have on disk; shorten the file or folder name`
      }
    }
    const pdfBytes = Buffer.byteLength(`${last}.pdf`)
    if (pdfBytes > NAME_MAX) {
      return `its PDF's name would be ${pdfBytes} bytes, over the ${NAME_MAX} bytes a file name may have on disk; shorten the file name`
    }
    const key = slug.toLowerCase()
    const same = this.pages.get(key)
    if (same !== undefined) return `maps to the same page "${slug}/" as ${same}; rename one of them (only ${same} was built)`
    const folders = segments.map((_, i) => segments.slice(0, i + 1).join('/'))
    for (const folder of folders) {
      const owner = this.files.get(folder.toLowerCase())
      if (owner !== undefined) return `its folder "${folder}/" is where ${owner} writes its file ${folder}; rename one of them (only ${owner} was built)`
    }
    const files = [`${slug}/index.html`, `${slug}/thumb.html`, `${slug}/${last}.pdf`]
    for (const file of files) {
      const owner = this.folders.get(file.toLowerCase())
      if (owner !== undefined) return `its file ${file} is a folder of ${owner}'s pages; rename one of them (only ${owner} was built)`
    }
    this.pages.set(key, source)
    for (const folder of folders) if (!this.folders.has(folder.toLowerCase())) this.folders.set(folder.toLowerCase(), source)
    for (const file of files) this.files.set(file.toLowerCase(), source)
    return undefined
  }
}
