import { readFile } from 'node:fs/promises'
import path from 'node:path'
import pLimit from 'p-limit'
import { PACKAGE_DIR } from '../config/resolve.js'
import type { ResolvedConfig } from '../config/types.js'
import type { AssetCopy } from '../discover/assets.js'
import type { DeckSource } from '../discover/decks.js'
import { encodePath } from '../discover/slug.js'
import { countBySeverity, problemRecord, type Problem } from '../problems.js'
import type { RenderedDeck } from '../render/deck.js'
import { KATEX_FONT_DIR, TWEMOJI_DIR } from '../render/refs.js'
import type { DeckSummary, PageAssets, SiteData } from '../template/data.js'
import type { Templates } from '../template/engine.js'
import { serializeManifest, type ManifestDeck } from './manifest.js'
import type { Staging } from './outdir.js'
import { relativize, relativeUrl, rootedTargets, rootPrefix } from './relativize.js'
import { settingFor } from '../rules.js'
import { inlinePage } from './inline.js'
import { contentHash } from '../hash.js'
import { katexFonts, marpBrowserScript, runtimeFiles, twemojiFile } from './shared.js'

export type DeckOutcome =
  | { readonly kind: 'rendered'; readonly deck: RenderedDeck; readonly copies: readonly AssetCopy[]; readonly problems: readonly Problem[] }
  | { readonly kind: 'failed'; readonly source: DeckSource; readonly problems: readonly Problem[] }

/** A deck whose page was written and that can be printed. */
export interface PrintableDeck {
  readonly deck: RenderedDeck
  /** Site path of its page (`talks/intro/index.html`). */
  readonly page: string
  /** Site path its PDF gets (`talks/intro/intro.pdf`). */
  readonly pdf: string
  /** Hash of everything the printed PDF depends on in the site: page, CSS, files. */
  readonly contentKey: string
}

export interface WrittenPages {
  readonly printable: readonly PrintableDeck[]
  /** Writes the index and the manifest, given the PDFs that were made; rewrites pages that lost theirs. */
  finish(pdfs: ReadonlyMap<string, string>, extraProblems: ReadonlyMap<string, readonly Problem[]>): Promise<WrittenSite>
}

/**
 * What each deck's pages were made from (a digest of every value the templates were given) and the
 * files as written, so that the next build can reuse a page whose inputs have not changed.
 */
export type PageRecords = Readonly<Record<string, { readonly key: string; readonly files: Readonly<Record<string, string>> }>>

export interface WrittenSite {
  readonly decks: readonly ManifestDeck[]
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

const CSS_DIR = '_assets/css'
const JS_DIR = '_assets/js'

export interface SiteWriterOptions {
  config: ResolvedConfig
  staging: Staging
  templates: Templates
  generator: string
  withPdf: boolean
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
  const { config, staging, templates, generator, signal, withPdf, templatesKey } = options
  const records: Record<string, { key: string; files: Record<string, string> }> = {}
  let rendered = 0
  const limit = pLimit(16)
  let pending: Promise<void>[] = []
  // Failures are reported by settle(), which may come long after (decks are still rendering), so
  // each write is marked handled at once.
  const queue = (work: () => Promise<void>) => {
    const done = limit(work)
    done.catch(() => undefined)
    pending.push(done)
  }
  const write = (sitePath: string, data: string | Uint8Array) => queue(() => staging.write(sitePath, data))
  const writeHashed = (sitePath: string, data: string | Uint8Array) => queue(() => staging.writeHashed(sitePath, data))
  const copy = (from: string, sitePath: string) => queue(() => staging.copy(from, sitePath))
  // Settle every write before reporting the first failure, so none is left running.
  const settle = async () => {
    const results = await Promise.allSettled(pending)
    pending = []
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed) throw failed.reason
  }

  const site: SiteData = { title: config.title, description: config.description, lang: config.lang, baseUrl: config.baseUrl, generator }

  const script = await marpBrowserScript()
  const scriptPath = `${JS_DIR}/marp-core.${contentHash(script)}.js`
  writeHashed(scriptPath, script)
  const runtime = await runtimeFiles(PACKAGE_DIR)
  const runtimeJs = `${JS_DIR}/runtime.${contentHash(runtime.js)}.js`
  const runtimeCss = `${CSS_DIR}/runtime.${contentHash(runtime.css)}.css`
  // Written with the first page that needs them.
  let runtimeWritten = false

