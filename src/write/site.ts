import type { ResolvedConfig } from '../config/types.js'
import type { AssetCopy } from '../discover/assets.js'
import type { DeckSource } from '../discover/decks.js'
import { debug } from '../log.js'
import { notesArePublic, notesFilePath, notesText, withoutNotes } from '../publish/notes.js'
import { problemRecord, type Problem, type ProblemRecord } from '../problems.js'
import type { RenderedDeck } from '../render/deck.js'
import { slideImagePath, type MediaFiles } from '../media/plan.js'
import type { DeckSummary, Download, SiteData } from '../template/data.js'
import type { Templates } from '../template/engine.js'
import { sizedDownloads } from './downloads.js'
import { assetHashes } from './file-hash.js'
import { inlinePage } from './inline.js'
import { serializeManifest, type ManifestDeck } from './manifest.js'
import { reuseAll, type Staging } from './outdir.js'
import {
  deckContentKey,
  deckPageData,
  deckPagePaths,
  derive,
  indexKey,
  indexPageData,
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
import { KeptOutputs, type PageRecord, type PageRecords, type WriterMedia } from './kept.js'
import { WriteQueue } from './queue.js'
import { SiteAssets } from './site-assets.js'
import { indexScripts, type IndexScripts } from './index-assets.js'
import { queueFeeds, queueIndexFiles } from './index-files.js'
import { deckSearchRecord, keptDeckRecord, type SearchRecord } from './search-index.js'
import { encodePath } from '../discover/slug.js'

export type { DeckPage } from './pages.js'
export type { PageRecords, WriterMedia } from './kept.js'

export type DeckOutcome =
  | { readonly kind: 'rendered'; readonly deck: RenderedDeck; readonly copies: readonly AssetCopy[]; readonly problems: readonly Problem[] }
  | { readonly kind: 'failed'; readonly source: DeckSource; readonly problems: readonly Problem[] }

export interface WrittenPages {
  /** The decks whose page was written, to load in the browser (only when the writer was opened `withPdf` or taking media). */
  readonly decks: readonly DeckPage[]
  /**
   * Writes the index and the manifest, given the PDFs and media that were made, the problems of making
   * them, and the site's own problems (themes, deck listing); rewrites pages whose downloads changed.
   */
  finish(
    pdfs: ReadonlyMap<string, string>,
    extraProblems: ReadonlyMap<string, readonly Problem[]>,
    siteProblems: readonly Problem[],
    media?: ReadonlyMap<string, MediaFiles>,
  ): Promise<WrittenSite>
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
  /** The config's media plan, with the browser when this build takes pictures; without, no media are kept or linked. */
  media?: WriterMedia | undefined
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

interface PageRewrite {
  readonly pdf: string | null
  readonly downloads: readonly Download[]
  page(pdf: string | null, downloads: readonly Download[]): Promise<void>
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

class DeckSiteWriter implements SiteWriter {
  private readonly site: SiteData
  private readonly records: Record<string, PageRecord> = {}
  /** Pages made by the templates (the others were reused). */
  private rendered = 0
  private readonly entries: (Entry | undefined)[] = []
  private readonly decks: (DeckPage | undefined)[] = []
  /** Each rendered deck's page, made again when its PDF or downloads are not those it was written with (printing failed, new sizes). */
  private readonly rewrite = new Map<string, PageRewrite>()
  /** The previous site's decks, by source. */
  private readonly previous: ReadonlyMap<string, ManifestDeck>
  private readonly kept: KeptOutputs
  /** Slug → the deck's own `image:` directive (the index shares the first deck's picture). */
  private readonly images = new Map<string, string | undefined>()

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
    this.kept = new KeptOutputs(options.staging, options.previous, options.media)
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
    const { config, templates, generator, withPdf, templatesKey, media, previous } = this.options
    // A private build's pages, thumbnails, single-file pages and notes files are made from a deck without notes.
    const notesPublic = notesArePublic(config)
    const deck = notesPublic ? outcome.deck : withoutNotes(outcome.deck)
    const { slug } = deck
    if (config.notesFile && notesPublic) this.queue.write(notesFilePath(slug, config.notesFile), notesText(deck.notes))
    const derived = derive(deck)
    this.images.set(slug, deck.meta.image)
    this.assets.addDeck(derived, outcome.copies)
    const summary = summarize(deck, outcome.problems)
    const inputs: DeckPageInputs = { site: this.site, deck, summary, shared: this.assets.paths, config }
    const before = previous?.[slug]
    const withCards = this.options.withCards === true
    const takesMedia = media?.browser !== undefined
    // The key a PDF or a picture of the deck is made from: its page as a PDF build makes it, downloads aside.
    const printKey = templatesKey === undefined ? undefined : pageKey({ ...inputs, templatesKey, generator, config, pdf: pdfPath(slug) })
    const wanted = withPdf || takesMedia || withCards || before?.pdf !== undefined || before?.media !== undefined
    const content = printKey !== undefined && wanted ? deckContentKey(generator, printKey, derived.css, await assetHashes(outcome.copies)) : undefined
    // A build that prints no PDFs keeps a current one; any build keeps current media.
    const keptPdf = !withPdf && content !== undefined && (await this.kept.keepPdf(slug, content))
    const keptMedia = content === undefined ? undefined : await this.kept.keepMedia(slug, content)
    const pdf = withPdf || keptPdf ? pdfPath(slug) : null
    // Speaker notes are searchable only when the pages show them (`notes: public`); results show slide images when taken or kept.
    const format = media?.plan.images?.format
    const images = keptMedia?.images ?? (takesMedia && format ? deck.slides.map((_, i) => slideImagePath(slug, i + 1, deck.slides.length, format)) : undefined)
    const search = deckSearchRecord(deck, derived.content, { includeNotes: notesPublic, images }, before?.search)
    // The downloads the page shows: what is kept, with its size; in a build that makes outputs, what the
    // previous page showed (the same files, most often, and then the page is reused).
    const makes = withPdf || takesMedia
    const downloads = makes ? (before?.downloads ?? []) : await sizedDownloads(this.options.staging, pdf, keptMedia?.pptx ?? null)
    const keyOf = (p: string | null, d: readonly Download[]) =>
      templatesKey === undefined ? undefined : pageKey({ ...inputs, templatesKey, generator, config, pdf: p, downloads: d })
    const renderPage = (p: string | null, d: readonly Download[]) => templates.deckPage(deckPageData(inputs, p ?? undefined, d))
    const key = keyOf(pdf, downloads)
    // With a key, the pages are made or reused alongside the other decks' pages; without, made now.
    const make = () => this.makePages(inputs, () => renderPage(pdf, downloads))
    const html = key === undefined ? await make() : undefined
    if (key !== undefined) {
      const record: PageRecord = { key, files: {}, downloads, search }
      this.records[slug] = record
      this.queue.run(() => this.reuseOrMake(slug, record, make))
    }
    this.rewrite.set(slug, {
      pdf,
      downloads,
      page: async (p, d) => {
        let page = await renderPage(p, d)
        if (config.singleFile) page = await inlinePage(page, slug, this.assets.siteFile)
        this.queue.write(deckPagePaths(slug)[0], page)
        // Now the page its key describes: recorded as written when the index is.
        const newKey = keyOf(p, d)
        if (newKey === undefined) delete this.records[slug]
        else this.records[slug] = { key: newKey, files: {}, downloads: d, search }
      },
    })
    for (const asset of outcome.copies) this.queue.copy(asset.from, asset.target)

    this.entries[order] = { manifest: manifestEntry(deck), summary, problems: outcome.problems, kept: false, search }
    if (makes || withCards) {
      // `key` stands for the page (same key, same page), whether it was made or reused.
      const contentKey = content ?? deckContentKey(generator, html ?? '', derived.css, await assetHashes(outcome.copies))
      this.decks[order] = {
        deck,
        page: deckPagePaths(slug)[0],
        contentKey,
        takeMedia: takesMedia && keptMedia === undefined,
        ...(notesPublic ? {} : { notes: outcome.deck.notes }),
      }
    }
  }

  /** Renders a deck's two pages and writes them; answers the deck page's HTML. */
  private async makePages(inputs: DeckPageInputs, renderPage: () => Promise<string>): Promise<string> {
    const { config, templates } = this.options
    const { slug } = inputs.deck
    let html = await renderPage()
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
      finish: (pdfs, extraProblems, siteProblems, media) => this.finish(pdfs, extraProblems, siteProblems, media),
    }
  }

  private async finish(
    pdfs: ReadonlyMap<string, string>,
    extraProblems: ReadonlyMap<string, readonly Problem[]>,
    siteProblems: readonly Problem[],
    media: ReadonlyMap<string, MediaFiles> = new Map(),
  ): Promise<WrittenSite> {
    const { templates, generator, templatesKey, previousIndex, staging } = this.options
    const decks: ManifestDeck[] = []
    const summaries: DeckSummary[] = []
    const records = new Map<string, SearchRecord>()
    for (const entry of this.entries) {
      if (!entry) continue
      const { slug } = entry.manifest
      const pdf = entry.kept ? entry.manifest.pdf : (pdfs.get(slug) ?? (this.kept.pdfs.has(slug) ? pdfPath(slug) : null))
      // A kept deck's page is carried over as it was: its media are what its manifest entry says.
      const files: MediaFiles = entry.kept
        ? { thumb: undefined, images: entry.manifest.images ?? null, pptx: entry.manifest.pptx ?? null }
        : (media.get(slug) ?? this.kept.media.get(slug)?.files ?? { thumb: undefined, images: null, pptx: null })
      const downloads = await sizedDownloads(this.options.staging, pdf, files.pptx)
      const written = this.rewrite.get(slug)
      // Printing failed, or made files of other sizes than the page was written with: it is made again.
      const changed = written && (written.pdf !== pdf || JSON.stringify(written.downloads) !== JSON.stringify(downloads))
      if (!entry.kept && written && changed) await written.page(pdf, downloads)
      const thumb = files.thumb && { src: encodePath(files.thumb.path), width: files.thumb.width, height: files.thumb.height }
      const settled = settleDeck(entry.manifest, entry.summary, pdf, [...entry.problems, ...(extraProblems.get(slug) ?? [])], {
        images: files.images,
        pptx: files.pptx,
        downloads,
        thumb,
      })
      decks.push(settled.manifest)
      summaries.push(settled.summary)
      records.set(slug, entry.search)
    }
    const indexData = indexPageData(this.site, summaries, {
      ...queueIndexFiles(this.queue, this.scripts, summaries, records, this.options.config.sections),
      imageOf: (slug) => this.images.get(slug),
    })
    const key = templatesKey === undefined ? undefined : indexKey(templatesKey, generator, indexData)
    const indexReused = key !== undefined && previousIndex?.key === key && (await staging.reuse('index.html', previousIndex.state))
    debug('cache')(indexReused ? 'reused the index page' : 'made the index page again')
    if (!indexReused) this.queue.write('index.html', await templates.indexPage(indexData))
    const slugOf = new Map(decks.map((d) => [d.source, d.slug]))
    const problems = siteProblems.map((p) => problemRecord(slugOf.get(p.file) ?? '', p))
    this.queue.write('manifest.json', serializeManifest({ generator, decks, problems }))
    queueFeeds(this.queue, this.options.config, indexData.decks, generator, this.options.date)
    await this.queue.settle()
    await this.recordPages()
    await this.recordPdfs(pdfs)
    const contents = new Map(this.decks.flatMap((d) => (d ? [[d.deck.slug, d.contentKey] as const] : [])))
    await this.kept.record(
      this.records,
      new Map([...media].flatMap(([slug, files]) => (contents.has(slug) ? [[slug, { files, content: contents.get(slug) as string }] as const] : []))),
    )
    const indexState = key === undefined ? undefined : await staging.stateOf('index.html')
    const index = key !== undefined && indexState !== undefined ? { key, state: indexState } : undefined
    const kept = this.entries.flatMap((e) => (e?.kept ? [e.manifest.source] : []))
    return { decks, problems, kept, pages: this.records, rendered: this.rendered, index }
  }

  /** Each PDF this build made, reused or kept: what it was printed from, and the file as it is now. */
  private async recordPdfs(made: ReadonlyMap<string, string>): Promise<void> {
    const contents = new Map(this.kept.pdfs)
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
