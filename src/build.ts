import { availableParallelism } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import pLimit from 'p-limit'
import { Cache } from './cache/store.js'
import { fileState, toolKey, treeContents, treeState } from './cache/fingerprint.js'
import { digest } from './hash.js'
import { PACKAGE_DIR } from './config/resolve.js'
import type { ResolvedConfig } from './config/types.js'
import { createAssetChecker } from './discover/assets.js'
import { discoverDecks, readDeck, type DeckSource } from './discover/decks.js'
import { discoverThemes } from './discover/themes.js'
import type { Problem } from './problems.js'
import type { DeckInput, RenderResult } from './render/deck.js'
import { linkDecks } from './render/links.js'
import type { RenderPool } from './render/pool.js'
import type { KeyedSetup, WorkerSetup } from './render/worker.js'
import { themesByName, themesUsed } from './render/themes.js'
import type { Templates } from './template/engine.js'
import { GENERATOR } from './version.js'
import { applyRules, type RuleSettings } from './rules.js'
import type { ManifestDeck } from './write/manifest.js'
import type { SiteMemory, Staging } from './write/outdir.js'
import { openStaging } from './write/staging.js'
import { openInPlace } from './write/in-place.js'
import { openSiteWriter, type DeckOutcome, type IndexRecord, type PageRecords } from './write/site.js'
import { findBrowser, INSTALL_HINT, type FoundBrowser } from './pdf/browser.js'
import { MarpSiteError } from './errors.js'
import type { EarlyThreads } from './render/threads.js'

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
  /** false: neither use nor record the fingerprint of the out dir (`check` builds into a temp dir). */
  readonly stamp?: boolean
  /** Replaces what identifies marp-site's own code in cache keys (tests). */
  readonly toolKey?: string
  /** Render threads (default: one per core, no more than there are decks to render). */
  readonly threads?: number
  /** Update the out dir file by file instead of swapping in a new one (`dev`'s rebuilds; see openInPlace). */
  readonly inPlace?: boolean
  /** Render threads the caller started early: taken over when decks need rendering, stopped when none do. */
  readonly early?: EarlyThreads
}

/**
 * What a series of builds can share: warm render workers (kept while the render time limit is the
 * same; the themes and options travel with each task), the renders of unchanged decks, the templates.
 */
export class BuildSession {
  private pool: Promise<RenderPool> | undefined
  private poolKey = ''
  readonly renders = new Map<string, RenderEntry>()
  /**
   * Renders that failed (the time limit, memory, an error inside Marpit), by deck text, themes and
   * time limit. A session does not try such a deck again until one of those changes, so that a deck
   * stuck on one of Marpit's slow paths does not hold up every rebuild for the whole time limit.
   */
  readonly failed = new Map<string, RenderResult>()
  /** The parsed templates, under the digest of their files. */
  templates: { key: string; templates: Templates } | undefined
  /** What checking the themes found, under the setup's key (themes, default theme, options). */
  themeCheck: { key: string; problems: readonly Problem[] } | undefined
  /** The site the last build left in the out dir (see openInPlace); taken by the next build. */
  site: { outDir: string; memory: SiteMemory; index: IndexRecord | undefined } | undefined

  /** `early`: render threads started before the session (its first pool takes them over). */
  constructor(private readonly early?: EarlyThreads) {}

  poolFor(setup: KeyedSetup, timeoutMs: number, threads: number): Promise<RenderPool> {
    const key = String(timeoutMs)
    if (this.pool && key === this.poolKey) return this.pool
    void this.close()
    this.pool = import('./render/pool.js').then(({ createRenderPool }) => createRenderPool(setup, { timeoutMs, threads, started: this.early?.take() }))
    this.poolKey = key
    return this.pool
  }

  private last: (() => Promise<void>) | undefined

  /** What to do when the session ends (record the last build's fingerprint); replaces the previous one. */
  onClose(task: (() => Promise<void>) | undefined): void {
    this.last = task
  }

