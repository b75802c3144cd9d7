import type { ResolvedConfig } from '../config/types.js'
import type { AssetCopy } from '../discover/assets.js'
import type { DeckSource } from '../discover/decks.js'
import { debug } from '../log.js'
import { feedXml, sitemapXml } from '../publish/feeds.js'
import { notesArePublic, notesFilePath, notesText, withoutNotes } from '../publish/notes.js'
import { problemRecord, type Problem, type ProblemRecord } from '../problems.js'
import type { RenderedDeck } from '../render/deck.js'
import type { DeckSummary, SiteData } from '../template/data.js'
import type { Templates } from '../template/engine.js'
import { fileHash } from './file-hash.js'
import { inlinePage } from './inline.js'
import { serializeManifest, type ManifestDeck } from './manifest.js'
import type { Staging } from './outdir.js'
import {
  deckContentKey,
  deckPageData,
  deckPagePaths,
  derive,
  indexKey,
  indexPageData,
  listedDecks,
  type IndexExtras,
  manifestEntry,
  pageKey,
  pdfPath,
  settleDeck,
  summarize,
  summaryFromManifest,
  thumbPageData,
  type DeckPage,
  type DeckPageInputs,
} from './pages.js'
import { WriteQueue } from './queue.js'
import { SiteAssets } from './site-assets.js'
import { indexScripts, type IndexScripts } from './index-assets.js'
import { deckSearchRecord, keptDeckRecord, searchDataFile, type SearchRecord } from './search-index.js'

export type { DeckPage } from './pages.js'

export type DeckOutcome =
  | { readonly kind: 'rendered'; readonly deck: RenderedDeck; readonly copies: readonly AssetCopy[]; readonly problems: readonly Problem[] }
  | { readonly kind: 'failed'; readonly source: DeckSource; readonly problems: readonly Problem[] }

export interface WrittenPages {
  /** The decks whose page was written, to print (only when the writer was opened `withPdf`). */
  readonly decks: readonly DeckPage[]
  /**
   * Writes the index and the manifest, given the PDFs that were made, the problems of making them, and
   * the site's own problems (themes, deck listing); rewrites pages that lost their PDF.
   */
  finish(pdfs: ReadonlyMap<string, string>, extraProblems: ReadonlyMap<string, readonly Problem[]>, siteProblems: readonly Problem[]): Promise<WrittenSite>
}

/**
 * What each deck's pages were made from (a digest of every value the templates were given) and the
 * files as written, so that the next build can reuse a page whose inputs have not changed.
 */
export type PageRecords = Readonly<Record<string, PageRecordOf>>

interface PageRecordOf {
  readonly key: string
  readonly files: Readonly<Record<string, string>>
  /**
   * The deck's PDF as that build left it: the content key it was printed from (see DeckPage) and the
   * file's stamp. A build that makes no PDFs (`--no-pdf`, dev) keeps and links a PDF whose content key
   * is still the deck's, instead of deleting it.
   */
  readonly pdf?: { readonly content: string; readonly state: string } | undefined
  /** The deck's search record (write/search-index.ts), kept for the next build. */
  readonly search?: SearchRecord | undefined
}

export interface WrittenSite {
  readonly decks: readonly ManifestDeck[]
  /** The manifest's problems of the site (Manifest.problems). */
  readonly problems: readonly ProblemRecord[]
  readonly pages: PageRecords
  /** Pages made by the templates this time (the others were reused). */
  readonly rendered: number
  /** Decks whose previous page was kept because this build could not render them. */
  readonly kept: readonly string[]
  /** What the index page was made from, and the file as written (see SiteWriterOptions.previousIndex). */
  readonly index?: IndexRecord | undefined
}

/** The index page of a build: the digest of everything its template was given, and the file's stamp. */
export interface IndexRecord {
  readonly key: string
  readonly state: string
}

