import path from 'node:path'
import type { Problem } from '../problems.js'
import { DIAGRAM_CSS } from './diagram-svg.js'
import { directiveMeta } from './directives.js'
import type { Engine } from './engine.js'
import { localWebFonts, remoteBackgrounds, remoteUrlsInCss } from './external.js'
import { type FrontMatter, parseFrontMatter } from './frontmatter.js'
import { parseRuleSettings, problem, type RuleSettings } from '../rules.js'
import type { AssetRef, DeckLink, RenderEnv, UnsafeRef } from './plugin.js'
import { themeFiles } from './theme-files.js'
import { parseTransition, resolveTransitions, type TransitionDirective } from './transition.js'

export interface DeckInput {
  /** The deck's text (UTF-8, BOM removed). */
  readonly markdown: string
  /** Path relative to the project root, forward slashes (`slides/talks/intro.md`). */
  readonly source: string
  /** The deck's folder in the site (`talks/intro`). */
  readonly slug: string
}

export interface DeckMeta {
  readonly title: string
  readonly description: string
  readonly author: string | undefined
  /** The `image` directive (as marp-cli reads it): the picture shared links show, instead of the slide-1 card. */
  readonly image?: string | undefined
  readonly date: string | undefined
  readonly tags: readonly string[]
  readonly draft: boolean
  /** Nothing but front-matter (or nothing at all): built, but not listed on the index. */
  readonly empty: boolean
  /** From the deck's `lang` directive; the site's lang applies when undefined. */
  readonly lang: string | undefined
  readonly theme: string
  readonly width: number
  readonly height: number
  /** The line (1-based) where each slide starts in the deck, for problems found at a slide. */
  readonly slideLines: readonly number[]
  /** The first heading of each slide, as text (PDF bookmarks). */
  readonly headings: readonly (string | undefined)[]
  /** The deck's own rule switches (front-matter `rules`). */
  readonly rules: RuleSettings
}

export interface RenderedDeck {
  readonly source: string
  readonly slug: string
  /** One `<svg data-marpit-svg>` element per slide. Local URLs start with `SITE_ROOT`. */
  readonly slides: readonly string[]
  readonly css: string
  /** Speaker notes (Marp's HTML comments), one string per slide. */
  readonly notes: readonly string[]
  readonly meta: DeckMeta
  readonly refs: readonly AssetRef[]
  /** Links to other decks, in the order of the placeholders in `slides` (see DECK_LINK). */
  readonly deckLinks: readonly DeckLink[]
  readonly problems: readonly Problem[]
}

export type RenderResult = { readonly ok: true; readonly deck: RenderedDeck } | { readonly ok: false; readonly problems: readonly Problem[] }

/**
 * Renders one deck with the build's engine. Pure with respect to the outside world: no filesystem,
 * no console. Whatever marp-core renders is rendered: problems (an unknown theme, an unsafe image path,
 * front-matter that is not YAML) come back with the deck; only a failure of marp-core itself comes
 * back instead of it.
 */