  async close(): Promise<void> {
    const pool = this.pool
    const last = this.last
    this.pool = undefined
    this.last = undefined
    await Promise.all([(async () => (await pool)?.close())(), last?.().catch(() => undefined)])
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
  /** Each deck's own rule switches (front-matter `rules`), by source, for decks that have some. */
  readonly deckRules: Readonly<Record<string, RuleSettings>>
  /** Nothing had changed since the last build of this out dir, so nothing was done. */
  readonly upToDate: boolean
  /** Decks rendered by this build (the others came from the cache). */
  readonly rendered: number
  readonly durationMs: number
}

/**
 * The pipeline: config (already resolved) → discover → render → template → write.
 * Deck problems do not stop it; a broken template, config or out dir does (nothing is written then).
 *
 * With a cache dir, a build whose every input is unchanged since the last build of the same out dir
 * (decks, themes, templates, config, the assets decks link, marp-site itself) and whose out dir is
 * as that build left it, does nothing and reports that build's result; otherwise only decks whose
 * render is not in the cache are rendered, and render workers start only when there are such decks.
 */
export async function build(config: ResolvedConfig, options: BuildOptions = {}): Promise<BuildResult> {
  const started = performance.now()
  const { signal } = options
  const cache = config.cacheDir === undefined ? undefined : new Cache(config.cacheDir)
  const themes = await discoverThemes(config.root, config.themesDir, config.builtin.themesDir)
  const listed = await discoverDecks(config.root, config.slidesDir)
  const notices: string[] = []
  let browser: FoundBrowser | undefined
  if (config.pdf.mode !== 'off') {
    browser = await findBrowser(config.pdf.browserPath, options.env ?? process.env, options.browserCandidates)
    if (!browser && config.pdf.mode === 'on') {
      throw new MarpSiteError('BROWSER', `PDFs were requested but no browser was found. ${INSTALL_HINT}`)
    }
    if (!browser) notices.push(`No Chromium, Chrome or Edge found, so no PDFs were made. ${INSTALL_HINT}; or pass --no-pdf to skip PDFs quietly.`)
  }
  // Bounded, so that a site of thousands of decks stays under the open-file limit.
  const reading = pLimit(32)
  const read = await Promise.all(listed.decks.map((source) => reading(() => readDeck(source))))
  signal?.throwIfAborted()
  // A deck deleted or renamed between listing and reading (a checkout, an editor's save) is no longer
  // a deck: left out as if it had not been listed (its new name, if any, is the next build's).
  const here = read.map((r) => r.ok || !r.gone)
  const found = { ...listed, decks: listed.decks.filter((_, i) => here[i]) }
  const reads = read.filter((_, i) => here[i])

  const setup: WorkerSetup = { themes: themes.themes, defaultTheme: config.theme, marp: config.marp }
  const tool = options.toolKey ?? (await toolKey(PACKAGE_DIR, GENERATOR))
  const setupKey = digest(tool, setup)
  const templatesKey = await treeContents([config.templatesDir, config.builtin.templatesDir])
  const inputs = digest(
    setupKey,
    config,
    templatesKey,
    found,
    reads.map((r) => (r.ok ? digest(r.text) : r.problem)),
    browser?.path ?? null,
    (options.env ?? process.env)['SOURCE_DATE_EPOCH'] ?? null,
  )
  const stampKey = digest(config.outDir)
  // A session (dev) never stops at "up to date": its first build loads the templates and the cached
  // renders it keeps for the edits that follow.
  if (cache && options.stamp !== false && !options.session) {
    const stamp = await cache.get<Stamp>('sites', stampKey)
    if (stamp && (await upToDate(stamp, inputs, config.outDir))) {
      void options.early?.close()
      return { ...stamp.result, upToDate: true, rendered: 0, durationMs: performance.now() - started }
    }
  }

  const renders = new RenderQueue(config, setup, setupKey, tool, cache, options.session, options.threads, options.early)
  try {
    const { assets, ...result } = await buildWith(config, options, { themes, found, reads, notices, browser, renders, templatesKey })
    const final: BuildResult = { ...result, durationMs: performance.now() - started }
    // In dev, a render worker is kept warm even when every deck came from the cache, so that the
    // first edit does not wait for one to start (about a second); started now, in the background.
    if (options.session && !renders.started) {
      void options.session.poolFor(renders.keyed, config.renderTimeoutMs, options.threads ?? workersFor(found.decks.length, availableParallelism())).catch(() => undefined)
    }
    if (cache) {
      // A deck stopped by a time limit (render or print) may succeed next time: such a build is never "up to date".
      const stopped = final.problems.some((p) => p.rule === 'render-error' || p.rule === 'pdf-error')
      if (options.stamp !== false && !stopped) {
        const record = async () => {
          const stamp: Stamp = { inputs, assets: await assetStates(config.root, assets), tree: digest(await treeState(config.outDir)), result: withoutTransient(final) }
          await cache.set('sites', stampKey, stamp)
        }
        // In dev, rebuilds follow each other: only the last one's fingerprint is worth the stat calls.
        if (options.session) options.session.onClose(record)
        else await record()
      } else {
        options.session?.onClose(undefined)
      }
      // What printing found is only pruned by a build that printed: an HTML-only build keeps it.
      await Promise.all([cache.prune('renders'), cache.prune('styles'), cache.prune('themes'), ...(browser ? [cache.prune('prints')] : [])])
    }
    return final
  } finally {
    await renders.close()
  }
}

/** The last build of an out dir: what it was built from, and what it reported. */
interface Stamp {
  readonly inputs: string
  /** The local files its decks link, with their state then (see fileState). */
  readonly assets: readonly (readonly [string, string])[]
  /** Digest of every file in the out dir, with size and time, just after the build. */
  readonly tree: string
  readonly result: BuildResult
}

async function upToDate(stamp: Stamp, inputs: string, outDir: string): Promise<boolean> {
  if (stamp.inputs !== inputs) return false
  for (const [file, state] of stamp.assets) if ((await fileState(file)) !== state) return false
  return digest(await treeState(outDir)) === stamp.tree
}

async function assetStates(root: string, sources: ReadonlySet<string>): Promise<[string, string][]> {
  const files = [...sources].sort().map((source) => path.join(root, ...source.split('/')))
  return Promise.all(files.map(async (file): Promise<[string, string]> => [file, await fileState(file)]))
}

function withoutTransient(result: BuildResult): BuildResult {
  return { ...result, upToDate: false, rendered: 0, durationMs: 0, pdf: { ...result.pdf, printed: 0, reused: result.pdf.printed + result.pdf.reused } }
}

/**
 * How many render workers to start for `decks` renders on `cores` cores. A worker costs about a second
 * of CPU before its first deck (loading marp-core and warming it up), and this thread needs a core of
 * its own for templates and writes, so a core is left to it. Measured on 2 cores: one worker is faster
 * for 50 decks (2.4 s against 2.8 s with two), two are faster from a few hundred (500 decks: 8.3 s
 * against 8.7 s).
 */
export function workersFor(decks: number, cores: number): number {
  const spare = Math.max(1, cores - 1)
  const wanted = decks >= 200 ? Math.max(spare, 2) : spare
  return Math.max(1, Math.min(decks, wanted, cores))
}

/**
 * A render as kept between builds: it stands while the themes it used (its theme and the themes that
 * one imports, or all of them when it named an unknown one) are the same.
 */
export interface RenderEntry {
  readonly result: RenderResult
  /** Theme names the render depends on; `*` for the whole set of names. */
  readonly themes: readonly string[]
  /** Digest of those themes' CSS when it was made. */
  readonly themesDigest: string
  /** Digest of the deck's CSS: its `styles` entry in the cache. */
  readonly cssKey?: string
}

/**
 * A render entry as written to the cache: the deck's CSS (most of a render's size, and the same for
 * most decks of a site) is kept once, as a `styles` entry under its digest.
 */
interface StoredRender extends RenderEntry {
  /** The deck's CSS is in the `styles` entry `cssKey` (older entries held it in place). */
  readonly cssStored?: true
}

/**
 * Renders decks: from the dev session's memory, else from the cache, else on worker threads, which
 * are started on the first deck that needs them and sized to the decks that do.
 */
class RenderQueue {
  private pool: Promise<RenderPool> | undefined
  private ownPool = false
  rendered = 0
  readonly keyed: KeyedSetup
  /** Everything a render depends on but the deck and the theme CSS. */
  private readonly baseKey: string
  private readonly themeCss: ReadonlyMap<string, string>

