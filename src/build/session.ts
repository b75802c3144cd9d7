import type { Problem } from '../problems.js'
import type { RenderResult } from '../render/deck.js'
import type { RenderPool } from '../render/pool.js'
import type { EarlyThreads } from '../render/threads.js'
import type { KeyedSetup } from '../render/worker.js'
import type { Templates } from '../template/engine.js'
import type { SiteMemory } from '../write/outdir.js'
import type { IndexRecord } from '../write/site.js'
import { debug } from '../log.js'

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
 * What a series of builds can share (`dev`): warm render workers (kept while the render time limit is
 * the same; the themes and options travel with each task), the renders of unchanged decks, the
 * templates, the theme check and the site the last build left.
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
  /** The site the last build left in the out dir (see write/in-place.ts); taken by the next build. */
  site: { outDir: string; memory: SiteMemory; index: IndexRecord | undefined } | undefined
  private last: (() => Promise<void>) | undefined

  /** `early`: render threads started before the session (its first pool takes them over). */
  constructor(private readonly early?: EarlyThreads) {}

  poolFor(setup: KeyedSetup, timeoutMs: number, threads: number): Promise<RenderPool> {
    // A new engine module needs fresh threads: a module, once loaded, stays in its thread's module cache.
    const key = `${timeoutMs} ${setup.setup.engine?.key ?? ''}`
    if (this.pool && key === this.poolKey) return this.pool
    void this.close()
    this.pool = import('../render/pool.js').then(({ createRenderPool }) => createRenderPool(setup, { timeoutMs, threads, started: this.early?.take() }))
    this.poolKey = key
    return this.pool
  }

  /** What to do when the session ends (record the last build's fingerprint); replaces the previous one. */
  onClose(task: (() => Promise<void>) | undefined): void {
    this.last = task
  }

  /** Keeps the renders it remembers about the size of the site. */
  pruneRenders(decks: number): void {
    const extra = this.renders.size - Math.max(decks * 2, 16)
    if (extra <= 0) return
    let n = 0
    for (const key of this.renders.keys()) {
      if (n++ >= extra) break
      this.renders.delete(key)
    }
  }

  async close(): Promise<void> {
    const pool = this.pool
    const last = this.last
    this.pool = undefined
    this.last = undefined
    // The last build's fingerprint is an optimisation for the next run: failing to record it only
    // costs that run a full build.
    const record = last?.().catch((error: unknown) => debug('cache')('the last dev build left no up-to-date stamp: %s', error))
    await Promise.all([(async () => (await pool)?.close())(), record])
  }
}