export interface SiteWriterOptions {
  config: ResolvedConfig
  staging: Staging
  templates: Templates
  generator: string
  withPdf: boolean
  /** Deck pages name their slide-1 card as og:image, and the decks are handed to the outputs for it. */
  withCards?: boolean | undefined
  /** The build's date (SOURCE_DATE_EPOCH, else now): the feed's date when no deck has one. */
  date?: Date | undefined
  signal?: AbortSignal | undefined
  /** Digest of the template files: with `previous`, lets unchanged pages be reused. */
  templatesKey?: string
  previous?: PageRecords | undefined
  /**
   * The index page of the previous build (`dev` keeps it): reused when the decks it lists are shown the
   * same, which is most saves (an edit inside a slide changes no title, count or badge).
   */
  previousIndex?: IndexRecord | undefined
}

/** Writes the pages of each deck as its render arrives, while the other decks still render. */
export interface SiteWriter {
  /** Writes (or reuses, or carries over) the pages of one deck; `order` is its place among the decks. */
  add(outcome: DeckOutcome, order: number): Promise<void>
  /** After the last deck: the shared files; then the decks to print, and `finish` for the index and manifest. */
  close(): Promise<WrittenPages>
}

/**
 * Writes every deck page, stylesheet and asset into the staging folder, deck by deck (see
 * SiteWriter). Pages link their PDF when `withPdf` says PDFs will be made; `finish` writes the index
 * and manifest once they are.
 */
export async function openSiteWriter(options: SiteWriterOptions): Promise<SiteWriter> {
  const queue = new WriteQueue(options.staging)
  const [assets, scripts] = await Promise.all([SiteAssets.load(queue, options.config.favicon), indexScripts()])
  return new DeckSiteWriter(options, queue, assets, scripts)
}

/** A deck of the index and manifest, by the decks' order whichever order their renders arrive in. */
interface Entry {
  readonly manifest: ManifestDeck
  readonly summary: DeckSummary
  readonly problems: readonly Problem[]
  /** Its previous page was carried over: this build could not render it. */
  readonly kept: boolean
  /** Its search record (write/search-index.ts). */
  readonly search: SearchRecord
}

type PageRecord = { key: string; files: Record<string, string>; pdf?: { content: string; state: string } | undefined; search?: SearchRecord }

class DeckSiteWriter implements SiteWriter {
  private readonly site: SiteData
  private readonly records: Record<string, PageRecord> = {}
  /** Pages made by the templates (the others were reused). */
  private rendered = 0
  private readonly entries: (Entry | undefined)[] = []
  private readonly decks: (DeckPage | undefined)[] = []
  /** Each rendered deck's page, made again without its PDF link if printing fails. */
  private readonly rewrite = new Map<string, (pdf: string | undefined) => Promise<string>>()
  /** The previous site's decks, by source. */
  private readonly previous: ReadonlyMap<string, ManifestDeck>
  /** Slug → the deck's own `image:` directive (the index shares the first deck's picture). */
  private readonly images = new Map<string, string | undefined>()
  /** Slug → content key of each PDF kept and linked by a build that makes none (see keepPdf). */
  private readonly keptPdfs = new Map<string, string>()

  constructor(
    private readonly options: SiteWriterOptions,
    private readonly queue: WriteQueue,
    private readonly assets: SiteAssets,
    private readonly scripts: IndexScripts,
  ) {
    const { config, generator } = options
    this.site = {
      title: config.title,
      description: config.description,
      lang: config.lang,
      baseUrl: config.baseUrl,
      ogImage: config.ogImage,
      cards: options.withCards === true,
      generator,
      favicon: assets.favicon,
      themeColor: config.themeColor,
    }
    this.previous = new Map((options.staging.previous?.decks ?? []).map((d) => [d.source, d]))
  }

  async add(outcome: DeckOutcome, order: number): Promise<void> {
    this.options.signal?.throwIfAborted()
    if (outcome.kind === 'failed') await this.carryOver(outcome, order)
    else await this.addRendered(outcome, order)
  }