  constructor(
    private readonly config: ResolvedConfig,
    readonly setup: WorkerSetup,
    readonly setupKey: string,
    tool: string,
    readonly cache: Cache | undefined,
    private readonly session: BuildSession | undefined,
    private readonly threads: number | undefined,
    private readonly early: EarlyThreads | undefined,
  ) {
    this.keyed = { key: setupKey, setup }
    this.baseKey = digest(tool, setup.marp, setup.defaultTheme)
    this.themeCss = themesByName(setup)
  }

  keyOf(input: DeckInput): string {
    return digest(this.baseKey, input)
  }

  /** Most decks use the same theme: each set of names is hashed once per build. */
  private readonly digests = new Map<string, string>()

  private themesDigest(names: readonly string[]): string {
    const id = names.join('\0')
    let known = this.digests.get(id)
    if (known === undefined) {
      known = digest(names.map((name) => (name === '*' ? [...this.themeCss.keys()].sort() : (this.themeCss.get(name) ?? null))))
      this.digests.set(id, known)
    }
    return known
  }

  /** Where a session remembers that a render of `input` failed (see BuildSession.failed). */
  private failedKey(input: DeckInput): string {
    return digest(this.keyed.key, this.config.renderTimeoutMs, input)
  }

  async cached(input: DeckInput): Promise<RenderResult | undefined> {
    const failed = this.session?.failed.size ? this.session.failed.get(this.failedKey(input)) : undefined
    if (failed) return failed
    const key = this.keyOf(input)
    const remembered = this.session?.renders.get(key)
    const entry = remembered ?? (await this.stored(key))
    if (!entry || entry.themesDigest !== this.themesDigest(entry.themes)) return undefined
    if (remembered) {
      this.cache?.keep('renders', key)
      if (remembered.cssKey !== undefined) this.cache?.keep('styles', remembered.cssKey)
    } else this.session?.renders.set(key, entry)
    return entry.result
  }