export function renderDeck(engine: Engine, input: DeckInput): RenderResult {
  const { source } = input
  const fm = parseFrontMatter(input.markdown, engine.looseKeys)

  const env: RenderEnv = {
    marpSite: {
      deckDir: path.posix.dirname(source),
      slug: input.slug,
      refs: [],
      unsafe: [],
      external: [],
      missingAlt: [],
      themeDirectives: [],
      deckLinks: [],
      tooDeep: [],
      transitions: [],
      codeLines: [],
      slideLines: [],
      frontMatterLines: fm.lines,
      commentBackgrounds: new Set(),
      diagrams: [],
      diagramErrors: [],
    },
  }
  let rendered: { html: string | string[]; css: string; comments: string[][] }
  try {
    rendered = engine.marp.render(input.markdown, { ...env, htmlAsArray: true } as never) as typeof rendered
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    // A plugin of the config's engine module that throws is named: it, not marp-core, is to blame.
    const plugin = engine.module && error instanceof Error && error.stack?.includes(engine.module.file) ? engine.module.display : undefined
    const what = plugin ? `the engine plugin ${plugin} failed` : 'marp-core failed'
    return { ok: false, problems: [problem('render-error', { file: source }, `${what}: ${message}`)] }
  }
  const ctx = env.marpSite
  const stable = stableScopes(Array.isArray(rendered.html) ? rendered.html : [rendered.html], rendered.css)
  const problems: Problem[] = []
  const transitions = resolveTransitions(stable.slides, stable.css)
  const slides = transitions.slides
  // The theme's own files (`url(logo.png)`), resolved next to the deck as marp-cli does.
  const theme = themeFiles(localWebFonts(stable.css), ctx.deckDir, input.slug, fm.lines['theme'] ?? 1)
  rendered = { ...rendered, css: ctx.diagrams.length > 0 ? `${theme.css}\n${DIAGRAM_CSS}` : theme.css }
  for (const ref of theme.refs) if (!ctx.refs.some((r) => r.source === ref.source)) ctx.refs.push(ref)
  problems.push(...transitionProblems(source, fm, ctx.transitions, transitions.unknown))
  if (fm.error) {
    // Marpit ignores a front-matter it cannot read, directives and all, and renders the deck; so do we.
    const message = `${fm.error.message}; the whole front-matter is ignored (its directives too, as Marp ignores them)`
    problems.push(problem('front-matter', { file: source, line: fm.error.line }, message))
  }

  for (const { line, message } of ctx.diagramErrors) {
    problems.push(problem('diagram', { file: source, line }, `Mermaid diagram cannot be drawn: ${message}; the slide shows its source`))
  }

  for (const ref of ctx.unsafe) {
    problems.push(problem('unsafe-path', { file: source, line: ref.line }, `${ref.url} ${ref.reason}; not copied`))
  }

  const external = [...frontMatterBackgrounds(fm), ...ctx.external].sort((a, b) => a.line - b.line)
  for (const ref of external) {
    problems.push(problem('external-request', { file: source, line: ref.line }, `${ref.url} ${ref.reason}; the page needs a network to show it`))
  }

  const requested: { name: string; line: number | undefined }[] = []
  if (typeof fm.data['theme'] === 'string') requested.push({ name: fm.data['theme'], line: fm.lines['theme'] })
  requested.push(...ctx.themeDirectives)
  for (const { name, line } of requested) {
    if (!engine.themeNames.includes(name)) {
      problems.push(
        problem(
          'unknown-theme',
          { file: source, line },
          `theme "${name}" is not registered (known: ${engine.themeNames.join(', ')}); rendered with "${engine.defaultTheme}"`,
        ),
      )
    }
  }

  const empty = input.markdown.split(/\r?\n/).slice(fm.length).join('\n').trim() === ''
  if (empty) {
    problems.push(problem('empty-slide', { file: source, slide: 1 }, 'has no content; built, but not listed on the index'))
  } else {
    slides.forEach((slide, i) => {
      if (isEmptySlide(slide)) {
        problems.push(problem('empty-slide', { file: source, slide: i + 1 }, `slide ${i + 1} is empty (two slide breaks in a row?)`))
      }
    })
  }
  for (const line of ctx.tooDeep) {
    problems.push(
      problem(
        'too-deep',
        { file: source, line },
        'is nested deeper than Markdown is parsed (about 10 levels of lists, or 20 of quotes): from here to the end of that list or quote is left out, which can be the rest of the deck',
      ),
    )
  }
  for (const { line, message } of ctx.codeLines) problems.push(problem('code-lines', { file: source, line }, message))
  for (const image of ctx.missingAlt) {
    problems.push(
      problem(
        'missing-alt',
        { file: source, line: image.line },
        `image ${image.url} has no alt text; say what it shows for screen readers (\`![a chart of …](…)\`)`,
      ),
    )
  }

  const rules = parseRuleSettings(fm.data['rules'])
  for (const message of rules.errors) {
    const line = fm.lines['rules']
    problems.push(problem('front-matter', { file: source, line }, message))
  }

  // Marpit keeps the last render's global directives on a protected field; lang and theme are read from it.
  const globals = (engine.marp as unknown as { lastGlobalDirectives: Record<string, unknown> }).lastGlobalDirectives
  const [width, height] = viewBox(slides[0])
  // title, description and author are directives, as under marp-cli: the last one set, in the
  // front-matter or a `<!-- title: … -->` comment, wins.
  const directed = directiveMeta(globals)
  const meta: DeckMeta = {
    title: directed.title ?? ctx.firstHeading ?? path.posix.basename(source).replace(/\.(md|markdown)$/i, ''),
    description: directed.description ?? '',
    author: directed.author,
    ...(directed.image === undefined ? {} : { image: directed.image }),
    date: dateString(fm.data['date']),
    tags: tags(fm.data['tags']),
    draft: fm.data['draft'] === true || fm.data['draft'] === 'true',
    empty,
    lang: str(globals['lang']),
    theme: str(globals['theme']) ?? engine.defaultTheme,
    width,
    height,
    headings: slides.map(firstHeading),
    slideLines: ctx.slideLines,
    rules: rules.settings,
  }

  problems.push(...themeRequests(rendered.css, external, source, meta.theme))

  const notes = slides.map((_, i) => (rendered.comments[i] ?? []).join('\n\n'))
  return { ok: true, deck: { source, slug: input.slug, slides, css: rendered.css, notes, meta, refs: ctx.refs, deckLinks: ctx.deckLinks, problems } }
}

