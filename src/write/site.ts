import path from 'node:path'
import pLimit from 'p-limit'
import type { ResolvedConfig } from '../config/types.js'
import type { AssetCopy } from '../discover/assets.js'
import type { DeckSource } from '../discover/decks.js'
import { encodePath } from '../discover/slug.js'
import { countBySeverity, type Problem } from '../problems.js'
import type { RenderedDeck } from '../render/deck.js'
import { KATEX_FONT_DIR, TWEMOJI_DIR } from '../render/engine.js'
import type { DeckSummary, PageAssets, SiteData } from '../template/data.js'
import type { Templates } from '../template/engine.js'
import { manifestProblem, serializeManifest, type ManifestDeck } from './manifest.js'
import type { Staging } from './outdir.js'
import { relativize, relativeUrl, rootedTargets, rootPrefix } from './relativize.js'
import { PACKAGE_DIR } from '../config/resolve.js'
import { contentHash, katexFonts, marpBrowserScript, runtimeFiles, twemojiFile } from './shared.js'

export type DeckOutcome =
  | { readonly kind: 'rendered'; readonly deck: RenderedDeck; readonly copies: readonly AssetCopy[]; readonly problems: readonly Problem[] }
  | { readonly kind: 'failed'; readonly source: DeckSource; readonly problems: readonly Problem[] }

export interface WrittenSite {
  readonly decks: readonly ManifestDeck[]
  /** Decks whose previous page was kept because this build could not render them. */
  readonly kept: readonly string[]
}

const CSS_DIR = '_assets/css'
const JS_DIR = '_assets/js'

/** Writes every page, stylesheet and asset of the site into the staging folder, then the manifest. */
export async function writeSite(options: {
  config: ResolvedConfig
  staging: Staging
  templates: Templates
  outcomes: readonly DeckOutcome[]
  generator: string
  signal?: AbortSignal | undefined
}): Promise<WrittenSite> {
  const { config, staging, templates, outcomes, generator, signal } = options
  const limit = pLimit(16)
  const pending: Promise<void>[] = []
  const write = (sitePath: string, data: string | Uint8Array) => pending.push(limit(() => staging.write(sitePath, data)))
  const copy = (from: string, sitePath: string) => pending.push(limit(() => staging.copy(from, sitePath)))

  const site: SiteData = {
    title: config.title,
    description: config.description,
    lang: config.lang,
    baseUrl: config.baseUrl,
    generator,
  }

  const script = await marpBrowserScript()
  const scriptPath = `${JS_DIR}/marp-core.${contentHash(script)}.js`
  write(scriptPath, script)
  const runtime = await runtimeFiles(PACKAGE_DIR)
  const runtimeJs = `${JS_DIR}/runtime.${contentHash(runtime.js)}.js`
  const runtimeCss = `${CSS_DIR}/runtime.${contentHash(runtime.css)}.css`
  if (outcomes.some((o) => o.kind === 'rendered')) {
    write(runtimeJs, runtime.js)
    write(runtimeCss, runtime.css)
  }

  const cssFiles = new Set<string>()
  const emoji = new Set<string>()
  let needsKatex = false
  const decks: ManifestDeck[] = []
  const summaries: DeckSummary[] = []
  const kept: string[] = []
  const previous = new Map((staging.previous?.decks ?? []).map((d) => [d.source, d]))

  for (const outcome of outcomes) {
    signal?.throwIfAborted()
    if (outcome.kind === 'failed') {
      const before = previous.get(outcome.source.source)
      const problems = outcome.problems.map((p) => manifestProblem(outcome.source.slug, p))
      if (before && before.slug === outcome.source.slug && (await staging.carryOver(before.slug))) {
        kept.push(before.source)
        decks.push({ ...before, problems })
        summaries.push(summaryFromManifest(before, outcome.problems))
      }
      continue
    }

    const { deck } = outcome
    const pageDir = deck.slug
    const css = relativize(deck.css, CSS_DIR)
    const cssPath = `${CSS_DIR}/${contentHash(css)}.css`
    if (!cssFiles.has(cssPath)) {
      cssFiles.add(cssPath)
      write(cssPath, css)
    }
    needsKatex ||= rootedTargets(deck.css).some((t) => t.startsWith(KATEX_FONT_DIR))
    for (const slide of deck.slides) {
      for (const target of rootedTargets(slide)) if (target.startsWith(TWEMOJI_DIR)) emoji.add(target)
    }

    const summary = summarize(deck, outcome.problems)
    summaries.push(summary)
    const from = encodePath(pageDir)
    const page = (withRuntime: boolean): PageAssets => ({
      root: rootPrefix(pageDir),
      indexHref: relativeUrl(from, 'index.html'),
      css: [cssPath, ...(withRuntime ? [runtimeCss] : [])].map((p) => relativeUrl(from, p)),
      scripts: [scriptPath, ...(withRuntime ? [runtimeJs] : [])].map((p) => relativeUrl(from, p)),
    })
    const slides = deck.slides.map((html, i) => ({ number: i + 1, html: relativize(html, pageDir), notes: deck.notes[i] ?? '' }))
    const runtimeData = { title: deck.meta.title, notes: deck.notes, indexHref: relativeUrl(from, 'index.html') }
    const deckData = { ...summary, lang: deck.meta.lang ?? config.lang, dataJson: scriptJson(runtimeData) }
    write(`${pageDir}/index.html`, await templates.deckPage({ site, deck: deckData, slides, page: page(true) }))
    write(`${pageDir}/thumb.html`, await templates.thumbPage({ site, deck: summary, slide: slides[0], page: page(false) }))
    for (const asset of outcome.copies) copy(asset.from, asset.target)

    decks.push({
      slug: deck.slug,
      source: deck.source,
      title: deck.meta.title,
      description: deck.meta.description,
      slides: deck.slides.length,
      html: `${deck.slug}/index.html`,
      pdf: null,
      problems: outcome.problems.map((p) => manifestProblem(deck.slug, p)),
    })
  }

  if (needsKatex) for (const font of await katexFonts()) copy(font.file, `${KATEX_FONT_DIR}${font.name}`)
  for (const target of emoji) {
    const file = twemojiFile(path.posix.basename(target))
    if (file) copy(file, target)
  }

  const listed = sortForIndex(summaries.filter((s) => !s.draft))
  write('index.html', await templates.indexPage({ site, decks: listed, page: { root: '', indexHref: 'index.html', css: [], scripts: [] } }))
  write('manifest.json', serializeManifest({ generator, decks }))

  // Settle every write before reporting the first failure, so none is left running.
  const results = await Promise.allSettled(pending)
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) throw failed.reason
  return { decks, kept }
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