  /** Stylesheets read by this build, by digest. */
  private readonly styles = new Map<string, Promise<string | undefined>>()
  /** Digests of the stylesheets known to be in the cache (read or written by this build). */
  private readonly present = new Set<string>()

  private async stored(key: string): Promise<RenderEntry | undefined> {
    const stored = await this.cache?.get<StoredRender>('renders', key)
    if (!stored?.cssStored || stored.cssKey === undefined || !stored.result.ok) return stored
    const { cssKey } = stored
    let reading = this.styles.get(cssKey)
    if (!reading) this.styles.set(cssKey, (reading = this.cache?.get<string>('styles', cssKey) ?? Promise.resolve(undefined)))
    const css = await reading
    // A missing stylesheet is a miss: the deck renders again.
    if (typeof css !== 'string') return undefined
    this.present.add(cssKey)
    const { cssStored: _, ...entry } = stored
    return { ...entry, result: { ...stored.result, deck: { ...stored.result.deck, css } } }
  }

  private async store(key: string, entry: RenderEntry): Promise<void> {
    if (!this.cache) return
    const { cssKey } = entry
    if (!entry.result.ok || cssKey === undefined) return this.cache.set('renders', key, entry)
    if (this.present.has(cssKey)) this.cache.keep('styles', cssKey)
    else {
      this.present.add(cssKey)
      await this.cache.set('styles', cssKey, entry.result.deck.css)
    }
    const stored: StoredRender = { ...entry, result: { ...entry.result, deck: { ...entry.result.deck, css: '' } }, cssStored: true }
    await this.cache.set('renders', key, stored)
  }