  /** A deck that failed keeps its previous page, when it had one at the same place. */
  private async carryOver(outcome: Extract<DeckOutcome, { kind: 'failed' }>, order: number): Promise<void> {
    const before = this.previous.get(outcome.source.source)
    if (!before || before.slug !== outcome.source.slug) return
    // The last good page may come from a build that published notes (dev's, or before `notes: private`).
    if (!notesArePublic(this.options.config)) return
    // Decks nested in its folder (`talks` and `talks/intro`) are not part of its page: each is made,
    // kept or removed on its own.
    const nested = [...this.previous.values()].map((d) => d.slug).filter((slug) => slug.startsWith(`${before.slug}/`))
    if (await this.options.staging.carryOver(before.slug, nested)) {
      const summary = summaryFromManifest(before, outcome.problems)
      this.entries[order] = { manifest: before, summary, problems: outcome.problems, kept: true, search: keptDeckRecord(summary) }
    }
  }

  private async addRendered(outcome: Extract<DeckOutcome, { kind: 'rendered' }>, order: number): Promise<void> {
    const { config, templates, generator, withPdf, templatesKey } = this.options
    // A private build's pages, thumbnails, single-file pages and notes files are made from a deck without notes.
    const notesPublic = notesArePublic(config)
    const deck = notesPublic ? outcome.deck : withoutNotes(outcome.deck)
    if (config.notesFile && notesPublic) this.queue.write(notesFilePath(deck.slug, config.notesFile), notesText(deck.notes))
    const derived = derive(deck)
    this.images.set(deck.slug, deck.meta.image)
    this.assets.addDeck(derived, outcome.copies)
    const summary = summarize(deck, outcome.problems)
    const inputs: DeckPageInputs = { site: this.site, deck, summary, shared: this.assets.paths, config }
    // Speaker notes are searchable only when the pages show them (`notes: public`).
    const search = deckSearchRecord(deck, derived.content, { includeNotes: notesPublic }, this.options.previous?.[deck.slug]?.search)
    const renderPage = (pdf: string | undefined) => templates.deckPage(deckPageData(inputs, pdf))
    this.rewrite.set(deck.slug, renderPage)
    // A build that prints no PDFs keeps a current one; the key of the page that links it comes with it.
    const kept = withPdf ? undefined : await this.keepPdf(inputs, derived.css, outcome.copies)
    const pdf = withPdf || kept ? pdfPath(deck.slug) : null
    const key = kept ?? (templatesKey === undefined ? undefined : pageKey({ ...inputs, templatesKey, generator, config, pdf }))
    // With a key, the pages are made or reused alongside the other decks' pages; without, made now.
    const make = () => this.makePages(inputs, renderPage, pdf ?? undefined)
    const html = key === undefined ? await make() : undefined
    if (key !== undefined) {
      const record: PageRecord = { key, files: {}, search }
      this.records[deck.slug] = record
      this.queue.run(() => this.reuseOrMake(deck.slug, record, make))
    }
    for (const asset of outcome.copies) this.queue.copy(asset.from, asset.target)

    this.entries[order] = { manifest: manifestEntry(deck), summary, problems: outcome.problems, kept: false, search }
    if (withPdf || this.options.withCards) {
      // `key` stands for the page (same key, same page), whether it was made or reused.
      const contentKey = deckContentKey(generator, key ?? html ?? '', derived.css, await assetHashes(outcome.copies))
      this.decks[order] = { deck, page: deckPagePaths(deck.slug)[0], contentKey, ...(notesPublic ? {} : { notes: outcome.deck.notes }) }
    }
  }

