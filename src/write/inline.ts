import path from 'node:path'

/** The bytes of a file of the site, by its site path (`_assets/css/x.css`), or undefined when it has none. */
export type SiteFiles = (sitePath: string) => Promise<Uint8Array | string | undefined>

const TYPES: Readonly<Record<string, string>> = {
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.wav': 'audio/wav',
  '.css': 'text/css',
  '.js': 'text/javascript',
}

const STYLESHEET = /<link\b[^>]*\brel="stylesheet"[^>]*>/gi
const SCRIPT = /<script\b([^>]*)\bsrc="([^"]+)"([^>]*)><\/script>/gi
const SRC = /(\s(?:src|poster)=")([^"]+)(")/gi
const STYLE_ATTR = /(\sstyle=")([^"]*)(")/gi
const STYLE_BLOCK = /(<style\b[^>]*>)([\s\S]*?)(<\/style>)/gi
const CSS_URL = /url\(\s*(?:&quot;|(["']))?([^"')&]+?)(?:&quot;|\1)?\s*\)/g

/**
 * Makes a page self-contained (`--single-file`, for sending a deck by email): its stylesheets and
 * scripts are put in the page, and the local files it and its CSS refer to (images, media, fonts)
 * become `data:` URLs. Links to other pages stay links. Pure apart from `files`.
 * @param pageDir the page's folder in the site (`talks/intro`)
 */
export async function inlinePage(html: string, pageDir: string, files: SiteFiles): Promise<string> {
  // The page's own styles and media first, then its stylesheets and scripts (whose text is not HTML to rewrite).
  let out = await replaceAsync(
    html,
    STYLE_BLOCK,
    async (_, open: string, css: string, close: string) => `${open}${await inlineCss(css, pageDir, files)}${close}`,
  )
  out = await replaceAsync(out, STYLE_ATTR, async (_, open: string, css: string, close: string) => `${open}${await inlineCss(css, pageDir, files)}${close}`)
  out = await replaceAsync(out, SRC, async (whole, open: string, url: string, close: string) => {
    if (/^\s*src="/i.test(open) && /\.js(?:[?#]|$)/i.test(url)) return whole
    const data = await dataUrl(url, pageDir, files)
    return data === undefined ? whole : `${open}${data}${close}`
  })
  out = await replaceAsync(out, STYLESHEET, async (tag) => {
    const href = /\bhref="([^"]+)"/i.exec(tag)?.[1]
    const target = href && sitePathOf(pageDir, href)
    const css = target === undefined ? undefined : await files(target)
    if (css === undefined || target === undefined) return tag
    // The CSS's own urls are relative to the stylesheet's folder.
    return `<style>${escapeStyle(await inlineCss(text(css), path.posix.dirname(target), files, new Set([target])))}</style>`
  })
  return replaceAsync(out, SCRIPT, async (tag, before: string, src: string, after: string) => {
    const target = sitePathOf(pageDir, src)
    const js = target === undefined ? undefined : await files(target)
    if (js === undefined) return tag
    return `<script${`${before}${after}`.trimEnd()}>${text(js).replace(/<\/(script)/gi, '<\\/$1')}</script>`
  })
}

/** `css` with its files as `data:` URLs; `within`: the stylesheets being inlined around it (no import loops). */
async function inlineCss(css: string, fromDir: string, files: SiteFiles, within: ReadonlySet<string> = new Set()): Promise<string> {
  return replaceAsync(woff2Only(css), CSS_URL, async (whole, _quote: string | undefined, url: string) => {
    const clean = url.replace(/&amp;/g, '&')
    // A stylesheet it imports (the web fonts of gaia) is inlined in turn, its own files with it.
    const isCss = /\.css$/i.test(clean.replace(/[?#].*$/, ''))
    const data = isCss ? await cssDataUrl(clean, fromDir, files, within) : await dataUrl(clean, fromDir, files)
    // Unquoted: the CSS may sit in a double-quoted style attribute, and base64 needs no quotes.
    return data === undefined ? whole : `url(${data})`
  })
}

async function dataUrl(url: string, fromDir: string, files: SiteFiles): Promise<string | undefined> {
  const target = sitePathOf(fromDir, url)
  if (target === undefined) return undefined
  const type = TYPES[path.posix.extname(target).toLowerCase()]
  const bytes = type === undefined ? undefined : await files(target)
  if (bytes === undefined || type === undefined) return undefined
  return `data:${type};base64,${Buffer.from(bytes).toString('base64')}`
}

async function cssDataUrl(url: string, fromDir: string, files: SiteFiles, within: ReadonlySet<string>): Promise<string | undefined> {
  const target = sitePathOf(fromDir, url)
  const css = target === undefined || within.has(target) ? undefined : await files(target)
  if (css === undefined || target === undefined) return undefined
  const inlined = await inlineCss(text(css), path.posix.dirname(target), files, new Set([...within, target]))
  return `data:text/css;base64,${Buffer.from(inlined).toString('base64')}`
}

/** The site path a relative URL in a page or stylesheet of `fromDir` points at; undefined for anything else. */
function sitePathOf(fromDir: string, url: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:|^\/|^#/i.test(url)) return undefined
  const bare = url.replace(/[?#].*$/, '')
  if (bare === '') return undefined
  let decoded: string
  try {
    decoded = decodeURIComponent(bare.replace(/&amp;/g, '&'))
  } catch {
    // Not a well-formed URL, so not one marp-site wrote: the page keeps it as it is.
    return undefined
  }
  const target = path.posix.normalize(path.posix.join(fromDir === '' ? '.' : fromDir, decoded))
  return target.startsWith('../') || target === '..' ? undefined : target
}

function text(data: Uint8Array | string): string {
  return typeof data === 'string' ? data : Buffer.from(data).toString('utf8')
}

/** Fonts offered as WOFF2 and older formats (KaTeX's) keep only WOFF2, which every current browser reads. */
function woff2Only(css: string): string {
  return css.replace(/@font-face\s*\{[^}]*\}/g, (block) =>
    /format\((["'])woff2\1\)/.test(block) ? block.replace(/,\s*url\([^)]*\)\s*format\((["'])(?:woff|truetype|opentype)\1\)/g, '') : block,
  )
}

/** CSS put inside `<style>` must not end it. */
function escapeStyle(css: string): string {
  return css.replace(/<\/(style)/gi, '<\\/$1')
}

async function replaceAsync(input: string, pattern: RegExp, replace: (match: string, ...groups: string[]) => Promise<string>): Promise<string> {
  const parts: Promise<string>[] = []
  let last = 0
  for (const match of input.matchAll(pattern)) {
    const index = match.index ?? 0
    parts.push(Promise.resolve(input.slice(last, index)), replace(match[0], ...(match.slice(1) as string[])))
    last = index + match[0].length
  }
  parts.push(Promise.resolve(input.slice(last)))
  return (await Promise.all(parts)).join('')
}