  // KaTeX's font files, listed once for the copies and for self-contained pages.
  let fontList: ReturnType<typeof katexFonts> | undefined
  const fonts = () => (fontList ??= katexFonts())
  // What a self-contained page (`singleFile`) puts inside itself, by site path.
  const sources = new Map<string, () => Promise<Uint8Array | string | undefined>>([
    [scriptPath, async () => script],
    [runtimeJs, async () => runtime.js],
    [runtimeCss, async () => runtime.css],
  ])
  const siteFile = async (sitePath: string) => {
    const known = sources.get(sitePath)
    if (known) return known()
    if (sitePath.startsWith(KATEX_FONT_DIR)) {
      const font = (await fonts()).find((f) => `${KATEX_FONT_DIR}${f.name}` === sitePath)
      return font && readFile(font.file)
    }
    const emojiFile = sitePath.startsWith(TWEMOJI_DIR) ? twemojiFile(path.posix.basename(sitePath)) : undefined
    return emojiFile === undefined ? undefined : readFile(emojiFile)
  }
  const cssFiles = new Set<string>()
  const emoji = new Set<string>()
  let needsKatex = false
  // By the decks' order, whichever order their renders arrive in.
  const entries: ({ manifest: ManifestDeck; summary: DeckSummary; problems: readonly Problem[]; kept: boolean } | undefined)[] = []
  const printables: (PrintableDeck | undefined)[] = []
  const rewrite = new Map<string, (pdf: string | undefined) => Promise<string>>()
  const previous = new Map((staging.previous?.decks ?? []).map((d) => [d.source, d]))

  async function add(outcome: DeckOutcome, order: number): Promise<void> {
    signal?.throwIfAborted()
    if (outcome.kind === 'failed') {
      const before = previous.get(outcome.source.source)
      // Decks nested in its folder (`talks` and `talks/intro`) are not part of its page: each is made,
      // kept or removed on its own.
      const nested = before ? [...previous.values()].map((d) => d.slug).filter((slug) => slug.startsWith(`${before.slug}/`)) : []
      if (before && before.slug === outcome.source.slug && (await staging.carryOver(before.slug, nested))) {
        entries[order] = { manifest: before, summary: summaryFromManifest(before, outcome.problems), problems: outcome.problems, kept: true }
      }
      return
    }
    if (!runtimeWritten) {
      runtimeWritten = true
      writeHashed(runtimeJs, runtime.js)
      writeHashed(runtimeCss, runtime.css)
    }

    const { deck } = outcome
    const pageDir = deck.slug
    const derived = derive(deck)
    const { cssPath } = derived
    sources.set(cssPath, async () => derived.css)
    for (const asset of outcome.copies) sources.set(asset.target, () => readFile(asset.from))
    if (!cssFiles.has(cssPath)) {
      cssFiles.add(cssPath)
      writeHashed(cssPath, derived.css)
    }
    needsKatex ||= derived.katex
    for (const target of derived.emoji) emoji.add(target)

    const pdfPath = `${deck.slug}/${deck.slug.split('/').pop() ?? 'deck'}.pdf`
    const from = encodePath(pageDir)
    const page = (withRuntime: boolean): PageAssets => ({
      root: rootPrefix(pageDir),
      indexHref: relativeUrl(from, 'index.html'),
      css: [cssPath, ...(withRuntime ? [runtimeCss] : [])].map((p) => relativeUrl(from, p)),
      scripts: [scriptPath, ...(withRuntime ? [runtimeJs] : [])].map((p) => relativeUrl(from, p)),
    })
    const summary = summarize(deck, outcome.problems)
    const deckPageData = (pdf: string | undefined) => {
      const pdfHref = pdf === undefined ? undefined : encodePath(pdf)
      const runtimeData = {
        slug: deck.slug,
        source: deck.source,
        title: deck.meta.title,
        notes: deck.notes,
        indexHref: relativeUrl(from, 'index.html'),
        pdfHref: pdfHref && relativeUrl(from, pdfHref),
        // For the dev server's live client, which measures overflow in the author's browser.
        overflow: settingFor('overflow', config.rules, deck.meta.rules),
      }
      const deckData = { ...summary, pdfHref, lang: deck.meta.lang ?? config.lang, dataJson: scriptJson(runtimeData) }
      return { site, deck: deckData, slides: derived.slides(), page: page(true) }
    }
    const renderPage = (pdf: string | undefined) => templates.deckPage(deckPageData(pdf))
    rewrite.set(deck.slug, renderPage)
    const thumbData = () => ({ site, deck: summary, slide: derived.slides()[0], page: page(false) })
    const pagePaths = [`${pageDir}/index.html`, `${pageDir}/thumb.html`] as const
    // Everything the two pages are made from: the deck's content (by its digest), and the rest as is.
    const key =
      templatesKey === undefined
        ? undefined
        : contentHash(JSON.stringify([templatesKey, generator, derived.content, site, summary, config.lang, config.rules, config.singleFile, withPdf ? pdfPath : null, page(true), page(false)]))
    const before = key === undefined ? undefined : options.previous?.[deck.slug]
    const makePages = async (): Promise<string> => {
      let html = await renderPage(withPdf ? pdfPath : undefined)
      if (config.singleFile) html = await inlinePage(html, pageDir, siteFile)
      rendered += 1
      await Promise.all([staging.write(pagePaths[0], html), staging.write(pagePaths[1], await templates.thumbPage(thumbData()))])
      return html
    }
    // With a key, the page is made or reused alongside the other decks' pages; without, made now.
    let html: string | undefined
    if (key === undefined) html = await makePages()
    else {
      const record = { key, files: {} as Record<string, string> }
      records[deck.slug] = record
      queue(async () => {
        if (before?.key === key && (await reuseAll(staging, pagePaths, before.files))) record.files = { ...before.files }
        else await makePages()
      })
    }
    for (const asset of outcome.copies) copy(asset.from, asset.target)

    entries[order] = {
      manifest: {
        slug: deck.slug,
        source: deck.source,
        title: deck.meta.title,
        description: deck.meta.description,
        slides: deck.slides.length,
        html: `${deck.slug}/index.html`,
        pdf: null,
        problems: [],
      },
      summary,
      problems: outcome.problems,
      kept: false,
    }
    if (withPdf) {
      const files = await Promise.all(outcome.copies.map(async (c) => `${c.target}:${contentHash(await readFile(c.from))}`))
      // `key` stands for the page (same key, same page), whether it was made or reused.
      printables[order] = { deck, page: `${deck.slug}/index.html`, pdf: pdfPath, contentKey: contentHash([generator, key ?? html ?? '', derived.css, ...files].join('\n')) }
    }
  }

