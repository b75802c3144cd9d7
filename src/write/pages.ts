import type { ResolvedConfig } from '../config/types.js'
import { encodePath } from '../discover/slug.js'
import { contentHash } from '../hash.js'
import { countBySeverity, problemRecord, type Problem } from '../problems.js'
import { deckSocial, indexSocial } from '../publish/social.js'
import type { RenderedDeck } from '../render/deck.js'
import { KATEX_FONT_DIR, TWEMOJI_DIR, WEB_FONT_DIR } from '../render/refs.js'
import { settingFor, type RuleSetting } from '../rules.js'
import type { DeckPageData, DeckSummary, Download, IndexPageData, PageAssets, SiteData, SlideData, ThumbImage, ThumbPageData } from '../template/data.js'
import { browseData, sectionsOf, type SectionConfig } from './browse.js'
import type { ManifestDeck } from './manifest.js'
import { isolated } from './isolation.js'
import { relativeUrl, relativize, rootedTargets, rootPrefix } from './relativize.js'

/**
 * The data of each page of the site, worked out from a deck's render, the config and the shared
 * files' names: pure functions (no files, no templates), so that what a page shows can be tested
 * without writing a site. site.ts writes what they describe.
 */

export const CSS_DIR = '_assets/css'
export const JS_DIR = '_assets/js'

/** A deck whose page was written (and that can be printed). */
export interface DeckPage {
  readonly deck: RenderedDeck
  /** Site path of its page (`talks/intro/index.html`). */
  readonly page: string
  /** Hash of everything the printed PDF depends on in the site: page, CSS, files. */
  readonly contentKey: string
  /** The deck's notes when its page has none (a private build), for a PDF that `pdf.notes` asks to carry them. */
  readonly notes?: readonly string[] | undefined
  /** Its pictures (thumbnail, slide images, PPTX) are to be taken: the build takes media and none were kept. */
  readonly takeMedia?: boolean | undefined
}

/** Site path a deck's PDF gets: `talks/intro/intro.pdf`, beside its page. */
export function pdfPath(slug: string): string {
  return `${slug}/${slug.split('/').pop() ?? 'deck'}.pdf`
}

/** Site paths of a deck's two pages: the deck page, and the thumbnail the index shows. */
export function deckPagePaths(slug: string): readonly [string, string] {
  return [`${slug}/index.html`, `${slug}/thumb.html`]
}

/** Site paths of the files every deck page links, their names hashed from their content. */
export interface SharedPaths {
  /** marp-core's browser script. */
  readonly script: string
  readonly runtimeJs: string
  readonly runtimeCss: string
  /** The slide transitions' keyframes (src/client/transitions.css). */
  readonly transitionsCss: string
}

export function sharedPaths(script: string, runtime: { readonly js: string; readonly css: string; readonly transitions: string }): SharedPaths {
  return {
    script: `${JS_DIR}/marp-core.${contentHash(script)}.js`,
    runtimeJs: `${JS_DIR}/runtime.${contentHash(runtime.js)}.js`,
    runtimeCss: `${CSS_DIR}/runtime.${contentHash(runtime.css)}.css`,
    transitionsCss: `${CSS_DIR}/transitions.${contentHash(runtime.transitions)}.css`,
  }
}

/** What the pages of a deck need from its render, worked out once per render (dev reuses renders). */
export interface Derived {
  /** The deck's CSS with site-relative URLs and the slides' isolation from the page, and where it is written. */
  readonly css: string
  readonly cssPath: string
  /** Its CSS uses KaTeX's fonts. */
  readonly katex: boolean
  /** Site paths of the web-font stylesheets its CSS imports (gaia's fonts: see write/web-fonts.ts). */
  readonly webFonts: readonly string[]
  /** Site paths of the Twemoji files its slides show. */
  readonly emoji: readonly string[]
  /** Digest of everything of the deck the templates show. */
  readonly content: string
  slides(): readonly SlideData[]
}

const derivedOf = new WeakMap<RenderedDeck, Derived>()