  /**
   * A build that makes no PDFs keeps the previous build's PDF of a deck, and links it, when it is what
   * printing this deck now would make: the content key a PDF build would give the deck (its page as
   * that build makes it, its CSS, its files) is the one the PDF was printed from, and the file is as
   * that build left it. A stale PDF is not kept (and so goes with the previous site). Answers the key of
   * the page that links the kept PDF.
   */
  private async keepPdf(inputs: DeckPageInputs, css: string, copies: readonly AssetCopy[]): Promise<string | undefined> {
    const { templatesKey, generator, config, staging, previous } = this.options
    const { slug } = inputs.deck
    const before = previous?.[slug]?.pdf
    if (templatesKey === undefined || before === undefined) return undefined
    const key = pageKey({ ...inputs, templatesKey, generator, config, pdf: pdfPath(slug) })
    const content = deckContentKey(generator, key, css, await assetHashes(copies))
    if (content !== before.content || !(await staging.reuse(pdfPath(slug), before.state))) {
      debug('cache')('the PDF of %s is not kept: %s', slug, content !== before.content ? 'the deck changed since it was printed' : 'the file changed')
      return undefined
    }
    debug('cache')('kept the PDF of %s (content %s)', slug, content)
    this.keptPdfs.set(slug, content)
    return key
  }

  /** Renders a deck's two pages and writes them; answers the deck page's HTML. */
  private async makePages(inputs: DeckPageInputs, renderPage: (pdf: string | undefined) => Promise<string>, pdf: string | undefined): Promise<string> {
    const { config, templates } = this.options
    const { slug } = inputs.deck
    let html = await renderPage(pdf)
    if (config.singleFile) html = await inlinePage(html, slug, this.assets.siteFile)
    this.rendered += 1
    const [page, thumb] = deckPagePaths(slug)
    const { staging } = this.options
    await Promise.all([staging.write(page, html), staging.write(thumb, await templates.thumbPage(thumbPageData(inputs)))])
    return html
  }

  /** Reuses a deck's two pages from the previous site when their key is the same and they are as written; else makes them. */
  private async reuseOrMake(slug: string, record: PageRecord, make: () => Promise<string>): Promise<void> {
    const before = this.options.previous?.[slug]
    if (before?.key === record.key && (await reuseAll(this.options.staging, deckPagePaths(slug), before.files))) {
      debug('cache')('reused the pages of %s', slug)
      record.files = { ...before.files }
      return
    }
    debug('cache')(
      'made the pages of %s again (%s)',
      slug,
      before === undefined ? 'no record of them' : before.key === record.key ? 'their files changed' : 'their inputs changed',
    )
    await make()
  }

  async close(): Promise<WrittenPages> {
    await this.assets.close()
    await this.queue.settle()
    return {
      decks: this.decks.filter((d) => d !== undefined),
      finish: (pdfs, extraProblems, siteProblems) => this.finish(pdfs, extraProblems, siteProblems),
    }
  }

  private async finish(
    pdfs: ReadonlyMap<string, string>,
    extraProblems: ReadonlyMap<string, readonly Problem[]>,
    siteProblems: readonly Problem[],
  ): Promise<WrittenSite> {
    const { templates, generator, templatesKey, previousIndex, staging } = this.options
    const decks: ManifestDeck[] = []
    const summaries: DeckSummary[] = []
    const records = new Map<string, SearchRecord>()
    for (const entry of this.entries) {
      if (!entry) continue
      const { slug } = entry.manifest
      const pdf = entry.kept ? entry.manifest.pdf : (pdfs.get(slug) ?? (this.keptPdfs.has(slug) ? pdfPath(slug) : null))
      if (!entry.kept && this.options.withPdf && pdf === null) await this.unlinkPdf(slug)
      const settled = settleDeck(entry.manifest, entry.summary, pdf, [...entry.problems, ...(extraProblems.get(slug) ?? [])])
      decks.push(settled.manifest)
      summaries.push(settled.summary)
      records.set(slug, entry.search)
    }
    const indexData = indexPageData(this.site, summaries, { ...this.indexFiles(summaries, records), imageOf: (slug) => this.images.get(slug) })
    const key = templatesKey === undefined ? undefined : indexKey(templatesKey, generator, indexData)
    const indexReused = key !== undefined && previousIndex?.key === key && (await staging.reuse('index.html', previousIndex.state))
    debug('cache')(indexReused ? 'reused the index page' : 'made the index page again')
    if (!indexReused) this.queue.write('index.html', await templates.indexPage(indexData))
    const slugOf = new Map(decks.map((d) => [d.source, d.slug]))
    const problems = siteProblems.map((p) => problemRecord(slugOf.get(p.file) ?? '', p))
    this.queue.write('manifest.json', serializeManifest({ generator, decks, problems }))
    const { config } = this.options
    if (config.publish && config.baseUrl !== undefined) {
      const listed = indexData.decks.map((d) => ({ slug: d.slug, title: d.title, description: d.description, author: d.author, date: d.date }))
      this.queue.write('sitemap.xml', sitemapXml(config.baseUrl, listed))
      this.queue.write(
        'feed.xml',
        feedXml({ url: config.baseUrl, title: config.title, description: config.description, generator }, listed, this.options.date ?? new Date()),
      )
    }
    await this.queue.settle()
    await this.recordPages()
    await this.recordPdfs(pdfs)
    const indexState = key === undefined ? undefined : await staging.stateOf('index.html')
    const index = key !== undefined && indexState !== undefined ? { key, state: indexState } : undefined
    const kept = this.entries.flatMap((e) => (e?.kept ? [e.manifest.source] : []))
    return { decks, problems, kept, pages: this.records, rendered: this.rendered, index }
  }