  /** Starts the render workers (sized to the `expected` decks to render) if they are not running. */
  start(expected: number): Promise<RenderPool> {
    // One pool for every deck of the build: made once, awaited by every deck.
    this.pool ??= this.session
      ? this.session.poolFor(this.keyed, this.config.renderTimeoutMs, this.threads ?? workersFor(expected, availableParallelism()))
      : import('./render/pool.js').then(({ createRenderPool }) => {
          this.ownPool = true
          return createRenderPool(this.keyed, {
            timeoutMs: this.config.renderTimeoutMs,
            threads: this.threads ?? workersFor(expected, availableParallelism()),
            started: this.early?.take(),
          })
        })
    return this.pool
  }

  get started(): boolean {
    return this.pool !== undefined
  }

  async render(input: DeckInput): Promise<RenderResult> {
    const result = await (await this.start(1)).render(input, this.keyed)
    this.rendered += 1
    const key = this.keyOf(input)
    // A render that was stopped (time limit, memory) says nothing about the next build's try; a
    // session remembers it for as long as the deck and its setup stay the same (BuildSession.failed).
    const lasting = result.ok || !result.problems.some((p) => p.rule === 'render-error')
    if (lasting) {
      const themes = themesUsed(result, input, this.themeCss)
      const entry: RenderEntry = { result, themes, themesDigest: this.themesDigest(themes), ...(result.ok ? { cssKey: digest(result.deck.css) } : {}) }
      this.session?.renders.set(key, entry)
      await this.store(key, entry)
    } else if (this.session) {
      const { failed } = this.session
      if (failed.size >= 64) failed.delete(failed.keys().next().value as string)
      failed.set(this.failedKey(input), result)
    }
    return result
  }

