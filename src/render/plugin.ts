import type { AssetRef } from '../discover/assets.js'
import type { CodeLinesNote } from './code-plugin.js'
import { CSS_URL, resolveRef, SITE_ROOT, type RefKind } from './refs.js'
import type { TransitionDirective } from './transition.js'

/** What the plugin records while a deck is parsed; passed in markdown-it's `env`. */
export interface RenderEnv {
  readonly marpSite: {
    readonly deckDir: string
    readonly slug: string
    readonly refs: AssetRef[]
    readonly unsafe: UnsafeRef[]
    /** Remote URLs the browser will fetch (images, media, CSS), which leave the site. */
    readonly external: UnsafeRef[]
    /** Images (not backgrounds) without alt text. */
    readonly missingAlt: { url: string; line: number }[]
    /** `theme` values met in comment directives, with their line. */
    readonly themeDirectives: { name: string; line: number }[]
    /** Links to other decks' markdown (`[next talk](next.md)`), rewritten to placeholders the build resolves. */
    readonly deckLinks: DeckLink[]
    /** Lines where markdown-it's nesting limit cut a block off (see nestingPlugin). */
    readonly tooDeep: number[]
    /** `transition` values met in comment directives, with their line (see transition.ts). */
    readonly transitions: TransitionDirective[]
    /** Line lists of code fences that are not used as written (see code-plugin.ts). */
    readonly codeLines: CodeLinesNote[]
    /** The line (1-based) where each slide's content starts (see slideLinesPlugin). */
    readonly slideLines: number[]
    /** The line of each top-level front-matter key (`backgroundImage` is read from it). */
    readonly frontMatterLines: Readonly<Record<string, number>>
    /** `backgroundImage` values of directive comments, as rewritten (see backgroundDirectivePlugin). */
    readonly commentBackgrounds: Set<string>
    /** The source of each Mermaid diagram drawn, in order, and those that could not be (see mermaid.ts). */
    readonly diagrams: string[]
    readonly diagramErrors: { line: number; message: string }[]
    firstHeading?: string
  }
}

export type { AssetRef } from '../discover/assets.js'

export interface DeckLink {
  readonly url: string
  /** The linked file, relative to the project root (`slides/next.md`). */
  readonly source: string
  readonly line: number
}

/** A link to the n-th deck link of a deck, until the build knows the linked deck's page. */
export const DECK_LINK = `${SITE_ROOT}__marp-site-deck-link__/`

export interface UnsafeRef {
  readonly url: string
  readonly line: number
  readonly reason: string
}

// Minimal structural types of the markdown-it objects we touch.
interface Token {
  type: string
  tag: string
  content: string
  markup: string
  map: [number, number] | null
  children: Token[] | null
  meta: Record<string, unknown> | null
  attrGet(name: string): string | null
  attrSet(name: string, value: string): void
}
interface CoreState {
  tokens: Token[]
  env: Partial<RenderEnv>
}
interface MarkdownIt {
  core: { ruler: { after(name: string, rule: string, fn: (state: CoreState) => void): void; push(rule: string, fn: (state: CoreState) => void): void } }
}
type TokenWithHidden = Token & { hidden?: boolean }

