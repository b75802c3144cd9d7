import { performance } from 'node:perf_hooks'
import pLimit from 'p-limit'
import type { ResolvedConfig } from './config/types.js'
import { createAssetChecker } from './discover/assets.js'
import { discoverDecks, readDeck } from './discover/decks.js'
import { discoverThemes } from './discover/themes.js'
import type { Problem } from './problems.js'
import { createEngine } from './render/engine.js'
import type { RenderResult } from './render/deck.js'
import { createRenderPool, type RenderPool } from './render/pool.js'
import type { WorkerSetup } from './render/worker.js'
import { contentHash } from './write/shared.js'
import { loadTemplates } from './template/engine.js'
import { GENERATOR } from './version.js'
import type { ManifestDeck } from './write/manifest.js'
import { openStaging } from './write/outdir.js'
import { writePages, type DeckOutcome } from './write/site.js'
import { findBrowser, INSTALL_HINT, type FoundBrowser } from './pdf/browser.js'
import { MarpSiteError } from './errors.js'

export interface BuildOptions {
  /** Aborting stops the build and leaves the previous site as it was. */
  readonly signal?: AbortSignal
  /** Called after each deck is rendered. */
  readonly onDeck?: (event: { done: number; total: number; source: string }) => void
  /** Called after each deck's PDF is made. */
  readonly onPdf?: (event: { done: number; total: number; source: string }) => void
  /** Where to look for a browser when none is configured (default: the usual install locations). */
  readonly browserCandidates?: readonly string[]
  /** Environment for `CHROME_PATH` (default: process.env). */
  readonly env?: NodeJS.ProcessEnv
  /** Kept between builds by `dev`: warm render workers and the renders of unchanged decks. */
  readonly session?: BuildSession
}

/**
 * What a series of builds can share. The pool is replaced when what the workers were started with
 * (themes, marp options, time limit) changes; renders are reused only for the very same input.
 */
export class BuildSession {
  private pool: RenderPool | undefined
  private poolKey = ''
  readonly renders = new Map<string, RenderResult>()

  poolFor(setup: WorkerSetup, timeoutMs: number): RenderPool {
    const key = contentHash(JSON.stringify([setup, timeoutMs]))
    if (this.pool && key === this.poolKey) return this.pool
    void this.pool?.close()
    this.renders.clear()
    this.pool = createRenderPool(setup, { timeoutMs })
    this.poolKey = key
    return this.pool
  }

  async close(): Promise<void> {
    await this.pool?.close()
    this.pool = undefined
  }
}

export interface BuildResult {
  readonly outDir: string
  /** Decks found in the slides dir, built or not. */
  readonly found: number
  readonly decks: readonly ManifestDeck[]
  /** Every problem: per deck, per theme, and decks that could not be listed. */
  readonly problems: readonly Problem[]
  readonly slides: number
  /** Sources of decks that failed and kept their previous page. */
  readonly kept: readonly string[]
  /** Site-wide messages (no browser for PDFs, ...), not tied to a deck. */
  readonly notices: readonly string[]
  readonly pdf: { readonly printed: number; readonly reused: number; readonly browser: string | undefined }
  readonly durationMs: number
}

/**
 * The pipeline: config (already resolved) → discover → render → template → write.
 * Deck problems do not stop it; a broken template, config or out dir does (nothing is written then).
 */
export async function build(config: ResolvedConfig, options: BuildOptions = {}): Promise<BuildResult> {
  const started = performance.now()
  const themes = await discoverThemes(config.root, config.themesDir, config.builtin.themesDir)
  // Workers start loading marp-core now, while this thread checks the themes and templates.
  const setup: WorkerSetup = { themes: themes.themes, defaultTheme: config.theme, marp: config.marp }
  const pool = options.session?.poolFor(setup, config.renderTimeoutMs) ?? createRenderPool(setup, { timeoutMs: config.renderTimeoutMs })
  try {
    return await buildWith(config, options, themes, pool, started)
  } finally {
    if (!options.session) await pool.close().catch(() => undefined)
  }
}