  /** Stops a pool of this build's own; a session's pool outlives the build. */
  async close(): Promise<void> {
    const pool = this.pool
    if (this.ownPool && pool) await (await pool).close().catch(() => undefined)
    this.ownPool = false
  }
}

async function buildWith(
  config: ResolvedConfig,
  options: BuildOptions,
  found: {
    themes: Awaited<ReturnType<typeof discoverThemes>>
    found: Awaited<ReturnType<typeof discoverDecks>>
    reads: readonly Awaited<ReturnType<typeof readDeck>>[]
    notices: string[]
    browser: FoundBrowser | undefined
    renders: RenderQueue
    templatesKey: string
  },
): Promise<Omit<BuildResult, 'durationMs'> & { assets: ReadonlySet<string> }> {
  const { signal } = options
  const { themes, reads, notices, browser, renders, templatesKey } = found
  // The pages of the last build of this out dir, reused where their inputs are the same.
  const pagesKey = digest('pages', config.outDir)
  const keepPages = renders.cache !== undefined && options.stamp !== false
  const previous = keepPages ? await renders.cache?.get<PageRecords>('pages', pagesKey) : undefined
  const decks = found.found
  const inputs = decks.decks.map((source, i) => {
    const read = reads[i]
    return read?.ok ? { markdown: read.text, source: source.source, slug: source.slug } : undefined
  })
  const fromCache = await Promise.all(inputs.map((input) => (input ? renders.cached(input) : undefined)))
  const toRender = inputs.filter((input, i) => input && !fromCache[i]).length
  // Workers load marp-core while this thread loads the templates.
  if (toRender > 0) void renders.start(toRender)
  // Decks that render again will most likely print again: the browser starts now (its start is the
  // longest wait of a PDF build), while they render. The printer closes it; every other path (nothing
  // to print, an error, Ctrl-C) closes it below. The printer's modules (pdf-lib among them) load
  // meanwhile too.
  const early = browser && toRender > 0 ? import('./pdf/print.js').then((m) => {
    const launched = m.launchPrintBrowser(browser.path, config.pdf.timeoutMs)
    void import('./pdf/index.js').catch(() => undefined)
    return launched
  }) : undefined
  early?.catch(() => undefined)
  const templates = await loadTemplatesOnce(config, templatesKey, options.session).catch(async (error: unknown) => {
    await early?.then((c) => c.close(), () => undefined)
    throw error
  })
  const closeEarly = async () => void (await early?.then((c) => c.close(), () => undefined))

  let themeProblems: readonly Problem[]
  let staging: Staging
  let last: BuildSession['site']
  try {
    // The themes (and the config's default theme) are checked before anything is written.
    themeProblems = await checkThemes(config, renders, options.session)
    signal?.throwIfAborted()
    // Taken, not read: a build that fails half-way leaves the next one to look at the out dir itself.
    const site = options.session?.site
    if (options.session) options.session.site = undefined
    last = site?.outDir === config.outDir ? site : undefined
    staging = await (options.inPlace ? openInPlace(config.outDir, last?.memory) : openStaging(config.outDir))
  } catch (error) {
    await closeEarly()
    throw error
  }
  // A build's own pool is stopped on abort, so that a long render does not hold up Ctrl-C.
  const stop = () => void renders.close()
  signal?.addEventListener('abort', stop)
  try {
    const checkAssets = createAssetChecker(config.root)
    const slugs = new Map(decks.decks.map((d) => [d.source, d.slug]))
    // Each deck's pages are written as soon as its render arrives, while the others render.
    const writer = await openSiteWriter({ config, staging, templates, generator: GENERATOR, withPdf: browser !== undefined, signal, templatesKey, previous, previousIndex: last?.index })
    let done = 0
    const settled = await Promise.allSettled(
      decks.decks.map(async (source, i): Promise<DeckOutcome> => {
        const outcome = await renderOne(source, i)
        await writer.add(outcome, i)
        done += 1
        options.onDeck?.({ done, total: decks.decks.length, source: source.source })
        return outcome
      }),
    )
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed) {
      // Every write settles before the staging folder is thrown away.
      await writer.close().catch(() => undefined)
      throw failed.reason
    }
    const outcomes = settled.map((r) => (r as PromiseFulfilledResult<DeckOutcome>).value)
    async function renderOne(source: DeckSource, i: number): Promise<DeckOutcome> {
      signal?.throwIfAborted()
      const read = reads[i]
      const input = inputs[i]
      if (!read || !read.ok || !input) return { kind: 'failed', source, problems: read && !read.ok ? [read.problem] : [] }
      const rendered = fromCache[i] ?? (await renders.render(input))
      signal?.throwIfAborted()
      if (!rendered.ok) return { kind: 'failed', source, problems: rendered.problems }
      const assets = await checkAssets(source.source, rendered.deck.refs)
      const linked = linkDecks(rendered.deck, slugs)
      const problems = applyRules([...rendered.deck.problems, ...assets.problems, ...linked.problems].sort(byLine), config.rules, rendered.deck.meta.rules)
      return { kind: 'rendered', deck: linked.deck, copies: assets.copies, problems }
    }
    await renders.close()
    if (options.session) pruneRenders(options.session, decks.decks.length)

    const pages = await writer.close()
    let pdf = { pdfs: new Map<string, string>(), problems: new Map<string, Problem[]>(), printed: 0, reused: 0 }
    if (browser && pages.decks.length > 0) {
      // Loaded only when PDFs are made: HTML-only builds never load the browser driver.
      const { makePdfs } = await import('./pdf/index.js')
      pdf = await makePdfs({
        decks: pages.decks,
        staging,
        outDir: config.outDir,
        pdf: config.pdf,
        browser,
        generator: GENERATOR,
        signal,
        cache: renders.cache,
        prelaunched: early,
        baseUrl: config.baseUrl,
        onProgress: options.onPdf && ((done, total, source) => options.onPdf?.({ done, total, source })),
      })
    }
    // Problems found while printing follow the same switches as the deck's others.
    const rulesOf = new Map(outcomes.flatMap((o) => (o.kind === 'rendered' ? [[o.deck.slug, o.deck.meta.rules] as const] : [])))
    for (const [slug, list] of pdf.problems) pdf.problems.set(slug, applyRules(list, config.rules, rulesOf.get(slug)))
    const written = await pages.finish(pdf.pdfs, pdf.problems)
    signal?.throwIfAborted()
    await staging.commit()
    const kept = options.session && staging.remember({ generator: GENERATOR, decks: written.decks })
    if (options.session && kept) options.session.site = { outDir: config.outDir, memory: kept, index: written.index }
    if (keepPages) await renders.cache?.set('pages', pagesKey, written.pages)

    const problems = [
      ...applyRules([...themes.problems, ...themeProblems, ...decks.problems], config.rules),
      ...outcomes.flatMap((o) => o.problems),
      ...[...pdf.problems.values()].flat(),
    ]
    const assets = new Set<string>()
    for (const o of outcomes) if (o.kind === 'rendered') for (const ref of o.deck.refs) assets.add(ref.source)
    return {
      outDir: config.outDir,
      found: decks.decks.length,
      decks: written.decks,
      problems,
      slides: outcomes.reduce((n, o) => n + (o.kind === 'rendered' ? o.deck.slides.length : 0), 0),
      kept: written.kept,
      notices,
      pdf: { printed: pdf.printed, reused: pdf.reused, browser: browser?.path },
      deckRules: Object.fromEntries(outcomes.flatMap((o) => (o.kind === 'rendered' && Object.keys(o.deck.meta.rules).length > 0 ? [[o.deck.source, o.deck.meta.rules]] : []))),
      upToDate: false,
      rendered: renders.rendered,
      assets,
    }
  } catch (error) {
    await staging.discard()
    throw error
  } finally {
    signal?.removeEventListener('abort', stop)
    await closeEarly()
  }
}