  async function close(): Promise<WrittenPages> {
    if (needsKatex) for (const font of await fonts()) copy(font.file, `${KATEX_FONT_DIR}${font.name}`)
    for (const target of emoji) {
      const file = twemojiFile(path.posix.basename(target))
      if (file) copy(file, target)
    }
    await settle()
    const printable = printables.filter((p) => p !== undefined)

    return {
      printable,
      async finish(pdfs, extraProblems) {
        const decks: ManifestDeck[] = []
        const summaries: DeckSummary[] = []
        for (const entry of entries) {
          if (!entry) continue
          const slug = entry.manifest.slug
          const problems = [...entry.problems, ...(extraProblems.get(slug) ?? [])]
          const pdf = entry.kept ? entry.manifest.pdf : (pdfs.get(slug) ?? null)
          if (!entry.kept && withPdf && pdf === null) {
            // Printing failed: this page must not link a PDF that does not exist.
            const renderPage = rewrite.get(slug)
            if (renderPage) write(`${slug}/index.html`, await renderPage(undefined))
            // Not the page its key describes: the next build must make it again.
            delete records[slug]
          }
          decks.push({ ...entry.manifest, pdf, problems: problems.map((p) => problemRecord(slug, p)) })
          const { errors, warnings } = countBySeverity(problems)
          summaries.push({ ...entry.summary, pdfHref: pdf === null ? undefined : encodePath(pdf), errors, warnings })
        }
        const listed = sortForIndex(summaries.filter((s) => !s.draft))
        const indexData = { site, decks: listed, page: { root: '', indexHref: 'index.html', css: [], scripts: [] } }
        const indexKey = templatesKey === undefined ? undefined : contentHash(JSON.stringify([templatesKey, generator, indexData]))
        const { previousIndex } = options
        const indexReused = indexKey !== undefined && previousIndex?.key === indexKey && (await staging.reuse('index.html', previousIndex.state))
        if (!indexReused) write('index.html', await templates.indexPage(indexData))
        write('manifest.json', serializeManifest({ generator, decks }))
        await settle()
        // Pages made this time are recorded as written; reused ones kept their record.
        await Promise.all(
          Object.entries(records).map(async ([slug, record]) => {
            if (Object.keys(record.files).length > 0) return
            for (const name of ['index.html', 'thumb.html']) {
              const state = await staging.stateOf(`${slug}/${name}`)
              if (state !== undefined) record.files[`${slug}/${name}`] = state
            }
          }),
        )
        const indexState = indexKey === undefined ? undefined : await staging.stateOf('index.html')
        const index = indexKey !== undefined && indexState !== undefined ? { key: indexKey, state: indexState } : undefined
        return { decks, kept: entries.flatMap((e) => (e?.kept ? [e.manifest.source] : [])), pages: records, rendered, index }
      },
    }
  }