async function buildWith(
  config: ResolvedConfig,
  options: BuildOptions,
  themes: Awaited<ReturnType<typeof discoverThemes>>,
  pool: RenderPool,
  started: number,
): Promise<BuildResult> {
  const { signal } = options
  // This thread's engine only checks the themes (and the config's default theme) before anything is written.
  const engine = createEngine({ themes: themes.themes, defaultTheme: config.theme, marp: config.marp })
  const templates = await loadTemplates({ root: config.root, dirs: [config.templatesDir, config.builtin.templatesDir] })
  const found = await discoverDecks(config.root, config.slidesDir)
  const notices: string[] = []
  let browser: FoundBrowser | undefined
  if (config.pdf.mode !== 'off') {
    browser = await findBrowser(config.pdf.browserPath, options.env ?? process.env, options.browserCandidates)
    if (!browser && config.pdf.mode === 'on') {
      throw new MarpSiteError('BROWSER', `PDFs were requested but no browser was found. ${INSTALL_HINT}`)
    }
    if (!browser) notices.push(`No Chromium, Chrome or Edge found, so no PDFs were made. ${INSTALL_HINT}; or pass --no-pdf to skip PDFs quietly.`)
  }
  signal?.throwIfAborted()

  const staging = await openStaging(config.outDir)
  // A session's pool outlives this build; only a pool of our own is stopped on abort.
  const stop = () => void (options.session ? undefined : pool.close())
  signal?.addEventListener('abort', stop)
  // Bounded, so that a site of thousands of decks stays under the open-file limit.
  const reading = pLimit(32)
  try {
    const checkAssets = createAssetChecker(config.root)
    let done = 0
    const outcomes: DeckOutcome[] = await Promise.all(
      found.decks.map(async (source): Promise<DeckOutcome> => {
        const outcome = await renderOne(source)
        done += 1
        options.onDeck?.({ done, total: found.decks.length, source: source.source })
        return outcome
      }),
    )
    async function renderOne(source: (typeof found.decks)[number]): Promise<DeckOutcome> {
      signal?.throwIfAborted()
      const read = await reading(() => readDeck(source))
      if (!read.ok) return { kind: 'failed', source, problems: [read.problem] }
      const input = { markdown: read.text, source: source.source, slug: source.slug }
      const key = options.session && contentHash(JSON.stringify(input))
      const rendered = (key && options.session?.renders.get(key)) || (await pool.render(input))
      if (key && rendered.ok) options.session?.renders.set(key, rendered)
      signal?.throwIfAborted()
      if (!rendered.ok) return { kind: 'failed', source, problems: rendered.problems }
      const assets = await checkAssets(source.source, rendered.deck.refs)
      return { kind: 'rendered', deck: rendered.deck, copies: assets.copies, problems: [...rendered.deck.problems, ...assets.problems].sort(byLine) }
    }
    if (!options.session) await pool.close()
    if (options.session) pruneRenders(options.session, found.decks.length)

    const pages = await writePages({ config, staging, templates, outcomes, generator: GENERATOR, withPdf: browser !== undefined, signal })
    let pdf = { pdfs: new Map<string, string>(), problems: new Map<string, Problem[]>(), printed: 0, reused: 0 }
    if (browser && pages.printable.length > 0) {
      // Loaded only when PDFs are made: HTML-only builds never load the browser driver.
      const { makePdfs } = await import('./pdf/index.js')
      pdf = await makePdfs({
        decks: pages.printable,
        staging,
        outDir: config.outDir,
        pdf: config.pdf,
        browser,
        generator: GENERATOR,
        signal,
        onProgress: options.onPdf && ((done, total, source) => options.onPdf?.({ done, total, source })),
      })
    }
    const written = await pages.finish(pdf.pdfs, pdf.problems)
    signal?.throwIfAborted()
    await staging.commit()

    const problems = [
      ...themes.problems,
      ...engine.problems,
      ...found.problems,
      ...outcomes.flatMap((o) => o.problems),
      ...[...pdf.problems.values()].flat(),
    ]
    return {
      outDir: config.outDir,
      found: found.decks.length,
      decks: written.decks,
      problems,
      slides: outcomes.reduce((n, o) => n + (o.kind === 'rendered' ? o.deck.slides.length : 0), 0),
      kept: written.kept,
      notices,
      pdf: { printed: pdf.printed, reused: pdf.reused, browser: browser?.path },
      durationMs: performance.now() - started,
    }
  } catch (error) {
    await staging.discard()
    throw error
  } finally {
    signal?.removeEventListener('abort', stop)
  }
}

/** Keeps the render cache about the size of the site. */
function pruneRenders(session: BuildSession, decks: number): void {
  const extra = session.renders.size - Math.max(decks * 2, 16)
  if (extra <= 0) return
  let n = 0
  for (const key of session.renders.keys()) {
    if (n++ >= extra) break
    session.renders.delete(key)
  }
}

function byLine(a: Problem, b: Problem): number {
  return (a.line ?? 0) - (b.line ?? 0)
}