export function derive(deck: RenderedDeck): Derived {
  let derived = derivedOf.get(deck)
  if (derived) return derived
  const css = isolated(relativize(deck.css, CSS_DIR))
  const emoji = new Set<string>()
  for (const slide of deck.slides) for (const target of rootedTargets(slide)) if (target.startsWith(TWEMOJI_DIR)) emoji.add(target)
  let slides: SlideData[] | undefined
  derived = {
    css,
    cssPath: `${CSS_DIR}/${contentHash(css)}.css`,
    katex: rootedTargets(deck.css).some((t) => t.startsWith(KATEX_FONT_DIR)),
    webFonts: rootedTargets(deck.css).filter((t) => t.startsWith(WEB_FONT_DIR) && t.endsWith('.css')),
    emoji: [...emoji],
    content: contentHash(JSON.stringify([deck.slug, deck.source, deck.slides, deck.notes, deck.meta])),
    slides: () => (slides ??= deck.slides.map((html, i) => ({ number: i + 1, html: relativize(html, deck.slug), notes: deck.notes[i] ?? '' }))),
  }
  derivedOf.set(deck, derived)
  return derived
}

/**
 * The links of a page in `pageDir` (a deck's folder), relative to it: the deck's CSS and marp-core's
 * script, and with `withRuntime` (the deck page, not its thumbnail) the deck page runtime's.
 */
export function pageAssets(pageDir: string, cssPath: string, shared: SharedPaths, withRuntime: boolean): PageAssets {
  const from = encodePath(pageDir)
  return {
    root: rootPrefix(pageDir),
    indexHref: relativeUrl(from, 'index.html'),
    css: [cssPath, ...(withRuntime ? [shared.runtimeCss, shared.transitionsCss] : [])].map((p) => relativeUrl(from, p)),
    scripts: [shared.script, ...(withRuntime ? [shared.runtimeJs] : [])].map((p) => relativeUrl(from, p)),
  }
}

/** JSON that is safe inside `<script type="application/json">`: no `</script>` or `<!--` can end it. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

/** What a deck summary is made from: all but the links and the problem counts, which follow from it. */
type SummaryFields = Omit<DeckSummary, 'href' | 'thumbHref' | 'errors' | 'warnings' | 'thumb' | 'downloads'>

function deckSummary(f: SummaryFields, problems: readonly Problem[]): DeckSummary {
  const { errors, warnings } = countBySeverity(problems)
  const href = encodePath(f.slug)
  // In this order: page keys are digests of the summary's JSON.
  return {
    slug: f.slug,
    source: f.source,
    empty: f.empty,
    title: f.title,
    description: f.description,
    author: f.author,
    date: f.date,
    tags: f.tags,
    slides: f.slides,
    draft: f.draft,
    href: `${href}/index.html`,
    pdfHref: f.pdfHref,
    thumbHref: `${href}/thumb.html`,
    thumb: undefined,
    downloads: [],
    width: f.width,
    height: f.height,
    errors,
    warnings,
  }
}

/** What the index and the thumbnail show of a rendered deck (no PDF yet: see settleDeck). */
export function summarize(deck: RenderedDeck, problems: readonly Problem[]): DeckSummary {
  const { meta } = deck
  return deckSummary(
    {
      slug: deck.slug,
      source: deck.source,
      title: meta.title,
      description: meta.description,
      author: meta.author,
      date: meta.date,
      tags: meta.tags,
      slides: deck.slides.length,
      draft: meta.draft,
      empty: meta.empty === true,
      pdfHref: undefined,
      width: meta.width,
      height: meta.height,
    },
    problems,
  )
}

/** The summary of a deck that failed this time and kept its last good page: what the manifest says of it. */
export function summaryFromManifest(entry: ManifestDeck, problems: readonly Problem[]): DeckSummary {
  return deckSummary(
    {
      slug: entry.slug,
      source: entry.source,
      title: entry.title,
      description: entry.description,
      author: undefined,
      date: undefined,
      tags: [],
      slides: entry.slides,
      draft: false,
      empty: false,
      pdfHref: entry.pdf === null ? undefined : encodePath(entry.pdf),
      width: 1280,
      height: 720,
    },
    problems,
  )
}