/** Parses the templates, or takes them from the session when their files are the same as last time. */
async function loadTemplatesOnce(config: ResolvedConfig, templatesKey: string, session: BuildSession | undefined): Promise<Templates> {
  const key = digest(templatesKey, config.root, config.templatesDir)
  if (session?.templates?.key === key) return session.templates.templates
  const { loadTemplates } = await import('./template/engine.js')
  const templates = await loadTemplates({ root: config.root, dirs: [config.templatesDir, config.builtin.templatesDir] })
  if (session) session.templates = { key, templates }
  return templates
}

/**
 * Theme files marp-core cannot use, and a config theme that is not registered (which throws). The
 * render workers check this when they start; with nothing to render, this thread does, once per
 * set of themes (the outcome is cached).
 */
async function checkThemes(config: ResolvedConfig, renders: RenderQueue, session: BuildSession | undefined): Promise<readonly Problem[]> {
  const key = renders.setupKey
  // In dev, the themes are checked again only when they (or the setup) changed.
  if (session?.themeCheck?.key === key) return session.themeCheck.problems
  const problems = await checkThemesNow(config, renders)
  if (session) session.themeCheck = { key, problems }
  return problems
}

async function checkThemesNow(config: ResolvedConfig, renders: RenderQueue): Promise<readonly Problem[]> {
  const { cache, setupKey: key } = renders
  if (!renders.started) {
    const known = await cache?.get<Problem[]>('themes', key)
    if (known) return known
  }
  let problems: readonly Problem[]
  if (renders.started) {
    problems = await (await renders.start(1)).check(renders.keyed)
  } else {
    const { createEngine } = await import('./render/engine.js')
    problems = createEngine({ themes: renders.setup.themes, defaultTheme: config.theme, marp: config.marp }).problems
  }
  await cache?.set('themes', key, problems)
  return problems
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