  /** The index page's script, the search engine and the search data of the decks it lists, queued; their site paths. */
  private indexFiles(summaries: readonly DeckSummary[], records: ReadonlyMap<string, SearchRecord>): IndexExtras {
    const { page, engine } = this.scripts
    const data = searchDataFile(listedDecks(summaries).map((d) => records.get(d.slug) ?? keptDeckRecord(d)))
    this.queue.writeHashed(page.path, page.js)
    this.queue.writeHashed(engine.path, engine.js)
    this.queue.writeHashed(data.path, data.script)
    return { sections: this.options.config.sections, scripts: [page.path], search: { engine: engine.path, data: data.path } }
  }

  /** Printing failed: the deck's page must not link a PDF that does not exist. */
  private async unlinkPdf(slug: string): Promise<void> {
    const renderPage = this.rewrite.get(slug)
    if (renderPage) this.queue.write(deckPagePaths(slug)[0], await renderPage(undefined))
    // Not the page its key describes: the next build must make it again.
    delete this.records[slug]
  }

  /** Each PDF this build made, reused or kept: what it was printed from, and the file as it is now. */
  private async recordPdfs(made: ReadonlyMap<string, string>): Promise<void> {
    const contents = new Map(this.keptPdfs)
    for (const d of this.decks) if (d && made.has(d.deck.slug)) contents.set(d.deck.slug, d.contentKey)
    await Promise.all(
      [...contents].map(async ([slug, content]) => {
        const record = this.records[slug]
        const state = record && (await this.options.staging.stateOf(pdfPath(slug)))
        if (record && state !== undefined) record.pdf = { content, state }
      }),
    )
  }

  /** Pages made this time are recorded as written; reused ones kept their record. */
  private async recordPages(): Promise<void> {
    await Promise.all(
      Object.entries(this.records).map(async ([slug, record]) => {
        if (Object.keys(record.files).length > 0) return
        for (const sitePath of deckPagePaths(slug)) {
          const state = await this.options.staging.stateOf(sitePath)
          if (state !== undefined) record.files[sitePath] = state
        }
      }),
    )
  }
}

/** `target:hash` of each file a deck links, for its content key. */
function assetHashes(copies: readonly AssetCopy[]): Promise<string[]> {
  return Promise.all(copies.map(async (c) => `${c.target}:${await fileHash(c.from)}`))
}

/** Reuses every one of `paths` from the previous site, or none. */
async function reuseAll(staging: Staging, paths: readonly string[], files: Readonly<Record<string, string>>): Promise<boolean> {
  for (const sitePath of paths) {
    const expected = files[sitePath]
    if (expected === undefined || !(await staging.reuse(sitePath, expected))) return false
  }
  return true
}