/** A `transition` directive whose value is not `name [duration]`, or names no transition the deck has. */
function transitionProblems(source: string, fm: FrontMatter, comments: readonly TransitionDirective[], unknown: ReadonlySet<string>): Problem[] {
  const found: TransitionDirective[] = []
  for (const key of ['transition', '_transition']) {
    const value = fm.data[key]
    if (value !== undefined) found.push({ value: String(value), line: fm.lines[key] })
  }
  found.push(...comments)
  const problems: Problem[] = []
  for (const { value, line } of found) {
    const parsed = parseTransition(value)
    if (!parsed) {
      problems.push(
        problem(
          'unknown-transition',
          { file: source, line },
          `transition "${value}" is not \`name\` or \`name duration\` (\`fade\`, \`cover 1s\`, \`push 300ms\`); the slides change instantly`,
        ),
      )
    } else if (unknown.has(parsed.name)) {
      problems.push(
        problem(
          'unknown-transition',
          { file: source, line },
          `transition "${parsed.name}" is neither built in nor defined by the theme or deck (\`@keyframes marp-incoming-transition-${parsed.name}\`); the slides change instantly`,
        ),
      )
    }
  }
  return problems
}

/** Remote `backgroundImage` directives in the front-matter, with their line. */
function frontMatterBackgrounds(fm: FrontMatter): UnsafeRef[] {
  return remoteBackgrounds(fm.data).map(({ key, url }) => ({ url, line: fm.lines[key] ?? 1, reason: `is fetched from outside the site by a ${key} directive` }))
}

/**
 * Remote URLs in the deck's packed CSS that the deck's own styles did not put there (already
 * reported, with their line): its theme's, or those of a theme it imports. The page fetches them.
 */
function themeRequests(css: string, reported: readonly UnsafeRef[], source: string, theme: string): Problem[] {
  const known = new Set(reported.map((r) => r.url.trim()))
  return remoteUrlsInCss(css)
    .filter((url) => !known.has(url))
    .map((url) =>
      problem(
        'external-request',
        { file: source },
        `${url} is fetched by the CSS of theme "${theme}" (or a theme it imports) from outside the site; the page needs a network to show it`,
      ),
    )
}

/**
 * Marpit names each `<style scoped>` with a random key (`data-marpit-scope-x7Gq2LpA`), so the same
 * deck would give different bytes on every build. The keys are renamed in order of appearance.
 */
function stableScopes(slides: string[], css: string): { slides: string[]; css: string } {
  const keys: string[] = []
  for (const slide of slides) {
    for (const match of slide.matchAll(/data-marpit-scope-([A-Za-z0-9]+)/g)) {
      const key = match[1] ?? ''
      if (!keys.includes(key)) keys.push(key)
    }
  }
  if (keys.length === 0) return { slides, css }
  const pattern = new RegExp(keys.join('|'), 'g')
  const names = new Map(keys.map((key, i) => [key, `s${i + 1}`]))
  const rename = (text: string) => text.replace(pattern, (key) => names.get(key) ?? key)
  return { slides: slides.map(rename), css: rename(css) }
}

/** A slide with no text, no image, no background and no media (Marp's own markup aside). */
function isEmptySlide(svg: string): boolean {
  if (
    /<(img|video|audio|iframe|svg|math|mjx-container|table|hr)\b/i.test(
      svg
        .replace(/^<svg[^>]*>/, '')
        .replace(/<\/svg>$/, '')
        .replace(/<svg data-marp-/g, ''),
    )
  )
    return false
  if (/background-image|data-marpit-advanced-background="background"/.test(svg)) return false
  const withoutChrome = svg.replace(/<(header|footer)>[\s\S]*?<\/\1>/g, '')
  return (
    withoutChrome
      .replace(/<[^>]+>/g, '')
      .replace(/&nbsp;/g, ' ')
      .trim() === ''
  )
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'", nbsp: ' ' }

function firstHeading(slide: string): string | undefined {
  const match = /<h[1-6][^>]*>([\s\S]*?)<\/h[1-6]>/.exec(slide)
  if (!match) return undefined
  const text = (match[1] ?? '')
    .replace(/<img[^>]*alt="([^"]*)"[^>]*>/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/&(#?\w+);/g, (whole, name: string) => ENTITIES[name] ?? whole)
    .replace(/\s+/g, ' ')
    .trim()
  return text === '' ? undefined : text
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim()
  if (typeof value === 'number') return String(value)
  return undefined
}

function dateString(value: unknown): string | undefined {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10)
  return str(value)
}

function tags(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((v) => str(v)).filter((v): v is string => v !== undefined)
  const s = str(value)
  return s === undefined
    ? []
    : s
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean)
}

function viewBox(svg: string | undefined): [number, number] {
  const m = /viewBox="0 0 (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)"/.exec(svg ?? '')
  return m ? [Number(m[1]), Number(m[2])] : [1280, 720]
}