/** Dated decks first, newest first; then the rest in source order. */
export function sortForIndex(decks: readonly DeckSummary[]): DeckSummary[] {
  const dated = decks.filter((d) => d.date !== undefined).sort((a, b) => ((a.date ?? '') < (b.date ?? '') ? 1 : (a.date ?? '') > (b.date ?? '') ? -1 : 0))
  return [...dated, ...decks.filter((d) => d.date === undefined)]
}

/** A rendered deck's entry in manifest.json, before its PDF and problems are known (see settleDeck). */
export function manifestEntry(deck: RenderedDeck): ManifestDeck {
  return {
    slug: deck.slug,
    source: deck.source,
    title: deck.meta.title,
    description: deck.meta.description,
    slides: deck.slides.length,
    html: deckPagePaths(deck.slug)[0],
    pdf: null,
    problems: [],
  }
}

/** What a deck has beside its PDF once the outputs are made: slide images, PPTX, downloads, thumbnail image. */
export interface SettledMedia {
  readonly images: readonly string[] | null
  readonly pptx: string | null
  readonly downloads: readonly Download[]
  readonly thumb: ThumbImage | undefined
}

/**
 * A deck's manifest entry and summary once its PDF (site path, or null), its media and all its
 * problems (its render's and printing's) are known.
 */
export function settleDeck(
  entry: ManifestDeck,
  summary: DeckSummary,
  pdf: string | null,
  problems: readonly Problem[],
  media: SettledMedia = { images: null, pptx: null, downloads: [], thumb: undefined },
): { manifest: ManifestDeck; summary: DeckSummary } {
  const { errors, warnings } = countBySeverity(problems)
  const { slug, source, title, description, slides, html } = entry
  return {
    manifest: {
      slug,
      source,
      title,
      description,
      slides,
      html,
      pdf,
      images: media.images,
      pptx: media.pptx,
      problems: problems.map((p) => problemRecord(entry.slug, p)),
    },
    summary: { ...summary, pdfHref: pdf === null ? undefined : encodePath(pdf), thumb: media.thumb, downloads: media.downloads, errors, warnings },
  }
}

/**
 * What the deck page runtime (src/client) reads from the page: `pdf` is the site path of the deck's
 * PDF when the page links one; `overflow` and `crowded` are the settings the dev server's live client
 * measures by.
 */
export function deckRuntimeData(deck: RenderedDeck, pdf: string | undefined, overflow: RuleSetting, crowded: RuleSetting) {
  const from = encodePath(deck.slug)
  const pdfHref = pdf === undefined ? undefined : encodePath(pdf)
  return {
    slug: deck.slug,
    source: deck.source,
    title: deck.meta.title,
    notes: deck.notes,
    indexHref: relativeUrl(from, 'index.html'),
    pdfHref: pdfHref && relativeUrl(from, pdfHref),
    overflow,
    crowded,
    // For the dev server's live client: the line of each slide, for the overflow it measures.
    slideLines: deck.meta.slideLines,
  }
}

/** What a deck's page shows, and how it links its files. */
export interface DeckPageInputs {
  readonly site: SiteData
  readonly deck: RenderedDeck
  readonly summary: DeckSummary
  readonly shared: SharedPaths
  readonly config: Pick<ResolvedConfig, 'lang' | 'rules'>
}

/** The deck page template's data; `pdf` is the site path of the PDF it links, if any, and `downloads` the files it offers. */
export function deckPageData(
  { site, deck, summary, shared, config }: DeckPageInputs,
  pdf: string | undefined,
  downloads: readonly Download[] = [],
): DeckPageData {
  const derived = derive(deck)
  const pdfHref = pdf === undefined ? undefined : encodePath(pdf)
  // For the dev server's live client, which measures overflow in the author's browser.
  const runtime = deckRuntimeData(deck, pdf, settingFor('overflow', config.rules, deck.meta.rules), settingFor('crowded', config.rules, deck.meta.rules))
  const deckData = { ...summary, pdfHref, downloads, lang: deck.meta.lang ?? config.lang, dataJson: scriptJson(runtime) }
  const social = deckSocial(socialSite(site), { slug: deck.slug, title: summary.title, description: summary.description, image: deck.meta.image })
  return { site, deck: deckData, slides: derived.slides(), page: pageAssets(deck.slug, derived.cssPath, shared, true), social }
}