const CSS_IMPORT_STRING = /@import\s+(['"])([^'"]+)\1/g
const HTML_MEDIA_TAG = /<(img|video|audio|source)\b[^>]*>/gi
const FILE_URL_IN_TEXT = /\]\(\s*<?(file:[^\s)>]*)/gi
const HTML_URL_ATTR = /(\s(?:src|poster)\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi

type Context = RenderEnv['marpSite']

/** Records what a URL written in a deck points at, and gives the URL to write in its place. */
function rewriteRef(ctx: Context, url: string, line: number, kind: RefKind): string {
  const resolved = resolveRef(url, ctx.deckDir, ctx.slug)
  if (resolved.kind === 'remote') {
    if (/^(https?:)?\/\//i.test(url.trim())) ctx.external.push({ url, line, reason: 'is fetched from outside the site' })
    return url
  }
  if (resolved.kind === 'unsafe') {
    ctx.unsafe.push({ url, line, reason: resolved.reason })
    return url
  }
  ctx.refs.push({ url, source: resolved.source, target: resolved.target, line, kind })
  return resolved.url
}

/** The local files in a `backgroundImage` directive's value are background images; remote URLs are left as written. */
function rewriteBackground(ctx: Context, value: string, line: number): string {
  return value.replace(CSS_URL, (whole, quote: string, url: string) => {
    if (resolveRef(url, ctx.deckDir, ctx.slug).kind === 'remote') return whole
    const next = rewriteRef(ctx, url, line, 'background')
    return next === url ? whole : `url(${quote}${next}${quote})`
  })
}

/**
 * markdown-it plugin: finds every local file a deck refers to (images, backgrounds, media tags, CSS
 * `url()` in `<style>`), records it with its line and points the URL at the file's place in the site.
 * It runs right after inline parsing, before Marpit turns images into backgrounds.
 */
export function assetPlugin(md: MarkdownIt): void {
  md.core.ruler.after('inline', 'marp_site_assets', (state) => {
    const ctx = state.env.marpSite
    if (!ctx) return
    const rewrite = (url: string, line: number, kind: RefKind): string => rewriteRef(ctx, url, line, kind)
    const rewriteCss = (css: string, line: number) => {
      for (const match of css.matchAll(CSS_IMPORT_STRING)) {
        const url = match[2] ?? ''
        if (/^(https?:)?\/\//i.test(url)) ctx.external.push({ url, line: line + countNewlines(css, match.index), reason: 'is fetched from outside the site' })
      }
      return css.replace(CSS_URL, (whole, quote: string, url: string, offset: number) => {
        const at = line + countNewlines(css, offset)
        const next = rewrite(url, at, 'css')
        return next === url ? whole : `url(${quote}${next}${quote})`
      })
    }
    // Marpit reads the directives of comments after this rule: their `backgroundImage` is rewritten at the source.
    const rewriteComment = (comment: Token, line: number) => {
      const directives = comment.meta?.['marpitParsedDirectives'] as Record<string, unknown> | undefined
      if (!directives) return
      for (const key of BACKGROUND_KEYS) {
        const value = directives[key]
        if (typeof value !== 'string') continue
        directives[key] = rewriteBackground(ctx, value, line + keyOffset(comment.markup, key))
        ctx.commentBackgrounds.add(directives[key] as string)
      }
    }
    const rewriteHtml = (html: string, line: number) =>
      html.replace(HTML_MEDIA_TAG, (tag, _name: string, offset: number) => {
        const at = line + countNewlines(html, offset)
        return tag.replace(HTML_URL_ATTR, (attr, prefix: string, dq?: string, sq?: string, bare?: string) => {
          const url = dq ?? sq ?? bare ?? ''
          const next = rewrite(url, at, 'html')
          if (next === url) return attr
          return `${prefix}"${next.replaceAll('"', '&quot;')}"`
        })
      })

    for (const [index, token] of state.tokens.entries()) {
      const line = (token.map?.[0] ?? 0) + 1
      if (token.type === 'marpit_style') {
        // The content starts on the line after `<style>`.
        token.content = rewriteCss(token.content, line + 1)
      } else if (token.type === 'html_block') {
        token.content = rewriteHtml(token.content, line)
      } else if (token.type === 'marpit_comment') {
        rewriteComment(token, line)
        const directives = token.meta?.['marpitParsedDirectives'] as Record<string, unknown> | undefined
        const theme = directives?.['theme']
        if (typeof theme === 'string') ctx.themeDirectives.push({ name: theme, line })
      } else if (token.type === 'inline' && token.children) {
        let childLine = line
        for (const child of token.children) {
          if (child.type === 'softbreak' || child.type === 'hardbreak') childLine += 1
          else if (child.type === 'image') {
            const src = child.attrGet('src')
            const background = isBackground(child)
            if (src !== null && !background && altText(child) === '') ctx.missingAlt.push({ url: src, line: childLine })
            if (src !== null) {
              const next = rewrite(src, childLine, background ? 'background' : 'image')
              child.attrSet('src', next)
              // Marpit copied the URL when it parsed the image, and makes backgrounds from that copy.
              const image = child.meta?.['marpitImage'] as { url?: unknown } | undefined
              if (image && typeof image.url === 'string') image.url = next
            }
          } else if (child.type === 'link_open') {
            const href = child.attrGet('href')
            const link = href === null ? undefined : deckLink(href, ctx.deckDir)
            if (link && href !== null) {
              child.attrSet('href', `${DECK_LINK}${ctx.deckLinks.length}${link.suffix}`)
              ctx.deckLinks.push({ url: href, source: link.source, line: childLine })
            }
          } else if (child.type === 'marpit_comment') {
            rewriteComment(child, childLine)
          } else if (child.type === 'html_inline') {
            child.content = rewriteHtml(child.content, childLine)
          } else if (child.type === 'text') {
            // markdown-it refuses `file:` in images and links and leaves them as text: nothing is
            // fetched, but the author meant a file, and is told where to put it.
            for (const match of child.content.matchAll(FILE_URL_IN_TEXT)) rewrite(match[1] ?? '', childLine, 'image')
          }
        }
      }
      if (ctx.firstHeading === undefined && token.type === 'inline' && state.tokens[index - 1]?.type === 'heading_open') {
        ctx.firstHeading = plainText(token)
      }
    }
  })
}

const BACKGROUND_KEYS = ['backgroundImage', '_backgroundImage'] as const

/** Lines from the start of a comment to where it sets `key` (0 when not found). */
function keyOffset(markup: string, key: string): number {
  const at = markup.search(new RegExp(`(^|[\\s{,-])${key}\\s*:`))
  return at === -1 ? 0 : countNewlines(markup, at + 1)
}

/**
 * markdown-it plugin: a local file in the front-matter's `backgroundImage` (or `_backgroundImage`),
 * after Marpit has given each slide its directives. Comments were rewritten before (assetPlugin); a
 * slide whose background is none of theirs has it from the front-matter, and the file is recorded
 * once, at the key's line, however many slides show it.
 */
export function backgroundDirectivePlugin(md: MarkdownIt): void {
  md.core.ruler.after('marpit_directives_parse', 'marp_site_background_directive', (state) => {
    const ctx = state.env.marpSite
    if (!ctx) return
    const done = new Map<string, string>()
    let first = true
    for (const token of state.tokens) {
      if (token.meta?.['marpitSlideElement'] !== 1) continue
      const directives = token.meta['marpitDirectives'] as Record<string, unknown> | undefined
      const value = directives?.['backgroundImage']
      if (directives && typeof value === 'string' && !ctx.commentBackgrounds.has(value)) {
        const key = first && ctx.frontMatterLines['_backgroundImage'] !== undefined ? '_backgroundImage' : 'backgroundImage'
        const line = ctx.frontMatterLines[key] ?? 1
        let next = done.get(`${line} ${value}`)
        if (next === undefined) {
          next = rewriteBackground(ctx, value, line)
          done.set(`${line} ${value}`, next)
        }
        directives['backgroundImage'] = next
      }
      first = false
    }
  })
}

/** A relative link to a markdown file (`next.md`, `../talks/next.md#3`): the deck it names, from the root. */
function deckLink(href: string, deckDir: string): { source: string; suffix: string } | undefined {
  const resolved = resolveRef(href, deckDir, '')
  if (resolved.kind !== 'local' || !/\.(md|markdown)$/i.test(resolved.source)) return undefined
  // The fragment is kept: `next.md#3` opens the third slide of the next deck.
  const hash = href.indexOf('#')
  return { source: resolved.source, suffix: hash === -1 ? '' : href.slice(hash) }
}

function isBackground(image: Token): boolean {
  return /(^|\s)bg(\s|$)/.test(image.content ?? '')
}

/** The alt text of an image, without Marp's own keywords (`center`, `w:200`, `sepia`, ...). */
function altText(image: Token): string {
  return (image.content ?? '')
    .split(/\s+/)
    .filter(
      (word) =>
        word !== '' &&
        !/^(center|bg|contain|cover|fit|auto|left|right|vertical|[wh]:\S+|width:\S+|height:\S+|\d+%|x\d|blur|brightness|contrast|drop-shadow|grayscale|hue-rotate|invert|opacity|saturate|sepia)(:\S*)?$/i.test(
          word,
        ),
    )
    .join(' ')
}

function plainText(inline: Token): string {
  return (inline.children ?? [])
    .filter((c) => c.type === 'text' || c.type === 'code_inline' || c.type === 'softbreak')
    .map((c) => (c.type === 'softbreak' ? ' ' : c.content))
    .join('')
    .trim()
}

function countNewlines(text: string, end: number): number {
  let n = 0
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) n += 1
  return n
}

/**
 * markdown-it plugin: with `headingDivider`, Marpit starts a slide before a heading even when an
 * explicit `---` has just started one, which leaves an empty slide (`# Title` `---` `## Next` gives
 * three slides, the middle one blank). This drops such a divider when the slide it would close holds
 * nothing but directive comments and styles, so their directives apply to the heading's slide.
 */
export function noEmptyDividedSlidePlugin(md: MarkdownIt): void {
  md.core.ruler.after('marpit_heading_divider', 'marp_site_no_empty_divided_slide', (state) => {
    const tokens = state.tokens as TokenWithHidden[]
    const kept: TokenWithHidden[] = []
    let slideHasContent = false
    let seenRuler = false
    for (const token of tokens) {
      if (token.type === 'hr') {
        if (token.hidden && seenRuler && !slideHasContent) continue
        seenRuler = true
        slideHasContent = false
      } else if (!token.hidden && token.type !== 'marpit_comment' && token.type !== 'marpit_style') {
        slideHasContent = true
      }
      kept.push(token)
    }
    if (kept.length !== tokens.length) state.tokens = kept
  })
}

interface BlockState {
  level: number
  env: Partial<RenderEnv>
  md: { options: { maxNesting: number } }
  skipEmptyLines(from: number): number
}
interface BlockParser {
  tokenize(state: BlockState, startLine: number, endLine: number): void
}

/**
 * markdown-it plugin: markdown-it stops parsing blocks nested deeper than its limit (`maxNesting`, 20
 * in marp-core: about ten levels of lists, or twenty of quotes) and leaves out everything that follows
 * in the enclosing block, often the rest of the slide, without a word. This notes the line where
 * that happens, so that the deck gets a warning instead of silently missing content.
 */
export function nestingPlugin(md: { block: BlockParser }): void {
  const tokenize = md.block.tokenize.bind(md.block)
  md.block.tokenize = (state, startLine, endLine) => {
    // The parser's own test, made as it enters a nested block: content left there is dropped.
    if (state.level >= state.md.options.maxNesting) {
      const first = state.skipEmptyLines(startLine)
      const lines = state.env.marpSite?.tooDeep
      if (first < endLine && lines && !lines.includes(first + 1)) lines.push(first + 1)
    }
    tokenize(state, startLine, endLine)
  }
}

/**
 * markdown-it plugin: the line each slide starts on, for problems found at a slide in a browser
 * (overflow). After all of Marpit's rules: the first token of a slide that has a source line and is
 * not Marpit's own structure (or a slide break) gives it; a slide with none has the line of its break.
 */
export function slideLinesPlugin(md: MarkdownIt): void {
  md.core.ruler.push('marp_site_slide_lines', (state) => {
    const lines = state.env.marpSite?.slideLines
    if (!lines) return
    let pending = false
    for (const token of state.tokens) {
      if (token.type === 'marpit_slide_open') {
        lines.push((token.map?.[0] ?? 0) + 1)
        pending = true
      } else if (pending && token.map && token.type !== 'hr' && !token.type.startsWith('marpit_') && !(token as TokenWithHidden).hidden) {
        lines[lines.length - 1] = token.map[0] + 1
        pending = false
      } else if (token.type === 'marpit_slide_close') pending = false
    }
  })
}