  return { add, close }
}

/** What the pages of a deck need from its render, worked out once per render (dev reuses renders). */
interface Derived {
  /** The deck's CSS with site-relative URLs, and where it is written. */
  readonly css: string
  readonly cssPath: string
  readonly katex: boolean
  readonly emoji: readonly string[]
  /** Digest of everything of the deck the templates show. */
  readonly content: string
  slides(): readonly { number: number; html: string; notes: string }[]
}

const derivedOf = new WeakMap<RenderedDeck, Derived>()

function derive(deck: RenderedDeck): Derived {
  let derived = derivedOf.get(deck)
  if (derived) return derived
  const css = relativize(deck.css, CSS_DIR)
  const emoji = new Set<string>()
  for (const slide of deck.slides) for (const target of rootedTargets(slide)) if (target.startsWith(TWEMOJI_DIR)) emoji.add(target)
  let slides: { number: number; html: string; notes: string }[] | undefined
  derived = {
    css,
    cssPath: `${CSS_DIR}/${contentHash(css)}.css`,
    katex: rootedTargets(deck.css).some((t) => t.startsWith(KATEX_FONT_DIR)),
    emoji: [...emoji],
    content: contentHash(JSON.stringify([deck.slug, deck.source, deck.slides, deck.notes, deck.meta])),
    slides: () => (slides ??= deck.slides.map((html, i) => ({ number: i + 1, html: relativize(html, deck.slug), notes: deck.notes[i] ?? '' }))),
  }
  derivedOf.set(deck, derived)
  return derived
}

/** Reuses every one of `paths` from the previous site, or none. */
async function reuseAll(staging: Staging, paths: readonly string[], files: Readonly<Record<string, string>>): Promise<boolean> {
  for (const sitePath of paths) {
    const expected = files[sitePath]
    if (expected === undefined || !(await staging.reuse(sitePath, expected))) return false
  }
  return true
}

/** JSON that is safe inside `<script type="application/json">`: no `</script>` or `<!--` can end it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')
}

function summarize(deck: RenderedDeck, problems: readonly Problem[]): DeckSummary {
  const { errors, warnings } = countBySeverity(problems)
  const href = encodePath(deck.slug)
  return {
    slug: deck.slug,
    source: deck.source,
    title: deck.meta.title,
    description: deck.meta.description,
    author: deck.meta.author,
    date: deck.meta.date,
    tags: deck.meta.tags,
    slides: deck.slides.length,
    draft: deck.meta.draft,
    href: `${href}/index.html`,
    pdfHref: undefined,
    thumbHref: `${href}/thumb.html`,
    width: deck.meta.width,
    height: deck.meta.height,
    errors,
    warnings,
  }
}

function summaryFromManifest(entry: ManifestDeck, problems: readonly Problem[]): DeckSummary {
  const { errors, warnings } = countBySeverity(problems)
  const href = encodePath(entry.slug)
  return {
    slug: entry.slug,
    source: entry.source,
    title: entry.title,
    description: entry.description,
    author: undefined,
    date: undefined,
    tags: [],
    slides: entry.slides,
    draft: false,
    href: `${href}/index.html`,
    pdfHref: entry.pdf === null ? undefined : encodePath(entry.pdf),
    thumbHref: `${href}/thumb.html`,
    width: 1280,
    height: 720,
    errors,
    warnings,
  }
}

/** Dated decks first, newest first; then the rest in source order. */
function sortForIndex(decks: DeckSummary[]): DeckSummary[] {
  const dated = decks.filter((d) => d.date !== undefined).sort((a, b) => ((a.date ?? '') < (b.date ?? '') ? 1 : (a.date ?? '') > (b.date ?? '') ? -1 : 0))
  return [...dated, ...decks.filter((d) => d.date === undefined)]
}