/** The thumbnail template's data: the deck's first slide. */
export function thumbPageData({ site, deck, summary, shared }: DeckPageInputs): ThumbPageData {
  const derived = derive(deck)
  return { site, deck: summary, slide: derived.slides()[0], page: pageAssets(deck.slug, derived.cssPath, shared, false) }
}

/**
 * Everything a deck's two pages are made from, in the order its key hashes them: the templates (by
 * digest), marp-site, the deck's content (by digest), and the rest as is. `pdf`: the PDF its page
 * links, null when the build makes none; `downloads`: the files (with sizes) its page offers, left out
 * of the key a PDF or a picture is made from (the bar that shows them is not printed).
 */
export function pageKeyInputs(
  inputs: DeckPageInputs & {
    readonly templatesKey: string
    readonly generator: string
    readonly config: Pick<ResolvedConfig, 'singleFile'>
    readonly pdf: string | null
    readonly downloads?: readonly Download[] | undefined
  },
): unknown[] {
  const { templatesKey, generator, deck, site, summary, config, shared, pdf, downloads } = inputs
  const derived = derive(deck)
  return [
    templatesKey,
    generator,
    derived.content,
    site,
    summary,
    config.lang,
    config.rules,
    config.singleFile,
    pdf,
    pageAssets(deck.slug, derived.cssPath, shared, true),
    pageAssets(deck.slug, derived.cssPath, shared, false),
    ...(downloads && downloads.length > 0 ? [downloads] : []),
  ]
}

/** Same key, same pages: a deck's pages are reused from the previous build while their key stays. */
export function pageKey(inputs: Parameters<typeof pageKeyInputs>[0]): string {
  return contentHash(JSON.stringify(pageKeyInputs(inputs)))
}

/** What the index page has besides its decks: the config's sections, its script, and the search files. */
export interface IndexExtras {
  readonly sections?: readonly SectionConfig[] | undefined
  /** Site paths of the scripts the index links (its search and browse script). */
  readonly scripts?: readonly string[] | undefined
  readonly search?: IndexPageData['search']
  /** The site path of a deck's picture for social tags (its card or `image:`), if it has one. */
  readonly imageOf?: ((slug: string) => string | undefined) | undefined
}

/** The decks the index lists: neither drafts nor empty, in index order. */
export function listedDecks(summaries: readonly DeckSummary[]): DeckSummary[] {
  return sortForIndex(summaries.filter((s) => !s.draft && !s.empty))
}

/** The index template's data: the decks that are neither drafts nor empty, in index order, by section too. */
export function indexPageData(site: SiteData, summaries: readonly DeckSummary[], extras: IndexExtras = {}): IndexPageData {
  const decks = listedDecks(summaries)
  const first = decks[0] && { ...decks[0], image: extras.imageOf?.(decks[0].slug) }
  return {
    site,
    decks,
    page: { root: '', indexHref: 'index.html', css: [], scripts: (extras.scripts ?? []).map(encodePath) },
    sections: sectionsOf(decks, extras.sections),
    browse: browseData(decks, scriptJson),
    search: extras.search && { engine: encodePath(extras.search.engine), data: encodePath(extras.search.data) },
    social: indexSocial(socialSite(site), first),
  }
}

/** What the social tags are made from, out of the site's template data. */
function socialSite(site: SiteData) {
  return { title: site.title, description: site.description, url: site.baseUrl, ogImage: site.ogImage, cards: site.cards === true }
}

/** Same key, same index page (the index's data holds everything it shows). */
export function indexKey(templatesKey: string, generator: string, data: IndexPageData): string {
  return contentHash(JSON.stringify([templatesKey, generator, data]))
}

/**
 * What a deck's PDF depends on in the site: its page (by its key, or its HTML when it has none), its
 * CSS, and the files it links (`target:hash` each).
 */
export function deckContentKey(generator: string, page: string, css: string, files: readonly string[]): string {
  return contentHash([generator, page, css, ...files].join('\n'))
}
